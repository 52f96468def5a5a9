"""The one place that names concrete adapters and wires them into the services."""

from __future__ import annotations

import asyncio
import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from prometheus_client import start_http_server

from pairhub.adapters import secret_keys
from pairhub.adapters.clock import SystemClock
from pairhub.adapters.http.sender import AiohttpSender
from pairhub.adapters.http.signing import StandardWebhookKeys, StandardWebhookSigner
from pairhub.adapters.http.ssrf import Resolver, TargetGuard, system_resolver
from pairhub.adapters.mail import SmtpMailer, parse_smtp_url
from pairhub.adapters.memory.readiness import MemoryReadiness
from pairhub.adapters.mqtt.broker import BrokerStatus
from pairhub.adapters.secret_box import SecretBox, new_key
from pairhub.adapters.sql import migrate
from pairhub.adapters.sql.engine import Database, make_engine
from pairhub.adapters.sql.notifications import ChangeListener
from pairhub.adapters.sql.readiness import SqlReadiness
from pairhub.adapters.sql.uow import SqlStorage
from pairhub.config import Settings
from pairhub.domain.subscriptions import SubscriptionSettings
from pairhub.ports import Clock, Mailer, ReadinessProbe, Sender, Storage
from pairhub.services.assets import Assets
from pairhub.services.audit import AuditLog
from pairhub.services.auth import Authenticator, Sessions
from pairhub.services.auto_pairing import AutoPairing, AutoPairingPolicy
from pairhub.services.auto_pairing.resolve import Matcher, match
from pairhub.services.delivery import Delivery, DeliveryConfig
from pairhub.services.delivery_log import DeliveryLog
from pairhub.services.feed import Feed
from pairhub.services.feeds import Feeds
from pairhub.services.ingest import Ingest
from pairhub.services.notices import Notices
from pairhub.services.organizations import Organizations
from pairhub.services.overview import Overview
from pairhub.services.pagination import Cursors
from pairhub.services.paired_units import PairedUnits
from pairhub.services.pairing import Pairing
from pairhub.services.people import People
from pairhub.services.subscriptions import Subscriptions
from pairhub.services.throttle import SignInThrottle
from pairhub.services.units import Units
from pairhub.services.unknown_units import UnknownUnits, UnknownUnitsBuffer
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
    organizations: Organizations = field(init=False)
    assets: Assets = field(init=False)
    units: Units = field(init=False)
    pairing: Pairing = field(init=False)
    feed: Feed = field(init=False)
    feeds: Feeds = field(init=False)
    overview: Overview = field(init=False)
    subscriptions: Subscriptions = field(init=False)
    delivery_log: DeliveryLog = field(init=False)
    delivery: Delivery = field(init=False)
    delivery_worker: DeliveryWorker = field(init=False)
    auto_pairing: AutoPairing = field(init=False)
    ingest: Ingest = field(init=False)
    unknown_units: UnknownUnits = field(init=False)

    def __post_init__(self) -> None:
        self.cursors = Cursors(self.secret_box)
        self.authenticator = Authenticator(
            self.storage, self.clock, self.admin_token, self.settings.ingest_token
        )
        self.sessions = Sessions(self.storage, self.clock, self.admin_token)
        self.people = People(self.storage, self.clock)
        self.audit = AuditLog(self.storage)
        self.sign_in_throttle = SignInThrottle(self.clock)
        self.notices = Notices(self.mailer)
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
        self.unknown_units = UnknownUnits(self.storage)
        if database is not None:
            database.on_units_changed(self.ingest.paired_units.forget)
        self.organizations = Organizations(
            self.storage, self.clock, on_auto_pairing_switch=self.auto_pairing.switch_organization
        )
        self.assets = Assets(self.storage, self.clock, on_vin_change=self.auto_pairing.rematch_organization)
        self.units = Units(self.storage, self.clock, self.cursors)
        self.pairing = Pairing(self.storage, self.clock, self.cursors)
        self.feed = Feed(self.storage, self.cursors)
        self.feeds = Feeds(
            self.storage, self.clock, self.cursors, round(self.settings.feed_min_poll_interval * 1000)
        )
        self.overview = Overview(self.storage, self.clock)
        self._wire_delivery()

    def _wire_delivery(self) -> None:
        settings = self.settings
        self.subscriptions = Subscriptions(
            self.storage,
            self.clock,
            self.target_guard,
            StandardWebhookKeys(),
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


@functools.cache
def _serve_worker_metrics(port: int) -> None:
    # A standalone `pairhub worker` has no API; it serves its own /metrics when a port is configured.
    start_http_server(port)


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
    is missing on PostgreSQL or malformed.
    """
    settings = settings or Settings()
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
        sender_factory or (lambda: AiohttpSender(guard, settings.delivery_timeout)),
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
