"""The delivery worker of `wire()` on the in-memory storage, sending to a recording sender: signed batches
in registration order, the batch size and wait limits, retries and holds walked on the manual clock.

The same behaviour is proven over HTTP on SQLite and PostgreSQL in `tests/integration/delivery`.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator, FormatChecker
from standardwebhooks import Webhook

from pairhub import __version__
from pairhub.adapters.clock import ManualClock
from pairhub.adapters.http.signing import body_signature
from pairhub.bootstrap import Container
from pairhub.contract import schemas
from pairhub.domain.subscriptions import BatchStatus, SubscriptionState
from pairhub.ports import SendResult
from tests.delivery_support import drain, pair_units
from tests.handlers.conftest import HOOK, HOOKS_HOST, RecordingSender, subscribe

OTHER = f"https://{HOOKS_HOST}/other"


async def test_a_batch_is_signed_as_standard_webhooks_and_logged_as_delivered(
    delivering: Container, sender: RecordingSender
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, secret = subscribe(delivering, org, headers={"X-Tenant": "acme"})
    [unit] = pair_units(delivering, org, 1)
    delivering.pairing.unpair(org, unit)

    assert await drain(delivering.delivery_worker) == 1

    [request] = sender.sent
    envelope = Webhook(secret).verify(request.body, request.headers)
    assert envelope["eventBatchId"] == request.headers["webhook-id"]
    assert envelope["eventSubscriptionId"] == sub.id
    assert [e["eventType"] for e in envelope["eventsData"]] == ["unit.paired", "unit.unpaired"]
    Draft202012Validator(schemas.load("v1-envelope.json"), format_checker=FormatChecker()).validate(envelope)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == f"pairhub/{__version__}"
    assert request.headers["X-Signature-256"] == body_signature(secret, request.body)
    assert request.headers["X-Tenant"] == "acme"
    view = delivering.subscriptions.get(org, sub.id)
    assert (view.record.events_delivered, view.backlog) == (2, 0)
    [batch] = delivering.delivery_log.batches(org, sub.id, None, None, 10).items
    assert (batch.record.id, batch.record.status) == (request.headers["webhook-id"], BatchStatus.DELIVERED)
    assert [a.status_code for a in batch.attempts] == [200]
    detail = delivering.delivery_log.batch(org, sub.id, batch.record.id)
    assert detail.record.body.encode() == request.body


async def test_only_events_registered_after_the_subscription_are_sent(
    delivering: Container, sender: RecordingSender
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    pair_units(delivering, org, 2, prefix="old")
    subscribe(delivering, org)
    pair_units(delivering, org, 1, prefix="new")

    await drain(delivering.delivery_worker)

    assert [unit for request in sender.sent for unit in request.unit_ids] == ["new:000000"]


async def test_batches_keep_registration_order_size_and_wait_limits(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    subscribe(delivering, org, max_batch_size=3, max_wait_ms=60_000)
    units = pair_units(delivering, org, 7)

    await drain(delivering.delivery_worker)
    assert [len(r.unit_ids) for r in sender.sent] == [3, 3]  # full batches leave at once
    clock.advance(59.999)
    assert await drain(delivering.delivery_worker) == 0  # the seventh waits for more
    clock.advance(0.001)
    await drain(delivering.delivery_worker)

    assert [len(r.unit_ids) for r in sender.sent] == [3, 3, 1]
    assert [unit for request in sender.sent for unit in request.unit_ids] == units
    assert len({r.headers["webhook-id"] for r in sender.sent}) == 3


async def test_a_refused_attempt_is_retried_on_schedule_with_the_same_id_and_bytes(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org)
    sender.script(HOOK, 503)
    pair_units(delivering, org, 1)

    await drain(delivering.delivery_worker)
    clock.advance(9.999)
    assert await drain(delivering.delivery_worker) == 0  # the first retry waits 10 s
    clock.advance(0.001)
    assert await drain(delivering.delivery_worker) == 1

    first, second = sender.sent
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    [batch] = delivering.delivery_log.batches(org, sub.id, None, None, 10).items
    assert batch.record.status is BatchStatus.DELIVERED
    assert [(a.status_code, a.outcome) for a in batch.attempts] == [(503, "retry"), (200, "delivered")]


async def test_retry_after_is_honoured_when_longer_than_the_schedule(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    subscribe(delivering, org)
    sender.script(HOOK, SendResult(429, "slow down", 2, retry_after="120"))
    pair_units(delivering, org, 1)

    await drain(delivering.delivery_worker)
    clock.advance(119.999)
    assert await drain(delivering.delivery_worker) == 0
    clock.advance(0.001)

    assert await drain(delivering.delivery_worker) == 1
    assert len(sender.sent) == 2


async def test_an_exhausted_schedule_holds_the_subscription_until_a_probe_gets_through(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, _ = subscribe(delivering, org)
    sender.script(HOOK, 500, 500, 500, 500)
    pair_units(delivering, org, 1)

    await drain(delivering.delivery_worker)
    clock.advance(10)
    await drain(delivering.delivery_worker)
    clock.advance(20)
    await drain(delivering.delivery_worker)
    held = delivering.subscriptions.get(org, sub.id).record
    assert (held.state, held.on_hold_reason) == (
        SubscriptionState.ON_HOLD,
        "3 attempts failed; last: HTTP 500",
    )
    clock.advance(60)
    await drain(delivering.delivery_worker)  # the probe fails: on hold for another interval
    clock.advance(59.999)
    assert await drain(delivering.delivery_worker) == 0
    clock.advance(0.001)
    await drain(delivering.delivery_worker)

    assert delivering.subscriptions.get(org, sub.id).record.state is SubscriptionState.ACTIVE
    [batch] = delivering.delivery_log.batches(org, sub.id, None, None, 10).items
    assert [a.outcome for a in batch.attempts] == ["retry", "retry", "onHold", "probeFailed", "delivered"]
    assert len({r.headers["webhook-id"] for r in sender.sent}) == 1


async def test_a_refusing_receiver_holds_back_only_its_own_subscription(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    failing, _ = subscribe(delivering, org, url=OTHER, max_batch_size=2)
    working, _ = subscribe(delivering, org, max_batch_size=2)
    sender.always(OTHER, 503)
    units = pair_units(delivering, org, 5)

    await drain(delivering.delivery_worker)
    clock.advance(10)
    await drain(delivering.delivery_worker)

    assert [unit for request in sender.to(HOOK) for unit in request.unit_ids] == units
    assert delivering.subscriptions.get(org, working.id).backlog == 0
    assert [r.unit_ids for r in sender.to(OTHER)] == [units[:2], units[:2]]  # its first batch, again
    assert delivering.subscriptions.get(org, failing.id).backlog == 5


async def test_a_rotated_secret_signs_beside_the_new_one_for_24_hours(
    delivering: Container, sender: RecordingSender, clock: ManualClock
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    sub, old = subscribe(delivering, org)
    _, new = delivering.subscriptions.rotate_secret(org, sub.id)
    assert new is not None and new != old

    pair_units(delivering, org, 1, prefix="during")
    await drain(delivering.delivery_worker)
    clock.advance(24 * 3600)
    pair_units(delivering, org, 1, prefix="after")
    await drain(delivering.delivery_worker)

    during, after = sender.sent
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(during.body, during.headers)
    Webhook(new).verify(during.body, during.headers)
    assert during.headers["X-Signature-256"] == body_signature(new, during.body)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    Webhook(new).verify(after.body, after.headers)


async def test_nothing_is_sent_while_the_datahub_subscription_is_inactive(
    delivering: Container, sender: RecordingSender
) -> None:
    org = delivering.organizations.create("Fleet", False, True).id
    subscribe(delivering, org)
    delivering.organizations.update(org, datahub_subscription_active=False)
    pair_units(delivering, org, 2)

    assert await drain(delivering.delivery_worker) == 0
    delivering.organizations.update(org, datahub_subscription_active=True)
    assert await drain(delivering.delivery_worker) == 1

    assert [len(r.unit_ids) for r in sender.sent] == [2]
