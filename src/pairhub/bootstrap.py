"""The one place that names concrete adapters and wires them into the services."""

from __future__ import annotations

import asyncio
import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from prometheus_client import start_http_server

from pairhub.adapters import secret_keys
from pairhub.adapters.clock import SystemClock
from pairhub.adapters.http.sender import AiohttpSender
from pairhub.adapters.http.signing import StandardWebhookKeys, StandardWebhookSigner
from pairhub.adapters.http.ssrf import Resolver, TargetGuard, system_resolver
from pairhub.adapters.mail import SmtpMailer, parse_smtp_url
from pairhub.adapters.memory.readiness import MemoryReadiness
from pairhub.adapters.mqtt.broker import Broker, BrokerStatus
from pairhub.adapters.oidc import OpenIdConnectClient
from pairhub.adapters.secret_box import SecretBox, new_key
from pairhub.adapters.sql import heartbeats, migrate, stats
from pairhub.adapters.sql.engine import Database, check_url, make_engine
from pairhub.adapters.sql.heartbeats import Heartbeat
from pairhub.adapters.sql.notifications import ChangeListener
from pairhub.adapters.sql.organization_data import OrganizationData
from pairhub.adapters.sql.readiness import SqlReadiness
from pairhub.adapters.sql.retention import SqlPruner
from pairhub.adapters.sql.uow import SqlStorage
from pairhub.config import SettingError, Settings
from pairhub.domain.partitions import Subscriber
from pairhub.domain.sso import MappingError, SsoMapping, parse_rules
from pairhub.domain.subscriptions import SubscriptionSettings
from pairhub.ports import Clock, Mailer, ReadinessProbe, Sender, Storage
from pairhub.services.accounts import Accounts
from pairhub.services.assets import Assets
from pairhub.services.audit import AuditLog
from pairhub.services.auth import Authenticator, Sessions
from pairhub.services.auto_pairing import AutoPairing, AutoPairingPolicy
from pairhub.services.auto_pairing.resolve import Matcher, match
from pairhub.services.delivery import Delivery, DeliveryConfig
from pairhub.services.delivery_log import DeliveryLog
from pairhub.services.feed import Feed
from pairhub.services.feeds import Feeds
from pairhub.services.idempotency import IdempotencyKeys
from pairhub.services.ingest import Ingest
from pairhub.services.notices import Notices
from pairhub.services.organizations import Organizations
from pairhub.services.overview import Overview
from pairhub.services.pagination import Cursors
from pairhub.services.paired_units import PairedUnits
from pairhub.services.pairing import Pairing
from pairhub.services.people import People
from pairhub.services.recovery import Recovery
from pairhub.services.remembered_keys import ConfirmingStorage
from pairhub.services.sso import SingleSignOn
from pairhub.services.subscriptions import Subscriptions
from pairhub.services.taken_messages import TakenMessages
from pairhub.services.throttle import SignInThrottle
from pairhub.services.units import Units
from pairhub.services.unknown_units import UnknownUnits, UnknownUnitsBuffer
from pairhub.worker.retention import Retention, RetentionPolicy
from pairhub.worker.runner import DeliveryWorker

log = structlog.get_logger("pairhub")


