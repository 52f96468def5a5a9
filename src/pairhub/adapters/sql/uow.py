"""The SQL unit of work: one transaction, with a repository per aggregate bound to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy import Connection

from pairhub.adapters import transitions as transitions_module
from pairhub.adapters.secret_box import SecretBox
from pairhub.adapters.sql.assets import SqlAssets
from pairhub.adapters.sql.attempts import SqlAttempts
from pairhub.adapters.sql.audit import SqlAudit
from pairhub.adapters.sql.batches import SqlBatches
from pairhub.adapters.sql.diagnoses import SqlDiagnoses
from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.events import SqlEvents
from pairhub.adapters.sql.feeds import SqlFeeds
from pairhub.adapters.sql.idempotency import SqlIdempotencyKeys
from pairhub.adapters.sql.organizations import SqlApiKeys, SqlOrganizations, SqlSessions
from pairhub.adapters.sql.pairings import SqlPairings
from pairhub.adapters.sql.people import SqlInvitations, SqlMemberships, SqlPeople
from pairhub.adapters.sql.secret_columns import SecretColumns, reseal_all
from pairhub.adapters.sql.subscriptions import SqlSubscriptions
from pairhub.adapters.sql.taken_messages import SqlTakenMessages
from pairhub.adapters.sql.units import SqlUnits
from pairhub.adapters.sql.unknown_units import SqlUnknownUnits
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.transitions import Transition


class SqlUnitOfWork:
    """Repositories over one open transaction; built lazily, so a unit of work costs what it uses."""

    def __init__(self, connection: Connection, sealed: SecretColumns) -> None:
        self.connection = connection
        self._sealed = sealed

    @cached_property
    def events(self) -> SqlEvents:
        """The outbox."""
        return SqlEvents(self.connection)

    @cached_property
    def organizations(self) -> SqlOrganizations:
        """Organizations."""
        return SqlOrganizations(self.connection)

    @cached_property
    def api_keys(self) -> SqlApiKeys:
        """API keys."""
        return SqlApiKeys(self.connection)

    @cached_property
    def sessions(self) -> SqlSessions:
        """Signed-in UI sessions."""
        return SqlSessions(self.connection)

    @cached_property
    def people(self) -> SqlPeople:
        """People."""
        return SqlPeople(self.connection)

    @cached_property
    def memberships(self) -> SqlMemberships:
        """People's roles in organizations."""
        return SqlMemberships(self.connection)

    @cached_property
    def audit(self) -> SqlAudit:
        """The audit log."""
        return SqlAudit(self.connection)

    @cached_property
    def invitations(self) -> SqlInvitations:
        """One-time links: invitations and password resets."""
        return SqlInvitations(self.connection)

    @cached_property
    def units(self) -> SqlUnits:
        """Units."""
        return SqlUnits(self.connection)

    @cached_property
    def unknown_units(self) -> SqlUnknownUnits:
        """Unit ids refused at ingest as not provisioned."""
        return SqlUnknownUnits(self.connection)

    @cached_property
    def assets(self) -> SqlAssets:
        """Assets and their VIN lookups."""
        return SqlAssets(self.connection)

    @cached_property
    def pairings(self) -> SqlPairings:
        """The pairing history."""
        return SqlPairings(self.connection)

    @cached_property
    def diagnoses(self) -> SqlDiagnoses:
        """The diagnoses of auto-pairing attempts."""
        return SqlDiagnoses(self.connection)

    @cached_property
    def subscriptions(self) -> SqlSubscriptions:
        """Webhook subscriptions."""
        return SqlSubscriptions(self.connection, self._sealed)

    @cached_property
    def batches(self) -> SqlBatches:
        """Batches."""
        return SqlBatches(self.connection)

    @cached_property
    def attempts(self) -> SqlAttempts:
        """The attempt log."""
        return SqlAttempts(self.connection)

    @cached_property
    def feeds(self) -> SqlFeeds:
        """Datahub feeds."""
        return SqlFeeds(self.connection)

    @cached_property
    def idempotency_keys(self) -> SqlIdempotencyKeys:
        """Idempotency keys and their answers."""
        return SqlIdempotencyKeys(self.connection, self._sealed.box)

    def apply(self, transitions: Sequence[Transition]) -> list[PairingRecord]:
        """Persist unit transitions in bulk (see `adapters/transitions.py`); the history entries closed."""
        return transitions_module.apply(
            transitions, self.units, self.pairings, self.events, self.diagnoses, self.audit
        )

    @cached_property
    def taken_messages(self) -> SqlTakenMessages:
        """Digests of the MQTT messages taken."""
        return SqlTakenMessages(self.connection)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A SAVEPOINT: rolled back (and the error re-raised) when the block fails."""
        try:
            with self.connection.begin_nested():
                yield
        except BaseException:
            # What the units and subscriptions repositories remember having read may have been rolled back.
            self.__dict__.pop("subscriptions", None)
            self.__dict__.pop("units", None)
            raise


class SqlStorage:
    """Units of work on a SQLite or PostgreSQL database."""

    def __init__(self, database: Database, box: SecretBox) -> None:
        self.database = database
        self.sealed = SecretColumns(box)

    @contextmanager
    def write(self) -> Iterator[SqlUnitOfWork]:
        """A write transaction."""
        with self.database.write() as connection:
            yield SqlUnitOfWork(connection, self.sealed)

    @contextmanager
    def read(self) -> Iterator[SqlUnitOfWork]:
        """A read-only transaction."""
        with self.database.read() as connection:
            yield SqlUnitOfWork(connection, self.sealed)

    def reseal(self) -> int:
        """Check that the key opens every stored secret and move them to the newest key; rows changed."""
        with self.database.write() as connection:
            return reseal_all(connection, self.sealed)

    def on_outbox_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every commit that recorded events."""
        self.database.on_outbox_commit(listener)

    def ping(self) -> None:
        """Raise unless the database answers."""
        self.database.ping()

    def close(self) -> None:
        """Release connections."""
        self.database.close()
