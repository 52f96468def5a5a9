"""Asymmetric signatures and OAuth2 towards receivers: the signature algorithm of a subscription and
its client credentials (the client secret in a column of its own).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the signature algorithm (existing subscriptions keep HMAC) and the receiver's credentials."""
    with op.batch_alter_table("subscriptions") as table:
        table.add_column(
            sa.Column("signature_algorithm", sa.String(16), nullable=False, server_default="hmac-sha256")
        )
        table.add_column(sa.Column("auth", sa.Text))
        table.add_column(sa.Column("auth_client_secret", sa.Text))


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("subscriptions") as table:
        table.drop_column("auth_client_secret")
        table.drop_column("auth")
        table.drop_column("signature_algorithm")
