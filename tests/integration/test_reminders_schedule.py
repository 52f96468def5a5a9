"""The NotFound reminder schedule on the ManualClock, on SQLite and PostgreSQL, through the HTTP API."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.assets import vin_columns
from pairhub.adapters.sql.tables import assets
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from pairhub.entrypoints.worker import background_loops
from pairhub.services.auto_pairing import AutoPairing
from pairhub.worker.loops import flush_loop, reminder_loop
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.support import Api, Org

UNIT = "tp:890123847562332"
SENSOR_VIN = "F3A000001"
MATCHING_VIN = "1HGCM8263F3A000001"[-17:]
HOUR = 3600
HERE = {"latitude": 50.869, "longitude": 2.8942}


def run_scheduler(container: Container, clock: ManualClock, hours: float, step_minutes: int = 10) -> None:
    """Let `hours` pass, waking the scheduler every `step_minutes` like the background loop does."""
    for _ in range(round(hours * 60 / step_minutes)):
        clock.advance(step_minutes * 60)
        container.auto_pairing.run_due_reminders(clock.now_ms())


def not_found(api: Api, org: Org, sensor_vin: str = SENSOR_VIN) -> list[dict[str, Any]]:
    return [
        item["eventData"]
        for item in api.feed(org, 2)
        if item["eventData"]["reason"] == "NotFound" and item["eventData"]["sensorVIN"] == sensor_vin
    ]


def waiting_unit(api: Api, unit_id: str = UNIT) -> Org:
    org = api.new_org(autoPairingEnabled=True)
    api.new_unit(org, unit_id)
    assert api.send({"unitId": unit_id, "vin": SENSOR_VIN, "location": HERE})["rejected"] == []
    return org


def hours_after_first(events: list[dict[str, Any]]) -> list[float]:
    times = [datetime.fromisoformat(e["registeredOn"]) for e in events]
    return [(t - times[0]).total_seconds() / HOUR for t in times]


def test_not_found_is_sent_once_then_hourly_for_48_hours(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = waiting_unit(api)

    run_scheduler(container, clock, hours=60)

    events = not_found(api, org)
    assert len(events) == 49
    assert hours_after_first(events) == [float(h) for h in range(49)]
    assert all(e["location"] == HERE for e in events)
    state = api.unit(org, UNIT)["autoPairing"]
    assert (state["state"], state["remindersSent"], state["nextReminderAt"]) == ("notFound", 48, None)


def test_the_asset_appearing_at_hour_five_pairs_at_once_and_stops_the_reminders(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = waiting_unit(api)
    run_scheduler(container, clock, hours=5.5)

    asset = api.new_asset(org, vin=MATCHING_VIN)
    run_scheduler(container, clock, hours=50)

    reasons = [item["eventData"]["reason"] for item in api.feed(org, 2)]
    assert reasons == ["NotFound"] * 6 + ["AutoPair"]
    state = api.unit(org, UNIT)
    assert state["assetId"] == asset["id"]
    assert state["autoPairing"]["nextReminderAt"] is None


def test_a_new_vin_at_hour_seven_stops_the_old_schedule_and_starts_a_new_attempt(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = waiting_unit(api)
    run_scheduler(container, clock, hours=7.5)

    api.send({"unitId": UNIT, "vin": "F3B000002"})
    run_scheduler(container, clock, hours=60)

    assert len(not_found(api, org, SENSOR_VIN)) == 1 + 7
    renewed = not_found(api, org, "F3B000002")
    assert len(renewed) == 49
    assert hours_after_first(renewed) == [float(h) for h in range(49)]


def test_the_schedule_survives_a_restart_at_hour_ten(
    api: Api, container: Container, clock: ManualClock, database_url: str
) -> None:
    org = waiting_unit(api)
    run_scheduler(container, clock, hours=10)
    container.close()

    restarted = bootstrap.build(make_settings(database_url), clock)
    try:
        with TestClient(create_app(restarted)) as client:
            again = Api(client, ADMIN_TOKEN)
            run_scheduler(restarted, clock, hours=50)
            events = not_found(again, org)
    finally:
        restarted.close()

    assert len(events) == 49
    assert hours_after_first(events) == [float(h) for h in range(49)]


@pytest.mark.parametrize("late_ms", [1, 37_000])
def test_a_scheduler_waking_late_after_every_slot_still_sends_the_last_reminder(
    api: Api, container: Container, clock: ManualClock, late_ms: int
) -> None:
    org = waiting_unit(api)
    first_at = clock.now_ms()
    for hour in range(1, 52):
        clock.set(first_at + hour * HOUR * 1000 + late_ms)
        container.auto_pairing.run_due_reminders(clock.now_ms())

    events = not_found(api, org)
    assert len(events) == 1 + 48
    times = [datetime.fromisoformat(e["registeredOn"]) for e in events]
    assert (times[-1] - times[0]) // timedelta(milliseconds=1) == 48 * HOUR * 1000 + late_ms
    state = api.unit(org, UNIT)["autoPairing"]
    assert (state["remindersSent"], state["nextReminderAt"]) == (48, None)


def test_a_late_scheduler_does_not_send_a_burst(api: Api, container: Container, clock: ManualClock) -> None:
    org = waiting_unit(api)
    clock.advance(3.5 * HOUR)
    container.auto_pairing.run_due_reminders(clock.now_ms())
    run_scheduler(container, clock, hours=50, step_minutes=30)

    events = not_found(api, org)
    assert hours_after_first(events)[:3] == [0.0, 3.5, 4.0]
    assert len(events) == 1 + 48 - 2


def test_reminders_stop_on_manual_pairing_deletion_and_switching_auto_pairing_off(
    api: Api, container: Container, clock: ManualClock
) -> None:
    paired_org = waiting_unit(api)
    deleted_org = waiting_unit(api, "tp:2")
    off_org = waiting_unit(api, "tp:3")
    run_scheduler(container, clock, hours=2)

    asset = api.new_asset(paired_org, vin="WDB9634031L738192")
    assert api.pair(paired_org, UNIT, asset["id"]).status_code == 201
    deleted = api.client.delete(f"/v1/organizations/{deleted_org.id}/units/tp:2", headers=deleted_org.headers)
    assert deleted.status_code == 204
    switched = api.client.patch(
        f"/v1/organizations/{off_org.id}", json={"autoPairingEnabled": False}, headers=off_org.headers
    )
    assert switched.status_code == 200
    run_scheduler(container, clock, hours=50)

    for org in (paired_org, deleted_org, off_org):
        assert len(not_found(api, org)) == 3
    off = api.client.get(f"/v1/organizations/{off_org.id}/units/tp:3", headers=off_org.headers).json()
    assert (off["autoPairing"]["state"], off["autoPairing"]["nextReminderAt"]) == ("disabled", None)


def insert_asset_bypassing_the_api(container: Container, org: Org, vin: str) -> str:
    """An asset that appears without the create hook (as a direct bulk load would)."""
    asset_id = str(uuid.uuid4())
    now = container.clock.now_ms()
    with container.database.write() as connection:
        connection.execute(
            insert(assets),
            {
                "id": asset_id,
                "organization_id": org.id,
                "created_at": now,
                "updated_at": now,
                **vin_columns(vin),
            },
        )
    return asset_id


def test_each_reminder_rematches_first_a_single_candidate_pairs(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = waiting_unit(api)
    run_scheduler(container, clock, hours=2.5)
    asset_id = insert_asset_bypassing_the_api(container, org, MATCHING_VIN)

    run_scheduler(container, clock, hours=50)

    events = [item["eventData"] for item in api.feed(org, 2)]
    assert [e["reason"] for e in events] == ["NotFound"] * 3 + ["AutoPair"]
    assert events[-1]["assetId"] == asset_id
    assert events[-1]["location"] == HERE


def test_each_reminder_rematches_first_several_candidates_are_reported_and_stop_it(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = waiting_unit(api)
    run_scheduler(container, clock, hours=2.5)
    ids = sorted(
        insert_asset_bypassing_the_api(container, org, vin)
        for vin in (MATCHING_VIN, "WDB9634031F3A000001"[-17:])
    )

    run_scheduler(container, clock, hours=50)

    events = [item["eventData"] for item in api.feed(org, 2)]
    assert [e["reason"] for e in events] == ["NotFound"] * 3 + ["MultipleMatchFound"]
    assert events[-1]["candidateAssetIds"] == ids
    assert api.unit(org, UNIT)["autoPairing"]["nextReminderAt"] is None


def test_two_schedulers_at_once_send_each_reminder_once(
    api: Api, container: Container, clock: ManualClock, other_process: Container
) -> None:
    org = api.new_org(autoPairingEnabled=True)
    unit_ids = [f"tp:{n}" for n in range(40)]
    for unit_id in unit_ids:
        api.new_unit(org, unit_id)
    api.send(*({"unitId": unit_id, "vin": SENSOR_VIN} for unit_id in unit_ids))
    clock.advance(HOUR)

    schedulers = [
        AutoPairing(c.storage, clock, c.auto_pairing.policy, batch_size=3) for c in (container, other_process)
    ]
    start = threading.Barrier(2, timeout=30)
    handled: list[int] = []

    def run(scheduler: AutoPairing) -> None:
        start.wait()
        handled.append(scheduler.run_due_reminders(clock.now_ms()))

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(handled) == 40
    events = api.feed(org)
    assert len(events) == 80
    per_unit = {unit_id: sum(e["eventData"]["unitId"] == unit_id for e in events) for unit_id in unit_ids}
    assert set(per_unit.values()) == {2}


class StopAfterOneRound(asyncio.Event):
    """A stop event that lets a background loop run exactly one round without waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.set()
        self._checks = 0

    def is_set(self) -> bool:
        self._checks += 1
        return self._checks > 1


def test_the_worker_runs_the_scheduler_and_the_activity_flush() -> None:
    loops = background_loops()
    assert reminder_loop in loops
    assert flush_loop in loops


async def test_the_reminder_loop_sends_due_reminders(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = waiting_unit(api)
    clock.advance(HOUR)

    await reminder_loop(container, StopAfterOneRound())

    assert len(not_found(api, org)) == 2
