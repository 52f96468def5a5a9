"""The JSON HTTP API under /v1 and the operational endpoints."""
