"""The delivery repositories' contract: the same assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import replace

from pairhub.domain import events
from pairhub.domain.delivery import SignatureAlgorithm
from pairhub.domain.fair_shares import Candidate
from pairhub.domain.organizations import Organization
from pairhub.domain.subscriptions import (
    Attempt,
    Batch,
    BatchStatus,
    OAuth2ClientCredentials,
    Subscription,
    SubscriptionState,
)
from pairhub.ports import EventQuery, Storage, UnitOfWork
from pairhub.worker.cut import freeze

NOW = 1_000_000
LEASE = 30_000


def _organization(storage: Storage, active: bool = True) -> str:
    organization_id = str(uuid.uuid4())
    with storage.write() as uow:
        uow.organizations.add(Organization(organization_id, "Fleet", False, active, 1))
    return organization_id


def _subscription(organization_id: str, number: int, **changes: object) -> Subscription:
    sub = Subscription(
        id=f"00000000-0000-0000-0000-{number:012d}",
        organization_id=organization_id,
        url=f"https://example.com/{number}",
        event_version=1,
        event_names=("unit.paired", "unit.unpaired"),
        max_batch_size=100,
        max_wait_ms=0,
        custom_headers={"X-Tenant": "acme"},
        description=None,
        state=SubscriptionState.ACTIVE,
        secret="whsec_c2VjcmV0",
        created_at=10,
        updated_at=10,
        cursor_seq=0,
    )
    return replace(sub, **changes)  # type: ignore[arg-type]


def _batch(storage: Storage, sub: Subscription, count: int = 2, **changes: object) -> Batch:
    """A batch cut as the worker cuts it, from `count` new events of the subscription's organization."""
    org = sub.organization_id
    with storage.write() as uow:
        start = uow.events.heads([org])[org]
        uow.events.record([events.manual_pair(org, f"tp:{n}", "a", None, 5 + n) for n in range(count)])
        window = uow.events.rendered(EventQuery(org, sub.event_names, count, after=start), sub.event_version)
    return replace(freeze(sub, window, 20), next_attempt_at=NOW, **changes)  # type: ignore[arg-type]


def _claim(
    uow: UnitOfWork, worker: str, now: int, lease_ms: int, limit: int, busy: Collection[str]
) -> list[str]:
    """Lease up to `limit` of the candidates, as a worker with nothing in flight does."""
    found = uow.subscriptions.candidates(now, busy, limit, limit)
    return uow.subscriptions.lease([c.subscription_id for c in found], worker, now, now + lease_ms)


def _attempt(batch: Batch, at: int, outcome: str = "retry") -> Attempt:
    return Attempt(batch.id, batch.subscription_id, at, 12, 503, "busy", None, outcome, "w1")


def test_subscriptions_round_trip_change_list_and_delete_with_their_log(storage: Storage) -> None:
    org = _organization(storage)
    other = _organization(storage)
    first, second, foreign = _subscription(org, 1), _subscription(org, 2), _subscription(other, 3)
    batch = _batch(storage, first)
    with storage.write() as uow:
        for sub in (second, first, foreign):
            uow.subscriptions.add(sub)
        uow.batches.add_many([batch])
        uow.attempts.add_many([_attempt(batch, 1)])
    changed = replace(second, state=SubscriptionState.ON_HOLD, on_hold_since=7, on_hold_reason="why")
    with storage.write() as uow:
        uow.subscriptions.save(changed)
    with storage.read() as uow:
        assert uow.subscriptions.get(first.id) == first
        assert uow.subscriptions.get(second.id, lock=True) == changed
        assert uow.subscriptions.get("missing") is None
        assert [s.id for s in uow.subscriptions.list(org, None, 10)] == [first.id, second.id]
        assert [s.id for s in uow.subscriptions.list(org, first.id, 10)] == [second.id]
        assert [s.id for s in uow.subscriptions.list(None, None, 10)] == [first.id, second.id, foreign.id]
        assert uow.subscriptions.count_on_hold() == 1
    with storage.write() as uow:
        uow.subscriptions.delete(first.id)
    with storage.read() as uow:
        assert uow.subscriptions.get(first.id) is None
        assert uow.batches.get(batch.id) is None
        assert uow.attempts.latest([batch.id], 10) == {batch.id: []}


