"""The container: every use case of a process, wired once over the storage and the adapters given."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client import start_http_server

from pairhub.adapters.clock import SystemClock
from pairhub.adapters.http.signing import StandardWebhookKeys, StandardWebhookSigner
from pairhub.adapters.http.ssrf import TargetGuard
from pairhub.adapters.mqtt.broker import BrokerStatus, SubscriberConnection
from pairhub.adapters.secret_box import SecretBox
from pairhub.adapters.sql import heartbeats, migrate, stats
from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.notifications import ChangeListener
from pairhub.adapters.sql.organization_data import OrganizationData
from pairhub.adapters.sql.retention import SqlPruner
from pairhub.bootstrap.configured import single_sign_on
from pairhub.config import Settings
from pairhub.domain.heartbeats import Heartbeat
from pairhub.domain.partitions import Subscriber
from pairhub.domain.subscriptions import SubscriptionSettings
from pairhub.ports import Clock, Mailer, ReadinessProbe, Sender, Storage
from pairhub.ports.broker import Broker, BrokerConnection
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
from pairhub.services.invitations import Invitations
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
    broker_connection: Callable[[Broker, str, float], BrokerConnection] = SubscriberConnection
    """Connects the MQTT subscriber: (broker, client id, session expiry in s) -> a connection to enter."""
    mailer: Mailer | None = None
    """Sends invitation and password-reset links (`PAIRHUB_SMTP_URL`); none: links are only shown."""
    cursors: Cursors = field(init=False)
    authenticator: Authenticator = field(init=False)
    sessions: Sessions = field(init=False)
    people: People = field(init=False)
    invitations: Invitations = field(init=False)
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
        self.invitations = Invitations(self.storage, self.clock, self.cursors)
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

    def table_stats(self) -> list[stats.TableStats]:
        """Each table's rows, size on disk (indexes included) and oldest row (`pairhub db stats`)."""
        return stats.table_stats(self.sql_database)

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


@functools.cache
def _serve_worker_metrics(port: int) -> None:
    # A standalone `pairhub worker` has no API; it serves its own /metrics when a port is configured.
    start_http_server(port)