@dataclass
class Container:
    """Everything a process needs, built once."""

    settings: Settings
    clock: Clock
    database: Database | None
    """The SQL database (None when the storage is in memory: handler tests)."""
    storage: Storage
    readiness: ReadinessProbe
    target_guard: TargetGuard
    sender_factory: Callable[[], Sender]
    admin_token: str
    admin_token_generated: bool
    secret_box: SecretBox
    """Encrypts secrets at rest and seals cursors (`PAIRHUB_SECRET_KEY` or the SQLite key file)."""
    secret_key_file: Path | None = None
    jitter: Callable[[], float] | None = None
    """Retry jitter in [-1, 1] (random when None); tests fix it to walk the schedule exactly."""
    matcher: Matcher = match
    """VIN lookups of auto pairing; tests inject a failing one to reach the Unknown outcome."""
    mqtt_status: BrokerStatus = field(default_factory=BrokerStatus)
    mailer: Mailer | None = None
    """Sends invitation and password-reset links (`PAIRHUB_SMTP_URL`); none: links are only shown."""
    cursors: Cursors = field(init=False)
    authenticator: Authenticator = field(init=False)
    sessions: Sessions = field(init=False)
    people: People = field(init=False)
    audit: AuditLog = field(init=False)
    sign_in_throttle: SignInThrottle = field(init=False)
    notices: Notices = field(init=False)
    sso: SingleSignOn | None = field(init=False)
    """Single sign-on with OpenID Connect, when an issuer and a client id are configured."""
    organizations: Organizations = field(init=False)
    assets: Assets = field(init=False)
    units: Units = field(init=False)
    pairing: Pairing = field(init=False)
    feed: Feed = field(init=False)
    feeds: Feeds = field(init=False)
    idempotency: IdempotencyKeys = field(init=False)
    recovery: Recovery = field(init=False)
    overview: Overview = field(init=False)
    subscriptions: Subscriptions = field(init=False)
    delivery_log: DeliveryLog = field(init=False)
    delivery: Delivery = field(init=False)
    delivery_worker: DeliveryWorker = field(init=False)
    auto_pairing: AutoPairing = field(init=False)
    ingest: Ingest = field(init=False)
    taken_messages: TakenMessages = field(init=False)
    retention: Retention = field(init=False)
    organization_data: OrganizationData = field(init=False)
    unknown_units: UnknownUnits = field(init=False)

    def __post_init__(self) -> None:
        self.cursors = Cursors(self.secret_box)
        self.authenticator = Authenticator(
            self.storage, self.clock, self.admin_token, self.settings.ingest_token
        )
        # A request whose API key was taken from memory confirms it in each unit of work it opens.
        self.storage = ConfirmingStorage(self.storage, self.authenticator.keys.confirm)
        self.sessions = Sessions(self.storage, self.clock, self.admin_token)
        self.people = People(self.storage, self.clock, self.cursors)
        self.accounts = Accounts(self.storage, self.clock, self.cursors)
        self.audit = AuditLog(self.storage)
        self.sign_in_throttle = SignInThrottle(self.clock)
        self.notices = Notices(self.mailer)
        self.sso = single_sign_on(self.settings, self.people, self.clock)
        self.auto_pairing = AutoPairing(
            self.storage,
            self.clock,
            AutoPairingPolicy.from_seconds(
                self.settings.reminder_interval,
                self.settings.reminder_window,
                self.settings.unknown_retry_after,
            ),
            matcher=self.matcher,
        )
        # On PostgreSQL the set stays off until this process hears other processes' commits; in
        # memory nothing tells it of unpairings, so it stays off there.
        database = self.database
        cache_on = self.settings.paired_units_cache and database is not None and database.is_sqlite
        self.ingest = Ingest(
            self.storage,
            self.clock,
            self.auto_pairing,
            paired_units=PairedUnits(cache_on),
            unknown=UnknownUnitsBuffer(self.settings.unknown_units_limit),
        )
        self.unknown_units = UnknownUnits(self.storage, self.cursors)
        if database is not None:
            database.on_units_changed(self.ingest.paired_units.forget)
        self.taken_messages = TakenMessages(self.storage, self.clock)
        self.organizations = Organizations(
            self.storage,
            self.clock,
            self.cursors,
            on_auto_pairing_switch=self.auto_pairing.switch_organization,
            on_key_revoked=self.authenticator.keys.forget,
        )
        self.assets = Assets(
            self.storage, self.clock, self.cursors, on_vin_change=self.auto_pairing.rematch_organization
        )
        self.units = Units(self.storage, self.clock, self.cursors)
        self.pairing = Pairing(self.storage, self.clock, self.cursors)
        self.feed = Feed(self.storage, self.cursors)
        self.idempotency = IdempotencyKeys(self.storage, self.clock)
        self.recovery = Recovery(self.storage, self.clock, round(self.settings.event_retention * 1000))
        self.feeds = Feeds(
            self.storage, self.clock, self.cursors, round(self.settings.feed_min_poll_interval * 1000)
        )
        self.overview = Overview(self.storage, self.clock)
        self._wire_delivery()
        settings = self.settings
        policy = RetentionPolicy(
            delivered_events_ms=round(settings.delivered_event_retention * 1000),
            attempts_ms=round(settings.attempt_retention * 1000),
            diagnoses_per_unit=settings.diagnoses_per_unit,
            batch=settings.retention_batch,
            audit_ms=round(settings.audit_retention * 1000),
        )
        if self.database is not None:
            # Pruning, export and erasure work on the SQL schema itself; the in-memory storage of the
            # handler tests has neither.
            self.retention = Retention(SqlPruner(self.database), self.clock, policy)
            self.organization_data = OrganizationData(self.database)

    @property
    def sql_database(self) -> Database:
        """The SQL database behind the storage: heartbeats, retention, export and erasure need one."""
        if self.database is None:
            raise RuntimeError("this container runs on the in-memory storage")
        return self.database

    def organization_storage(self, organization_id: str) -> stats.OrganizationStorage | None:
        """The organization's rows in the tables that grow with time (None on the in-memory storage)."""
        return None if self.database is None else stats.organization_storage(self.database, organization_id)

    def database_bytes(self) -> int | None:
        """The size of the whole database (None on the in-memory storage or when it cannot be read)."""
        return None if self.database is None else stats.database_bytes(self.database)

    def erase_organization(self, organization_id: str) -> dict[str, int]:
        """Erase an organization and all its data (404 first when there is none); rows removed per table."""
        self.organizations.get(organization_id)
        removed = self.organization_data.erase(organization_id)
        # Its units are gone: no process may take their messages as those of paired units any more.
        self.sql_database.units_changed(None)
        return removed

    def _wire_delivery(self) -> None:
        settings = self.settings
        self.subscriptions = Subscriptions(
            self.storage,
            self.clock,
            self.target_guard,
            StandardWebhookKeys(),
            self.cursors,
            SubscriptionSettings(per_organization=settings.max_subscriptions_per_organization),
        )
        self.delivery_log = DeliveryLog(self.storage, self.clock, self.cursors)
        config = DeliveryConfig(
            schedule_ms=tuple(round(seconds * 1000) for seconds in settings.retry_schedule),
            timeout_s=settings.delivery_timeout,
            probe_interval_ms=round(settings.onhold_probe_interval * 1000),
            retention_ms=round(settings.event_retention * 1000),
            # A lease shorter than an attempt would let a second worker send the same batch meanwhile.
            lease_ms=round(max(settings.delivery_lease, 2 * settings.delivery_timeout) * 1000),
            poll_interval_s=settings.delivery_poll_interval,
            concurrency=settings.delivery_concurrency,
        )
        self.delivery = Delivery(
            self.subscriptions,
            self.delivery_log,
            self.clock,
            SystemClock(),
            config,
            self.sender_factory,
            StandardWebhookSigner(),
        )
        self.delivery_worker = DeliveryWorker(self.storage, self.clock, self.delivery, jitter=self.jitter)

    async def deliver_webhooks(self, stopping: asyncio.Event) -> None:
        """The delivery worker loop (registered in the worker's background loops)."""
        if self.settings.worker_metrics_port is not None:
            _serve_worker_metrics(self.settings.worker_metrics_port)
        await self.delivery_worker.run(stopping)

    def hear_other_processes(self, delivers: bool = False) -> Callable[[], None]:
        """Listen for other processes' commits (wake-ups, pairings); returns the stopper.

        On SQLite only a process that `delivers` listens, for the doorbell of events committed elsewhere.
        """
        database = self.database
        if database is None:
            return lambda: None
        if database.is_sqlite:
            doorbell = database.doorbell
            if delivers and doorbell is not None:
                return doorbell.listen(database.outbox_committed)
            return lambda: None
        cache = self.ingest.paired_units
        enabled = self.settings.paired_units_cache
        listener = ChangeListener(database, on_live=lambda live: cache.enable(live and enabled))
        listener.start()
        return listener.stop

    def write_heartbeat(self, role: str, state: dict[str, Any]) -> None:
        """Say how this process's delivery and MQTT subscriber are doing (read by `/readyz` anywhere)."""
        beat = Heartbeat(self.delivery_worker.worker_id, role, self.clock.now_ms(), state)
        heartbeats.beat(self.sql_database, beat)

    def forget_heartbeat(self) -> None:
        """Remove this process's heartbeat (it stops)."""
        heartbeats.forget(self.sql_database, self.delivery_worker.worker_id)

    def heartbeats(self) -> list[Heartbeat]:
        """Every delivering process's last heartbeat, newest first."""
        return heartbeats.latest(self.sql_database)

    def other_subscribers(self) -> list[Subscriber] | None:
        """The MQTT subscriptions of the other live processes, from their heartbeats (None on the
        in-memory storage, where there are none to read)."""
        if self.database is None:
            return None
        now_ms = self.clock.now_ms()
        return [
            beat.subscriber
            for beat in heartbeats.latest(self.database)
            if beat.subscriber is not None
            and beat.fresh(now_ms)
            and beat.id != self.delivery_worker.worker_id
        ]

    def migrate(self) -> None:
        """Bring the schema to the newest revision; SecretKeyError when the key cannot open the secrets."""
        if self.database is not None:
            migrate.upgrade(self.database.engine, self.secret_box)

    def close(self) -> None:
        """Write buffered unit activity and key uses, then release database connections."""
        self.ingest.flush()
        self.authenticator.usage.flush()
        self.storage.close()


