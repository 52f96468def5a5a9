"""`next_job`: what a claimed subscription does next (the probe, a due retry, a cut, or a wait), and
`cut_ahead`: the next batch cut while one is in flight; purely."""

from __future__ import annotations

from dataclasses import replace

from pairhub.domain.delivery_machine import Cut, Send, WaitUntil, cut_ahead, next_job
from pairhub.domain.subscriptions import Batch, BatchStatus, Subscription, SubscriptionState

NOW = 1_000_000
PROBE = 60_000
CUTOFF = 500

SUB = Subscription(
    id="s1",
    organization_id="o1",
    url="https://example.com/hook",
    event_version=1,
    event_names=("unit.paired",),
    max_batch_size=100,
    max_wait_ms=0,
    custom_headers={},
    description=None,
    state=SubscriptionState.ACTIVE,
    secret="whsec_a",
    created_at=1,
    updated_at=1,
    cursor_seq=10,
)
HELD = replace(SUB, state=SubscriptionState.ON_HOLD, next_attempt_at=NOW)
WAITING = Batch("b1", "s1", 1, 3, 3, 900, "", 200, next_attempt_at=NOW + 5_000)
DUE = Batch("b2", "s1", 4, 4, 1, 900, "", 400, next_attempt_at=NOW)
OLD = Batch("b0", "s1", 0, 0, 2, CUTOFF - 1, "", 100, next_attempt_at=NOW)
NEW = Batch("b9", "s1", 11, 12, 2, 950, "{}", NOW, next_attempt_at=NOW)


class Cutter:
    """A stand-in for reading the events: returns what it is given and counts its calls.

    With `more`, each cut finds a full batch (not the last) until they run out.
    """

    def __init__(self, batch: Batch | None = None, wake_at: int | None = None, *more: Batch) -> None:
        self.batch, self.wake_at, self.calls = batch, wake_at, 0
        self.more = list(more)

    def __call__(self, sub: Subscription) -> Cut:
        self.calls += 1
        if self.more:
            batch = self.more.pop(0)
            return Cut(replace(sub, cursor_seq=batch.last_seq, next_attempt_at=NOW), batch)
        if self.batch is None:
            return Cut(sub, wake_at=self.wake_at)
        return Cut(replace(sub, cursor_seq=12, next_attempt_at=NOW), self.batch, drains=True)


def plan(sub: Subscription, pending: list[Batch], cutter: Cutter | None = None) -> Send | WaitUntil:
    return next_job(sub, pending, NOW, cutoff=CUTOFF, probe_interval_ms=PROBE, cut=cutter or Cutter())


def test_a_paused_or_disabled_subscription_or_a_hold_before_its_probe_waits_unchanged() -> None:
    for sub in (
        replace(SUB, state=SubscriptionState.PAUSED),
        replace(SUB, state=SubscriptionState.DISABLED),
        replace(HELD, next_attempt_at=NOW + 1),
    ):
        cutter = Cutter(NEW)
        job = plan(sub, [DUE], cutter)
        assert isinstance(job, WaitUntil) and job.subscription is sub and not job.expired
        assert cutter.calls == 0


def test_on_hold_the_oldest_pending_batch_is_the_probe_whatever_its_schedule() -> None:
    job = plan(HELD, [WAITING, DUE])
    assert job == Send(HELD, WAITING)


def test_active_the_first_due_batch_is_sent_else_it_waits_for_the_earliest_retry() -> None:
    assert plan(SUB, [WAITING, DUE]) == Send(SUB, DUE)
    later = replace(DUE, next_attempt_at=NOW + 9_000)
    job = plan(SUB, [WAITING, later])
    assert job == WaitUntil(replace(SUB, next_attempt_at=NOW + 5_000), NOW + 5_000)


def test_pending_batches_past_the_retention_expire_and_are_counted_on_the_way() -> None:
    job = plan(SUB, [OLD, DUE])
    assert isinstance(job, Send) and job.batch == DUE
    (gone,) = job.expired
    assert (gone.id, gone.status, gone.completed_at) == (OLD.id, BatchStatus.EXPIRED, NOW)
    assert job.subscription.events_expired == OLD.event_count


