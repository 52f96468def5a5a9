"""Records of the services turned into the API's JSON shapes."""

from __future__ import annotations

from typing import Any

from pairhub.contract.render import format_registered_on
from pairhub.domain.diagnosis import Diagnosis
from pairhub.domain.organizations import Organization
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.units import Unit
from pairhub.domain.vin import check_digit_valid
from pairhub.services.assets import AssetView


def iso(epoch_ms: int | None) -> str | None:
    """Epoch milliseconds as an ISO 8601 UTC string with milliseconds, or None."""
    return None if epoch_ms is None else format_registered_on(epoch_ms)


def organization(record: Organization) -> dict[str, Any]:
    """An organization."""
    return {
        "id": record.id,
        "name": record.name,
        "autoPairingEnabled": record.auto_pairing_enabled,
        "datahubSubscriptionActive": record.datahub_subscription_active,
        "createdAt": iso(record.created_at),
    }


def asset(view: AssetView) -> dict[str, Any]:
    """An asset with its paired units."""
    record = view.asset
    return {
        "id": record.id,
        "organizationId": record.organization_id,
        "vin": record.vin,
        "name": record.name,
        "checkDigitValid": check_digit_valid(record.vin) if record.vin else None,
        "unitIds": list(view.unit_ids),
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
    }


def unit(record: Unit) -> dict[str, Any]:
    """A unit with its pairing and auto-pairing state."""
    location = record.last_location
    return {
        "unitId": record.id,
        "organizationId": record.organization_id,
        "assetId": record.asset_id,
        "pairedAt": iso(record.paired_at),
        "createdAt": iso(record.created_at),
        "lastSeenAt": iso(record.last_seen_at),
        "lastReportedVin": record.last_vin_raw,
        "lastLocation": None
        if location is None
        else {"latitude": location.latitude, "longitude": location.longitude},
        "autoPairing": {
            "state": record.state.value,
            "sensorVIN": record.sensor_vin,
            "candidateAssetIds": list(record.candidates),
            "firstFailedAt": iso(record.first_failed_at),
            "remindersSent": record.reminders_sent,
            "nextReminderAt": iso(record.next_reminder_at),
        },
    }


def pairing(record: Unit) -> dict[str, Any]:
    """A current pairing (from a paired unit)."""
    return {
        "organizationId": record.organization_id,
        "unitId": record.id,
        "assetId": record.asset_id,
        "pairedAt": iso(record.paired_at),
    }


def in_force(entry: PairingRecord) -> dict[str, Any]:
    """A pairing in force at some instant, in the shape of a current pairing."""
    return {
        "organizationId": entry.organization_id,
        "unitId": entry.unit_id,
        "assetId": entry.asset_id,
        "pairedAt": iso(entry.paired_at),
    }


def history(entry: PairingRecord) -> dict[str, Any]:
    """A pairing history entry."""
    return {
        "organizationId": entry.organization_id,
        "unitId": entry.unit_id,
        "assetId": entry.asset_id,
        "pairedAt": iso(entry.paired_at),
        "pairedBy": entry.paired_by,
        "pairedVia": entry.paired_via,
        "unpairedAt": iso(entry.unpaired_at),
        "unpairedBy": entry.unpaired_by,
        "unpairedVia": entry.unpaired_via,
    }


def diagnosis(record: Diagnosis) -> dict[str, Any]:
    """Why one auto-pairing attempt ended as it did."""
    return {
        "at": iso(record.at),
        "outcome": record.outcome,
        "rule": record.rule.value,
        "assetId": record.asset_id,
        "rawVin": record.raw_vin,
        "normalizedVin": record.normalized_vin,
        "removedByNormalization": list(record.removed),
        "invalidReason": record.invalid_reason,
        "checkDigitValid": record.check_digit_valid,
        "candidates": [
            {
                "assetId": c.asset_id,
                "assetVin": c.asset_vin,
                "rule": c.rule.value,
                "differingPosition": c.differing_position,
            }
            for c in record.candidates
        ],
    }
