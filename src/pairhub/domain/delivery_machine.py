"""The delivery state machine of a subscription and its batches, in one place.

Every change of a subscription's delivery state (an attempt's outcome, pause, resume, expiry, a
redelivery, a cut) is a function here that takes records and returns new ones; `due` says which
subscriptions a worker claims and `next_job` what a claimed one does next. The services and the
worker load, call one of these, and save.

A subscription's pending batches stand in line (regular ones by first event, then each recovery's).
A batch cut ahead (`cut_ahead`, while the one before it is in flight) is queued: it has no attempt
time of its own and is due once it heads the line, so it is never sent before the batches in front of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pairhub.domain.delivery import Decision, Outcome, hold_reason
from pairhub.domain.records import copy_with
from pairhub.domain.subscriptions import Batch, BatchStatus, Subscription, SubscriptionState, clip_error

GONE_REASON = "The receiver answered 410 Gone."

CUT_AHEAD_FROM_BATCH_SIZE = 2
"""A subscription whose batches hold at least this many events gets its next batch cut while one is in
flight (`cut_ahead`); with one event a batch, cutting it ahead costs as much as cutting it after."""


def pause(subscription: Subscription) -> Subscription:
    """Stop delivering; events keep buffering behind the cursor."""
    return copy_with(subscription, state=SubscriptionState.PAUSED, on_hold_since=None, on_hold_reason=None)


def resume(
    subscription: Subscription, pending: Sequence[Batch], now: int
) -> tuple[Subscription, list[Batch]]:
    """Back to active at once: the held batches are due now, with a fresh retry schedule."""
    batches = [_fresh_schedule(batch, now) for batch in pending]
    resumed = copy_with(
        subscription,
        state=SubscriptionState.ACTIVE,
        on_hold_since=None,
        on_hold_reason=None,
        disabled_at=None,
        disabled_reason=None,
        next_attempt_at=now if pending else None,
        updated_at=now,
    )
    return resumed, batches


def receiver_answers(
    subscription: Subscription, pending: Sequence[Batch], now: int
) -> tuple[Subscription, list[Batch]]:
    """A test send was delivered: the receiver is back, so what waits for a retry or a probe is due now.

    Only an active or held subscription sends; the retry schedule goes on where it was.
    """
    if subscription.state not in (SubscriptionState.ACTIVE, SubscriptionState.ON_HOLD) or not pending:
        return subscription, []
    waiting = [b for b in pending if b.next_attempt_at is None or b.next_attempt_at > now]
    return copy_with(subscription, next_attempt_at=now), [copy_with(b, next_attempt_at=now) for b in waiting]


def _fresh_schedule(batch: Batch, now: int) -> Batch:
    """The batch due now on a new retry schedule; its attempts so far stay counted."""
    return copy_with(batch, earlier_attempts=batch.attempts, next_attempt_at=now)


def redeliver(subscription: Subscription, batch: Batch, now: int) -> tuple[Subscription, Batch]:
    """Queue a batch again (a finished one starts a fresh schedule); an active subscription sends it now.

    The counters hold each batch's events once, under its status: a finished batch queued again leaves
    its counter, and its next outcome counts it again (a redelivered batch is not delivered twice).
    """
    if batch.status is BatchStatus.PENDING:
        again = copy_with(batch, next_attempt_at=now)
    else:
        subscription = _uncounted(subscription, batch)
        again = copy_with(_fresh_schedule(batch, now), status=BatchStatus.PENDING, completed_at=None)
    if subscription.state is SubscriptionState.ACTIVE:
        subscription = copy_with(subscription, next_attempt_at=now)
    return subscription, again


def _uncounted(subscription: Subscription, batch: Batch) -> Subscription:
    """The subscription without a finished batch's events in the counter of its status."""
    # Never below zero: counts written before a repair of the history may hold less than the batch.
    count, sub = batch.event_count, subscription
    if batch.status is BatchStatus.DELIVERED:
        return copy_with(sub, events_delivered=max(0, sub.events_delivered - count))
    if batch.status is BatchStatus.FAILED:
        return copy_with(sub, events_failed=max(0, sub.events_failed - count))
    if batch.status is BatchStatus.EXPIRED:
        return copy_with(sub, events_expired=max(0, sub.events_expired - count))
    return sub  # a pending batch is in no counter


def expire(subscription: Subscription, batch: Batch, now: int) -> tuple[Subscription, Batch]:
    """A pending batch whose events waited past the retention: finished as expired, and counted."""
    expired = copy_with(batch, status=BatchStatus.EXPIRED, completed_at=now, next_attempt_at=None)
    counted = copy_with(subscription, events_expired=subscription.events_expired + batch.event_count)
    return counted, expired


def skip_expired(subscription: Subscription, count: int, cursor: int) -> Subscription:
    """Events not yet in a batch that waited past the retention: stepped over, and counted."""
    return copy_with(subscription, cursor_seq=cursor, events_expired=subscription.events_expired + count)


