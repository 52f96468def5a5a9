"""Request and response bodies of the webhook subscription endpoints, and the rows turned into them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from pairhub.domain.subscriptions import (
    DEFAULTS,
    Attempt,
    OAuth2ClientCredentials,
    SubscriptionChanges,
    SubscriptionState,
)
from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.schemas import Strict
from pairhub.services.delivery_log import BatchView
from pairhub.services.subscriptions import EVENT_GROUP, SubscriptionView

EventName = Literal["unit.paired", "unit.unpaired"]
State = Literal["active", "paused", "onHold", "disabled"]
BatchStatusName = Literal["pending", "delivered", "failed", "expired"]
SignatureAlgorithmName = Literal["hmac-sha256", "ed25519"]


_SIGNATURE_HEADER_DOC = (
    "The header that carries `sha256=<hex HMAC-SHA256 of the raw body>`: any `X-` name pairhub does not"
    " set otherwise, e.g. `X-SCALAR-Signature` for a receiver written for the Datahub."
)

_SIGNATURE_ALGORITHM_DOC = (
    "`hmac-sha256`: `webhook-signature: v1,<base64 HMAC>` and the body hash header, with the `secret`."
    " `ed25519`: `webhook-signature: v1a,<base64 ed25519 signature>` only, verified with `publicKey` or"
    " the JWK Set at `jwksUrl`. Chosen at creation; it cannot be changed (create a new subscription)."
)


class OAuth2ClientCredentialsIn(Strict):
    """OAuth2 client credentials: pairhub fetches a bearer token from `tokenUrl` for every receiver call."""

    type: Literal["oauth2ClientCredentials"]
    tokenUrl: str = Field(
        min_length=1, max_length=2048, description="The token endpoint; the webhook URL's rules apply."
    )
    clientId: str = Field(min_length=1, max_length=255)
    clientSecret: str = Field(
        min_length=1,
        max_length=1000,
        description="Sent with client_secret_basic; write-only, never shown again.",
        json_schema_extra={"writeOnly": True},
    )
    scope: str | None = Field(None, min_length=1, max_length=1000, description="Space-separated scopes.")

    def credentials(self) -> OAuth2ClientCredentials:
        """The domain value."""
        return OAuth2ClientCredentials(self.tokenUrl, self.clientId, self.clientSecret, self.scope)


class OAuth2ClientCredentialsOut(BaseModel):
    """The receiver's OAuth2 settings as shown: the client secret is write-only."""

    type: Literal["oauth2ClientCredentials"]
    tokenUrl: str
    clientId: str
    scope: str | None


_SECRET_DOC = (
    "Bring your own HMAC signing secret: `whsec_` + base64 of 32 random bytes (422 `invalid_secret` "
    "otherwise, and for ed25519 subscriptions). Without it pairhub makes one."
)


class SubscriptionIn(Strict):
    """Create a webhook subscription."""

    url: str = Field(min_length=1, max_length=2048, description="https:// endpoint that receives batches.")
    eventGroup: Literal["asset"] = "asset"
    eventVersion: Literal[1, 2] = 1
    eventNames: list[EventName] = Field(min_length=1, max_length=2)
    maxBatchSize: int = Field(DEFAULTS.max_batch_size, ge=1, le=DEFAULTS.batch_size_cap)
    maxWaitMs: int = Field(DEFAULTS.max_wait_ms, ge=0, le=DEFAULTS.wait_cap_ms)
    customHeaders: dict[str, str] = Field(
        default_factory=dict,
        description="At most 5, sent with every request. Values are write-only: responses name the headers "
        "(`customHeaderNames`), never their values.",
    )
    description: str | None = Field(None, max_length=500)
    signatureHeader: str = Field(
        DEFAULTS.signature_header, min_length=3, max_length=64, description=_SIGNATURE_HEADER_DOC
    )
    signatureAlgorithm: SignatureAlgorithmName = Field("hmac-sha256", description=_SIGNATURE_ALGORITHM_DOC)
    auth: OAuth2ClientCredentialsIn | None = Field(None, description="How pairhub authenticates to the URL.")
    secret: str | None = Field(None, max_length=100, description=_SECRET_DOC)


class SecretIn(Strict):
    """Rotate the signing secret: to one pairhub makes, or to the one given."""

    secret: str | None = Field(None, max_length=100, description=_SECRET_DOC)


