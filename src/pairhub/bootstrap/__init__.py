"""The one place that names concrete adapters and wires them into the services.

`build` wires a process from its settings (the SQL case); `wire` wires the use cases over any storage
(the in-memory one for handler tests). The container itself is `container.py`, what the settings
choose `configured.py`, and the command line's tools on a database file `tools.py`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import structlog

from pairhub.adapters import secret_keys
from pairhub.adapters.clock import SystemClock
from pairhub.adapters.http.ssrf import Resolver, TargetGuard, system_resolver
from pairhub.adapters.logging import configure as configure_logging
from pairhub.adapters.mail import SmtpMailer, parse_smtp_url
from pairhub.adapters.memory.readiness import MemoryReadiness
from pairhub.adapters.secret_box import SecretBox, new_key
from pairhub.adapters.sql.engine import Database, make_engine
from pairhub.adapters.sql.readiness import SqlReadiness
from pairhub.adapters.sql.uow import SqlStorage
from pairhub.bootstrap.configured import check_settings, sender, single_sign_on, sso_mapping, target_guard
from pairhub.bootstrap.container import Container
from pairhub.bootstrap.tools import back_up_database_file, database_file, new_secret_key, shown_url
from pairhub.config import Settings
from pairhub.ports import Clock, Mailer, ReadinessProbe, Sender, Storage
from pairhub.services.auto_pairing.resolve import Matcher, match

__all__ = [
    "Container",
    "back_up_database_file",
    "build",
    "check_settings",
    "configure_logging",
    "database_file",
    "new_secret_key",
    "shown_url",
    "single_sign_on",
    "sso_mapping",
    "target_guard",
    "wire",
]

log = structlog.get_logger("pairhub")


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
        sender_factory or (lambda: sender(guard, settings)),
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
