"""POST /v1/unit-messages on SQLite and PostgreSQL: per-message validation and a write-free steady state."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.worker.loops import flush_loop
from tests.conftest import INGEST_TOKEN
from tests.support import Api

UNIT = "tp:890123847562332"
VIN = "1HGCM82633A000001"
INGEST = {"Authorization": f"Bearer {INGEST_TOKEN}"}


def post(api: Api, body: Any, headers: dict[str, str] | None = None) -> Any:
    return api.client.post("/v1/unit-messages", json=body, headers=headers or INGEST)


@contextmanager
def statements(container: Container) -> Iterator[list[str]]:
    """Every SQL statement the container's engine sends while the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(container.database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(container.database.engine, "before_cursor_execute", record)


WRITES = {"INSERT", "UPDATE", "DELETE"}


def test_each_message_is_validated_on_its_own(api: Api, clock: ManualClock) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_unit(org, UNIT)
    good = {"unitId": UNIT}
    messages: list[Any] = [
        good,
        {"unitId": "tp:999"},
        {"unitId": "not a unit id"},
        {"unitId": UNIT, "timestamp": "yesterday"},
        {"unitId": UNIT, "timestamp": "2025-05-12T22:20:00"},
        {"unitId": UNIT, "timestamp": "1970-01-01T00:00:00Z"},
        {"unitId": UNIT, "timestamp": "2999-01-01T00:00:00Z"},
        {"unitId": UNIT, "location": {"latitude": 90.5, "longitude": 0}},
        {"unitId": UNIT, "location": {"latitude": 0, "longitude": -180.01}},
        {"unitId": UNIT, "location": {"latitude": "50", "longitude": 2}},
        {"unitId": UNIT, "location": {"latitude": 50}},
        {"unitId": UNIT, "vin": 17},
        {"unitId": UNIT, "speed": 80},
        {"vin": VIN},
        "tp:1",
        {"unitId": UNIT, "timestamp": "2025-05-12T22:19:59.123+02:00", "vin": None},
        {"unitId": UNIT, "location": {"latitude": -90, "longitude": 180}},
    ]

    response = post(api, {"messages": messages})

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["accepted"] == 3
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [
        (1, "unknown_unit"),
        (2, "invalid_unit_id"),
        (3, "invalid_timestamp"),
        (4, "invalid_timestamp"),
        (5, "invalid_timestamp"),
        (6, "invalid_timestamp"),
        (7, "invalid_location"),
        (8, "invalid_location"),
        (9, "invalid_location"),
        (10, "invalid_location"),
        (11, "invalid_vin"),
        (12, "unknown_field"),
        (13, "invalid_unit_id"),
        (14, "invalid_message"),
    ]
    assert all(r["detail"] for r in body["rejected"])


def test_the_request_shape_itself_is_strict(api: Api) -> None:
    too_many = post(api, {"messages": [{"unitId": UNIT}] * 1001})
    unknown = post(api, {"messages": [], "source": "gateway"})
    missing = post(api, {})

    assert too_many.status_code == 422
    assert too_many.headers["content-type"] == "application/problem+json"
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_field"
    assert missing.status_code == 422
    assert post(api, {"messages": []}).json() == {"accepted": 0, "rejected": [], "moreRejected": 0}


def test_only_the_ingest_and_admin_tokens_may_post(api: Api) -> None:
    org = api.new_org()
    api.new_unit(org, UNIT)
    body = {"messages": [{"unitId": UNIT}]}

    assert post(api, body).status_code == 202
    assert post(api, body, api.admin).status_code == 202
    assert post(api, body, org.headers).status_code == 403
    assert api.client.post("/v1/unit-messages", json=body).status_code == 401


