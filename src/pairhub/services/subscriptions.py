"""Webhook subscriptions of the Datahub portal: create, change, pause, resume, rotate, delete.

The delivery log and redelivery are `services/delivery_log.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from pairhub.contract.render import EVENTS_BY_VERSION, offers
from pairhub.domain import delivery
from pairhub.domain import delivery_machine as rules
from pairhub.domain import subscriptions as records
from pairhub.domain.audit import AuditAction
from pairhub.domain.delivery import SignatureAlgorithm
from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.domain.subscriptions import (
    DEFAULTS,
    BatchStatus,
    OAuth2ClientCredentials,
    Subscription,
    SubscriptionChanges,
    SubscriptionSettings,
    SubscriptionState,
)
from pairhub.ports import Clock, EventQuery, Storage, UnitOfWork
from pairhub.ports.webhooks import SigningKeys, TargetRefused, UrlGuard
from pairhub.services import audit, organizations
from pairhub.services.pagination import CursorKind, Cursors, Page

EVENT_GROUP = "asset"
PENDING_READ = 50


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription with its backlog, when the oldest waiting event happened and, for ed25519, its keys."""

    record: Subscription
    backlog: int
    oldest_waiting_at: int | None = None
    public_key: str | None = None
    previous_public_key: str | None = None
    """The public key that still signs beside the current one after a rotation, while it does."""


def view_of(uow: UnitOfWork, sub: Subscription) -> SubscriptionView:
    """A subscription with its backlog: events in pending batches plus those not cut into one yet."""
    in_batches = uow.batches.pending_events(sub.id)
    uncut = uow.events.count_after(sub.organization_id, sub.cursor_seq, sub.event_names)
    oldest = None
    if in_batches:
        # Normally one batch is pending; a bounded read (without bodies) finds the oldest.
        pending = uow.batches.list(sub.id, BatchStatus.PENDING, None, PENDING_READ)
        oldest = min((batch.oldest_event_at for batch in pending), default=None)
    elif uncut:
        # Batches are cut in event order: with none pending, the oldest waiting is the first uncut one.
        first = uow.events.read(EventQuery(sub.organization_id, sub.event_names, 1, after=sub.cursor_seq))
        oldest = first[0].event.registered_at_ms if first else None
    return SubscriptionView(sub, in_batches + uncut, oldest)


def _missing(subscription_id: str) -> NotFound:
    return NotFound("subscription_not_found", f"Subscription {subscription_id} does not exist.")


def _check_secret(secret: str | None, algorithm: SignatureAlgorithm) -> None:
    refusal = None if secret is None else delivery.secret_refusal(secret, algorithm)
    if refusal is not None:
        raise Invalid("invalid_secret", refusal)


def load(uow: UnitOfWork, organization_id: str, subscription_id: str, lock: bool = False) -> Subscription:
    """A subscription of an organization that may receive webhooks; NotFound for any other."""
    organizations.require_datahub(uow, organization_id)
    found = uow.subscriptions.get(subscription_id, lock=lock)
    if found is None or found.organization_id != organization_id:
        raise _missing(subscription_id)
    return found


def check_events(version: int, names: Sequence[str]) -> None:
    """Refuse a version that does not exist and names it does not offer (subscriptions and feeds)."""
    if version not in EVENTS_BY_VERSION:
        raise Invalid("unsupported_event_version", f"eventVersion {version} does not exist; use 1 or 2.")
    if not names:
        raise Invalid("event_names_required", "Subscribe to at least one event name.")
    if len(set(names)) != len(names):
        raise Invalid("duplicate_event_name", "Each event name may appear once.")
    for name in names:
        if not offers(version, name):
            offered = ", ".join(EVENTS_BY_VERSION[version])
            raise Invalid(
                "event_not_offered",
                f"eventVersion {version} offers {offered}; `{name}` is not one of them.",
                eventName=name,
            )