class SubscriptionPatch(Strict):
    """Change a subscription; `state` pauses (`paused`) or resumes (`active`) it."""

    url: str | None = Field(None, min_length=1, max_length=2048)
    eventVersion: Literal[1, 2] | None = None
    eventNames: list[EventName] | None = Field(None, min_length=1, max_length=2)
    maxBatchSize: int | None = Field(None, ge=1, le=DEFAULTS.batch_size_cap)
    maxWaitMs: int | None = Field(None, ge=0, le=DEFAULTS.wait_cap_ms)
    customHeaders: dict[str, str | None] | None = Field(
        None,
        description="A patch of the write-only headers: a value sets or replaces the header of that name "
        "(case-insensitively), `null` removes it, headers not named are kept.",
    )
    description: str | None = Field(None, max_length=500)
    state: Literal["active", "paused"] | None = None
    signatureHeader: str | None = Field(None, min_length=3, max_length=64, description=_SIGNATURE_HEADER_DOC)
    auth: OAuth2ClientCredentialsIn | None = Field(
        None,
        description="Replaces the receiver's credentials whole (with `clientSecret`); null removes them.",
    )


class CountersOut(BaseModel):
    """What became of the subscription's events so far; expiries are never silent."""

    eventsDelivered: int
    eventsRefused: int = Field(description="Events in batches the receiver refused for good (not retried).")
    eventsExpired: int


class SubscriptionOut(BaseModel):
    """A webhook subscription (its secret is shown only on creation and rotation, header values never)."""

    id: str
    organizationId: str
    url: str
    eventGroup: Literal["asset"]
    eventVersion: Literal[1, 2]
    eventNames: list[EventName]
    maxBatchSize: int
    maxWaitMs: int
    customHeaderNames: list[str] = Field(
        description="The names of the custom headers; their values are write-only and never shown."
    )
    signatureHeader: str = Field(description=_SIGNATURE_HEADER_DOC)
    signatureAlgorithm: SignatureAlgorithmName = Field(description=_SIGNATURE_ALGORITHM_DOC)
    publicKey: str | None = Field(description="ed25519: the `whpk_` public key that signs (null for HMAC).")
    previousPublicKey: str | None = Field(
        description="ed25519: the previous public key, which signs as well until `previousSecretExpiresAt`."
    )
    jwksUrl: str | None = Field(
        description="ed25519: the unauthenticated JWK Set of the signing keys, relative to the API's host."
    )
    auth: OAuth2ClientCredentialsOut | None
    description: str | None
    state: State
    createdAt: str
    updatedAt: str
    onHoldSince: str | None
    onHoldReason: str | None
    disabledAt: str | None
    disabledReason: str | None
    nextAttemptAt: str | None
    previousSecretExpiresAt: str | None
    backlogEvents: int
    counters: CountersOut


class SubscriptionSecretOut(SubscriptionOut):
    """A subscription with its new HMAC signing secret, shown this once (absent for ed25519)."""

    secret: str | None = Field(None, description="`whsec_…`; absent for ed25519, whose private key stays.")


class JwkOut(BaseModel):
    """An ed25519 public key as a JWK (RFC 8037); `kid` is its RFC 7638 thumbprint."""

    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str = Field(description="The 32-byte public key, base64url without padding.")
    kid: str
    use: Literal["sig"]
    alg: Literal["EdDSA"]


class JwkSetOut(BaseModel):
    """The keys that sign a subscription's requests now (two during a rotation's overlap)."""

    keys: list[JwkOut]


class AttemptOut(BaseModel):
    """One delivery attempt."""

    attemptedAt: str
    durationMs: int
    statusCode: int | None
    responseExcerpt: str | None
    error: str | None
    outcome: str
    worker: str


class BatchOut(BaseModel):
    """A batch of the delivery log with its latest attempts."""

    eventBatchId: str
    subscriptionId: str
    status: BatchStatusName
    eventCount: int
    firstCursor: str
    lastCursor: str
    createdAt: str
    attempts: int
    nextAttemptAt: str | None
    lastAttemptAt: str | None
    lastStatusCode: int | None
    lastError: str | None
    completedAt: str | None
    recovery: int = Field(
        description="0 for a batch cut as events came; n for a batch of the subscription's n-th recovery."
    )
    attemptLog: list[AttemptOut]


class BatchDetailOut(BatchOut):
    """A batch with the exact body every attempt sends."""

    body: str


class TestDeliveryOut(BaseModel):
    """What the receiver answered to a sample batch."""

    eventBatchId: str
    delivered: bool
    statusCode: int | None
    latencyMs: int
    responseExcerpt: str
    error: str | None


