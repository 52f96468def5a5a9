"""JSON Schemas (draft 2020-12) of every payload variant and envelope, for eventVersion 1 and 2."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pairhub.contract.render import SUPPORTED_VERSIONS
from pairhub.domain.events import Reason
from pairhub.domain.vin import MAX_REPORTED_VIN_LENGTH

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE_ID = "https://schemas.pairhub.dev/asset"

_UUID = {"type": "string", "format": "uuid"}
_REGISTERED_ON = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$",
    "description": "UTC, 3 fractional digits.",
}
_BATCH_TIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$",
    "description": "UTC, 7 fractional digits.",
}
_UNIT_ID = {"type": "string", "pattern": r"^[a-z][a-z0-9]{0,31}:[A-Za-z0-9]{1,64}$"}
_VIN = {"type": "string", "minLength": 1, "maxLength": MAX_REPORTED_VIN_LENGTH}

# Which optional keys each unit.paired reason carries (beyond the always-present ones).
_PAIRED_VARIANTS: dict[Reason, tuple[list[str], list[str]]] = {
    # reason: (required extra keys, optional extra keys)
    Reason.MANUAL_PAIR: (["assetId"], ["assetVIN"]),
    Reason.AUTO_PAIR: (["assetId", "assetVIN", "sensorVIN"], ["location"]),
    Reason.INVALID_DATA: ([], ["sensorVIN", "location"]),
    Reason.NOT_FOUND: (["sensorVIN"], ["location"]),
    Reason.MULTIPLE_MATCH_FOUND: (["sensorVIN", "candidateAssetIds"], ["location"]),
    Reason.UNKNOWN: ([], ["sensorVIN", "location"]),
}


def _location(version: int) -> dict[str, Any]:
    lat, lon = ("lat", "lon") if version == 1 else ("latitude", "longitude")
    return {
        "type": "object",
        "properties": {
            lat: {"type": "number", "minimum": -90, "maximum": 90},
            lon: {"type": "number", "minimum": -180, "maximum": 180},
        },
        "required": [lat, lon],
        "additionalProperties": False,
    }


def _field(name: str, version: int) -> dict[str, Any]:
    fields: dict[str, dict[str, Any]] = {
        "assetId": _UUID,
        "assetVIN": _VIN,
        "sensorVIN": _VIN,
        "candidateAssetIds": {"type": "array", "items": _UUID, "minItems": 2},
        "location": _location(version),
    }
    return fields[name]


def paired_variant(reason: Reason, version: int) -> dict[str, Any]:
    """Schema of `unit.paired` eventData for one reason."""
    required_extra, optional_extra = _PAIRED_VARIANTS[reason]
    status = "success" if reason in (Reason.MANUAL_PAIR, Reason.AUTO_PAIR) else "failed"
    properties: dict[str, Any] = {
        "registeredOn": _REGISTERED_ON,
        "organizationId": _UUID,
        "unitId": _UNIT_ID,
        "status": {"const": status},
        "reason": {"const": reason.value},
    }
    for name in required_extra + optional_extra:
        properties[name] = _field(name, version)
    return {
        "$schema": DRAFT,
        "$id": f"{BASE_ID}/v{version}/unit.paired.{reason.value}.json",
        "title": f"unit.paired {reason.value} eventData (v{version})",
        "type": "object",
        "properties": properties,
        "required": [
            "registeredOn",
            "organizationId",
            "unitId",
            "status",
            "reason",
            *required_extra,
        ],
        "additionalProperties": False,
    }


def paired(version: int) -> dict[str, Any]:
    """Schema of any `unit.paired` eventData."""
    return {
        "$schema": DRAFT,
        "$id": f"{BASE_ID}/v{version}/unit.paired.json",
        "title": f"unit.paired eventData (v{version})",
        "oneOf": [_strip(paired_variant(reason, version)) for reason in Reason],
    }


def unpaired() -> dict[str, Any]:
    """Schema of `unit.unpaired` eventData (offered in v1 only)."""
    return {
        "$schema": DRAFT,
        "$id": f"{BASE_ID}/v1/unit.unpaired.json",
        "title": "unit.unpaired eventData (v1)",
        "type": "object",
        "properties": {
            "registeredOn": _REGISTERED_ON,
            "organizationId": _UUID,
            "assetId": _UUID,
            "unitId": _UNIT_ID,
            "assetVIN": _VIN,
        },
        "required": ["registeredOn", "organizationId", "assetId", "unitId"],
        "additionalProperties": False,
    }


def _strip(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy without `$schema`/`$id`, for embedding."""
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}


def _event_item(version: int) -> dict[str, Any]:
    variants = [
        {
            "type": "object",
            "properties": {
                "eventType": {"const": "unit.paired"},
                "eventVersion": {"const": version},
                "eventData": _strip(paired(version)),
            },
            "required": ["eventType", "eventVersion", "eventData"],
            "additionalProperties": False,
        }
    ]
    if version == 1:
        variants.append(
            {
                "type": "object",
                "properties": {
                    "eventType": {"const": "unit.unpaired"},
                    "eventVersion": {"const": 1},
                    "eventData": _strip(unpaired()),
                },
                "required": ["eventType", "eventVersion", "eventData"],
                "additionalProperties": False,
            }
        )
    return {"oneOf": variants}


def envelope(version: int) -> dict[str, Any]:
    """Schema of one webhook batch (the Datahub envelope) for `version`."""
    return {
        "$schema": DRAFT,
        "$id": f"{BASE_ID}/v{version}/envelope.json",
        "title": f"Datahub asset event batch (v{version})",
        "type": "object",
        "properties": {
            "eventBatchId": _UUID,
            "eventSubscriptionId": _UUID,
            "eventBatchTime": _BATCH_TIME,
            "eventsData": {"type": "array", "minItems": 1, "items": _event_item(version)},
        },
        "required": ["eventBatchId", "eventSubscriptionId", "eventBatchTime", "eventsData"],
        "additionalProperties": False,
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    """Every published schema by file name."""
    schemas: dict[str, dict[str, Any]] = {"v1-unit.unpaired.json": unpaired()}
    for version in SUPPORTED_VERSIONS:
        schemas[f"v{version}-envelope.json"] = envelope(version)
        schemas[f"v{version}-unit.paired.json"] = paired(version)
        for reason in Reason:
            schemas[f"v{version}-unit.paired.{reason.value}.json"] = paired_variant(reason, version)
    return schemas


def dump(schema: dict[str, Any]) -> str:
    """The canonical text of a schema file."""
    return json.dumps(schema, indent=2) + "\n"


def write_all(directory: Path) -> list[Path]:
    """Write every schema into `directory` (the package copy and `docs/schemas`)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = directory / name
        path.write_text(dump(schema), encoding="utf-8")
        written.append(path)
    return written


@cache
def load(name: str) -> dict[str, Any]:
    """A published schema as shipped inside the package."""
    text = resources.files("pairhub.contract").joinpath("schemas", name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
