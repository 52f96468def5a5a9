"""Manual pairing and unpairing, the current-pairings snapshot and the pairing history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, bindparam, insert, select, update

from pairhub.adapters.sql import events as outbox
from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import pairings, units
from pairhub.domain import events
from pairhub.domain.errors import Conflict
from pairhub.domain.model import AutoPairingState
from pairhub.ports import Clock
from pairhub.services import assets, organizations
from pairhub.services import units as unit_service
from pairhub.services.pagination import Page, paginate

# Columns that end any auto-pairing progress (and its reminders) once a unit is paired.
CLEARED_AUTO_PAIRING = {
    "ap_candidates": None,
    "ap_first_failed_at": None,
    "ap_next_reminder_at": None,
    "ap_retry_after": None,
}


@dataclass(frozen=True)
class PairResult:
    """The pairing in place after a pair call, and whether the call created it."""

    row: RowMapping
    created: bool


@dataclass(frozen=True)
class NewPairing:
    """A unit about to be attached to an asset of its organization."""

    organization_id: str
    unit_id: str
    asset_id: str


def open_pairings(
    connection: Connection, new: Sequence[NewPairing], *, how: events.Reason, via: str, now: int
) -> None:
    """Attach units to assets and start their history entries: two statements, however many units."""
    connection.execute(
        update(units)
        .where(units.c.id == bindparam("b_unit"))
        .values(
            asset_id=bindparam("b_asset"),
            paired_at=now,
            ap_state=AutoPairingState.PAIRED.value,
            **CLEARED_AUTO_PAIRING,
        ),
        [{"b_unit": pairing.unit_id, "b_asset": pairing.asset_id} for pairing in new],
    )
    connection.execute(
        insert(pairings),
        [
            {
                "organization_id": pairing.organization_id,
                "unit_id": pairing.unit_id,
                "asset_id": pairing.asset_id,
                "paired_at": now,
                "paired_by": how.value,
                "paired_via": via,
            }
            for pairing in new
        ],
    )


def open_pairing(
    connection: Connection,
    organization_id: str,
    unit_id: str,
    asset_id: str,
    *,
    how: events.Reason,
    via: str,
    now: int,
) -> None:
    """Attach one unit to an asset and start its history entry."""
    open_pairings(connection, [NewPairing(organization_id, unit_id, asset_id)], how=how, via=via, now=now)


class Pairing:
    """Use cases of manual pairing."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def pair(self, organization_id: str, unit_id: str, asset_id: str, via: str = "api") -> PairResult:
        """Pair a unit with an asset of the same organization."""
        with self._database.write() as connection:
            unit = unit_service.load(connection, organization_id, unit_id, for_update=True)
            asset = assets.load(connection, organization_id, asset_id)
            if unit["asset_id"] == asset_id:
                return PairResult(unit_service.load(connection, organization_id, unit_id), False)
            if unit["asset_id"] is not None:
                raise Conflict(
                    "unit_already_paired",
                    f"Unit {unit_id} is paired with another asset; unpair it first.",
                    assetId=unit["asset_id"],
                )
            now = self._clock.now_ms()
            open_pairing(
                connection,
                organization_id,
                unit_id,
                asset_id,
                how=events.Reason.MANUAL_PAIR,
                via=via,
                now=now,
            )
            outbox.record_events(
                connection,
                [events.manual_pair(organization_id, unit_id, asset_id, asset["vin"], now)],
            )
            return PairResult(unit_service.load(connection, organization_id, unit_id), True)

    def unpair(self, organization_id: str, unit_id: str, via: str = "api") -> RowMapping:
        """Unpair a unit; auto pairing stays suppressed until the unit reports another VIN."""
        with self._database.write() as connection:
            unit = unit_service.load(connection, organization_id, unit_id, for_update=True)
            if unit["asset_id"] is None:
                raise Conflict("unit_not_paired", f"Unit {unit_id} is not paired.")
            asset = assets.load(connection, organization_id, unit["asset_id"])
            now = self._clock.now_ms()
            connection.execute(
                update(units)
                .where(units.c.id == unit_id)
                .values(
                    asset_id=None,
                    paired_at=None,
                    ap_state=AutoPairingState.SUPPRESSED.value,
                    # Auto pairing resumes only once the unit reports a VIN other than this one.
                    ap_vin=unit["last_vin"],
                    **CLEARED_AUTO_PAIRING,
                )
            )
            open_entry = pairings.c.unit_id == unit_id, pairings.c.unpaired_at.is_(None)
            seq = connection.execute(select(pairings.c.seq).where(*open_entry)).scalar_one()
            connection.execute(
                update(pairings)
                .where(pairings.c.seq == seq)
                .values(unpaired_at=now, unpaired_by=f"ManualUnpair:{via}")
            )
            outbox.record_events(
                connection,
                [events.manual_unpair(organization_id, unit_id, asset["id"], asset["vin"], now)],
            )
            return connection.execute(select(pairings).where(pairings.c.seq == seq)).mappings().one()

    def snapshot(self, organization_id: str, after: str | None, limit: int) -> Page[RowMapping]:
        """The units paired right now, by unit id."""
        query = (
            select(units.c.id, units.c.asset_id, units.c.paired_at, units.c.organization_id)
            .where(units.c.organization_id == organization_id, units.c.asset_id.is_not(None))
            .order_by(units.c.id)
            .limit(limit + 1)
        )
        if after:
            query = query.where(units.c.id > after)
        with self._database.read() as connection:
            organizations.load(connection, organization_id)
            rows = list(connection.execute(query).mappings())
        return paginate(rows, limit, lambda row: str(row["id"]))

    def history(self, organization_id: str, unit_id: str | None, after: int, limit: int) -> Page[RowMapping]:
        """Every pairing that ever existed, oldest first."""
        query = (
            select(pairings)
            .where(pairings.c.organization_id == organization_id, pairings.c.seq > after)
            .order_by(pairings.c.seq)
            .limit(limit + 1)
        )
        if unit_id:
            query = query.where(pairings.c.unit_id == unit_id)
        with self._database.read() as connection:
            organizations.load(connection, organization_id)
            rows = list(connection.execute(query).mappings())
        return paginate(rows, limit, lambda row: str(row["seq"]))
