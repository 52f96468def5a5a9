"""The next batch cut while one is in flight (in-memory storage): queued behind it, sent only after it is
answered, in registration order, through retries and holds, and never before the cut rules allow it.

Steps are driven one by one where the batch in flight matters (`step`), with the coordinator
(`drain`) where only the order of what is sent does. The crash case is in
`tests/integration/delivery/test_delivery_operations.py`, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.subscriptions import Batch, BatchStatus, SubscriptionState
from pairhub.ports import SendResult
from pairhub.services.delivery import Job
from pairhub.worker.recording import Finished
from pairhub.worker.runner import DeliveryWorker
from pairhub.worker.step import StepRequest
from tests.delivery_support import drain, pair_units
from tests.handlers.conftest import HOOK, RecordingSender, Sent, subscribe


def step(
    worker: DeliveryWorker,
    *,
    claim: int = 0,
    answered: Sequence[Job] = (),
    in_flight: Sequence[Job] = (),
) -> list[Job]:
    """One step as the coordinator asks for it: record `answered` (200) and go on with them, lease up to
    `claim`, and cut ahead behind `in_flight`."""
    finished = [Finished(job, SendResult(200, "ok", 3)) for job in answered]
    going_on = [job.subscription_id for job in answered]
    busy = frozenset(job.subscription_id for job in in_flight)
    cut_next: Mapping[str, str] = {job.subscription_id: job.batch_id for job in in_flight}
    return worker.step(StepRequest(finished, going_on, (), claim, busy.union(going_on), {}, cut_next))


def batches(container: Container, org: str, sub_id: str) -> list[Batch]:
    """The subscription's batches, oldest first, as the delivery log has them."""
    return [item.record for item in container.delivery_log.batches(org, sub_id, None, None, 20).items][::-1]


def unit_ids(jobs: Sequence[Job]) -> list[str]:
    """The unit ids of the jobs' events, in order."""
    return [unit for job in jobs for unit in Sent(job.url, {}, job.body).unit_ids]


def ids(sender: RecordingSender) -> list[str]:
    return [request.headers["webhook-id"] for request in sender.sent]


async def test_the_next_batch_is_cut_while_one_is_in_flight_and_sent_only_after_it(
    delivering: Container, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=3)
    units = pair_units(delivering, org, 8)
    worker = delivering.delivery_worker

    [first] = step(worker, claim=10)
    assert first.cut_next and len(batches(delivering, org, sub.id)) == 1
    # While it is in flight the next batch is cut, committed and queued behind it: nothing to send.
    assert step(worker, in_flight=[first]) == []
    sent, queued = batches(delivering, org, sub.id)
    assert (sent.id, queued.status, queued.event_count, queued.next_attempt_at) == (
        first.batch_id,
        BatchStatus.PENDING,
        3,
        None,
    )
    # Nor does another worker send it: the subscription is leased while its batch is in flight.
    other = DeliveryWorker(delivering.storage, clock, delivering.delivery, worker_id="other")
    assert await other.run_once() == 0

    # Recorded as delivered: the queued batch is sent at once, as it was cut, and the next one follows.
    [second] = step(worker, answered=[first])
    stored = delivering.delivery_log.batch(org, sub.id, queued.id).record.body
    assert (second.batch_id, second.body) == (queued.id, stored.encode())
    assert step(worker, in_flight=[second]) == []
    [third] = step(worker, answered=[second])
    assert step(worker, answered=[third]) == []
    assert unit_ids([first, second, third]) == units
    assert [b.status for b in batches(delivering, org, sub.id)] == [BatchStatus.DELIVERED] * 3


async def test_a_partial_batch_is_cut_ahead_only_once_it_has_waited_max_wait(
    delivering: Container, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=3, max_wait_ms=60_000)
    pair_units(delivering, org, 4)
    worker = delivering.delivery_worker

    [first] = step(worker, claim=10)
    assert step(worker, in_flight=[first]) == []
    assert [b.event_count for b in batches(delivering, org, sub.id)] == [3]  # the fourth waits for more
    clock.advance(60)
    assert step(worker, in_flight=[first]) == []
    assert [(b.event_count, b.next_attempt_at) for b in batches(delivering, org, sub.id)][1] == (1, None)
    [second] = step(worker, answered=[first])
    assert second.event_count == 1


