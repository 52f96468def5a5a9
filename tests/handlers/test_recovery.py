"""Recovering a subscription on the in-memory storage: every event since a moment sent again in new
batches, after the pending ones, in order, numbered in the delivery log; bounded by the retention."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.audit import AuditQuery
from pairhub.domain.errors import Conflict, Forbidden, NotFound
from pairhub.domain.subscriptions import RECOVERIES_PER_EVENT, BatchStatus
from pairhub.services.recovery import Recovered
from tests.delivery_support import drain, pair_units
from tests.handlers.conftest import HOOK, RecordingSender, subscribe


async def test_recovered_events_follow_the_pending_batch_in_order_and_are_numbered(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=2)
    first = pair_units(delivering, org, 3, prefix="a")  # delivered in two batches
    await drain(delivering.delivery_worker)
    clock.advance(600)
    since = clock.now_ms() - 300_000
    later = pair_units(delivering, org, 2, prefix="b")  # delivered
    await drain(delivering.delivery_worker)
    sender.script(HOOK, 503)
    held = pair_units(delivering, org, 1, prefix="c")  # refused once: pending, retried in 10 s
    await drain(delivering.delivery_worker)
    sent_before = {request.headers["webhook-id"] for request in sender.sent}

    recovered = delivering.recovery.recover(org, sub.id, since)

    assert recovered == Recovered(events=3, batches=2, recovery=1)
    assert await drain(delivering.delivery_worker) == 0  # nothing overtakes the pending batch's retry
    clock.advance(10)
    await drain(delivering.delivery_worker)
    again = sender.sent[4:]
    assert [unit for r in sender.sent[:4] for unit in r.unit_ids] == [*first, *later, *held]
    assert [unit for r in again for unit in r.unit_ids] == [*held, *later, *held]
    assert again[0].headers["webhook-id"] in sent_before
    assert not {r.headers["webhook-id"] for r in again[1:]} & sent_before
    log = delivering.delivery_log.batches(org, sub.id, None, None, 10).items
    assert sorted(b.record.recovery for b in log) == [0, 0, 0, 0, 1, 1]
    assert {b.record.status for b in log} == {BatchStatus.DELIVERED}
    [entry] = delivering.audit.list(AuditQuery(org, action="subscription.recovered"), 10).items
    assert entry.changes == {"events": (None, 3), "since": (None, since)}


async def test_a_recovery_with_nothing_cut_since_then_queues_nothing(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_wait_ms=60_000)
    pair_units(delivering, org, 2)
    await drain(delivering.delivery_worker)  # not cut yet: they wait for more

    assert delivering.recovery.recover(org, sub.id, 0) == Recovered(0, 0, 0)
    assert delivering.recovery.recover(org, sub.id, clock.now_ms() + 1) == Recovered(0, 0, 0)
    clock.advance(60)
    await drain(delivering.delivery_worker)
    assert [len(r.unit_ids) for r in sender.sent] == [2]  # sent once, by the usual cutting


async def test_events_past_the_retention_are_not_recovered(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org)
    pair_units(delivering, org, 1, prefix="old")
    await drain(delivering.delivery_worker)
    clock.advance(3000)
    recent = pair_units(delivering, org, 1, prefix="new")
    await drain(delivering.delivery_worker)
    clock.advance(601)  # the first event is past the one-hour retention

    assert delivering.recovery.recover(org, sub.id, 0) == Recovered(1, 1, 1)
    await drain(delivering.delivery_worker)
    assert sender.sent[-1].unit_ids == recent


async def test_recovery_is_refused_for_another_organization_and_without_the_datahub(
    delivering: Container,
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    other = delivering.organizations.create("Other", False, True).id
    sub, _ = subscribe(delivering, org)

    with pytest.raises(NotFound):
        delivering.recovery.recover(other, sub.id, 0)
    with pytest.raises(NotFound):
        delivering.recovery.recover(org, "no-such-subscription", 0)
    delivering.organizations.update(org, datahub_subscription_active=False)
    with pytest.raises(Forbidden):
        delivering.recovery.recover(org, sub.id, 0)


async def test_the_recoveries_of_a_subscription_are_bounded(delivering: Container) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org)
    pair_units(delivering, org, 1)
    await drain(delivering.delivery_worker)
    [view] = delivering.delivery_log.batches(org, sub.id, None, None, 1).items
    with delivering.storage.write() as uow:
        batch = uow.batches.get(view.record.id)
        assert batch is not None
        uow.batches.add_many([replace(batch, id="last-recovery", recovery=RECOVERIES_PER_EVENT - 1)])

    with pytest.raises(Conflict) as refused:
        delivering.recovery.recover(org, sub.id, 0)

    assert refused.value.code == "too_many_recoveries"
