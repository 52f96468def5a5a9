"""The overview's queries and the sorted lists: the same answers on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from pairhub.domain.assets import Asset
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.organizations import Organization
from pairhub.domain.overview import HOUR_MS, AssetOrder, DeliveryBucket, Latency, UnitOrder
from pairhub.domain.subscriptions import Attempt
from pairhub.domain.units import Unit
from pairhub.ports import Storage
from tests.contract.test_delivery_repositories import _batch, _organization, _subscription

START = 100 * HOUR_MS


def _unit(org: Organization, unit_id: str, **changes: object) -> Unit:
    return replace(Unit(unit_id, org.id, 5, S.IDLE), **changes)  # type: ignore[arg-type]


def _pages(read: object, size: int) -> list[str]:
    """Every id of a sorted list, read page by page through the cursor (the last id of a page)."""
    ids: list[str] = []
    after: str | None = None
    while True:
        page = read(after, size)  # type: ignore[operator]
        ids += [item.id for item in page]
        if len(page) < size:
            return ids
        after = page[-1].id


def test_units_are_counted_by_pairing_and_state(storage: Storage, organization: Organization) -> None:
    other = Organization("00000000-0000-0000-0000-000000000002", "Other", True, True, 10)
    asset = Asset("a1", organization.id, None, "Reefer", 1, 1)
    with storage.write() as uow:
        uow.organizations.add(other)
        assert uow.assets.add(asset)
        for number, state in enumerate([S.NOT_FOUND, S.NOT_FOUND, S.INVALID_DATA, S.IDLE]):
            assert uow.units.add(_unit(organization, f"tp:{number}", state=state))
        assert uow.units.add(_unit(organization, "tp:9", state=S.PAIRED, asset_id="a1", paired_at=7))
        assert uow.units.add(_unit(other, "tp:50", state=S.NOT_FOUND))
    with storage.read() as uow:
        assert uow.units.count_by_state(organization.id) == {
            (False, S.NOT_FOUND): 2,
            (False, S.INVALID_DATA): 1,
            (False, S.IDLE): 1,
            (True, S.PAIRED): 1,
        }
        assert uow.units.count_by_state("nobody") == {}


def test_units_sort_by_last_seen_and_by_state_across_pages(
    storage: Storage, organization: Organization
) -> None:
    seen = {"tp:a": 30, "tp:b": None, "tp:c": 50, "tp:d": 30, "tp:e": None, "tp:f": 10}
    states = {"tp:a": S.NOT_FOUND, "tp:b": S.IDLE, "tp:c": S.NOT_FOUND, "tp:d": S.DISABLED}
    with storage.write() as uow:
        for unit_id, at in seen.items():
            state = states.get(unit_id, S.UNKNOWN)
            assert uow.units.add(_unit(organization, unit_id, last_seen_at=at, state=state))
    with storage.read() as uow:

        def by(order: UnitOrder) -> list[str]:
            return _pages(
                lambda after, size: uow.units.search(organization.id, None, None, after, size, order), 2
            )

        # Newest first, ties by id, never seen at the end.
        assert by(UnitOrder.LAST_SEEN) == ["tp:c", "tp:a", "tp:d", "tp:f", "tp:b", "tp:e"]
        assert by(UnitOrder.STATE) == ["tp:d", "tp:b", "tp:a", "tp:c", "tp:e", "tp:f"]
        assert by(UnitOrder.ID) == sorted(seen)
        # The filters still apply to a sorted list.
        waiting = uow.units.search(organization.id, False, "notFound", None, 10, UnitOrder.LAST_SEEN)
        assert [unit.id for unit in waiting] == ["tp:c", "tp:a"]


def test_assets_sort_by_name_vin_and_update_across_pages_and_are_counted(
    storage: Storage, organization: Organization
) -> None:
    rows = [
        Asset("a1", organization.id, "WDB9634031L738192", "bravo", 1, 40),
        Asset("a2", organization.id, None, "Alpha", 1, 10),
        Asset("a3", organization.id, "1HGCM82633A000001", None, 1, 40),
        Asset("a4", organization.id, None, "charlie 2", 1, 90),
        Asset("a5", organization.id, "1HGCM82633A000002", "Charlie 1", 1, 5),
    ]
    with storage.write() as uow:
        for asset in rows:
            assert uow.assets.add(asset)
        assert uow.units.add(_unit(organization, "tp:1", state=S.PAIRED, asset_id="a2", paired_at=3))
    with storage.read() as uow:

        def by(order: AssetOrder) -> list[str]:
            return _pages(
                lambda after, size: uow.assets.search(organization.id, None, None, None, after, size, order),
                2,
            )

        # Names without regard to case, nameless last; VINs by character, without VIN last.
        assert by(AssetOrder.NAME) == ["a2", "a1", "a5", "a4", "a3"]
        assert by(AssetOrder.VIN) == ["a3", "a5", "a1", "a2", "a4"]
        assert by(AssetOrder.UPDATED) == ["a4", "a1", "a3", "a2", "a5"]
        assert uow.assets.count(organization.id, None, None) == 5
        assert uow.assets.count(organization.id, True, None) == 1
        assert uow.assets.count(organization.id, False, "charlie") == 2
        assert uow.assets.count(organization.id, None, "1hgcm") == 2
        assert uow.assets.count("nobody", None, None) == 0
        # The lists name paired assets in one read; another organization's id is left out.
        assert uow.assets.get_many(organization.id, ["a1", "a4", "missing"]) == {"a1": rows[0], "a4": rows[3]}
        assert uow.assets.get_many("nobody", ["a1"]) == {}
        assert uow.assets.get_many(organization.id, []) == {}


def test_attempts_are_summed_per_hour_with_latency_percentiles(storage: Storage) -> None:
    org = _organization(storage)
    sub, other = _subscription(org, 1), _subscription(org, 2)
    big, small, elsewhere = (
        _batch(storage, sub, count=7),
        _batch(storage, sub, count=2),
        _batch(storage, other),
    )

    def attempt(batch: object, at: int, duration: int, outcome: str) -> Attempt:
        return Attempt(batch.id, batch.subscription_id, at, duration, 200, None, None, outcome, "w1")  # type: ignore[attr-defined]

    logged = [
        attempt(big, START - 1, 1, "delivered"),  # before the window
        attempt(big, START, 40, "retry"),
        attempt(big, START + 10, 20, "delivered"),
        attempt(small, START + HOUR_MS - 1, 10, "failed"),
        attempt(small, START + 3 * HOUR_MS, 30, "delivered"),
        attempt(small, START + 3 * HOUR_MS + 5, 50, "onHold"),
        attempt(big, START + 4 * HOUR_MS, 1000, "delivered"),  # at the window's end: outside
        attempt(elsewhere, START + 5, 999, "delivered"),
    ]
    with storage.write() as uow:
        uow.subscriptions.add(sub)
        uow.subscriptions.add(other)
        uow.batches.add_many([big, small, elsewhere])
        uow.attempts.add_many(logged)
    end = START + 4 * HOUR_MS
    with storage.read() as uow:
        assert uow.attempts.per_bucket(sub.id, START, end, HOUR_MS) == {
            START: DeliveryBucket(
                START,
                events_delivered=7,
                attempts_succeeded=1,
                attempts_retried=1,
                attempts_refused=1,
                attempts=3,
            ),
            START + 3 * HOUR_MS: DeliveryBucket(
                START + 3 * HOUR_MS, events_delivered=2, attempts_succeeded=1, attempts_retried=1, attempts=2
            ),
        }
        # Durations 10, 20, 30, 40, 50: the median is the 3rd, the 95th percentile the 5th.
        assert uow.attempts.latency(sub.id, START, end) == Latency(5, 30, 50)
        assert uow.attempts.latency(sub.id, end + 1, end + HOUR_MS) == Latency(0, None, None)
        assert uow.attempts.per_bucket("nothing", START, end, HOUR_MS) == {}