def test_the_signature_algorithm_and_receiver_credentials_round_trip_and_change(storage: Storage) -> None:
    org = _organization(storage)
    credentials = OAuth2ClientCredentials("https://auth.example/token", "pairhub", "s3cret", "a b")
    ed25519 = _subscription(
        org, 1, signature_algorithm=SignatureAlgorithm.ED25519, secret="whsk_a2V5", auth=credentials
    )
    hmac = _subscription(org, 2)
    with storage.write() as uow:
        uow.subscriptions.add(ed25519)
        uow.subscriptions.add(hmac)
    new_secret = replace(ed25519, auth=replace(credentials, client_secret="rotated", scope=None))
    added = replace(hmac, auth=credentials)
    with storage.write() as uow:
        uow.subscriptions.save(new_secret)
        uow.subscriptions.save(added)
    with storage.read() as uow:
        assert uow.subscriptions.get(new_secret.id) == new_secret
        assert uow.subscriptions.get(added.id) == added
    removed = replace(new_secret, auth=None)
    with storage.write() as uow:
        uow.subscriptions.save(removed)
    with storage.read() as uow:
        found = uow.subscriptions.get(removed.id)
        assert found == removed and found is not None
        assert found.signature_algorithm is SignatureAlgorithm.ED25519 and found.auth is None


def test_claim_leases_subscriptions_with_due_work_once(storage: Storage) -> None:
    org = _organization(storage)
    inactive = _organization(storage, active=False)
    with storage.write() as uow:
        uow.events.record([events.manual_pair(org, "tp:1", "a", None, 1)])
        uow.events.record([events.manual_pair(inactive, "tp:2", "a", None, 1)])
        head = uow.events.heads([org])[org]
    new_events = _subscription(org, 1)
    caught_up = _subscription(org, 2, cursor_seq=head)
    retry_due = _subscription(org, 3, cursor_seq=head, next_attempt_at=NOW)
    retry_later = _subscription(org, 4, cursor_seq=head, next_attempt_at=NOW + 1)
    paused = _subscription(org, 5, state=SubscriptionState.PAUSED, next_attempt_at=NOW)
    probe_due = _subscription(org, 6, state=SubscriptionState.ON_HOLD, next_attempt_at=NOW)
    not_served = _subscription(inactive, 7)
    busy = _subscription(org, 8)
    with storage.write() as uow:
        for sub in (new_events, caught_up, retry_due, retry_later, paused, probe_due, not_served, busy):
            uow.subscriptions.add(sub)

    with storage.write() as uow:
        claimed = _claim(uow, "w1", NOW, LEASE, 10, {busy.id})
    with storage.write() as uow:
        again = _claim(uow, "w2", NOW, LEASE, 10, ())
        held = uow.subscriptions.leased([new_events.id, busy.id, caught_up.id], "w1")

    assert sorted(claimed) == sorted([new_events.id, retry_due.id, probe_due.id])
    assert again == [busy.id]  # the others are leased by w1 until their lease expires
    assert held == {new_events.id: new_events}


def test_candidates_come_in_turns_across_organizations_and_lease_takes_only_free_ones(
    storage: Storage,
) -> None:
    big, small = _organization(storage), _organization(storage)
    subs = [_subscription(big, n, next_attempt_at=NOW) for n in range(1, 5)]
    subs.append(_subscription(small, 9, next_attempt_at=NOW))
    with storage.write() as uow:
        for sub in subs:
            uow.subscriptions.add(sub)
        uow.subscriptions.lease([subs[0].id], "w0", NOW - LEASE, NOW - 1)  # ran out: its turn is later

    with storage.write() as uow:
        found = uow.subscriptions.candidates(NOW, (), 3, 10)
        capped = uow.subscriptions.candidates(NOW, (), 3, 2)
        first = uow.subscriptions.lease([subs[1].id], "w1", NOW, NOW + LEASE)
    with storage.write() as uow:
        again = uow.subscriptions.lease([subs[1].id, subs[2].id, "missing"], "w2", NOW, NOW + LEASE)
        after = uow.subscriptions.candidates(NOW, (subs[3].id,), 3, 10)

    assert found == [
        Candidate(subs[1].id, big),
        Candidate(subs[4].id, small),
        Candidate(subs[2].id, big),
        Candidate(subs[3].id, big),
    ]
    assert capped == found[:2]
    assert (first, again) == ([subs[1].id], [subs[2].id])
    assert after == [Candidate(subs[4].id, small), Candidate(subs[0].id, big)]


