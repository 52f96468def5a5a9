"""Rows of the services turned into the API's JSON shapes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import RowMapping

from pairhub.contract.render import format_registered_on
from pairhub.domain.organizations import Organization
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
    row = view.row
    return {
        "id": row["id"],
        "organizationId": row["organization_id"],
        "vin": row["vin"],
        "name": row["name"],
        "checkDigitValid": check_digit_valid(row["vin"]) if row["vin"] else None,
        "unitIds": list(view.unit_ids),
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
    }


def unit(row: RowMapping) -> dict[str, Any]:
    """A unit with its pairing and auto-pairing state."""
    location = None
    if row["last_latitude"] is not None and row["last_longitude"] is not None:
        location = {"latitude": row["last_latitude"], "longitude": row["last_longitude"]}
    return {
        "unitId": row["id"],
        "organizationId": row["organization_id"],
        "assetId": row["asset_id"],
        "pairedAt": iso(row["paired_at"]),
        "createdAt": iso(row["created_at"]),
        "lastSeenAt": iso(row["last_seen_at"]),
        "lastReportedVin": row["last_vin_raw"],
        "lastLocation": location,
        "autoPairing": {
            "state": row["ap_state"],
            "sensorVIN": row["ap_sensor_vin"],
            "candidateAssetIds": json.loads(row["ap_candidates"]) if row["ap_candidates"] else [],
            "firstFailedAt": iso(row["ap_first_failed_at"]),
            "remindersSent": row["ap_reminders_sent"],
            "nextReminderAt": iso(row["ap_next_reminder_at"]),
        },
    }


def pairing(row: RowMapping) -> dict[str, Any]:
    """A current pairing (from a unit row)."""
    return {
        "organizationId": row["organization_id"],
        "unitId": row["id"],
        "assetId": row["asset_id"],
        "pairedAt": iso(row["paired_at"]),
    }


def history(row: RowMapping) -> dict[str, Any]:
    """A pairing history entry."""
    return {
        "organizationId": row["organization_id"],
        "unitId": row["unit_id"],
        "assetId": row["asset_id"],
        "pairedAt": iso(row["paired_at"]),
        "pairedBy": row["paired_by"],
        "pairedVia": row["paired_via"],
        "unpairedAt": iso(row["unpaired_at"]),
        "unpairedBy": row["unpaired_by"],
    }
