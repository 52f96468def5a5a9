"""In-memory storage: the same protocols as `adapters/sql`, for handler tests that run in milliseconds."""