async def test_one_event_batches_are_not_cut_ahead(delivering: Container) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=1)
    pair_units(delivering, org, 3)
    worker = delivering.delivery_worker

    [first] = step(worker, claim=10)
    assert not first.cut_next
    assert step(worker, in_flight=[first]) == []  # asked anyway: the rules say no
    assert len(batches(delivering, org, sub.id)) == 1


async def test_a_retried_batch_keeps_the_next_one_waiting_and_is_sent_again_first(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=2)
    sender.script(HOOK, 503)
    units = pair_units(delivering, org, 4)

    assert await drain(delivering.delivery_worker) == 1
    first, second = batches(delivering, org, sub.id)
    assert (first.attempts, first.next_attempt_at) == (1, clock.now_ms() + 10_000)
    assert (second.attempts, second.next_attempt_at) == (0, None)  # queued behind the retry
    assert delivering.subscriptions.get(org, sub.id).record.next_attempt_at == clock.now_ms() + 10_000
    clock.advance(9.999)
    assert await drain(delivering.delivery_worker) == 0
    clock.advance(0.001)
    assert await drain(delivering.delivery_worker) == 2

    assert ids(sender) == [first.id, first.id, second.id]
    assert [unit for request in sender.sent[1:] for unit in request.unit_ids] == units


async def test_on_hold_only_the_probe_is_sent_and_the_queued_batch_follows_its_success(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=2)
    sender.script(HOOK, 500, 500, 500, 500)
    units = pair_units(delivering, org, 6)

    await drain(delivering.delivery_worker)
    for seconds in (10, 20, 60):
        clock.advance(seconds)
        await drain(delivering.delivery_worker)
    assert delivering.subscriptions.get(org, sub.id).record.state is SubscriptionState.ON_HOLD
    first, second = batches(delivering, org, sub.id)  # nothing more is cut while it is held
    assert len(set(ids(sender))) == 1 and second.attempts == 0
    clock.advance(60)
    await drain(delivering.delivery_worker)  # the probe gets through: the queued batch, then the rest

    assert ids(sender)[:6] == [first.id] * 5 + [second.id]
    assert [unit for request in sender.sent[4:] for unit in request.unit_ids] == units
    assert delivering.subscriptions.get(org, sub.id).record.state is SubscriptionState.ACTIVE


async def test_a_subscription_paused_with_a_batch_in_flight_sends_the_queued_one_on_resume(
    delivering: Container, sender: RecordingSender
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=2)
    units = pair_units(delivering, org, 4)
    worker = delivering.delivery_worker

    [first] = step(worker, claim=10)
    assert step(worker, in_flight=[first]) == []
    delivering.subscriptions.pause(org, sub.id)
    assert step(worker, answered=[first]) == []
    assert await drain(worker) == 0
    delivering.subscriptions.resume(org, sub.id)
    assert await drain(worker) == 1

    assert unit_ids([first]) + sender.sent[0].unit_ids == units


async def test_a_recovery_queues_after_the_batch_cut_ahead_and_nothing_more_is_cut_before_it(
    delivering: Container, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org, max_batch_size=2)
    since = clock.now_ms()
    units = pair_units(delivering, org, 4)
    worker = delivering.delivery_worker

    [first] = step(worker, claim=10)
    assert step(worker, in_flight=[first]) == []
    _, queued = batches(delivering, org, sub.id)
    assert delivering.recovery.recover(org, sub.id, since).events == 4  # both batches' events again
    more = pair_units(delivering, org, 2, prefix="more")

    [second] = step(worker, answered=[first])
    assert second.batch_id == queued.id and not second.cut_next  # the recovery waits behind it
    assert step(worker, in_flight=[second]) == []
    sent, jobs = [first, second], step(worker, answered=[second])
    while jobs:
        sent += jobs
        jobs = step(worker, answered=jobs)

    assert [job.batch_id for job in sent[:2]] == [first.batch_id, queued.id]
    assert unit_ids(sent) == units + units + more  # the cut ones, the recovery's, then the rest
