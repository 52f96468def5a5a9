"""Secrets at rest and server-side UI sessions: signing secrets and custom header values encrypted
under PAIRHUB_SECRET_KEY, and the table of signed-in sessions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import context, op

from pairhub.adapters.secret_box import VARIABLE
from pairhub.adapters.sql.migrate import SECRET_BOX
from pairhub.adapters.sql.secret_columns import SecretColumns, reseal_all

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _columns(stored_secrets: int) -> SecretColumns | None:
    box = context.config.attributes.get(SECRET_BOX)
    if box is None and stored_secrets:
        raise RuntimeError(
            f"This migration encrypts the {stored_secrets} stored webhook subscriptions' secrets and needs "
            f"the secret key: run it through `pairhub db upgrade` with {VARIABLE} set (or, on SQLite, "
            "beside its key file)."
        )
    return None if box is None else SecretColumns(box)


def _count_subscriptions() -> int:
    return int(op.get_bind().execute(sa.text("SELECT count(*) FROM subscriptions")).scalar() or 0)


def upgrade() -> None:
    """Create the sessions table, widen the secret columns and encrypt what is stored."""
    op.create_table(
        "ui_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("organization_id", sa.String(36)),
        sa.Column("key_id", sa.String(36)),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_ui_sessions"),
    )
    op.create_index("ix_ui_sessions_key_id", "ui_sessions", ["key_id"])
    op.create_index("ix_ui_sessions_expires_at", "ui_sessions", ["expires_at"])
    # Ciphertext is longer than the 50-character `whsec_` secret it holds.
    with op.batch_alter_table("subscriptions") as table:
        table.alter_column("secret", type_=sa.Text, existing_type=sa.String(100), existing_nullable=False)
        table.alter_column("previous_secret", type_=sa.Text, existing_type=sa.String(100))
    columns = _columns(_count_subscriptions())
    if columns is not None:
        reseal_all(op.get_bind(), columns, plaintext=True, secret_columns=("secret", "previous_secret"))


def downgrade() -> None:
    """Decrypt the secrets back into their columns and drop the sessions table."""
    columns = _columns(_count_subscriptions())
    if columns is not None:
        connection = op.get_bind()
        rows = connection.execute(
            sa.text("SELECT id, secret, previous_secret, custom_headers FROM subscriptions")
        )
        for sub_id, secret, previous, headers in rows.all():
            connection.execute(
                sa.text(
                    "UPDATE subscriptions SET secret = :secret, previous_secret = :previous, "
                    "custom_headers = :headers WHERE id = :id"
                ),
                {
                    "id": sub_id,
                    "secret": columns.open_secret(sub_id, "secret", secret),
                    "previous": None
                    if previous is None
                    else columns.open_secret(sub_id, "previous_secret", previous),
                    "headers": json.dumps(dict(columns.open_headers(sub_id, headers))),
                },
            )
    with op.batch_alter_table("subscriptions") as table:
        table.alter_column("secret", type_=sa.String(100), existing_type=sa.Text, existing_nullable=False)
        table.alter_column("previous_secret", type_=sa.String(100), existing_type=sa.Text)
    op.drop_table("ui_sessions")
