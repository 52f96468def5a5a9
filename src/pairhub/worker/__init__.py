"""Background work: webhook delivery as typed stages, and the loops every worker process runs."""
