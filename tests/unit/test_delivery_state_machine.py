"""The subscription state machine as pure functions: each outcome's effect on the batch and subscription."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pairhub.domain import delivery_machine as rules
from pairhub.domain.delivery import Decision, Outcome, RetryPolicy
from pairhub.domain.subscriptions import ERROR_CHARS, Batch, BatchStatus, Subscription, SubscriptionState

NOW = 1_000_000
SCHEDULE = (10_000, 20_000)
PROBE = 60_000

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
    next_attempt_at=NOW,
    events_delivered=5,
)
BATCH = Batch("b1", "s1", 1, 3, 3, 100, "{}", 200, next_attempt_at=NOW)
LATER = Batch("b2", "s1", 4, 4, 1, 300, "{}", 400, next_attempt_at=NOW + 7_000)


def attempt(
    status: int | None,
    sub: Subscription = SUB,
    batch: Batch = BATCH,
    others: tuple[Batch, ...] = (),
    retry_after_ms: int | None = None,
) -> tuple[Subscription, Batch, Decision]:
    policy = RetryPolicy(SCHEDULE, PROBE)
    decision = policy.decide(
        status, batch.scheduled_attempts + 1, sub.state is SubscriptionState.ON_HOLD, NOW, retry_after_ms
    )
    new_sub, new_batch = rules.apply(sub, batch, decision, status=status, error=None, now=NOW, others=others)
    return new_sub, new_batch, decision


def test_a_2xx_finishes_the_batch_counts_its_events_and_moves_on() -> None:
    sub, batch, decision = attempt(204, others=(BATCH, LATER))

    assert decision.outcome is Outcome.DELIVERED
    assert (batch.status, batch.attempts, batch.completed_at, batch.last_status) == (
        BatchStatus.DELIVERED,
        1,
        NOW,
        204,
    )
    assert sub.events_delivered == 8
    assert sub.next_attempt_at == LATER.next_attempt_at  # the next pending batch decides


def test_a_batch_queued_behind_the_attempted_one_is_due_once_it_heads_the_line() -> None:
    queued = replace(LATER, next_attempt_at=None)
    delivered, _, _ = attempt(200, others=(BATCH, queued))
    assert delivered.next_attempt_at == NOW
    retried, _, decision = attempt(503, others=(BATCH, queued))
    assert retried.next_attempt_at == decision.next_attempt_at == NOW + SCHEDULE[0]
    # An attempted batch not among the pending ones given stands at the head of the line.
    again, _, _ = attempt(503, others=(queued,))
    assert again.next_attempt_at == NOW + SCHEDULE[0]


def test_another_4xx_fails_the_batch_and_delivery_goes_on() -> None:
    sub, batch, _ = attempt(422)

    assert batch.status is BatchStatus.FAILED
    assert (sub.events_failed, sub.events_delivered) == (3, 5)
    assert sub.state is SubscriptionState.ACTIVE
    assert sub.next_attempt_at is None


@pytest.mark.parametrize("status", [200, 404])
def test_an_answer_other_than_a_retryable_one_ends_a_hold(status: int) -> None:
    held = replace(SUB, state=SubscriptionState.ON_HOLD, on_hold_since=5, on_hold_reason="why")

    sub, batch, _ = attempt(status, sub=held)

    assert (sub.state, sub.on_hold_since, sub.on_hold_reason) == (SubscriptionState.ACTIVE, None, None)
    assert batch.status in (BatchStatus.DELIVERED, BatchStatus.FAILED)


def test_410_disables_the_subscription_and_keeps_the_batch() -> None:
    sub, batch, _ = attempt(410)

    assert sub.state is SubscriptionState.DISABLED
    assert (sub.disabled_at, sub.disabled_reason, sub.next_attempt_at) == (NOW, rules.GONE_REASON, None)
    assert batch.status is BatchStatus.PENDING


def test_a_retryable_answer_schedules_the_batch_and_the_subscription() -> None:
    sub, batch, _ = attempt(503, others=(BATCH,), retry_after_ms=15_000)

    assert batch.status is BatchStatus.PENDING
    assert batch.next_attempt_at == NOW + 15_000  # Retry-After beats the 10 s of the schedule
    assert sub.next_attempt_at == NOW + 15_000


def test_exhausted_retries_put_an_active_subscription_on_hold_with_a_reason() -> None:
    sub, batch, decision = attempt(None, batch=replace(BATCH, attempts=2))

    assert decision.outcome is Outcome.ON_HOLD
    assert sub.state is SubscriptionState.ON_HOLD
    assert sub.on_hold_since == NOW
    assert sub.on_hold_reason == "3 attempts failed; last: no response"
    assert sub.next_attempt_at == batch.next_attempt_at == NOW + PROBE


def test_a_failed_probe_waits_for_the_next_probe() -> None:
    held = replace(SUB, state=SubscriptionState.ON_HOLD, on_hold_since=5)

    sub, batch, decision = attempt(500, sub=held, batch=replace(BATCH, attempts=7))

    assert decision.outcome is Outcome.PROBE_FAILED
    assert (sub.state, sub.on_hold_since) == (SubscriptionState.ON_HOLD, 5)
    assert sub.next_attempt_at == NOW + PROBE
    assert batch.attempts == 8


def test_errors_are_stored_clipped() -> None:
    decision = Decision(Outcome.RETRY, NOW + 1)
    _, batch = rules.apply(SUB, BATCH, decision, status=None, error="x" * 900, now=NOW)

    assert batch.last_error == "x" * ERROR_CHARS


def test_pause_resume_expire_and_redeliver() -> None:
    held = replace(SUB, state=SubscriptionState.ON_HOLD, on_hold_since=5, on_hold_reason="why")
    paused = rules.pause(held)
    assert (paused.state, paused.on_hold_since) == (SubscriptionState.PAUSED, None)

    resumed, batches = rules.resume(paused, [replace(BATCH, attempts=3, next_attempt_at=None)], NOW)
    assert resumed.state is SubscriptionState.ACTIVE
    assert resumed.next_attempt_at == NOW
    assert [(b.attempts, b.scheduled_attempts, b.next_attempt_at) for b in batches] == [(3, 0, NOW)]
    assert rules.resume(paused, [], NOW)[0].next_attempt_at is None

    counted, expired = rules.expire(SUB, BATCH, NOW)
    assert (expired.status, expired.completed_at, expired.next_attempt_at) == (BatchStatus.EXPIRED, NOW, None)
    assert counted.events_expired == 3

    done = replace(BATCH, status=BatchStatus.FAILED, attempts=1, completed_at=9)
    again_sub, again = rules.redeliver(replace(SUB, next_attempt_at=None), done, NOW)
    assert (again.status, again.attempts, again.completed_at) == (BatchStatus.PENDING, 1, None)
    assert again.scheduled_attempts == 0
    assert again_sub.next_attempt_at == NOW
    paused_sub, _ = rules.redeliver(paused, done, NOW)
    assert paused_sub.next_attempt_at == paused.next_attempt_at  # a paused one waits for its resume


def test_a_redelivered_batch_keeps_its_attempts_and_its_events_are_counted_once() -> None:
    failed_three_times = replace(BATCH, attempts=3)
    sub, delivered, _ = attempt(200, batch=failed_three_times)
    assert (sub.events_delivered, delivered.attempts) == (5 + 3, 4)

    queued_sub, queued = rules.redeliver(sub, delivered, NOW)
    assert queued_sub.events_delivered == 5
    assert (queued.attempts, queued.scheduled_attempts) == (4, 0)
    again_sub, again, decision = attempt(503, sub=queued_sub, batch=queued)
    assert decision == Decision(Outcome.RETRY, NOW + SCHEDULE[0])  # a fresh schedule, not a hold
    assert (again.attempts, again.scheduled_attempts) == (5, 1)
    final_sub, final, _ = attempt(200, sub=again_sub, batch=again)
    assert (final_sub.events_delivered, final.attempts) == (5 + 3, 6)


def test_a_refused_batch_redelivered_moves_its_events_from_failed_to_delivered() -> None:
    sub, refused, _ = attempt(400)
    assert (sub.events_failed, sub.events_delivered) == (3, 5)

    queued_sub, queued = rules.redeliver(sub, refused, NOW)
    final_sub, _, _ = attempt(200, sub=queued_sub, batch=queued)

    assert (queued_sub.events_failed, queued_sub.events_delivered) == (0, 5)
    assert (final_sub.events_failed, final_sub.events_delivered) == (0, 8)


def test_a_delivered_test_send_makes_waiting_batches_due_now_without_a_fresh_schedule() -> None:
    retrying = replace(BATCH, attempts=2, next_attempt_at=NOW + 20_000)
    due_sub, due = rules.receiver_answers(replace(SUB, next_attempt_at=NOW + 20_000), [retrying], NOW)
    assert due_sub.next_attempt_at == NOW
    assert [(b.next_attempt_at, b.scheduled_attempts) for b in due] == [(NOW, 2)]

    held = replace(SUB, state=SubscriptionState.ON_HOLD, next_attempt_at=NOW + PROBE)
    assert rules.receiver_answers(held, [retrying], NOW)[0].next_attempt_at == NOW
    paused = replace(SUB, state=SubscriptionState.PAUSED)
    assert rules.receiver_answers(paused, [retrying], NOW) == (paused, [])
    assert rules.receiver_answers(SUB, [], NOW) == (SUB, [])
