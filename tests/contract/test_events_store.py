"""The event outbox contract: the same assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import orjson
import pytest

from pairhub.contract.render import render_fragment
from pairhub.domain import events
from pairhub.domain.events import Reason
from pairhub.domain.organizations import Organization
from pairhub.ports import EventQuery, Storage

BOTH = ["unit.paired", "unit.unpaired"]


def _organization(storage: Storage) -> str:
    organization_id = str(uuid.uuid4())
    with storage.write() as uow:
        uow.organizations.add(Organization(organization_id, "Fleet", True, True, 1))
    return organization_id


def _record(storage: Storage, organization_id: str, count: int) -> None:
    with storage.write() as uow:
        uow.events.record(
            [
                events.manual_pair(organization_id, f"tp:{n}", "a", None, 1000 + n)
                if n % 2 == 0
                else events.manual_unpair(organization_id, f"tp:{n}", "a", None, 1000 + n)
                for n in range(count)
            ]
        )


def test_events_read_back_in_order_with_their_cursor(storage: Storage) -> None:
    org = _organization(storage)
    _record(storage, org, 5)
    with storage.read() as uow:
        stored = uow.events.read(EventQuery(org, BOTH, 10))
    assert [entry.event.unit_id for entry in stored] == [f"tp:{n}" for n in range(5)]
    assert [entry.seq for entry in stored] == sorted(entry.seq for entry in stored)
    with storage.read() as uow:
        after = uow.events.read(EventQuery(org, BOTH, 10, after=stored[1].seq, upto=stored[3].seq))
    assert [entry.event.unit_id for entry in after] == ["tp:2", "tp:3"]


def test_events_filter_by_type_reason_unit_and_read_newest_first(storage: Storage) -> None:
    org = _organization(storage)
    _record(storage, org, 6)
    with storage.read() as uow:
        paired = uow.events.read(EventQuery(org, ["unit.paired"], 10))
        newest = uow.events.read(EventQuery(org, BOTH, 2, newest_first=True))
        by_unit = uow.events.read(EventQuery(org, BOTH, 10, unit_id="tp:3"))
        manual = uow.events.read(EventQuery(org, BOTH, 10, reason=Reason.MANUAL_PAIR.value))
        older = uow.events.read(EventQuery(org, BOTH, 10, newest_first=True, before=newest[-1].seq))
    assert [entry.event.unit_id for entry in paired] == ["tp:0", "tp:2", "tp:4"]
    assert [entry.event.unit_id for entry in newest] == ["tp:5", "tp:4"]
    assert [entry.event.unit_id for entry in by_unit] == ["tp:3"]
    assert [entry.event.unit_id for entry in manual] == ["tp:0", "tp:2", "tp:4"]
    assert [entry.event.unit_id for entry in older] == ["tp:3", "tp:2", "tp:1", "tp:0"]


def test_events_heads_and_counts_are_per_organization(storage: Storage) -> None:
    first, second, empty = _organization(storage), _organization(storage), _organization(storage)
    _record(storage, first, 3)
    _record(storage, second, 2)
    with storage.read() as uow:
        heads = uow.events.heads([first, second, empty])
        everything = uow.events.read(EventQuery(second, BOTH, 10))
        counted = uow.events.count_after(first, 0, ["unit.paired"])
    assert heads[empty] == 0
    assert heads[second] == everything[-1].seq
    assert heads[first] < heads[second]
    assert counted == 2


def test_a_failed_unit_of_work_records_nothing(storage: Storage) -> None:
    org = _organization(storage)
    try:
        with storage.write() as uow:
            uow.events.record([events.manual_pair(org, "tp:1", "a", None, 1)])
            raise RuntimeError("the state change failed")
    except RuntimeError:
        pass
    with storage.read() as uow:
        assert uow.events.read(EventQuery(org, BOTH, 10)) == []


def test_a_failed_savepoint_undoes_only_its_own_writes(storage: Storage) -> None:
    org = _organization(storage)
    with storage.write() as uow:
        uow.events.record([events.manual_pair(org, "tp:kept", "a", None, 1)])
        try:
            with uow.savepoint():
                uow.events.record([events.manual_pair(org, "tp:undone", "a", None, 2)])
                raise RuntimeError("this attempt failed")
        except RuntimeError:
            pass
    with storage.read() as uow:
        assert [entry.event.unit_id for entry in uow.events.read(EventQuery(org, BOTH, 10))] == ["tp:kept"]


def test_commits_that_record_events_tell_the_listeners(storage: Storage) -> None:
    org = _organization(storage)
    told: list[int] = []
    storage.on_outbox_commit(lambda: told.append(1))
    with storage.write() as uow:
        uow.organizations.get(org)
    _record(storage, org, 1)
    assert told == [1]


def test_rendered_events_are_each_versions_eventsdata_element(storage: Storage) -> None:
    org = _organization(storage)
    _record(storage, org, 4)
    with storage.read() as uow:
        stored = uow.events.read(EventQuery(org, BOTH, 10))
        v1 = uow.events.rendered(EventQuery(org, BOTH, 10, after=stored[0].seq), 1)
        v2 = uow.events.rendered(EventQuery(org, ["unit.paired"], 10), 2)
    assert [(entry.seq, entry.registered_at_ms) for entry in v1] == [
        (entry.seq, entry.event.registered_at_ms) for entry in stored[1:]
    ]
    assert [entry.data for entry in v1] == [render_fragment(entry.event, 1) for entry in stored[1:]]
    assert [orjson.loads(entry.data)["eventVersion"] for entry in v2] == [2, 2]
    assert [entry.data for entry in v2] == [render_fragment(stored[n].event, 2) for n in (0, 2)]


def test_rendered_events_refuse_an_event_type_the_version_does_not_carry(storage: Storage) -> None:
    org = _organization(storage)
    _record(storage, org, 2)
    with storage.read() as uow, pytest.raises(ValueError, match="version 2"):
        uow.events.rendered(EventQuery(org, BOTH, 10), 2)
