"""Migration 0009 renders the events stored before it, as recording renders new ones, on both backends."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.events import record_events
from pairhub.adapters.sql.migrate import alembic_config
from pairhub.contract.render import envelope_json, render_fragment
from pairhub.domain.events import EventType, Location, PairingEvent, Reason, manual_unpair

SUBSCRIPTION = (
    "INSERT INTO subscriptions (id, organization_id, url, event_version, event_names, max_batch_size, "
    "max_wait_ms, custom_headers, state, secret, created_at, updated_at, cursor_seq, events_delivered, "
    "events_failed, events_expired, signature_header) VALUES ('s1', 'o1', 'https://example.com', 1, "
    "'[]', 100, 0, '{}', 'active', 'x', 0, 0, 0, 0, 0, 0, 'X-Signature-256')"
)
EVENT = (
    "INSERT INTO events (organization_id, event_type, reason, unit_id, asset_id, asset_vin, sensor_vin, "
    "candidate_asset_ids, latitude, longitude, registered_at) VALUES ('o1', :type, :reason, :unit, "
    ":asset, :vin, :sensor, :candidates, :lat, :lon, 1747088400007)"
)


def test_0009_renders_the_stored_events_for_each_payload_version(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    multiple = PairingEvent(
        EventType.PAIRED,
        "o1",
        "tp:1",
        1747088400007,
        reason=Reason.MULTIPLE_MATCH_FOUND,
        sensor_vin="WDB96340",
        candidate_asset_ids=("a1", "a2"),
        location=Location(50.869, 2.8942),
    )
    unpaired = manual_unpair("o1", "tp:2", "a3", "WDB9634031L738192", 1747088400007)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
            connection.execute(text("INSERT INTO organizations VALUES ('o1', 'Acme', false, true, 0)"))
            for row in (
                {"type": "unit.paired", "reason": "MultipleMatchFound", "unit": "tp:1", "asset": None}
                | {"vin": None, "sensor": "WDB96340", "candidates": '["a1", "a2"]', "lat": 50.869}
                | {"lon": 2.8942},
                {"type": "unit.unpaired", "reason": None, "unit": "tp:2", "asset": "a3"}
                | {"vin": "WDB9634031L738192", "sensor": None, "candidates": None, "lat": None, "lon": None},
            ):
                connection.execute(text(EVENT), row)
            command.upgrade(config, "head")
            rendered = connection.execute(
                text("SELECT rendered_v1, rendered_v2 FROM events ORDER BY seq")
            ).all()
            connection.execute(text("DELETE FROM events"))
            connection.execute(text("DELETE FROM organizations"))
    finally:
        engine.dispose()

    assert [tuple(row) for row in rendered] == [
        (render_fragment(multiple, 1), render_fragment(multiple, 2)),
        (render_fragment(unpaired, 1), None),
    ]


def test_0009_downgrade_stores_the_bodies_it_rebuilt(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    event = manual_unpair("o1", "tp:2", "a3", "WDB9634031L738192", 1747088400007)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            connection.execute(text("INSERT INTO organizations VALUES ('o1', 'Acme', false, true, 0)"))
            connection.execute(text(SUBSCRIPTION))
            record_events(connection, [event])
            seq = connection.execute(text("SELECT max(seq) FROM events")).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO batches (id, subscription_id, first_seq, last_seq, event_count, "
                    "oldest_event_at, body, created_at, status, attempts, event_version, event_names) "
                    "VALUES ('b1', 's1', :seq, :seq, 1, 0, '', 7, 'pending', 0, 1, '[\"unit.unpaired\"]')"
                ),
                {"seq": seq},
            )
            command.downgrade(config, "0008")
            body = connection.execute(text("SELECT body FROM batches")).scalar_one()
            command.upgrade(config, "head")
            for table in ("batches", "events", "subscriptions", "organizations"):
                connection.execute(text(f"DELETE FROM {table}"))
    finally:
        engine.dispose()

    assert body == envelope_json("b1", "s1", 7_000_000, [render_fragment(event, 1) or ""])