def test_an_organization_counts_its_subscriptions(storage: Storage) -> None:
    org, other = _organization(storage), _organization(storage)
    with storage.write() as uow:
        for number in range(3):
            uow.subscriptions.add(_subscription(org, number))
        uow.subscriptions.add(_subscription(other, 7))
    with storage.read() as uow:
        assert (uow.subscriptions.count(org), uow.subscriptions.count(other)) == (3, 1)


def test_leases_are_renewed_released_and_taken_over_when_expired(storage: Storage) -> None:
    org = _organization(storage)
    inactive = _organization(storage, active=False)
    sub = _subscription(org, 1, next_attempt_at=NOW)
    idle = _subscription(inactive, 2, next_attempt_at=NOW)
    with storage.write() as uow:
        uow.subscriptions.add(sub)
        uow.subscriptions.add(idle)
        assert _claim(uow, "w1", NOW, LEASE, 1, ()) == [sub.id]
        # Leased subscriptions of an organization whose Datahub subscription ended are not served.
        assert uow.subscriptions.leased([sub.id], "w1", served_only=True) == {sub.id: sub}

    moved = replace(sub, cursor_seq=9, next_attempt_at=NOW + 5)
    with storage.write() as uow:
        uow.subscriptions.save_many([moved], "w1", NOW + 2 * LEASE)
        uow.subscriptions.save_many([replace(moved, cursor_seq=99)], "w2", NOW)  # not w2's: ignored
    with storage.write() as uow:
        # Renewed: still w1's after the first lease would have run out.
        assert _claim(uow, "w2", NOW + LEASE + 5, LEASE, 1, ()) == []
        assert uow.subscriptions.leased([sub.id], "w1") == {sub.id: moved}
    with storage.write() as uow:
        assert _claim(uow, "w2", NOW + 2 * LEASE, LEASE, 1, ()) == [sub.id]
        assert uow.subscriptions.leased([sub.id], "w1") == {}
        uow.subscriptions.release([sub.id], "w1")  # not w1's any more: nothing happens
        assert uow.subscriptions.leased([sub.id], "w2") == {sub.id: moved}
        uow.subscriptions.release([sub.id], "w2")
        assert uow.subscriptions.leased([sub.id], "w2") == {}
    with storage.write() as uow:
        assert _claim(uow, "w3", NOW + 2 * LEASE, LEASE, 5, ()) == [sub.id]


def test_batches_pending_in_order_saved_listed_and_counted(storage: Storage) -> None:
    org = _organization(storage)
    sub, other = _subscription(org, 1), _subscription(org, 2)
    first = _batch(storage, sub)
    later = _batch(storage, sub)
    done = _batch(storage, sub, status=BatchStatus.DELIVERED, completed_at=30)
    theirs = _batch(storage, other, count=5)
    with storage.write() as uow:
        uow.subscriptions.add(sub)
        uow.subscriptions.add(other)
        uow.batches.add_many([later, first, done, theirs])

    finished = replace(first, status=BatchStatus.FAILED, attempts=1, last_status=400, completed_at=40)
    with storage.write() as uow:
        uow.batches.save_many([finished])
        # The body stays the bytes it was cut with, whatever the subscription asks for now.
        uow.subscriptions.save(replace(sub, event_version=2, event_names=("unit.paired",)))
    with storage.read() as uow:
        assert uow.batches.get(first.id) == finished
        assert '"eventVersion":1' in finished.body
        assert uow.batches.get_many([later.id, "missing"]) == {later.id: later}
        assert uow.batches.pending_of([sub.id, other.id, "none"]) == {
            sub.id: [replace(later, body="")],  # read without bodies
            other.id: [replace(theirs, body="")],
            "none": [],
        }
        listed = uow.batches.list(sub.id, None, None, 10)
        assert [b.id for b in listed] == [done.id, later.id, first.id]
        assert {b.body for b in listed} == {""}  # the log is read without bodies
        assert [b.id for b in uow.batches.list(sub.id, None, done.log_position, 1)] == [later.id]
        assert [b.id for b in uow.batches.list(sub.id, BatchStatus.FAILED, None, 10)] == [first.id]
        assert uow.batches.pending_events(sub.id) == 2
        assert uow.batches.pending_events(None) == 7