def target_guard(settings: Settings, resolver: Resolver = system_resolver) -> TargetGuard:
    """The SSRF guard of webhook targets, as the settings allow."""
    return TargetGuard(
        resolver,
        allow_private=settings.allow_private_webhook_targets,
        allow_insecure=settings.allow_insecure_webhooks,
    )


def _sender(guard: TargetGuard, settings: Settings) -> Sender:
    # Fair shares let attempts in flight run over the pool by what was lent, up to twice the pool: the
    # connection limit must never be the tighter bound, or one tenant's silent receivers would hold
    # the connections every other tenant waits for.
    return AiohttpSender(guard, settings.delivery_timeout, max_connections=2 * settings.delivery_concurrency)


@functools.cache
def _serve_worker_metrics(port: int) -> None:
    # A standalone `pairhub worker` has no API; it serves its own /metrics when a port is configured.
    start_http_server(port)


def sso_mapping(settings: Settings) -> SsoMapping:
    """The organization and role of people signing in for the first time; SettingError when unreadable."""
    try:
        by_domain = parse_rules(settings.oidc_domain_map, "DOMAIN")
    except MappingError as error:
        raise SettingError("PAIRHUB_OIDC_DOMAIN_MAP", str(error)) from None
    try:
        by_claim = parse_rules(settings.oidc_role_map, "VALUE")
    except MappingError as error:
        raise SettingError("PAIRHUB_OIDC_ROLE_MAP", str(error)) from None
    if by_claim and not settings.oidc_role_claim:
        raise SettingError("PAIRHUB_OIDC_ROLE_MAP", "set PAIRHUB_OIDC_ROLE_CLAIM to the claim it reads")
    return SsoMapping(settings.oidc_role_claim, by_claim, by_domain)


