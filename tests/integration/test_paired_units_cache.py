"""Paired units need no query per message, and an unpairing anywhere is seen by the next message."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.vin import ReportedVin
from pairhub.services.ingest import UnitMessage
from tests.conftest import make_settings
from tests.integration.test_ingest_api import post, statements
from tests.support import Api

UNIT = "tp:890123847562332"
FIRST_VIN = "1HGCM82633A000001"
SECOND_VIN = "1HGCM82633A000002"


def until(condition: Callable[[], bool], within_s: float = 10.0) -> None:
    """Wait for something another thread does (a notification heard); fail when it never happens."""
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.01)


@pytest.fixture
def hearing(container: Container) -> Iterator[Container]:
    """The container listening to other processes' commits (PostgreSQL), its cache live."""
    stop = container.hear_other_processes()
    until(lambda: container.ingest.paired_units.enabled)
    yield container
    stop()


def known_paired(api: Api, container: Container) -> None:
    """Report the paired unit until this process knows it paired.

    A notification of the pairing heard while a request read the unit makes that read untrustworthy,
    so on PostgreSQL the unit may take another message or two to be remembered.
    """
    until(
        lambda: (
            bool(post(api, {"messages": [{"unitId": UNIT, "vin": FIRST_VIN}]}))
            and len(container.ingest.paired_units) == 1
        )
    )


def message(vin: str | None = None) -> UnitMessage:
    return UnitMessage(0, UNIT, vin=None if vin is None else ReportedVin.of(vin))


def test_messages_of_a_known_paired_unit_run_no_query(api: Api, hearing: Container) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_asset(org, vin=FIRST_VIN)
    api.new_unit(org, UNIT)
    post(api, {"messages": [{"unitId": UNIT, "vin": FIRST_VIN}]})
    known_paired(api, hearing)

    with statements(hearing) as seen:
        body = post(api, {"messages": [{"unitId": UNIT, "vin": FIRST_VIN}] * 50}).json()

    assert body == {"accepted": 50, "rejected": [], "moreRejected": 0}
    assert seen == []
    assert len(hearing.ingest.buffer) == 1


def test_a_known_paired_units_activity_is_stored_from_the_decoded_request(
    api: Api, hearing: Container
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_asset(org, vin=FIRST_VIN)
    api.new_unit(org, UNIT)
    post(api, {"messages": [{"unitId": UNIT, "vin": FIRST_VIN}]})
    known_paired(api, hearing)
    hearing.ingest.flush()
    seen_before = api.unit(org, UNIT)["lastSeenAt"]

    with statements(hearing) as seen:
        body = post(
            api,
            {
                "messages": [
                    {"unitId": UNIT, "timestamp": "2025-05-12T22:19:00Z", "vin": " f3a-000001 "},
                    {"unitId": UNIT, "location": {"latitude": 50.869, "longitude": -0.0}},
                    {"unitId": UNIT, "timestamp": "2025-05-12T22:00:00Z", "vin": None},
                    {"unitId": UNIT, "timestamp": "2025-05-12T23:00:00Z"},
                ]
            },
        ).json()
    assert seen == []  # taken without a query, as bare reports
    assert body["accepted"] == 3
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [(3, "invalid_timestamp")]
    assert hearing.ingest.flush() == 1

    state = api.unit(org, UNIT)
    assert state["assetId"] is not None
    assert state["lastSeenAt"] == seen_before  # no message was later than the receipt of the first
    assert state["lastReportedVin"] is None  # the last message reporting a VIN reported none
    assert state["lastLocation"] == {"latitude": 50.869, "longitude": -0.0}


def test_an_unpairing_in_this_process_is_seen_by_the_next_message(api: Api, hearing: Container) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_asset(org, vin=FIRST_VIN)
    second = api.new_asset(org, vin=SECOND_VIN)
    api.new_unit(org, UNIT)
    post(api, {"messages": [{"unitId": UNIT, "vin": FIRST_VIN}]})
    known_paired(api, hearing)

    api.unpair(org, UNIT)
    post(api, {"messages": [{"unitId": UNIT, "vin": SECOND_VIN}]})

    assert api.unit(org, UNIT)["assetId"] == second["id"]


POSTGRES_ONLY = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
"""Other processes are heard only on PostgreSQL (several processes on SQLite run without the cache)."""


@POSTGRES_ONLY
def test_an_unpairing_in_another_process_is_heard_before_it_can_mislead(
    api: Api, hearing: Container, postgres_url_fresh: str, clock: ManualClock
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_asset(org, vin=FIRST_VIN)
    second = api.new_asset(org, vin=SECOND_VIN)
    api.new_unit(org, UNIT)
    post(api, {"messages": [{"unitId": UNIT, "vin": FIRST_VIN}]})
    known_paired(api, hearing)
    cache = hearing.ingest.paired_units
    other = bootstrap.build(make_settings(postgres_url_fresh), clock)  # its own engine and connections
    try:
        other.pairing.unpair(org.id, UNIT)
    finally:
        other.close()

    until(lambda: len(cache) == 0)
    post(api, {"messages": [{"unitId": UNIT, "vin": SECOND_VIN}]})

    assert api.unit(org, UNIT)["assetId"] == second["id"]


@POSTGRES_ONLY
def test_without_its_listener_a_process_trusts_no_cached_pairing(
    api: Api, container: Container, postgres_url_fresh: str
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    api.new_asset(org, vin=FIRST_VIN)
    api.new_unit(org, UNIT)
    stop = container.hear_other_processes()
    until(lambda: container.ingest.paired_units.enabled)
    post(api, {"messages": [{"unitId": UNIT, "vin": FIRST_VIN}]})
    known_paired(api, container)

    stop()

    assert not container.ingest.paired_units.enabled
    assert len(container.ingest.paired_units) == 0
    with statements(container) as seen:
        container.ingest.accept([message(FIRST_VIN)])
    assert "SELECT" in seen