def advance(subscription: Subscription, cursor: int, due_at: int | None) -> Subscription:
    """The cursor moved past a cut batch (or past events it does not ask for)."""
    return copy_with(subscription, cursor_seq=cursor, next_attempt_at=due_at)


def queued(batch: Batch) -> Batch:
    """A batch cut ahead: no attempt time of its own, due once every batch in front of it is finished."""
    return copy_with(batch, next_attempt_at=None)


def first_due(line: Iterable[int | None], now: int) -> int | None:
    """When the first of a line of pending batches (their `next_attempt_at`, in order) is due.

    A queued batch (None) at the head of the line is due now; further back it waits its turn.
    """
    due_at = None
    for position, at in enumerate(line):
        if at is None and position == 0:
            at = now
        if at is not None and (due_at is None or at < due_at):
            due_at = at
    return due_at


def wait_until(subscription: Subscription, at: int | None) -> Subscription:
    """Nothing to send now: the subscription is due again at `at` (None: when events arrive)."""
    return copy_with(subscription, next_attempt_at=at)


def apply(
    subscription: Subscription,
    batch: Batch,
    decision: Decision,
    *,
    status: int | None,
    error: str | None,
    now: int,
    others: Iterable[Batch] = (),
) -> tuple[Subscription, Batch]:
    """The consequence of one attempt on its batch and subscription.

    Delivered or failed finish the batch and count its events (and end a hold: the receiver answers
    again); 410 disables; exhausted retries put an active subscription on hold; a failed probe waits
    for the next one. `others` are the subscription's other pending batches, which decide when an
    active subscription is due next.
    """
    # Each field that may change starts as it is; one `replace` per record: this runs for every attempt.
    sub = subscription
    outcome = decision.outcome
    state, next_at = sub.state, sub.next_attempt_at
    on_hold_since, on_hold_reason = sub.on_hold_since, sub.on_hold_reason
    disabled_at, disabled_reason = sub.disabled_at, sub.disabled_reason
    delivered, failed = sub.events_delivered, sub.events_failed
    batch_status, completed_at = batch.status, batch.completed_at
    finished = outcome in (Outcome.DELIVERED, Outcome.FAILED)
    if finished:
        completed_at = now
        if outcome is Outcome.DELIVERED:
            batch_status = BatchStatus.DELIVERED
            delivered += batch.event_count
        else:
            batch_status = BatchStatus.FAILED
            failed += batch.event_count
        if state is SubscriptionState.ON_HOLD:
            state, on_hold_since, on_hold_reason = SubscriptionState.ACTIVE, None, None
    elif outcome is Outcome.DISABLED:
        state, disabled_at, disabled_reason, next_at = SubscriptionState.DISABLED, now, GONE_REASON, None
    elif outcome is Outcome.ON_HOLD and state is SubscriptionState.ACTIVE:
        state, on_hold_since, next_at = SubscriptionState.ON_HOLD, now, decision.next_attempt_at
        on_hold_reason = hold_reason(batch.scheduled_attempts + 1, status, error)
    elif outcome is Outcome.PROBE_FAILED:
        next_at = decision.next_attempt_at
    if state is SubscriptionState.ACTIVE:
        line: list[int | None] = []
        in_line = False
        for other in others:
            if other.id != batch.id:
                line.append(other.next_attempt_at)
            elif not finished:
                line.append(decision.next_attempt_at)
                in_line = True
        if not finished and not in_line:
            line.insert(0, decision.next_attempt_at)
        next_at = first_due(line, now)
    new_sub = copy_with(
        sub,
        state=state,
        next_attempt_at=next_at,
        on_hold_since=on_hold_since,
        on_hold_reason=on_hold_reason,
        disabled_at=disabled_at,
        disabled_reason=disabled_reason,
        events_delivered=delivered,
        events_failed=failed,
    )
    new_batch = copy_with(
        batch,
        attempts=batch.attempts + 1,
        last_attempt_at=now,
        last_status=status,
        last_error=clip_error(error),
        next_attempt_at=decision.next_attempt_at,
        status=batch_status,
        completed_at=completed_at,
    )
    return new_sub, new_batch


def deferred(subscription: Subscription, batch: Batch, at: int) -> tuple[Subscription, Batch]:
    """When an outcome could not be applied: the batch stays pending and is tried again at `at`."""
    return copy_with(subscription, next_attempt_at=at), copy_with(batch, next_attempt_at=at)


def due(subscription: Subscription, now: int, head: int) -> bool:
    """True when a subscription has work at `now`: what a worker claims (the one "due" predicate).

    `head` is the newest event of its organization. Active: its next attempt is due, or (none set)
    events came after its cursor; on hold: its probe is due; paused or disabled: never. The SQL
    claim says the same in SQL, and a contract test holds the two together.
    """
    at = subscription.next_attempt_at
    if subscription.state is SubscriptionState.ACTIVE:
        return at <= now if at is not None else head > subscription.cursor_seq
    return subscription.state is SubscriptionState.ON_HOLD and at is not None and at <= now


