"""The claim against the one "due" predicate: memory, SQLite and PostgreSQL lease exactly what `due` says.

The SQL claim states "due" in SQL (it runs over every subscription, in the database); the domain's
`delivery_machine.due` is the definition, and generated states hold the two together.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairhub.domain import events
from pairhub.domain.delivery_machine import due
from pairhub.domain.organizations import Organization
from pairhub.domain.subscriptions import Subscription, SubscriptionState
from pairhub.ports import Storage

NOW = 5_000_000
LEASE = 30_000

MOMENTS = (None, 0, NOW - LEASE, NOW - 1, NOW, NOW + 1, NOW + LEASE)
"""Values of `next_attempt_at` around the claim's `now`."""
BEHIND = (-1, 0, 1, 2)


@dataclass(frozen=True)
class Drawn:
    """One subscription's generated state: what `due` reads, and what else the claim looks at."""

    state: SubscriptionState
    next_attempt_at: int | None
    behind_head: int
    """The cursor is this many events behind the organization's newest (negative: past it)."""
    lease: str
    """"none", "live" (another worker holds it) or "expired"."""
    busy: bool
    """The claiming worker has an attempt in flight for it."""


SUBSCRIPTIONS = st.lists(
    st.builds(
        Drawn,
        state=st.sampled_from(list(SubscriptionState)),
        next_attempt_at=st.sampled_from(MOMENTS),
        behind_head=st.sampled_from(BEHIND),
        lease=st.sampled_from(["none", "live", "expired"]),
        busy=st.booleans(),
    ),
    min_size=1,
    max_size=8,
)


def _subscription(organization_id: str, drawn: Drawn, cursor: int) -> Subscription:
    return Subscription(
        id=str(uuid.uuid4()),
        organization_id=organization_id,
        url="https://example.com/hook",
        event_version=1,
        event_names=("unit.paired",),
        max_batch_size=100,
        max_wait_ms=0,
        custom_headers={},
        description=None,
        state=drawn.state,
        secret="whsec_c2VjcmV0",
        created_at=1,
        updated_at=1,
        cursor_seq=cursor,
        next_attempt_at=drawn.next_attempt_at,
    )


def _store(
    storage: Storage, drawn: list[Drawn], event_count: int, served: bool
) -> tuple[str, int, list[Subscription]]:
    """A fresh organization (examples share the storage of a backend) with events and these subscriptions."""
    org = str(uuid.uuid4())
    with storage.write() as uow:
        uow.organizations.add(Organization(org, "Fleet", False, served, 1))
        uow.events.record([events.manual_pair(org, f"tp:{n}", "a", None, 1 + n) for n in range(event_count)])
        head = uow.events.heads([org]).get(org, 0)
    subs = [_subscription(org, d, max(0, head - d.behind_head)) for d in drawn]
    with storage.write() as uow:
        for sub, d in zip(subs, drawn, strict=True):
            uow.subscriptions.add(sub)
            if d.lease == "live":
                uow.subscriptions.lease([sub.id], "other", NOW, NOW + LEASE)
            elif d.lease == "expired":
                uow.subscriptions.lease([sub.id], "other", NOW - 2 * LEASE, NOW - LEASE)
    return org, head, subs


def _claimed(storage: Storage, org: str, busy: set[str]) -> tuple[set[str], list[str]]:
    """The organization's candidates for a worker with `busy` in flight, and what leasing them all took."""
    with storage.write() as uow:
        found = uow.subscriptions.candidates(NOW, busy, 1_000, 100_000)
        leased = uow.subscriptions.lease([c.subscription_id for c in found], "w1", NOW, NOW + LEASE)
    return {c.subscription_id for c in found if c.organization_id == org}, leased


def test_the_claim_takes_every_state_due_calls_due_and_no_other(storage: Storage) -> None:
    """Every combination of what `due` reads: state, next attempt, cursor against the head."""
    combinations = itertools.product(SubscriptionState, MOMENTS, BEHIND)
    drawn = [Drawn(state, at, behind, "none", False) for state, at, behind in combinations]
    org, head, subs = _store(storage, drawn, 3, True)

    ours, leased = _claimed(storage, org, set())

    expected = {sub.id for sub in subs if due(sub, NOW, head)}
    assert ours == expected and expected <= set(leased)
    assert 0 < len(expected) < len(subs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=SUBSCRIPTIONS, event_count=st.integers(0, 3), served=st.booleans())
def test_the_claim_takes_the_due_subscriptions_that_are_free_and_served(
    storage: Storage, drawn: list[Drawn], event_count: int, served: bool
) -> None:
    org, head, subs = _store(storage, drawn, event_count, served)
    busy = {sub.id for sub, d in zip(subs, drawn, strict=True) if d.busy}

    ours, leased = _claimed(storage, org, busy)

    expected = {
        sub.id
        for sub, d in zip(subs, drawn, strict=True)
        if served and due(sub, NOW, head) and d.lease != "live" and not d.busy
    }
    assert ours == expected and expected <= set(leased)


def test_due_reads_the_head_only_without_a_next_attempt() -> None:
    """The predicate itself, on the cases the generated states mix (a failure here reads plainly)."""
    sub = _subscription("o1", Drawn(SubscriptionState.ACTIVE, None, 0, "none", False), 7)
    held = replace(sub, state=SubscriptionState.ON_HOLD)
    assert due(sub, NOW, 8) and not due(sub, NOW, 7)
    assert due(replace(sub, next_attempt_at=NOW), NOW, 7)
    assert not due(replace(sub, next_attempt_at=NOW + 1), NOW, 8)  # a retry waits, new events or not
    assert due(replace(held, next_attempt_at=NOW), NOW, 7) and not due(
        replace(held, next_attempt_at=None), NOW, 8
    )
    assert not due(replace(sub, state=SubscriptionState.PAUSED, next_attempt_at=NOW), NOW, 8)
    assert not due(replace(sub, state=SubscriptionState.DISABLED, next_attempt_at=NOW), NOW, 8)