def _check_limits(max_batch_size: int, max_wait_ms: int) -> None:
    if not 1 <= max_batch_size <= DEFAULTS.batch_size_cap:
        raise Invalid("invalid_batch_size", f"maxBatchSize must be 1 to {DEFAULTS.batch_size_cap}.")
    if not 0 <= max_wait_ms <= DEFAULTS.wait_cap_ms:
        raise Invalid("invalid_max_wait", f"maxWaitMs must be 0 to {DEFAULTS.wait_cap_ms}.")


def _check_headers(headers: Mapping[str, str]) -> None:
    if len(headers) > DEFAULTS.custom_headers_cap:
        raise Invalid(
            "too_many_custom_headers", f"At most {DEFAULTS.custom_headers_cap} custom headers are allowed."
        )
    if len({name.lower() for name in headers}) != len(headers):
        raise Invalid("invalid_custom_header", "Custom header names must differ (case-insensitively).")
    for name, value in headers.items():
        refusal = delivery.header_refusal(name, value)
        if refusal is not None:
            code = "reserved_header" if "cannot be overridden" in refusal else "invalid_custom_header"
            raise Invalid(code, refusal, header=name)


def _check_signature_header(name: str, headers: Mapping[str, str]) -> None:
    refusal = delivery.signature_header_refusal(name)
    if refusal is not None:
        raise Invalid("invalid_signature_header", refusal, header=name)
    if name.lower() in {custom.lower() for custom in headers}:
        raise Invalid(
            "invalid_signature_header",
            f"`{name}` is also a custom header; it can carry one value.",
            header=name,
        )


def _check_auth(auth: OAuth2ClientCredentials | None, headers: Mapping[str, str]) -> None:
    if auth is not None and "authorization" in {name.lower() for name in headers}:
        raise Invalid(
            "invalid_custom_header",
            "`Authorization` carries the token of `auth`; it cannot also be a custom header.",
            header="Authorization",
        )


def _shown_secret(sub: Subscription) -> str | None:
    # An ed25519 private key never leaves pairhub: receivers verify with the public key.
    return sub.secret if sub.signature_algorithm is SignatureAlgorithm.HMAC_SHA256 else None