def subscription(
    view: SubscriptionView, secret: str | None = None, public_url: str | None = None
) -> dict[str, Any]:
    """A subscription as the API shows it; `jwksUrl` is absolute under `public_url` when it is set."""
    sub = view.record
    shown: dict[str, Any] = {
        "id": sub.id,
        "organizationId": sub.organization_id,
        "url": sub.url,
        "eventGroup": EVENT_GROUP,
        "eventVersion": sub.event_version,
        "eventNames": list(sub.event_names),
        "maxBatchSize": sub.max_batch_size,
        "maxWaitMs": sub.max_wait_ms,
        "customHeaderNames": list(sub.custom_headers),
        "signatureHeader": sub.signature_header,
        "signatureAlgorithm": sub.signature_algorithm.value,
        "publicKey": view.public_key,
        "previousPublicKey": view.previous_public_key,
        "jwksUrl": jwks_path(sub.id, public_url) if view.public_key else None,
        "auth": _auth(sub.auth),
        "description": sub.description,
        "state": sub.state.value,
        "createdAt": iso(sub.created_at),
        "updatedAt": iso(sub.updated_at),
        "onHoldSince": iso(sub.on_hold_since),
        "onHoldReason": sub.on_hold_reason,
        "disabledAt": iso(sub.disabled_at),
        "disabledReason": sub.disabled_reason,
        "nextAttemptAt": iso(sub.next_attempt_at),
        "previousSecretExpiresAt": iso(sub.previous_secret_expires_at),
        "backlogEvents": view.backlog,
        "counters": {
            "eventsDelivered": sub.events_delivered,
            "eventsRefused": sub.events_failed,
            "eventsExpired": sub.events_expired,
        },
    }
    if secret is not None:
        shown["secret"] = secret
    return shown


def jwks_path(subscription_id: str, public_url: str | None = None) -> str:
    """Where the JWK Set of an ed25519 subscription is published (absolute under `PAIRHUB_PUBLIC_URL`)."""
    return f"{public_url or ''}/v1/subscriptions/{subscription_id}/jwks.json"


def _auth(auth: OAuth2ClientCredentials | None) -> dict[str, Any] | None:
    if auth is None:
        return None
    return {
        "type": "oauth2ClientCredentials",
        "tokenUrl": auth.token_url,
        "clientId": auth.client_id,
        "scope": auth.scope,
    }


def attempt(logged: Attempt) -> dict[str, Any]:
    """One attempt of the log."""
    return {
        "attemptedAt": iso(logged.attempted_at),
        "durationMs": logged.duration_ms,
        "statusCode": logged.status_code,
        "responseExcerpt": logged.response_excerpt,
        "error": logged.error,
        "outcome": logged.outcome,
        "worker": logged.worker,
    }


def batch(view: BatchView, with_body: bool = False) -> dict[str, Any]:
    """A batch of the delivery log."""
    record = view.record
    shown: dict[str, Any] = {
        "eventBatchId": record.id,
        "subscriptionId": record.subscription_id,
        "status": record.status.value,
        "eventCount": record.event_count,
        "firstCursor": view.first_cursor,
        "lastCursor": view.last_cursor,
        "createdAt": iso(record.created_at),
        "attempts": record.attempts,
        "nextAttemptAt": iso(record.next_attempt_at),
        "lastAttemptAt": iso(record.last_attempt_at),
        "lastStatusCode": record.last_status,
        "lastError": record.last_error,
        "completedAt": iso(record.completed_at),
        "recovery": record.recovery,
        "attemptLog": [attempt(a) for a in view.attempts],
    }
    if with_body:
        shown["body"] = record.body
    return shown


def patch_changes(given: dict[str, Any]) -> SubscriptionChanges:
    """PATCH fields (as given, `description` possibly null) as typed changes."""
    names = given.get("eventNames")
    state = given.get("state")
    auth = given.get("auth")
    return SubscriptionChanges(
        url=given.get("url"),
        event_version=given.get("eventVersion"),
        event_names=tuple(names) if names is not None else None,
        max_batch_size=given.get("maxBatchSize"),
        max_wait_ms=given.get("maxWaitMs"),
        custom_headers=given.get("customHeaders"),
        description=given.get("description"),
        set_description="description" in given,
        signature_header=given.get("signatureHeader"),
        auth=OAuth2ClientCredentialsIn(**auth).credentials() if auth is not None else None,
        set_auth="auth" in given,
        state=SubscriptionState(state) if state is not None else None,
    )
