"""Events of auto-pairing attempts recorded with their diagnoses, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from pairhub.domain.diagnosis import AUTO_REASONS, diagnose
from pairhub.domain.events import EventType, PairingEvent, Reason
from pairhub.ports import UnitOfWork


def record(uow: UnitOfWork, events: Sequence[PairingEvent], raws: Sequence[str | None] | None = None) -> None:
    """Record `events`, and beside them the diagnosis of each auto-pairing attempt among them.

    `raws` holds each event's VIN as reported (aligned with `events`); without it (reminders,
    re-matches) the stored normalized VIN stands for it. One bulk insert, in the same transaction as
    the outcome, so a diagnosis exists exactly when its outcome committed.
    """
    uow.events.record(events)
    attempts = [
        (event, raws[index] if raws is not None else event.sensor_vin)
        for index, event in enumerate(events)
        if event.event_type is EventType.PAIRED and event.reason in AUTO_REASONS
    ]
    if not attempts:
        return
    asset_vins: dict[str, str | None] = {}
    for event, _ in attempts:
        # Only an ambiguous outcome names assets whose VINs the event does not carry: a few lookups.
        if event.reason is Reason.MULTIPLE_MATCH_FOUND:
            for asset_id in event.candidate_asset_ids:
                asset = uow.assets.get(event.organization_id, asset_id)
                asset_vins[asset_id] = None if asset is None else asset.vin
    uow.diagnoses.add_many([diagnose(event, raw, asset_vins) for event, raw in attempts])