def test_activity_is_buffered_and_written_by_the_flush(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = api.new_org()
    api.new_unit(org, UNIT)
    post(
        api,
        {
            "messages": [
                {"unitId": UNIT, "timestamp": "2025-05-12T22:19:00Z", "vin": " f3a-000001 "},
                {"unitId": UNIT, "location": {"latitude": 50.869, "longitude": 2.8942}},
                # Older than what was already seen: lastSeenAt does not go back.
                {"unitId": UNIT, "timestamp": "2025-05-12T22:00:00Z"},
            ]
        },
    )
    assert api.unit(org, UNIT)["lastSeenAt"] is None

    assert container.ingest.flush() == 1
    assert container.ingest.flush() == 0

    state = api.unit(org, UNIT)
    assert state["lastSeenAt"] == "2025-05-12T22:20:00.000Z"
    assert state["lastReportedVin"] == " f3a-000001 "
    assert state["lastLocation"] == {"latitude": 50.869, "longitude": 2.8942}
    # A later flush keeps what the newer messages did not report.
    clock.advance(60)
    post(api, {"messages": [{"unitId": UNIT}]})
    container.ingest.flush()
    state = api.unit(org, UNIT)
    assert state["lastSeenAt"] == "2025-05-12T22:21:00.000Z"
    assert state["lastReportedVin"] == " f3a-000001 "
    assert state["lastLocation"] == {"latitude": 50.869, "longitude": 2.8942}


def test_ten_thousand_messages_of_paired_units_write_nothing_per_message(
    api: Api, container: Container, clock: ManualClock
) -> None:
    stop_hearing = container.hear_other_processes()  # PostgreSQL: the paired units cache goes live
    org = api.new_org(autoPairingEnabled=True)
    unit_ids = [f"tp:{n:04d}" for n in range(100)]
    for n, unit_id in enumerate(unit_ids):
        api.new_asset(org, vin=f"1HGCM82633A{n:06d}")
        api.new_unit(org, unit_id)
    paired = post(
        api, {"messages": [{"unitId": u, "vin": f"1HGCM82633A{n:06d}"} for n, u in enumerate(unit_ids)]}
    )
    assert paired.json()["accepted"] == 100
    assert len(api.feed(org)) == 100
    steady = {"messages": [{"unitId": u} for u in unit_ids]}
    # A notification of the pairings heard during a read makes it untrustworthy: read again until known.
    for _ in range(100):
        if len(container.ingest.paired_units) == 100:
            break
        post(api, steady)
    assert len(container.ingest.paired_units) == 100
    container.ingest.flush()

    with statements(container) as seen:
        for request in range(10):
            clock.advance(1)
            messages = [
                {
                    "unitId": unit_ids[(request * 1000 + i) % 100],
                    "vin": f"1HGCM82633A{(request * 1000 + i) % 100:06d}",
                    "location": {"latitude": 50 + i / 1000, "longitude": 2.0},
                }
                for i in range(1000)
            ]
            assert post(api, {"messages": messages}).json() == {
                "accepted": 1000,
                "rejected": [],
                "moreRejected": 0,
            }
        during = list(seen)
        assert container.ingest.flush() == 100
        after = seen[len(during) :]

    assert not WRITES & set(during), during
    assert "SELECT" not in during, "units known to be paired need no query"
    assert [s for s in after if s in WRITES] == ["UPDATE"], "one executemany per flush"
    assert len(api.feed(org)) == 100
    assert api.unit(org, unit_ids[0])["lastLocation"] == {"latitude": 50.9, "longitude": 2.0}
    stop_hearing()


async def test_the_flush_loop_writes_when_stopping(api: Api, container: Container) -> None:
    org = api.new_org()
    api.new_unit(org, UNIT)
    post(api, {"messages": [{"unitId": UNIT}]})
    stopping = asyncio.Event()
    stopping.set()

    await flush_loop(container, stopping)

    assert len(container.ingest.buffer) == 0
    assert api.unit(org, UNIT)["lastSeenAt"] is not None


def test_a_failed_flush_keeps_the_activity_for_the_next_one(
    api: Api, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = api.new_org()
    api.new_unit(org, UNIT)
    post(api, {"messages": [{"unitId": UNIT, "vin": VIN}]})

    def unavailable() -> Any:
        raise ConnectionError("database restarting")

    with monkeypatch.context() as patch:
        patch.setattr(container.storage, "write", unavailable)
        assert container.ingest.flush() == 0
    assert len(container.ingest.buffer) == 1
    assert container.ingest.flush() == 1
    assert api.unit(org, UNIT)["lastReportedVin"] == VIN


def test_partial_vins_of_a_request_pair_with_bulk_writes(api: Api, container: Container) -> None:
    org = api.new_org(autoPairingEnabled=True)
    vins = [f"1HGCM82633A{n:06d}" for n in range(1, 21)]
    assets = [api.new_asset(org, vin=vin) for vin in vins]
    unit_ids = [f"tp:{n:04d}" for n in range(20)]
    for unit_id in unit_ids:
        api.new_unit(org, unit_id)
    # Even units report a truncated VIN (P1), odd ones a typo before the serial (P2).
    reported = [vin[-9:] if n % 2 == 0 else vin[:3] + "X" + vin[4:] for n, vin in enumerate(vins)]

    with statements(container) as seen:
        body = post(
            api, {"messages": [{"unitId": u, "vin": v} for u, v in zip(unit_ids, reported, strict=True)]}
        )

    assert body.json() == {"accepted": 20, "rejected": [], "moreRejected": 0}
    assert [api.unit(org, u)["assetId"] for u in unit_ids] == [asset["id"] for asset in assets]
    assert [e["eventData"]["unitId"] for e in api.feed(org)] == unit_ids
    assert {e["eventData"]["reason"] for e in api.feed(org)} == {"AutoPair"}
    assert seen.count("SAVEPOINT") == 2, "one for the exact VINs, one for the others: none per unit"