@dataclass(frozen=True)
class Cut:
    """What cutting from the cursor found: the subscription now, a new batch or when to look again.

    Reading the events and freezing the batch is the worker's (`worker/cut.py`).
    """

    subscription: Subscription
    batch: Batch | None = None
    wake_at: int | None = None
    drains: bool = False
    """The batch holds every event up to the head read before it: nothing else is due after it."""


@dataclass(frozen=True)
class Send:
    """Send `batch` now (the probe, when the subscription is on hold); save the records first."""

    subscription: Subscription
    batch: Batch
    """A pending batch (read without its body) due again, or one `cut` just now."""
    cut: bool = False
    """`batch` is new: it is to be added, not saved."""
    drains: bool = False
    """`batch` is new and nothing else is due after it."""
    expired: tuple[Batch, ...] = ()
    """Pending batches that expired on the way."""
    cut_next: bool = False
    """The batch after this one may be cut while this one is in flight (`cut_ahead`)."""


@dataclass(frozen=True)
class WaitUntil:
    """Nothing to send now: the subscription is due again at `at` (None: when events arrive)."""

    subscription: Subscription
    """The very record given when nothing changed (not served now): it need not be written."""
    at: int | None
    expired: tuple[Batch, ...] = ()


def next_job(
    subscription: Subscription,
    pending: Sequence[Batch],
    now: int,
    *,
    cutoff: int,
    probe_interval_ms: int,
    cut: Callable[[Subscription], Cut],
) -> Send | WaitUntil:
    """What a claimed subscription does next: send a batch, or wait until a moment.

    A paused or disabled subscription, or one on hold before its probe, waits as it is. Pending
    batches whose events are older than `cutoff` expire. On hold, the oldest pending batch is the
    probe whatever its schedule said; active, the first pending batch due now is sent (a queued one
    once it heads the line). Without pending batches the next one is cut from the cursor: `cut` reads
    the events and freezes it.
    """
    sub = subscription
    held = sub.state is SubscriptionState.ON_HOLD
    if not (sub.state is SubscriptionState.ACTIVE or (held and (sub.next_attempt_at or 0) <= now)):
        return WaitUntil(sub, sub.next_attempt_at)
    kept: list[Batch] = []
    expired: list[Batch] = []
    for batch in pending:
        if batch.oldest_event_at < cutoff:
            sub, gone = expire(sub, batch, now)
            expired.append(gone)
        else:
            kept.append(batch)
    if held and kept:
        return Send(sub, kept[0], expired=tuple(expired))  # the probe
    if kept:
        for position, batch in enumerate(kept):
            at = batch.next_attempt_at if batch.next_attempt_at is not None or position else now
            if at is not None and at <= now:
                return Send(sub, batch, expired=tuple(expired), cut_next=_cuts_next(sub, batch, kept))
        at = first_due((b.next_attempt_at for b in kept), now)
        return WaitUntil(wait_until(sub, at), at, tuple(expired))
    found = cut(sub)
    if found.batch is not None:
        cut_next = not found.drains and _cuts_next(found.subscription, found.batch, ())
        return Send(
            found.subscription,
            found.batch,
            cut=True,
            drains=found.drains,
            expired=tuple(expired),
            cut_next=cut_next,
        )
    at = now + probe_interval_ms if held else found.wake_at
    return WaitUntil(wait_until(found.subscription, at), at, tuple(expired))


def _cuts_next(subscription: Subscription, batch: Batch, pending: Iterable[Batch]) -> bool:
    """True when the batch after `batch` may be cut while it is in flight.

    Only behind the last batch in line on its first attempt (not a retry, a probe or a recovery's),
    of an active subscription with batches of `CUT_AHEAD_FROM_BATCH_SIZE` events or more.
    """
    return (
        subscription.state is SubscriptionState.ACTIVE
        and subscription.max_batch_size >= CUT_AHEAD_FROM_BATCH_SIZE
        and batch.attempts == 0
        and batch.recovery == 0
        and all(other.id == batch.id for other in pending)
    )


def cut_ahead(
    subscription: Subscription, pending: Sequence[Batch], in_flight: str, cut: Callable[[Subscription], Cut]
) -> Cut:
    """The next batch, cut while `in_flight` is being sent and queued behind it, if the rules allow it now.

    As when it was sent (`Send.cut_next`), `in_flight` must be the subscription's one pending batch, on
    its first attempt; the subscription may have been paused or changed since. `cut` decides as always
    whether a batch is ready now (full, or its oldest event waited `maxWaitMs`): a partial batch is
    never cut early. The cursor moves past what the cut stepped over even when it freezes nothing.
    """
    if not pending or pending[-1].id != in_flight or not _cuts_next(subscription, pending[-1], pending):
        return Cut(subscription)
    found = cut(subscription)
    if found.batch is None:
        return Cut(found.subscription)
    return Cut(found.subscription, queued(found.batch))