def test_without_pending_batches_the_next_one_is_cut_and_sent() -> None:
    cutter = Cutter(NEW)
    job = plan(SUB, [OLD], cutter)
    assert cutter.calls == 1
    assert isinstance(job, Send) and job.cut and job.drains and job.batch == NEW
    assert job.subscription.cursor_seq == 12 and job.subscription.events_expired == OLD.event_count


def test_nothing_to_cut_waits_for_the_batch_to_fill_or_on_hold_for_the_next_probe() -> None:
    job = plan(SUB, [], Cutter(wake_at=NOW + 300))
    assert job == WaitUntil(replace(SUB, next_attempt_at=NOW + 300), NOW + 300)
    held = plan(HELD, [], Cutter(wake_at=NOW + 300))
    assert held == WaitUntil(replace(HELD, next_attempt_at=NOW + PROBE), NOW + PROBE)


FULL = Batch("b5", "s1", 11, 12, 2, 950, "{}", NOW, next_attempt_at=NOW)
QUEUED = Batch("b6", "s1", 13, 14, 2, 950, "{}", NOW, next_attempt_at=None)


def test_a_full_cut_is_sent_and_its_next_batch_may_be_cut_while_it_is_in_flight() -> None:
    cutter = Cutter(None, None, FULL)
    job = plan(SUB, [], cutter)
    assert job == Send(replace(SUB, cursor_seq=12, next_attempt_at=NOW), FULL, cut=True, cut_next=True)
    assert cutter.calls == 1  # the next batch is cut by a later step, while this one is away
    drained = plan(SUB, [], Cutter(NEW))
    assert isinstance(drained, Send) and drained.drains and not drained.cut_next


def test_a_queued_batch_is_sent_once_it_heads_the_line_and_only_then() -> None:
    assert plan(SUB, [QUEUED]) == Send(SUB, QUEUED, cut_next=True)
    assert plan(SUB, [WAITING, QUEUED]) == WaitUntil(
        replace(SUB, next_attempt_at=WAITING.next_attempt_at), WAITING.next_attempt_at
    )
    retry = replace(WAITING, attempts=1, next_attempt_at=NOW)
    assert plan(SUB, [retry, QUEUED]) == Send(SUB, retry)  # the retry first, the queued one after it


def test_no_batch_is_cut_ahead_of_a_probe_a_retry_a_recovery_a_line_or_one_event_batches() -> None:
    assert plan(HELD, [DUE]) == Send(HELD, DUE)
    assert plan(SUB, [replace(DUE, attempts=1)]) == Send(SUB, replace(DUE, attempts=1))
    assert plan(SUB, [replace(DUE, recovery=1)]) == Send(SUB, replace(DUE, recovery=1))
    assert plan(SUB, [DUE, replace(WAITING, id="b3", first_seq=5)]) == Send(SUB, DUE)
    single = replace(SUB, max_batch_size=1)
    assert plan(single, [DUE]) == Send(single, DUE)
    assert plan(single, [], Cutter(None, None, FULL)) == Send(
        replace(single, cursor_seq=12, next_attempt_at=NOW), FULL, cut=True
    )


def test_cut_ahead_queues_the_next_batch_behind_the_one_in_flight() -> None:
    in_flight = replace(DUE, id="in-flight")
    cutter = Cutter(None, None, FULL)
    found = cut_ahead(SUB, [in_flight], in_flight.id, cutter)
    assert found == Cut(replace(SUB, cursor_seq=12, next_attempt_at=NOW), replace(FULL, next_attempt_at=None))
    # The batch in flight is no longer the last one, or the subscription was paused or held meanwhile.
    for sub, pending in (
        (SUB, [in_flight, QUEUED]),
        (SUB, []),
        (replace(SUB, state=SubscriptionState.PAUSED), [in_flight]),
        (HELD, [in_flight]),
    ):
        assert cut_ahead(sub, pending, in_flight.id, cutter) == Cut(sub)
    assert cutter.calls == 1


def test_cut_ahead_cuts_no_partial_batch_before_its_wait_but_keeps_what_it_stepped_over() -> None:
    in_flight = replace(DUE, id="in-flight")
    waits = Cutter(None, NOW + 300)
    assert cut_ahead(SUB, [in_flight], in_flight.id, waits) == Cut(SUB)
    skipped = replace(SUB, cursor_seq=20, events_expired=3)
    assert cut_ahead(SUB, [in_flight], in_flight.id, lambda sub: Cut(skipped, wake_at=NOW)) == Cut(skipped)
