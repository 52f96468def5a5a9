"""The delivery log on the in-memory storage: batches newest first with their attempts, filtered and paged;
redelivery of the same bytes under the same id; a test send that tells the log the receiver is back."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.audit import AuditQuery
from pairhub.domain.errors import Invalid, NotFound
from pairhub.domain.subscriptions import BatchStatus
from pairhub.services.delivery import TEST_HEADER
from tests.delivery_support import drain, pair_units
from tests.handlers.conftest import HOOK, RecordingSender, subscribe


async def test_batches_are_listed_newest_first_with_their_attempts_and_filtered_by_status(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=2)
    sender.script(HOOK, 200, 503)
    units = pair_units(delivering, org, 4)
    await drain(delivering.delivery_worker)

    log = delivering.delivery_log.batches(org, sub.id, None, None, 10).items
    pending = delivering.delivery_log.batches(org, sub.id, "pending", None, 10).items

    newer, older = log
    assert [r.unit_ids for r in sender.sent] == [units[:2], units[2:]]
    assert (newer.record.first_seq > older.record.first_seq, newer.record.status, older.record.status) == (
        True,
        BatchStatus.PENDING,
        BatchStatus.DELIVERED,
    )
    assert [(a.status_code, a.outcome) for a in newer.attempts] == [(503, "retry")]
    assert [(a.status_code, a.outcome) for a in older.attempts] == [(200, "delivered")]
    assert newer.record.next_attempt_at == clock.now_ms() + 10_000
    assert [b.record.id for b in pending] == [newer.record.id]


async def test_the_log_pages_without_skipping_or_repeating(
    delivering: Container, sender: RecordingSender
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    other = delivering.organizations.create("Other", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=1)
    pair_units(delivering, org, 5)
    await drain(delivering.delivery_worker)

    seen, cursor = [], None
    while True:
        page = delivering.delivery_log.batches(org, sub.id, None, cursor, 2)
        seen += [b.record.id for b in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == [r.headers["webhook-id"] for r in reversed(sender.sent)]
    with pytest.raises(NotFound):
        delivering.delivery_log.batches(other, sub.id, None, None, 2)  # not a subscription of `other`
    first = delivering.delivery_log.batches(org, sub.id, None, None, 2).next_cursor
    with pytest.raises(Invalid):
        delivering.delivery_log.batches(other, sub.id, None, first, 2)  # a cursor of another organization


async def test_a_batch_is_read_with_its_frozen_body_only_through_its_subscription(
    delivering: Container, sender: RecordingSender
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    other = delivering.organizations.create("Other", False, True).id
    sub, _ = subscribe(delivering, org)
    second, _ = subscribe(delivering, org, url=HOOK + "/2")
    pair_units(delivering, org, 2)
    await drain(delivering.delivery_worker)
    [request] = sender.to(HOOK)

    batch = delivering.delivery_log.batch(org, sub.id, request.headers["webhook-id"])

    assert batch.record.body.encode() == request.body
    assert [a.outcome for a in batch.attempts] == ["delivered"]
    assert batch.first_cursor != batch.last_cursor
    with pytest.raises(NotFound):
        delivering.delivery_log.batch(org, second.id, batch.record.id)
    with pytest.raises(NotFound):
        delivering.delivery_log.batch(other, sub.id, batch.record.id)


async def test_a_delivered_batch_is_redelivered_with_the_same_id_and_bytes_and_counted_once(
    delivering: Container, sender: RecordingSender
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org)
    pair_units(delivering, org, 2)
    await drain(delivering.delivery_worker)
    [first] = sender.sent

    queued = delivering.delivery_log.redeliver(org, sub.id, first.headers["webhook-id"])
    assert (queued.record.status, queued.record.attempts) == (BatchStatus.PENDING, 1)
    assert await drain(delivering.delivery_worker) == 1

    _, again = sender.sent
    assert (again.headers["webhook-id"], again.body) == (first.headers["webhook-id"], first.body)
    assert delivering.subscriptions.get(org, sub.id).record.events_delivered == 2
    [batch] = delivering.delivery_log.batches(org, sub.id, None, None, 10).items
    assert (batch.record.status, batch.record.attempts) == (BatchStatus.DELIVERED, 2)
    [entry] = delivering.audit.list(AuditQuery(org, action="subscription.redelivered"), 10).items
    assert entry.target_id == sub.id
    with pytest.raises(NotFound):
        delivering.delivery_log.redeliver(org, sub.id, "no-such-batch")


async def test_a_delivered_test_send_makes_the_waiting_batch_due_at_once(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org)
    sender.script(HOOK, 503)
    pair_units(delivering, org, 1)
    await drain(delivering.delivery_worker)
    assert await drain(delivering.delivery_worker) == 0  # waits 10 s for its retry

    tested = await delivering.delivery.send_test(org, sub.id)

    probe = sender.sent[-1]
    assert (tested.result.status, probe.headers[TEST_HEADER]) == (200, "true")
    assert probe.envelope["eventBatchId"] == tested.batch_id
    assert await drain(delivering.delivery_worker) == 1  # now, not in 10 s
    assert (
        len(delivering.delivery_log.batches(org, sub.id, None, None, 10).items) == 1
    )  # the test is not logged
    [entry] = delivering.audit.list(AuditQuery(org, action="subscription.tested"), 10).items
    assert entry.changes == {"delivered": (None, True), "status": (None, 200)}


async def test_a_refused_test_send_changes_no_schedule(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org)
    sender.script(HOOK, 503, 503)
    pair_units(delivering, org, 1)
    await drain(delivering.delivery_worker)

    tested = await delivering.delivery.send_test(org, sub.id)

    assert tested.result.status == 503
    assert await drain(delivering.delivery_worker) == 0
    [entry] = delivering.audit.list(AuditQuery(org, action="subscription.tested"), 10).items
    assert entry.changes == {"delivered": (None, False), "status": (None, 503)}