class Subscriptions:
    """Use cases of the webhook subscriptions of an organization."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        guard: UrlGuard,
        keys: SigningKeys,
        cursors: Cursors,
        settings: SubscriptionSettings = DEFAULTS,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._guard = guard
        self._keys = keys
        self._cursors = cursors
        self.settings = settings

    def _check_url(self, url: str) -> None:
        try:
            self._guard.check_url(url)
        except TargetRefused as refused:
            raise Invalid(
                "webhook_target_refused", f"The webhook URL is refused: {refused.reason}."
            ) from None

    def _check_token_url(self, auth: OAuth2ClientCredentials | None) -> None:
        if auth is None:
            return
        try:
            self._guard.check_url(auth.token_url)
        except TargetRefused as refused:
            raise Invalid("token_url_refused", f"The token URL is refused: {refused.reason}.") from None

    def _check_room(self, uow: UnitOfWork, organization_id: str) -> None:
        most = self.settings.per_organization
        if uow.subscriptions.count(organization_id) >= most:
            raise Conflict(
                "subscription_limit_reached",
                f"An organization may have {most} subscriptions; delete one to create another.",
                limit=most,
            )

    @staticmethod
    def _organization(uow: UnitOfWork, organization_id: str) -> None:
        organizations.require_datahub(uow, organization_id)

    def _signing_keys(self, sub: Subscription) -> tuple[str, ...]:
        return delivery.signing_secrets(
            sub.secret, sub.previous_secret, sub.previous_secret_expires_at, self._clock.now_ms()
        )

    def _view(self, uow: UnitOfWork, sub: Subscription) -> SubscriptionView:
        view = view_of(uow, sub)
        if sub.signature_algorithm is not SignatureAlgorithm.ED25519:
            return view
        public = [self._keys.public_key(key) for key in self._signing_keys(sub)]
        return replace(view, public_key=public[0], previous_public_key=public[1] if len(public) > 1 else None)

    def jwks(self, subscription_id: str) -> list[dict[str, str]]:
        """The public keys that sign an ed25519 subscription's requests now, as JWKs (newest first)."""
        with self._storage.read() as uow:
            sub = uow.subscriptions.get(subscription_id)
        if sub is None or sub.signature_algorithm is not SignatureAlgorithm.ED25519:
            # The same answer for both, so that this unauthenticated URL cannot probe for ids.
            raise NotFound("jwks_not_found", f"No subscription {subscription_id} signs with ed25519.")
        return [self._keys.jwk(key) for key in self._signing_keys(sub)]

    def create(
        self,
        organization_id: str,
        *,
        url: str,
        event_version: int,
        names: Sequence[str],
        max_batch_size: int = DEFAULTS.max_batch_size,
        max_wait_ms: int = DEFAULTS.max_wait_ms,
        headers: Mapping[str, str] | None = None,
        description: str | None = None,
        signature_header: str = DEFAULTS.signature_header,
        signature_algorithm: SignatureAlgorithm = SignatureAlgorithm.HMAC_SHA256,
        auth: OAuth2ClientCredentials | None = None,
        secret: str | None = None,
    ) -> tuple[SubscriptionView, str | None]:
        """Create a subscription; only events registered from now on are delivered to it.

        Returns the subscription and its HMAC secret, which is shown this once (None for ed25519).
        """
        headers = dict(headers or {})
        check_events(event_version, names)
        _check_limits(max_batch_size, max_wait_ms)
        _check_headers(headers)
        _check_signature_header(signature_header, headers)
        _check_auth(auth, headers)
        _check_secret(secret, signature_algorithm)
        with self._storage.read() as uow:
            self._organization(uow, organization_id)
        self._check_url(url)
        self._check_token_url(auth)
        secret = secret or self._keys.new_secret(signature_algorithm)
        now = self._clock.now_ms()
        with self._storage.write() as uow:
            self._organization(uow, organization_id)
            self._check_room(uow, organization_id)
            sub = Subscription(
                id=str(uuid.uuid4()),
                organization_id=organization_id,
                url=url,
                event_version=event_version,
                event_names=tuple(names),
                max_batch_size=max_batch_size,
                max_wait_ms=max_wait_ms,
                custom_headers=headers,
                signature_header=signature_header,
                signature_algorithm=signature_algorithm,
                auth=auth,
                description=description,
                state=SubscriptionState.ACTIVE,
                secret=secret,
                created_at=now,
                updated_at=now,
                # Every event committed so far is "the past" (the feed serves it); on PostgreSQL
                # the outbox's per-organization lock makes every seq up to this head visible.
                cursor_seq=uow.events.heads([organization_id]).get(organization_id, 0),
            )
            uow.subscriptions.add(sub)
            audit.note_subscription(uow, sub.created_at, AuditAction.SUBSCRIPTION_CREATED, None, sub)
            return self._view(uow, sub), _shown_secret(sub)

    def list(self, organization_id: str, after: str | None, limit: int) -> Page[SubscriptionView]:
        """The organization's subscriptions by id."""
        with self._storage.read() as uow:
            self._organization(uow, organization_id)
            last = self._cursors.decode_id(CursorKind.SUBSCRIPTIONS, organization_id, after)
            found = uow.subscriptions.list(organization_id, last, limit + 1)
            views = [self._view(uow, sub) for sub in found]
        return self._cursors.paginate_by_id(
            CursorKind.SUBSCRIPTIONS, organization_id, views, limit, lambda view: view.record.id
        )

    def get(self, organization_id: str, subscription_id: str) -> SubscriptionView:
        """One subscription."""
        with self._storage.read() as uow:
            return self._view(uow, load(uow, organization_id, subscription_id))

    def update(
        self, organization_id: str, subscription_id: str, changes: SubscriptionChanges
    ) -> SubscriptionView:
        """Change settings and/or the state (`paused` pauses, `active` resumes)."""
        if changes.url is not None:
            self._check_url(changes.url)
        if changes.set_auth:
            self._check_token_url(changes.auth)
        with self._storage.write() as uow:
            sub = before = load(uow, organization_id, subscription_id, lock=True)
            version = changes.event_version if changes.event_version is not None else sub.event_version
            names = changes.event_names if changes.event_names is not None else sub.event_names
            check_events(version, names)
            _check_limits(
                changes.max_batch_size if changes.max_batch_size is not None else sub.max_batch_size,
                changes.max_wait_ms if changes.max_wait_ms is not None else sub.max_wait_ms,
            )
            headers = records.merge_headers(sub.custom_headers, changes.custom_headers)
            if changes.custom_headers is not None:
                _check_headers(headers)
            _check_signature_header(changes.signature_header or sub.signature_header, headers)
            _check_auth(changes.auth if changes.set_auth else sub.auth, headers)
            now = self._clock.now_ms()
            sub = records.change(sub, changes, now)
            if changes.state is SubscriptionState.PAUSED:
                sub = rules.pause(sub)
            elif changes.state is SubscriptionState.ACTIVE:
                sub = self._activate(uow, sub, now)
            uow.subscriptions.save(sub)
            audit.note_subscription(uow, now, audit.change_to(changes.state), before, sub)
            return self._view(uow, sub)

    def pause(self, organization_id: str, subscription_id: str) -> SubscriptionView:
        """Stop delivering; events keep buffering."""
        return self.update(
            organization_id, subscription_id, SubscriptionChanges(state=SubscriptionState.PAUSED)
        )

    def delete(self, organization_id: str, subscription_id: str) -> None:
        """Delete a subscription and its delivery log; nothing more is sent to it."""
        with self._storage.write() as uow:
            gone = load(uow, organization_id, subscription_id, lock=True)
            uow.subscriptions.delete(subscription_id)
            audit.note_subscription(uow, self._clock.now_ms(), AuditAction.SUBSCRIPTION_DELETED, gone, None)

    def rotate_secret(
        self, organization_id: str, subscription_id: str, secret: str | None = None
    ) -> tuple[SubscriptionView, str | None]:
        """A new secret or key pair; the current one keeps signing alongside it for 24 hours.

        Returns the new HMAC secret, shown this once (None for ed25519: the view has the public key).
        """
        with self._storage.write() as uow:
            sub = load(uow, organization_id, subscription_id, lock=True)
            _check_secret(secret, sub.signature_algorithm)
            sub = records.rotate(
                sub, secret or self._keys.new_secret(sub.signature_algorithm), self._clock.now_ms()
            )
            uow.subscriptions.save(sub)
            audit.note_subscription(uow, sub.updated_at, AuditAction.SUBSCRIPTION_SECRET_ROTATED, None, sub)
            return self._view(uow, sub), _shown_secret(sub)

    def resume(self, organization_id: str, subscription_id: str) -> SubscriptionView:
        """Back to active at once: a held batch is sent now with a fresh retry schedule."""
        with self._storage.write() as uow:
            sub = load(uow, organization_id, subscription_id, lock=True)
            before, sub = sub, self._activate(uow, sub, self._clock.now_ms())
            uow.subscriptions.save(sub)
            audit.note_subscription(uow, self._clock.now_ms(), AuditAction.SUBSCRIPTION_RESUMED, before, sub)
            return self._view(uow, sub)

    @staticmethod
    def _activate(uow: UnitOfWork, sub: Subscription, now: int) -> Subscription:
        sub, batches = rules.resume(sub, uow.batches.pending_of([sub.id])[sub.id], now)
        uow.batches.save_many(batches)
        return sub
