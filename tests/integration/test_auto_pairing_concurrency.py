"""Two ingest requests for the same unit at once, from two "processes" (containers with their own engines).

The unit row is locked and the rules re-checked before an attempt, so the unit pairs once with one event.
Both requests are held at a barrier after their snapshot query said "attempt", so the race is real.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from pairhub.adapters.sql.tables import pairings
from pairhub.bootstrap import Container
from pairhub.domain.vin import ReportedVin
from pairhub.services.ingest import UnitMessage
from tests.support import Api

VIN = "1HGCM82633A000001"


def hold_before_locking(container: Container, barrier: threading.Barrier) -> None:
    """Make the container's attempts wait for the other process before taking the unit lock."""
    service = container.auto_pairing
    attempt = service.on_messages

    def held(*args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return attempt(*args, **kwargs)

    service.on_messages = held  # type: ignore[method-assign]


def race(containers: list[Container], messages: list[UnitMessage]) -> list[Any]:
    results: list[Any] = []
    failures: list[BaseException] = []

    def ingest(container: Container) -> None:
        try:
            results.append(container.ingest.accept(messages))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=ingest, args=(c,)) for c in containers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    return results


@pytest.mark.parametrize("outcome", ["pair", "not_found"])
def test_two_processes_attempt_the_same_unit_once(
    api: Api, container: Container, other_process: Container, outcome: str
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    if outcome == "pair":
        asset = api.new_asset(org, vin=VIN)
    unit_ids = [f"tp:{n}" for n in range(5)]
    for unit_id in unit_ids:
        api.new_unit(org, unit_id)
    barrier = threading.Barrier(2, timeout=30)
    for c in (container, other_process):
        hold_before_locking(c, barrier)

    for unit_id in unit_ids:
        message = UnitMessage(index=0, unit_id=unit_id, vin=ReportedVin.of(VIN))
        results = race([container, other_process], [message])
        assert [r.accepted for r in results] == [1, 1]

    events = api.feed(org)
    assert sorted(e["eventData"]["unitId"] for e in events) == unit_ids, "one event per unit"
    expected = "AutoPair" if outcome == "pair" else "NotFound"
    assert {e["eventData"]["reason"] for e in events} == {expected}
    with container.database.read() as connection:
        opened = connection.execute(select(func.count()).select_from(pairings)).scalar_one()
    assert opened == (len(unit_ids) if outcome == "pair" else 0)
    if outcome == "pair":
        assert {e["eventData"]["assetId"] for e in events} == {asset["id"]}