def test_a_batch_queued_without_an_attempt_time_stands_in_line_after_the_one_before_it(
    storage: Storage,
) -> None:
    sub = _subscription(_organization(storage), 1)
    sent = _batch(storage, sub)
    queued = replace(_batch(storage, sub), next_attempt_at=None)
    recovered = replace(sent, id=str(uuid.uuid4()), recovery=1)
    with storage.write() as uow:
        uow.subscriptions.add(sub)
        uow.batches.add_many([recovered, queued, sent])
    with storage.read() as uow:
        line = uow.batches.pending_of([sub.id])[sub.id]
    assert [b.id for b in line] == [sent.id, queued.id, recovered.id]
    assert line[1] == replace(queued, body="")


def test_attempts_latest_per_batch_oldest_first(storage: Storage) -> None:
    org = _organization(storage)
    sub = _subscription(org, 1)
    one, two = _batch(storage, sub), _batch(storage, sub)
    with storage.write() as uow:
        uow.subscriptions.add(sub)
        uow.batches.add_many([one, two])
        uow.attempts.add_many([_attempt(one, at) for at in (1, 2, 3)])
        uow.attempts.add_many([_attempt(two, 9, "delivered")])
    with storage.read() as uow:
        latest = uow.attempts.latest([one.id, two.id], 2)
    assert [a.attempted_at for a in latest[one.id]] == [2, 3]
    assert latest[two.id] == [_attempt(two, 9, "delivered")]


def test_a_failed_savepoint_undoes_only_its_own_writes(storage: Storage) -> None:
    org = _organization(storage)
    sub = _subscription(org, 1)
    with storage.write() as uow:
        uow.subscriptions.add(sub)
        try:
            with uow.savepoint():
                uow.subscriptions.save(replace(sub, url="https://example.com/undone"))
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        with uow.savepoint():
            uow.subscriptions.save(replace(sub, description="kept"))
    with storage.read() as uow:
        assert uow.subscriptions.get(sub.id) == replace(sub, description="kept")


def test_recovered_batches_repeat_ranges_queue_after_the_cut_ones_and_page_in_the_log(
    storage: Storage,
) -> None:
    sub = _subscription(_organization(storage), 1)
    cut = _batch(storage, sub)
    pending = _batch(storage, sub)
    recovered = replace(cut, id=str(uuid.uuid4()), recovery=1, status=BatchStatus.PENDING)
    again = replace(pending, id=str(uuid.uuid4()), recovery=1)
    with storage.write() as uow:
        uow.subscriptions.add(sub)
        assert uow.batches.last_recovery(sub.id) == 0
        uow.batches.add_many([replace(cut, status=BatchStatus.DELIVERED), pending, again, recovered])
    with storage.read() as uow:
        assert uow.batches.last_recovery(sub.id) == 1
        # The batch cut from the cursor first, then the recovery's batches in event order.
        assert [b.id for b in uow.batches.pending_of([sub.id])[sub.id]] == [
            pending.id,
            recovered.id,
            again.id,
        ]
        rebuilt = uow.batches.get(again.id)
        assert (
            rebuilt is not None
            and json.loads(rebuilt.body)["eventsData"] == json.loads(pending.body)["eventsData"]
        )
        pages, before = [], None
        while True:
            [batch, *more] = uow.batches.list(sub.id, None, before, 2)
            pages.append(batch.id)
            if not more:
                break
            before = batch.log_position
        assert pages == [again.id, pending.id, recovered.id, cut.id]
