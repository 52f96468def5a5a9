"""The one place that names concrete adapters and wires them into the services."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from pairhub.adapters.clock import SystemClock
from pairhub.adapters.db import migrate
from pairhub.adapters.db.engine import Database, make_engine
from pairhub.config import Settings
from pairhub.domain.clock import Clock
from pairhub.services.assets import Assets
from pairhub.services.auth import Authenticator
from pairhub.services.feed import Feed
from pairhub.services.organizations import Organizations
from pairhub.services.pairing import Pairing
from pairhub.services.units import Units


@dataclass
class Container:
    """Everything a process needs, built once."""

    settings: Settings
    clock: Clock
    database: Database
    admin_token: str
    admin_token_generated: bool
    authenticator: Authenticator = field(init=False)
    organizations: Organizations = field(init=False)
    assets: Assets = field(init=False)
    units: Units = field(init=False)
    pairing: Pairing = field(init=False)
    feed: Feed = field(init=False)

    def __post_init__(self) -> None:
        self.authenticator = Authenticator(self.database, self.admin_token, self.settings.ingest_token)
        self.organizations = Organizations(self.database, self.clock)
        self.assets = Assets(self.database, self.clock)
        self.units = Units(self.database, self.clock)
        self.pairing = Pairing(self.database, self.clock)
        self.feed = Feed(self.database)

    def migrate(self) -> None:
        """Bring the schema to the newest revision."""
        migrate.upgrade(self.database.engine)

    def close(self) -> None:
        """Release database connections."""
        self.database.engine.dispose()


def build(settings: Settings | None = None, clock: Clock | None = None) -> Container:
    """Wire a container from settings (the environment when none are given)."""
    settings = settings or Settings()
    admin_token = settings.admin_token or secrets.token_urlsafe(24)
    return Container(
        settings=settings,
        clock=clock or SystemClock(),
        database=Database(make_engine(settings.database_url)),
        admin_token=admin_token,
        admin_token_generated=settings.admin_token is None,
    )
