"""Webhook subscriptions on SQL: leases, bulk reads and writes (batches: `batches.py`, attempts:
`attempts.py`).

The worker's statements are built once at import (building a statement costs more than running it on
the hot path) and run as one executemany per table per step: that is how delivery keeps up.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    Update,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from pairhub.adapters.sql import subscription_rows as convert
from pairhub.adapters.sql.precompiled import Precompiled, PrecompiledWrite
from pairhub.adapters.sql.secret_columns import SecretColumns
from pairhub.adapters.sql.tables import attempts, batches, events, organizations, subscriptions
from pairhub.domain.delivery import Outcome
from pairhub.domain.fair_shares import Candidate
from pairhub.domain.subscriptions import Subscription, SubscriptionState

ACTIVE = SubscriptionState.ACTIVE.value
ON_HOLD = SubscriptionState.ON_HOLD.value
DELIVERED = Outcome.DELIVERED.value


@functools.lru_cache(maxsize=256)
def _save_statement(columns: tuple[str, ...], leased: bool) -> PrecompiledWrite:
    """The UPDATE of these columns, built once per set of columns (a step saves a few such sets).

    A row gives the new values in `columns` order, the id, then (`leased`) the worker and the lease's end.
    """
    values: dict[str, Any] = {name: bindparam(f"new_{name}") for name in columns}
    statement: Update = update(subscriptions).where(subscriptions.c.id == bindparam("row_id"))
    names = [*(f"new_{name}" for name in columns), "row_id"]
    if leased:
        # Only the worker holding the lease writes, and writing renews it.
        statement = statement.where(subscriptions.c.lease_owner == bindparam("worker"))
        values["lease_expires_at"] = bindparam("lease_until")
        names += ["worker", "lease_until"]
    return PrecompiledWrite(statement.values(values), names)


_LEASED = Precompiled(
    select(subscriptions)
    .where(
        subscriptions.c.id.in_(bindparam("ids", expanding=True)),
        subscriptions.c.lease_owner == bindparam("worker"),
    )
    # Locked in id order, the same order in every transaction, so that they cannot deadlock.
    .order_by(subscriptions.c.id)
    .with_for_update(of=subscriptions)
)
_SERVED = Precompiled(
    select(subscriptions)
    .join(organizations, organizations.c.id == subscriptions.c.organization_id)
    .where(
        subscriptions.c.id.in_(bindparam("ids", expanding=True)),
        subscriptions.c.lease_owner == bindparam("worker"),
        organizations.c.datahub_subscription_active.is_(True),
    )
    .order_by(subscriptions.c.id)
    .with_for_update(of=subscriptions)
)


def _due_and_free() -> tuple[ColumnElement[bool], ...]:
    """Subscriptions with due work and no live lease, of organizations that may receive webhooks."""
    s = subscriptions.c
    now = bindparam("now", type_=BigInteger)
    has_new_events = exists().where(
        events.c.organization_id == s.organization_id, events.c.seq > s.cursor_seq
    )
    due = or_(
        and_(
            s.state == ACTIVE,
            or_(
                and_(s.next_attempt_at.is_not(None), s.next_attempt_at <= now),
                and_(s.next_attempt_at.is_(None), has_new_events),
            ),
        ),
        and_(s.state == ON_HOLD, s.next_attempt_at <= now),
    )
    return due, _free(now), organizations.c.datahub_subscription_active.is_(True)


def _free(now: BindParameter[int]) -> ColumnElement[bool]:
    s = subscriptions.c
    return or_(s.lease_owner.is_(None), s.lease_expires_at <= now)


def _candidates_statement() -> Select[tuple[str, str]]:
    """Candidates to lease, taken in turns across organizations (see `candidates`)."""
    s = subscriptions.c
    turn = func.coalesce(s.lease_expires_at, 0)
    # Least recently leased first within an organization, so busy subscriptions cannot starve the others.
    rank = func.row_number().over(partition_by=s.organization_id, order_by=(turn, s.id))
    ranked = (
        select(s.id, s.organization_id, turn.label("turn"), rank.label("rank"))
        .join(organizations, organizations.c.id == s.organization_id)
        .where(*_due_and_free())
        .where(s.id.not_in(bindparam("busy", expanding=True)))
        .subquery()
    )
    return (
        select(ranked.c.id, ranked.c.organization_id)
        .where(ranked.c.rank <= bindparam("per_organization"))
        .order_by(ranked.c.rank, ranked.c.turn, ranked.c.id)
        .limit(bindparam("limit"))
    )


# Built once: a step claims and releases every time it runs, and building a statement costs more than
# SQLAlchemy's cached execution of it.
_CANDIDATES = _candidates_statement()
_IDS: BindParameter[str] = bindparam("ids", expanding=True)
_LEASE = (
    update(subscriptions)
    .where(
        subscriptions.c.id.in_(
            # Read without locks, the candidates may have been leased by another worker since: only
            # those still free are taken, and rows another worker is claiming right now are skipped.
            select(subscriptions.c.id)
            .where(subscriptions.c.id.in_(_IDS), _free(bindparam("now", type_=BigInteger)))
            .with_for_update(skip_locked=True)
        )
    )
    .values(lease_owner=bindparam("worker"), lease_expires_at=bindparam("until"))
    .returning(subscriptions.c.id)
)
_SERVED_ORGANIZATIONS = Precompiled(
    select(organizations.c.id).where(
        organizations.c.id.in_(bindparam("ids", expanding=True)),
        organizations.c.datahub_subscription_active.is_(True),
    )
)
_RELEASE = (
    update(subscriptions)
    .where(subscriptions.c.id.in_(_IDS), subscriptions.c.lease_owner == bindparam("worker"))
    .values(lease_owner=None)
)


class SqlSubscriptions:
    """Subscriptions of one SQL transaction.

    It remembers the version of each subscription it read, so that saving writes only the columns
    that changed (the worker saves hundreds per step; most change one or two columns).
    """

    def __init__(self, connection: Connection, sealed: SecretColumns) -> None:
        self._connection = connection
        self._sealed = sealed
        self._seen: dict[str, Subscription] = {}

    def _read(self, found: Subscription) -> Subscription:
        self._seen[found.id] = found
        return found

    def _write(self, changed: Sequence[Subscription], worker: str | None, lease_until: int | None) -> None:
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        lease = () if worker is None else (worker, lease_until)
        for sub in changed:
            columns = convert.changed_columns(self._seen.get(sub.id), sub, self._sealed)
            self._seen[sub.id] = sub
            if not columns and worker is None:
                continue
            names = tuple(sorted(columns))
            groups.setdefault(names, []).append((*(columns[name] for name in names), sub.id, *lease))
        for names, rows in groups.items():
            _save_statement(names, worker is not None).run_many(self._connection, rows)

    def add(self, subscription: Subscription) -> None:
        """Insert a new subscription."""
        self._connection.execute(
            insert(subscriptions), convert.subscription_values(subscription, self._sealed)
        )

    def get(self, subscription_id: str, *, lock: bool = False) -> Subscription | None:
        """One subscription (locked for this transaction when `lock`), or None."""
        query = select(subscriptions).where(subscriptions.c.id == subscription_id)
        if lock:
            query = query.with_for_update()
        row = self._connection.execute(query).mappings().first()
        return None if row is None else self._read(convert.to_subscription(row, self._sealed))

    def save(self, subscription: Subscription) -> None:
        """Write back a changed subscription."""
        self._write([subscription], None, None)

    def save_many(self, subscriptions: Sequence[Subscription], worker: str, lease_until: int) -> None:
        """Write back subscriptions leased by `worker` and renew their leases: one executemany."""
        self._write(subscriptions, worker, lease_until)

    def delete(self, subscription_id: str) -> None:
        """Remove a subscription with its batches and attempt log."""
        connection = self._connection
        connection.execute(delete(attempts).where(attempts.c.subscription_id == subscription_id))
        connection.execute(delete(batches).where(batches.c.subscription_id == subscription_id))
        connection.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))

    def candidates(
        self, now: int, busy: Collection[str], per_organization: int, limit: int
    ) -> list[Candidate]:
        """Subscriptions with due work and no live lease, in turns across organizations (not leased).

        Each organization's first candidate, then each one's second, and so on (at most
        `per_organization` each), least recently leased first: the order `fair_shares.admit` takes
        them in. `busy` are subscriptions the caller has an attempt in flight for.

        Read without locks, so that concurrent workers on PostgreSQL do not pass over every due row
        another one merely looked at; `lease` takes what is still free.
        """
        if limit <= 0:
            return []
        params = {"now": now, "busy": list(busy), "per_organization": per_organization, "limit": limit}
        return [
            Candidate(row.id, row.organization_id) for row in self._connection.execute(_CANDIDATES, params)
        ]

    def lease(self, subscription_ids: Collection[str], worker: str, now: int, until: int) -> list[str]:
        """Lease those of these subscriptions that are still free; return their ids.

        On PostgreSQL `FOR UPDATE SKIP LOCKED` passes over rows another worker is leasing at this
        instant; the lease columns then keep the subscription theirs after commit. SQLite has one writer
        at a time (the caller's transaction is IMMEDIATE), which serializes leases.
        """
        if not subscription_ids:
            return []
        params = {"ids": list(subscription_ids), "worker": worker, "now": now, "until": until}
        return [row.id for row in self._connection.execute(_LEASE, params)]

    def leased(
        self, subscription_ids: Collection[str], worker: str, *, served_only: bool = False
    ) -> dict[str, Subscription]:
        """Those of these subscriptions that `worker` still holds, locked for this transaction.

        `served_only` leaves out those of organizations without an active Datahub subscription.
        """
        if not subscription_ids:
            return {}
        statement = _SERVED if served_only else _LEASED
        rows = statement.mappings(self._connection, {"ids": list(subscription_ids), "worker": worker})
        return {row["id"]: self._read(convert.to_subscription(row, self._sealed)) for row in rows}

    def served(self, organization_ids: Collection[str]) -> set[str]:
        """Those of these organizations whose Datahub subscription is active (webhooks are sent to them)."""
        if not organization_ids:
            return set()
        return {
            row[0] for row in _SERVED_ORGANIZATIONS.rows(self._connection, {"ids": list(organization_ids)})
        }

    def release(self, subscription_ids: Collection[str], worker: str) -> None:
        """Give leases back; lease_expires_at stays, to order the next claims fairly."""
        if subscription_ids:
            self._connection.execute(_RELEASE, {"ids": list(subscription_ids), "worker": worker})

    def count(self, organization_id: str) -> int:
        """How many subscriptions an organization has."""
        query = select(func.count()).select_from(subscriptions)
        query = query.where(subscriptions.c.organization_id == organization_id)
        return int(self._connection.execute(query).scalar() or 0)

    def count_on_hold(self) -> int:
        """How many subscriptions are on hold, all organizations."""
        query = select(func.count()).select_from(subscriptions).where(subscriptions.c.state == ON_HOLD)
        return int(self._connection.execute(query).scalar() or 0)

    def list(self, organization_id: str | None, after: str | None, limit: int) -> list[Subscription]:
        """Subscriptions by id after `after`, of one organization or (None) of all."""
        query = select(subscriptions).order_by(subscriptions.c.id).limit(limit)
        if organization_id is not None:
            query = query.where(subscriptions.c.organization_id == organization_id)
        if after:
            query = query.where(subscriptions.c.id > after)
        return [
            self._read(convert.to_subscription(row, self._sealed))
            for row in self._connection.execute(query).mappings()
        ]
