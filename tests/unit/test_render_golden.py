"""Golden tests: every seed example is reproduced exactly, and everything rendered obeys the schemas."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from pairhub.contract import schemas
from pairhub.contract.render import (
    envelope_json,
    format_batch_time,
    format_registered_on,
    render_envelope,
    render_event_data,
    render_fragment,
)
from pairhub.domain.events import EventType, Location, PairingEvent, Reason
from tests.golden.seed_examples import (
    SEED_BATCH_ID,
    SEED_BATCH_TIME_NS,
    SEED_SUBSCRIPTION_ID,
    event_behind,
    seed_examples,
)

EXAMPLES = seed_examples()


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schemas.load(name), format_checker=FormatChecker())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_seed_example_is_reproduced_byte_for_byte(name: str) -> None:
    example = EXAMPLES[name]
    version = example["eventsData"][0]["eventVersion"]

    rendered = render_envelope(
        SEED_BATCH_ID, SEED_SUBSCRIPTION_ID, SEED_BATCH_TIME_NS, [event_behind(example)], version
    )

    assert json.dumps(rendered) == json.dumps(example)


def test_an_envelope_joined_from_stored_fragments_is_the_rendered_envelope_byte_for_byte() -> None:
    events = [event_behind(example) for example in EXAMPLES.values()]
    for version in (1, 2):
        carried = [event for event in events if render_fragment(event, version) is not None]
        fragments = [render_fragment(event, version) or "" for event in carried]
        for chosen in (carried, carried[:1], []):
            joined = envelope_json(
                SEED_BATCH_ID, SEED_SUBSCRIPTION_ID, SEED_BATCH_TIME_NS, fragments[: len(chosen)]
            )
            rendered = render_envelope(
                SEED_BATCH_ID, SEED_SUBSCRIPTION_ID, SEED_BATCH_TIME_NS, chosen, version
            )
            assert joined.encode() == orjson.dumps(rendered)
    assert render_fragment(events[0], 3) is None


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_seed_example_validates_against_published_envelope_schema(name: str) -> None:
    example = EXAMPLES[name]
    version = example["eventsData"][0]["eventVersion"]
    validator(f"v{version}-envelope.json").validate(example)


def test_seed_has_the_eleven_examples_of_the_contract() -> None:
    assert len(EXAMPLES) == 11


def test_timestamps_have_the_contract_precision() -> None:
    assert format_registered_on(1_747_088_400_000) == "2025-05-12T22:20:00.000Z"
    assert format_registered_on(1_747_088_400_007) == "2025-05-12T22:20:00.007Z"
    assert format_batch_time(SEED_BATCH_TIME_NS) == "2025-05-13T13:18:13.2017310Z"


def _every_variant() -> list[tuple[PairingEvent, int]]:
    base: dict[str, Any] = {
        "organization_id": "c8c90b90-ad39-4a3d-8b89-c25a22acaa25",
        "unit_id": "tp:890123847562332",
        "registered_at_ms": 1_747_088_400_000,
    }
    asset = "5bca3b72-e006-4cea-bfaa-f5a4dcf3a63c"
    other = "d8d90d90-dd29-4d3d-8b89-c45a22acab34"
    here = Location(50.869, 2.8942)
    events = [
        PairingEvent(EventType.PAIRED, **base, reason=Reason.MANUAL_PAIR, asset_id=asset),
        PairingEvent(
            EventType.PAIRED, **base, reason=Reason.MANUAL_PAIR, asset_id=asset, asset_vin="1HGCM82633A000001"
        ),
        PairingEvent(
            EventType.PAIRED,
            **base,
            reason=Reason.AUTO_PAIR,
            asset_id=asset,
            asset_vin="1HGCM82633A000001",
            sensor_vin="A000001",
        ),
        PairingEvent(
            EventType.PAIRED,
            **base,
            reason=Reason.AUTO_PAIR,
            asset_id=asset,
            asset_vin="1HGCM82633A000001",
            sensor_vin="1HGCM82633A000001",
            location=here,
        ),
        PairingEvent(EventType.PAIRED, **base, reason=Reason.INVALID_DATA),
        PairingEvent(EventType.PAIRED, **base, reason=Reason.INVALID_DATA, sensor_vin="XX?", location=here),
        PairingEvent(EventType.PAIRED, **base, reason=Reason.NOT_FOUND, sensor_vin="F3A000001"),
        PairingEvent(
            EventType.PAIRED,
            **base,
            reason=Reason.MULTIPLE_MATCH_FOUND,
            sensor_vin="F3D000001",
            candidate_asset_ids=(asset, other),
            location=here,
        ),
        PairingEvent(EventType.PAIRED, **base, reason=Reason.UNKNOWN),
        PairingEvent(EventType.PAIRED, **base, reason=Reason.UNKNOWN, sensor_vin="F3D000001", location=here),
        PairingEvent(EventType.UNPAIRED, **base, asset_id=asset),
        PairingEvent(EventType.UNPAIRED, **base, asset_id=asset, asset_vin="1HGCM82633A000001"),
    ]
    return [
        (event, version)
        for event in events
        for version in (1, 2)
        if not (version == 2 and event.event_type is EventType.UNPAIRED)
    ]


@pytest.mark.parametrize(("event", "version"), _every_variant())
def test_every_variant_validates_and_has_no_nulls(event: PairingEvent, version: int) -> None:
    data = render_event_data(event, version)
    envelope = render_envelope(SEED_BATCH_ID, SEED_SUBSCRIPTION_ID, SEED_BATCH_TIME_NS, [event], version)

    assert None not in data.values()
    if event.event_type is EventType.PAIRED:
        variant = f"v{version}-unit.paired.{event.reason.value if event.reason else ''}.json"
        validator(variant).validate(data)
        validator(f"v{version}-unit.paired.json").validate(data)
    else:
        validator("v1-unit.unpaired.json").validate(data)
    validator(f"v{version}-envelope.json").validate(envelope)


def test_location_keys_differ_by_version() -> None:
    event = PairingEvent(
        EventType.PAIRED,
        "c8c90b90-ad39-4a3d-8b89-c25a22acaa25",
        "tp:1",
        0,
        reason=Reason.NOT_FOUND,
        sensor_vin="F3A000001",
        location=Location(1.5, -2.25),
    )
    assert render_event_data(event, 1)["location"] == {"lat": 1.5, "lon": -2.25}
    assert render_event_data(event, 2)["location"] == {"latitude": 1.5, "longitude": -2.25}


def test_schema_refuses_null_and_unknown_keys() -> None:
    checker = validator("v2-unit.paired.json")
    good = {
        "registeredOn": "2025-05-12T22:20:00.000Z",
        "organizationId": "c8c90b90-ad39-4a3d-8b89-c25a22acaa25",
        "unitId": "tp:890123847562332",
        "status": "failed",
        "reason": "NotFound",
        "sensorVIN": "F3A000001",
    }
    checker.validate(good)
    assert not checker.is_valid({**good, "location": None})
    assert not checker.is_valid({**good, "candidateAssetIds": ["c8c90b90-ad39-4a3d-8b89-c25a22acaa25"] * 2})
    assert not checker.is_valid({**good, "location": {"lat": 1.0, "lon": 2.0}})
