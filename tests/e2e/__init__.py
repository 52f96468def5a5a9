"""End-to-end tests: a real pairhub server driven by a real headless browser."""
