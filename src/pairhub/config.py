"""Settings from `PAIRHUB_*` environment variables, all with defaults that work out of the box."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingError(ValueError):
    """A setting that cannot work (a bad URL, a value out of range); the message is one line naming it."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting
        self.reason = reason


ENV_PREFIX = "PAIRHUB_"


def variable_of(field: str) -> str:
    """The environment variable of a settings field (`mqtt_url` -> `PAIRHUB_MQTT_URL`)."""
    return ENV_PREFIX + field.upper()


class Settings(BaseSettings):
    """Every knob of pairhub; durations are seconds and accept fractions."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    database_url: str = "sqlite:///./pairhub.db"
    admin_token: str | None = None
    ingest_token: str | None = None
    reminder_interval: float = Field(3600.0, gt=0)
    reminder_window: float = Field(172800.0, ge=0)
    unknown_retry_after: float = Field(300.0, ge=0)
    retry_schedule: Annotated[tuple[float, ...], NoDecode] = (0.0, 5.0, 30.0, 300.0, 1800.0)
    delivery_timeout: float = Field(5.0, gt=0)
    onhold_probe_interval: float = Field(900.0, gt=0)
    event_retention: float = Field(604800.0, gt=0)
    # A Datahub feed that answered `hasNext: false` answers 429 to polls sooner than this after it.
    feed_min_poll_interval: float = Field(5.0, ge=0)
    # Delivery worker: how often it looks for work, how long it owns a subscription before another
    # worker may take it over (at least twice the delivery timeout), and how many it serves at once.
    delivery_poll_interval: float = Field(0.2, gt=0)
    delivery_lease: float = Field(30.0, gt=0)
    # One batch in flight per subscription already spares each receiver: the limit is the worker's memory
    # (a job holds its body) and sockets, and slow receivers need many in flight to keep the rest moving.
    delivery_concurrency: int = Field(128, ge=1, le=1000)
    # Each organization may have this many webhook subscriptions: every one is a cursor the worker
    # reads and a slot of its organization's share of the delivery pool.
    max_subscriptions_per_organization: int = Field(50, ge=1, le=10_000)
    worker_metrics_port: int | None = Field(None, ge=1, le=65535)
    # False when separate `pairhub worker` processes deliver and `serve` should only answer requests.
    serve_delivery: bool = True
    # The in-process set of paired units (no query for their messages); `serve --workers N` turns it off
    # on SQLite, where other processes' unpairings cannot be heard (docs/architecture.md).
    paired_units_cache: bool = True
    # The key that signs UI sessions (hex); random per process when unset, so a restart signs everyone
    # out. `serve --workers N` sets one for all its API processes.
    ui_session_key: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$")
    allow_private_webhook_targets: bool = False
    allow_insecure_webhooks: bool = False
    log_format: Literal["console", "json"] = "console"
    # URL-safe base64 of 32 random bytes (`pairhub secret-key`); a comma-separated list during a key
    # rotation. Unset on SQLite: a key file beside the database. Required on PostgreSQL.
    secret_key: str | None = Field(None, repr=False)
    # Unit messages over MQTT (off unless a broker URL is given): mqtt://user:pass@host:1883 or mqtts://.
    mqtt_url: str | None = None
    mqtt_topic: str = "pairhub/units/+/messages"
    mqtt_client_id: str | None = None
    # How long the broker keeps pairhub's session (its subscription and the messages it has not taken)
    # while pairhub is away; MQTT 5's session expiry interval.
    mqtt_session_expiry: float = Field(604800, gt=0, le=4294967295)
    # This process's share of the units, `k/n`: several processes split the units by a hash of the
    # unit id, each with a subscription of its own (which brokers keep across their restarts).
    mqtt_partition: str = Field("1/1", pattern=r"^[1-9][0-9]*/[1-9][0-9]*$")
    # A `$share` group instead (the broker splits the messages); only where the broker keeps shared
    # subscriptions across its restarts (docs/mqtt.md).
    mqtt_share_group: str | None = Field(None, pattern=r"^[^/+#$]+$")
    max_body_bytes: int = Field(2 * 1024 * 1024, gt=0)
    # Retention (docs/operations.md): delivered events, the attempt log, diagnoses per unit; the job's
    # pace: how often it runs and how many rows one short transaction deletes.
    delivered_event_retention: float = Field(90 * 86400.0, gt=0)
    attempt_retention: float = Field(30 * 86400.0, gt=0)
    audit_retention: float = Field(400 * 86400.0, gt=0)
    diagnoses_per_unit: int = Field(20, ge=1)
    retention_interval: float = Field(3600.0, gt=0)
    retention_batch: int = Field(500, ge=1, le=100_000)
    # prometheus_client's multiprocess directory shared by `serve` and `pairhub worker` on one machine.
    metrics_dir: str | None = None
    # Invitation and password-reset links are mailed when set: smtp://user:pass@host:25 or smtps://.
    smtp_url: str | None = Field(
        None, pattern=r"^smtps?://([^\s@/]+@)?[^\s@/:]+(:[0-9]{1,5})?/?$", repr=False
    )
    smtp_from: str = "pairhub@localhost"
    # Where people and receivers reach this pairhub (`https://pairhub.example.com`): every link it
    # gives out (`jwksUrl`, mailed and shown one-time links, the SSO redirect URI) is absolute under
    # it. Unset: `jwksUrl` is a path, the others use the address the request came to.
    public_url: str | None = Field(None, pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$", max_length=2000)

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else None

    # Single sign-on with OpenID Connect (docs/access.md): on when the issuer and the client id are set.
    # The redirect URI to register at the provider is `<public URL>/ui/sign-in/oidc/callback`.
    oidc_issuer: str | None = Field(None, pattern=r"^https?://[^?#\s]+$", max_length=2000)
    oidc_client_id: str | None = Field(None, min_length=1, max_length=500)
    oidc_client_secret: str | None = Field(None, repr=False)
    # What the sign-in button says: "Sign in with <name>".
    oidc_name: str = Field("single sign-on", min_length=1, max_length=100)
    oidc_scopes: str = "openid email profile"
    # Who a person signing in for the first time becomes: `example.com=ORG_ID:operator,...` by the domain
    # of their verified email, `pairhub-owners=ORG_ID:owner,...` by the values of the claim
    # `oidc_role_claim` (such as `groups` or `roles`). Someone no rule matches is refused.
    oidc_domain_map: str | None = None
    oidc_role_claim: str | None = Field(None, min_length=1, max_length=200)
    oidc_role_map: str | None = None
    # Take the provider's `email` as verified when it sends no `email_verified` claim (Microsoft Entra
    # ID): only for a provider whose emails belong to the organization that runs it.
    oidc_trust_emails: bool = False

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_without_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else None

    # Limits on HTTP connections, enforced before the application (entrypoints/http_limits.py).
    http_max_header_bytes: int = Field(32 * 1024, ge=1024)
    http_max_headers: int = Field(100, ge=10)
    http_header_timeout: float = Field(10.0, gt=0)
    http_body_timeout: float = Field(30.0, gt=0)
    http_keep_alive: float = Field(5.0, gt=0)
    http_max_connections: int = Field(2048, ge=1)

    @field_validator("mqtt_partition")
    @classmethod
    def _partition(cls, value: str) -> str:
        number, count = (int(part) for part in value.split("/"))
        if number > count:
            raise ValueError("the partition number is at most the partition count (k/n with k <= n)")
        return value

    # Unit ids refused at ingest as not provisioned, kept for the console; the least recently seen go.
    unknown_units_limit: int = Field(10_000, ge=1, le=1_000_000)

    @field_validator("retry_schedule", mode="before")
    @classmethod
    def _parse_schedule(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(float(part) for part in value.split(",") if part.strip())
        return value

    @field_validator("database_url")
    @classmethod
    def _default_driver(cls, value: str) -> str:
        # Accept the plain URLs operators copy from PostgreSQL docs; psycopg 3 is the driver we ship.
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value
