"""Units: provisioning, state, deletion."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, delete, insert, select
from sqlalchemy.exc import IntegrityError

from pairhub.adapters.sql.engine import Database
from pairhub.adapters.sql.tables import units
from pairhub.domain.errors import Conflict, Invalid, NotFound
from pairhub.domain.model import AutoPairingState, is_valid_unit_id
from pairhub.ports import Clock
from pairhub.services import organizations
from pairhub.services.pagination import Page, paginate

STATE_FILTERS = {state.value for state in AutoPairingState}


def load(
    connection: Connection, organization_id: str, unit_id: str, *, for_update: bool = False
) -> RowMapping:
    """The unit row of this organization, or unit_not_found."""
    query = select(units).where(units.c.id == unit_id, units.c.organization_id == organization_id)
    if for_update:
        query = query.with_for_update()
    row = connection.execute(query).mappings().first()
    if row is None:
        raise NotFound("unit_not_found", f"Unit {unit_id} does not exist.")
    return row


class Units:
    """Use cases on units."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def provision(self, organization_id: str, unit_id: str) -> RowMapping:
        """Register a unit with the organization."""
        if not is_valid_unit_id(unit_id):
            raise Invalid(
                "invalid_unit_id",
                "A unit id is `type:serial`: a lowercase type of up to 32 characters, a colon, "
                "and a serial of 1-64 letters and digits.",
                unitId=unit_id,
            )
        conflict = Conflict("unit_exists", f"Unit {unit_id} is already provisioned.")
        try:
            with self._database.write() as connection:
                organization = organizations.load(connection, organization_id)
                if connection.execute(select(units.c.id).where(units.c.id == unit_id)).first():
                    raise conflict
                connection.execute(
                    insert(units),
                    {
                        "id": unit_id,
                        "organization_id": organization_id,
                        "created_at": self._clock.now_ms(),
                        "ap_state": (
                            AutoPairingState.IDLE
                            if organization.auto_pairing_enabled
                            else AutoPairingState.DISABLED
                        ).value,
                        "ap_reminders_sent": 0,
                    },
                )
                return load(connection, organization_id, unit_id)
        except IntegrityError as error:
            raise conflict from error

    def get(self, organization_id: str, unit_id: str) -> RowMapping:
        """One unit with its pairing and auto-pairing state."""
        with self._database.read() as connection:
            return load(connection, organization_id, unit_id)

    def list(
        self,
        organization_id: str,
        *,
        paired: bool | None = None,
        state: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[RowMapping]:
        """Units by id, filtered by pairing or auto-pairing state."""
        query = (
            select(units)
            .where(units.c.organization_id == organization_id)
            .order_by(units.c.id)
            .limit(limit + 1)
        )
        if paired is not None:
            query = query.where(units.c.asset_id.is_not(None) if paired else units.c.asset_id.is_(None))
        if state is not None:
            query = query.where(units.c.ap_state == state)
        if after:
            query = query.where(units.c.id > after)
        with self._database.read() as connection:
            organizations.load(connection, organization_id)
            rows = list(connection.execute(query).mappings())
        return paginate(rows, limit, lambda row: str(row["id"]))

    def delete(self, organization_id: str, unit_id: str) -> None:
        """Remove a unit that is not paired; its reminders end with it."""
        with self._database.write() as connection:
            row = load(connection, organization_id, unit_id, for_update=True)
            if row["asset_id"] is not None:
                raise Conflict(
                    "unit_is_paired",
                    "Unpair the unit before deleting it.",
                    assetId=row["asset_id"],
                )
            connection.execute(delete(units).where(units.c.id == unit_id))
