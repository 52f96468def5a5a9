"""The subscription use cases and the delivery worker on the in-memory storage: no database, milliseconds."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.http.signing import StandardWebhookKeys, StandardWebhookSigner
from pairhub.adapters.http.ssrf import TargetGuard, static_resolver
from pairhub.adapters.memory.uow import MemoryStorage
from pairhub.domain import events
from pairhub.domain.delivery import SignatureAlgorithm
from pairhub.domain.errors import Conflict, Forbidden, Invalid, NotFound
from pairhub.domain.organizations import Organization
from pairhub.domain.subscriptions import (
    Batch,
    BatchStatus,
    OAuth2ClientCredentials,
    SubscriptionChanges,
    SubscriptionSettings,
    SubscriptionState,
)
from pairhub.ports import SendResult
from pairhub.services.delivery import Delivery, DeliveryConfig
from pairhub.services.delivery_log import DeliveryLog
from pairhub.services.subscriptions import Subscriptions
from pairhub.worker.runner import DeliveryWorker
from tests.handlers.conftest import CURSORS, RecordingSender

ORG = "00000000-0000-0000-0000-0000000000aa"
URL = "https://hooks.example.com/in"
CONFIG = DeliveryConfig(
    schedule_ms=(10_000, 20_000),
    timeout_s=1.0,
    probe_interval_ms=60_000,
    retention_ms=3_600_000,
    lease_ms=30_000,
    poll_interval_s=1.0,
    concurrency=10,
)


@pytest.fixture
def storage() -> MemoryStorage:
    """An in-memory storage with one organization that may receive webhooks."""
    memory = MemoryStorage()
    with memory.write() as uow:
        uow.organizations.add(Organization(ORG, "Fleet", False, True, 1))
    return memory


@pytest.fixture
def subscriptions(storage: MemoryStorage, clock: ManualClock) -> Subscriptions:
    """The use cases over the in-memory storage (the URL guard resolves one public host)."""
    resolver = static_resolver({"hooks.example.com": ["93.184.216.34"]})
    guard = TargetGuard(resolver, allow_private=False, allow_insecure=False)
    return Subscriptions(storage, clock, guard, StandardWebhookKeys(), CURSORS)


@pytest.fixture
def delivery_log(storage: MemoryStorage, clock: ManualClock) -> DeliveryLog:
    """The delivery log and redelivery over the in-memory storage."""
    return DeliveryLog(storage, clock, CURSORS)


def record_pairings(storage: MemoryStorage, count: int, at: int) -> None:
    with storage.write() as uow:
        uow.events.record([events.manual_pair(ORG, f"tp:{n}", "a", None, at) for n in range(count)])


def test_create_starts_after_the_past_and_shows_the_secret_once(
    storage: MemoryStorage, subscriptions: Subscriptions
) -> None:
    record_pairings(storage, 2, 1)

    view, secret = subscriptions.create(ORG, url=URL, event_version=2, names=["unit.paired"])

    assert secret.startswith("whsec_")
    assert view.record.secret == secret
    assert view.record.state is SubscriptionState.ACTIVE
    assert view.backlog == 0  # the two earlier events are the feed's, not the webhook's
    record_pairings(storage, 3, 2)
    assert subscriptions.get(ORG, view.record.id).backlog == 3


def test_create_refuses_bad_settings_and_inactive_organizations(
    storage: MemoryStorage, subscriptions: Subscriptions
) -> None:
    with pytest.raises(Invalid) as refused:
        subscriptions.create(ORG, url=URL, event_version=2, names=["unit.unpaired"])
    assert refused.value.code == "event_not_offered"
    with pytest.raises(Invalid):
        subscriptions.create(ORG, url="http://127.0.0.1/x", event_version=1, names=["unit.paired"])
    with storage.write() as uow:
        uow.organizations.add(Organization("closed", "Closed", False, False, 1))
    with pytest.raises(Forbidden):
        subscriptions.create("closed", url=URL, event_version=1, names=["unit.paired"])
    with pytest.raises(NotFound):
        subscriptions.create("nobody", url=URL, event_version=1, names=["unit.paired"])


def test_update_takes_typed_changes_and_checks_them_against_the_current_settings(
    subscriptions: Subscriptions, clock: ManualClock
) -> None:
    view, _ = subscriptions.create(ORG, url=URL, event_version=1, names=["unit.unpaired"], description="d")
    sub_id = view.record.id
    clock.advance(5)

    changed = subscriptions.update(
        ORG, sub_id, SubscriptionChanges(max_batch_size=7, custom_headers={"X-A": "1"}, set_description=True)
    ).record

    assert (changed.max_batch_size, dict(changed.custom_headers), changed.description) == (
        7,
        {"X-A": "1"},
        None,
    )
    assert changed.event_names == ("unit.unpaired",)
    assert changed.updated_at == clock.now_ms()
    with pytest.raises(Invalid):  # v2 does not offer unit.unpaired, which the subscription keeps
        subscriptions.update(ORG, sub_id, SubscriptionChanges(event_version=2))
    with pytest.raises(Invalid):
        subscriptions.update(ORG, sub_id, SubscriptionChanges(custom_headers={"Host": "x"}))
    assert subscriptions.get(ORG, sub_id).record == changed


def test_pause_resume_rotate_and_delete(subscriptions: Subscriptions, clock: ManualClock) -> None:
    view, secret = subscriptions.create(ORG, url=URL, event_version=1, names=["unit.paired"])
    sub_id = view.record.id

    assert subscriptions.pause(ORG, sub_id).record.state is SubscriptionState.PAUSED
    assert subscriptions.resume(ORG, sub_id).record.state is SubscriptionState.ACTIVE
    rotated, new = subscriptions.rotate_secret(ORG, sub_id)
    assert new != secret
    assert (rotated.record.secret, rotated.record.previous_secret) == (new, secret)
    assert rotated.record.previous_secret_expires_at == clock.now_ms() + 24 * 3_600_000

    subscriptions.delete(ORG, sub_id)
    with pytest.raises(NotFound):
        subscriptions.get(ORG, sub_id)


def test_redeliver_queues_a_finished_batch_with_a_fresh_schedule(
    storage: MemoryStorage, subscriptions: Subscriptions, delivery_log: DeliveryLog, clock: ManualClock
) -> None:
    view, _ = subscriptions.create(ORG, url=URL, event_version=1, names=["unit.paired"])
    sub_id = view.record.id
    done = Batch("b1", sub_id, 1, 1, 1, 5, "{}", 6, status=BatchStatus.FAILED, attempts=1, completed_at=7)
    with storage.write() as uow:
        uow.batches.add_many([done])

    again = delivery_log.redeliver(ORG, sub_id, "b1").record

    assert (again.status, again.next_attempt_at) == (BatchStatus.PENDING, clock.now_ms())
    assert (again.attempts, again.scheduled_attempts) == (1, 0)
    assert subscriptions.get(ORG, sub_id).record.next_attempt_at == clock.now_ms()
    page = delivery_log.batches(ORG, sub_id, "pending", None, 10)
    assert [b.record.id for b in page.items] == ["b1"]
    with pytest.raises(NotFound):
        delivery_log.redeliver(ORG, sub_id, "other")


async def test_the_worker_delivers_retries_and_holds_on_memory(
    storage: MemoryStorage, subscriptions: Subscriptions, delivery_log: DeliveryLog, clock: ManualClock
) -> None:
    sender = RecordingSender()
    sender.script(URL, *[SendResult(503, "", 1, retry_after="²")] * 3)
    signer = StandardWebhookSigner()
    delivery = Delivery(subscriptions, delivery_log, clock, clock, CONFIG, lambda: sender, signer)
    worker = DeliveryWorker(storage, clock, delivery, worker_id="w", jitter=lambda: 0.0)
    view, _ = subscriptions.create(ORG, url=URL, event_version=1, names=["unit.paired"], max_wait_ms=0)
    sub_id = view.record.id
    record_pairings(storage, 2, clock.now_ms())

    assert await worker.run_once() == 1
    clock.advance(10)
    assert await worker.run_once() == 1
    clock.advance(20)
    assert await worker.run_once() == 1  # the third failure exhausts the schedule
    held = subscriptions.get(ORG, sub_id).record
    assert held.state is SubscriptionState.ON_HOLD
    assert held.on_hold_reason == "3 attempts failed; last: HTTP 503"

    resumed = subscriptions.resume(ORG, sub_id)
    assert await worker.run_once() == 1
    assert subscriptions.get(ORG, sub_id).record.events_delivered == 2
    assert resumed.backlog == 2
    assert len({request.envelope["eventBatchId"] for request in sender.sent}) == 1  # one batch, four tries
    [batch] = delivery_log.batches(ORG, sub_id, None, None, 10).items
    assert [a.outcome for a in batch.attempts] == ["retry", "retry", "onHold", "delivered"]
    assert "Retry-After '²' ignored" in (batch.attempts[0].error or "")


def test_an_ed25519_subscription_shows_public_keys_never_its_private_key(
    subscriptions: Subscriptions, clock: ManualClock
) -> None:
    view, shown = subscriptions.create(
        ORG, url=URL, event_version=1, names=["unit.paired"], signature_algorithm=SignatureAlgorithm.ED25519
    )
    rotated, shown_again = subscriptions.rotate_secret(ORG, view.record.id)
    during = subscriptions.jwks(view.record.id)
    clock.advance(24 * 3600)
    after = subscriptions.get(ORG, view.record.id)

    assert shown is None and shown_again is None
    assert view.record.secret.startswith("whsk_") and view.public_key is not None
    assert rotated.previous_public_key == view.public_key != rotated.public_key
    assert len(during) == 2 and during[0]["kid"] != during[1]["kid"]
    assert after.previous_public_key is None and len(subscriptions.jwks(view.record.id)) == 1


def test_hmac_subscriptions_publish_no_jwk_set(subscriptions: Subscriptions) -> None:
    view, secret = subscriptions.create(ORG, url=URL, event_version=1, names=["unit.paired"])

    assert secret is not None and secret.startswith("whsec_") and view.public_key is None
    with pytest.raises(NotFound):
        subscriptions.jwks(view.record.id)


def test_receiver_credentials_are_checked_on_create_and_change(subscriptions: Subscriptions) -> None:
    local = OAuth2ClientCredentials("https://127.0.0.1/token", "id", "secret")
    public = OAuth2ClientCredentials("https://hooks.example.com/token", "id", "secret")

    with pytest.raises(Invalid) as refused:
        subscriptions.create(ORG, url=URL, event_version=1, names=["unit.paired"], auth=local)
    view, _ = subscriptions.create(ORG, url=URL, event_version=1, names=["unit.paired"], auth=public)
    with pytest.raises(Invalid) as clash:
        subscriptions.update(ORG, view.record.id, SubscriptionChanges(custom_headers={"Authorization": "x"}))
    removed = subscriptions.update(ORG, view.record.id, SubscriptionChanges(auth=None, set_auth=True))

    assert refused.value.code == "token_url_refused" and clash.value.code == "invalid_custom_header"
    assert view.record.auth == public and removed.record.auth is None


def test_creating_past_the_cap_of_an_organization_is_refused(
    storage: MemoryStorage, clock: ManualClock
) -> None:
    guard = TargetGuard(
        static_resolver({"hooks.example.com": ["93.184.216.34"]}), allow_private=False, allow_insecure=False
    )
    capped = Subscriptions(
        storage, clock, guard, StandardWebhookKeys(), CURSORS, SubscriptionSettings(per_organization=1)
    )
    capped.create(ORG, url=URL, event_version=1, names=["unit.paired"])

    with pytest.raises(Conflict) as refused:
        capped.create(ORG, url=URL, event_version=1, names=["unit.paired"])

    assert refused.value.code == "subscription_limit_reached" and refused.value.extra == {"limit": 1}
