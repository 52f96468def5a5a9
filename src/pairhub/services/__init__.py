"""Use cases: load, ask the domain, save state and outbox in one transaction, commit."""