def single_sign_on(settings: Settings, people: People, clock: Clock) -> SingleSignOn | None:
    """Sign-in through the configured OpenID Connect provider, or None when none is configured."""
    if not settings.oidc_issuer or not settings.oidc_client_id:
        return None
    provider = OpenIdConnectClient(
        settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret, settings.oidc_scopes
    )
    return SingleSignOn(
        provider,
        people,
        clock,
        sso_mapping(settings),
        name=settings.oidc_name,
        trust_provider_emails=settings.oidc_trust_emails,
    )


def check_settings(settings: Settings) -> None:
    """SettingError (one line naming it) for a setting that parses but cannot work."""
    check_url(settings.database_url)
    if bool(settings.oidc_issuer) != bool(settings.oidc_client_id):
        raise SettingError(
            "PAIRHUB_OIDC_CLIENT_ID" if settings.oidc_issuer else "PAIRHUB_OIDC_ISSUER",
            "single sign-on needs both PAIRHUB_OIDC_ISSUER and PAIRHUB_OIDC_CLIENT_ID",
        )
    if "openid" not in settings.oidc_scopes.split():
        raise SettingError("PAIRHUB_OIDC_SCOPES", "the scopes include `openid`")
    sso_mapping(settings)
    if settings.mqtt_url:
        try:
            Broker.parse(settings.mqtt_url)
        except ValueError as error:
            raise SettingError("PAIRHUB_MQTT_URL", str(error).removeprefix("PAIRHUB_MQTT_URL ")) from None


