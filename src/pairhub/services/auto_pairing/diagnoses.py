"""The diagnoses of auto-pairing attempts, built beside their events (the unit of work writes both)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pairhub.domain.diagnosis import AUTO_REASONS, Diagnosis, diagnose
from pairhub.domain.events import EventType, PairingEvent, Reason
from pairhub.domain.vin import ReportedVin
from pairhub.ports import UnitOfWork


def of(
    events: Iterable[PairingEvent], reported: ReportedVin | None, asset_vins: Mapping[str, str | None]
) -> tuple[Diagnosis, ...]:
    """The diagnosis of each auto-pairing attempt among `events`.

    `reported` is the VIN as the message reported it; None (reminders, re-matches, a position
    report) lets the event's normalized VIN stand for it. `asset_vins` holds the VINs of the assets
    an ambiguous outcome names.
    """
    return tuple(
        diagnose(event, event.sensor_vin if reported is None else reported.raw, asset_vins)
        for event in events
        if event.event_type is EventType.PAIRED and event.reason in AUTO_REASONS
    )


def candidate_vins(uow: UnitOfWork, events: Iterable[PairingEvent]) -> dict[str, str | None]:
    """The VINs of the assets that ambiguous outcomes name, read now (few: only MultipleMatchFound)."""
    found: dict[str, str | None] = {}
    for event in events:
        if event.reason is Reason.MULTIPLE_MATCH_FOUND:
            for asset_id in event.candidate_asset_ids:
                asset = uow.assets.get(event.organization_id, asset_id)
                found[asset_id] = None if asset is None else asset.vin
    return found
