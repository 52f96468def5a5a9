"""Migration 0008 repairs what redeliveries and the old unpairing text left behind, on both backends."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, text

from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.migrate import alembic_config

SUBSCRIPTION = (
    "INSERT INTO subscriptions (id, organization_id, url, event_version, event_names, max_batch_size, "
    "max_wait_ms, custom_headers, state, secret, created_at, updated_at, cursor_seq, events_delivered, "
    "events_failed, events_expired, signature_header) VALUES ('s1', 'o1', 'https://example.com', 1, "
    "'[]', 100, 0, '{}', 'active', 'x', 0, 0, 0, 9, 4, 1, 'X-Signature-256')"
)


def _batch(connection: Connection, batch_id: str, first: int, count: int, status: str, tries: int) -> None:
    connection.execute(
        text(
            "INSERT INTO batches (id, subscription_id, first_seq, last_seq, event_count, oldest_event_at, "
            "body, created_at, status, attempts) VALUES (:id, 's1', :first, :first, :count, 0, '{}', 0, "
            ":status, :tries)"
        ),
        {"id": batch_id, "first": first, "count": count, "status": status, "tries": tries},
    )


def _attempts(connection: Connection, batch_id: str, *outcomes: str) -> None:
    for outcome in outcomes:
        connection.execute(
            text(
                "INSERT INTO attempts (batch_id, subscription_id, attempted_at, duration_ms, outcome, "
                "worker) VALUES (:batch, 's1', 0, 1, :outcome, 'w')"
            ),
            {"batch": batch_id, "outcome": outcome},
        )


def test_0008_restores_attempt_counts_counters_and_the_unpairing_channel(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0007")
            connection.execute(text("INSERT INTO organizations VALUES ('o1', 'Acme', false, true, 0)"))
            connection.execute(text(SUBSCRIPTION))
            # Redelivered twice after three failures: the batch says 1 attempt, the log holds 5.
            _batch(connection, "b-redelivered", 1, 3, "delivered", 1)
            _attempts(connection, "b-redelivered", "retry", "retry", "failed", "delivered", "leaseLost")
            _attempts(connection, "b-redelivered", "delivered")
            _batch(connection, "b-plain", 2, 2, "failed", 1)
            _attempts(connection, "b-plain", "failed")
            connection.execute(
                text(
                    "INSERT INTO pairings (organization_id, unit_id, asset_id, paired_at, paired_by, "
                    "paired_via, unpaired_at, unpaired_by) VALUES ('o1', 'tp:1', 'a1', 1, 'ManualPair', "
                    "'ui', 2, 'ManualUnpair:ui'), ('o1', 'tp:2', 'a1', 1, 'AutoPair', 'auto', NULL, NULL)"
                )
            )
            command.upgrade(config, "head")
            tries = connection.execute(
                text("SELECT id, attempts, earlier_attempts FROM batches ORDER BY id")
            ).all()
            counters = connection.execute(
                text("SELECT events_delivered, events_failed, events_expired FROM subscriptions")
            ).one()
            ended = connection.execute(
                text("SELECT unit_id, unpaired_by, unpaired_via FROM pairings ORDER BY unit_id")
            ).all()
            connection.execute(text("DELETE FROM pairings"))
            connection.execute(text("DELETE FROM attempts"))
            connection.execute(text("DELETE FROM batches"))
            connection.execute(text("DELETE FROM subscriptions"))
            connection.execute(text("DELETE FROM organizations"))
    finally:
        engine.dispose()

    assert [tuple(row) for row in tries] == [("b-plain", 1, 0), ("b-redelivered", 5, 4)]
    assert tuple(counters) == (3, 2, 1)
    assert [tuple(row) for row in ended] == [("tp:1", "ManualUnpair", "ui"), ("tp:2", None, None)]
