"""Alembic migrations of the pairhub schema."""