def build(
    settings: Settings | None = None,
    clock: Clock | None = None,
    *,
    sender_factory: Callable[[], Sender] | None = None,
    resolver: Resolver = system_resolver,
    jitter: Callable[[], float] | None = None,
    matcher: Matcher = match,
) -> Container:
    """Wire a container from settings (the environment when none are given) and the adapters given.

    Tests inject a `Clock`, a `Sender`, a DNS `resolver`, the retry `jitter` or the VIN `matcher` here
    instead of patching a built container. Raises SecretKeyError (one line to show) when the secret key
    is missing on PostgreSQL or malformed, SettingError when another setting cannot work.
    """
    settings = settings or Settings()
    check_settings(settings)
    keys = secret_keys.load(settings.secret_key, settings.database_url)
    if keys.created:
        log.warning(
            "secret_key_file_created",
            path=str(keys.key_file),
            advice="back it up with the database: without it the stored webhook secrets cannot be read",
        )
    database = Database(make_engine(settings.database_url))
    guard = target_guard(settings, resolver)
    return wire(
        SqlStorage(database, keys.box),
        clock or SystemClock(),
        sender_factory or (lambda: _sender(guard, settings)),
        guard,
        settings=settings,
        secret_box=keys.box,
        database=database,
        secret_key_file=keys.key_file,
        jitter=jitter,
        matcher=matcher,
        mailer=SmtpMailer(parse_smtp_url(settings.smtp_url), settings.smtp_from)
        if settings.smtp_url
        else None,
    )


def wire(
    storage: Storage,
    clock: Clock,
    sender_factory: Callable[[], Sender],
    guard: TargetGuard,
    *,
    settings: Settings,
    secret_box: SecretBox | None = None,
    database: Database | None = None,
    secret_key_file: Path | None = None,
    jitter: Callable[[], float] | None = None,
    matcher: Matcher = match,
    mailer: Mailer | None = None,
) -> Container:
    """Wire the use cases over the storage and adapters given; `build` is the SQL case of it.

    Handler tests wire the in-memory storage (`MemoryStorage`) with a manual clock and a fake sender:
    every use case then runs in milliseconds, without a database. Without a `secret_box`, one is made
    from `settings.secret_key` (or a fresh key).
    """
    box = secret_box or SecretBox.from_setting(settings.secret_key or new_key())
    readiness: ReadinessProbe = MemoryReadiness() if database is None else SqlReadiness(database)
    return Container(
        settings=settings,
        clock=clock,
        database=database,
        storage=storage,
        readiness=readiness,
        target_guard=guard,
        sender_factory=sender_factory,
        admin_token=settings.admin_token or secrets.token_urlsafe(24),
        admin_token_generated=settings.admin_token is None,
        secret_box=box,
        secret_key_file=secret_key_file,
        jitter=jitter,
        matcher=matcher,
        mailer=mailer,
    )
