"""Every payload pairhub can emit from an accepted unit message is valid against `docs/schemas`.

A message from arbitrary input goes through the ingest parser (the one HTTP and MQTT share); when it is
taken, the domain's own transitions turn it into every outcome (InvalidData, or AutoPair, NotFound,
MultipleMatchFound and Unknown for a usable VIN, then ManualPair and the unpairing), and each event is
rendered in every version that carries it, as a batch, and validated with `jsonschema`.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import orjson
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from pairhub.contract.render import SUPPORTED_VERSIONS, offers, render_envelope
from pairhub.domain.events import PairingEvent
from pairhub.domain.model import UNIT_ID_PATTERN
from pairhub.domain.reminders import AutoPairingPolicy
from pairhub.domain.units import (
    Activity,
    MessageAction,
    Step,
    on_failure,
    on_manual_pair,
    on_match,
    on_message,
    on_unpair,
    provision,
)
from pairhub.domain.vin import MAX_REPORTED_VIN_LENGTH, MatchKind, MatchResult, is_usable_sensor_vin
from pairhub.entrypoints.api.routers.unit_messages import parse_message
from pairhub.services.ingest import Rejection, UnitMessage

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
ENVELOPES = {
    version: Draft202012Validator(
        json.loads((SCHEMAS / f"v{version}-envelope.json").read_text()), format_checker=FormatChecker()
    )
    for version in SUPPORTED_VERSIONS
}
ORG = str(uuid.UUID(int=1))
ASSETS = (str(uuid.UUID(int=2)), str(uuid.UUID(int=3)))
ASSET_VIN = "1HGCM82633A004352"
POLICY = AutoPairingPolicy.from_seconds(3600, 172_800, 300)
NOW = 1_747_088_400_000

VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
vins = st.one_of(
    st.none(),
    st.text(VIN_ALPHABET, min_size=6, max_size=17),
    st.text(VIN_ALPHABET + "abcxyz -*\x00\xffIOQ", max_size=MAX_REPORTED_VIN_LENGTH + 40),
    # Every code point, lone surrogates included (what `json.loads` may hand the parser).
    st.text(st.characters(exclude_categories=()), max_size=MAX_REPORTED_VIN_LENGTH + 40),
)
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-1000, 1000))
messages = st.fixed_dictionaries(
    {"unitId": st.from_regex(UNIT_ID_PATTERN, fullmatch=True)},
    optional={
        "vin": vins,
        "timestamp": st.one_of(st.none(), st.just("2025-05-12T22:20:00.000Z"), st.text(max_size=30)),
        "location": st.one_of(st.none(), st.fixed_dictionaries({"latitude": numbers, "longitude": numbers})),
    },
)


def _outcomes(message: UnitMessage) -> list[PairingEvent]:
    """The events of every outcome the message can lead to, through the domain's transitions."""
    unit = provision(message.unit_id, ORG, auto_pairing_enabled=True, now=NOW)
    activity = Activity(NOW, message.vin if message.vin is not None else None, message.location)
    if message.vin is None:
        return []
    step = on_message(unit, activity, MessageAction.ATTEMPT, NOW)
    found: list[PairingEvent] = list(step.events)
    if step.match_vin is not None:
        assert is_usable_sensor_vin(step.match_vin)
        results = [
            (MatchResult(MatchKind.EXACT, asset_id=ASSETS[0], asset_vin=step.match_vin), step.match_vin),
            (MatchResult(MatchKind.PARTIAL, asset_id=ASSETS[0], asset_vin=ASSET_VIN), ASSET_VIN),
            (MatchResult(MatchKind.MULTIPLE, candidate_asset_ids=ASSETS), None),
            (MatchResult(MatchKind.NONE), None),
        ]
        for result, asset_vin in results:
            found += on_match(step.unit, step.match_vin, result, asset_vin, POLICY, NOW).events
        found += on_failure(step.unit, step.match_vin, POLICY, NOW).events
    paired: Step | None = on_manual_pair(step.unit, ASSETS[1], ASSET_VIN, NOW + 1)
    assert paired is not None
    found += paired.events
    found += on_unpair(paired.unit, ASSET_VIN, NOW + 2).events
    return found


def _check_against_schemas(events: list[PairingEvent]) -> None:
    for version in SUPPORTED_VERSIONS:
        carried = [event for event in events if offers(version, event.event_type.value)]
        if not carried:
            continue
        batch = render_envelope(str(uuid.uuid4()), str(uuid.uuid4()), NOW * 1_000_000, carried, version)
        # What the outbox stores and sends: it must encode as JSON at all (no lone surrogate).
        sent = orjson.loads(orjson.dumps(batch))
        errors = [error.message for error in ENVELOPES[version].iter_errors(sent)]
        assert errors == [], (version, errors)


@settings(max_examples=400, deadline=None)
@given(messages)
@example({"unitId": "tp:1", "vin": "A" * 100})
@example({"unitId": "tp:1", "vin": "1HGCM82633A00435" + "X" * (MAX_REPORTED_VIN_LENGTH - 16)})
@example({"unitId": "tp:1", "vin": "\ud800" * 10})
@example({"unitId": "tp:1", "vin": None, "location": {"latitude": 90, "longitude": -180}})
def test_every_outcome_of_an_accepted_message_is_valid_against_the_published_schemas(
    raw: dict[str, Any],
) -> None:
    parsed = parse_message(0, raw)
    if isinstance(parsed, Rejection):
        return
    _check_against_schemas(_outcomes(parsed))


@given(st.text(VIN_ALPHABET, min_size=MAX_REPORTED_VIN_LENGTH + 1, max_size=MAX_REPORTED_VIN_LENGTH + 200))
def test_a_vin_longer_than_the_schemas_allow_is_refused_with_its_own_code(vin: str) -> None:
    parsed = parse_message(3, {"unitId": "tp:1", "vin": vin})
    assert isinstance(parsed, Rejection)
    assert (parsed.index, parsed.code) == (3, "vin_too_long")


def test_the_schemas_bound_sensor_vin_by_the_ingest_rule() -> None:
    for version in SUPPORTED_VERSIONS:
        for reason in ("InvalidData", "Unknown", "NotFound"):
            variant = json.loads((SCHEMAS / f"v{version}-unit.paired.{reason}.json").read_text())
            assert variant["properties"]["sensorVIN"]["maxLength"] == MAX_REPORTED_VIN_LENGTH
