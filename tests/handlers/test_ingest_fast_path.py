"""Paired units' messages taken straight from the decoded request leave the units as the full path does."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pairhub.domain.units import Unit
from pairhub.domain.vin import ReportedVin
from pairhub.entrypoints.api.routers.unit_messages import _accept, _json_document
from pairhub.entrypoints.unit_messages import hot_body, hot_messages
from pairhub.services.ingest import UnitMessage
from pairhub.services.paired_units import PairedUnits
from tests.handlers.conftest import Hub

PAIRED_VINS = ["WDB9634031L738192", "VF1RFB00512345678"]
UNITS = ["tp:1", "tp:2", "tp:3", "tp:4"]
"""tp:1 and tp:2 paired, tp:3 idle in an auto-pairing organization, tp:4 in one without auto pairing."""

_unit_ids = st.sampled_from([*UNITS, "tp:1", "tp:1", "tp:2", "tp:9", "not a unit id"])
_timestamps = st.sampled_from(
    [
        "2025-05-12T22:19:00Z",  # the hub's clock starts at 22:20:00Z
        "2025-05-12T22:19:30.500+00:00",
        "2025-05-12T22:21:00Z",  # ahead, within the skew
        "2025-05-12T22:40:00Z",  # too far ahead: refused
        "yesterday",  # refused, and the request takes the general path
    ]
)
_vins = st.one_of(st.none(), st.sampled_from([*PAIRED_VINS, "1HGCM82633A004352", " f3a-000001 ", "", "\x00"]))
_numbers = st.sampled_from([0, -0.0, 1.5, 50.869, -90, 180, 91])
_locations = st.one_of(st.none(), st.fixed_dictionaries({"latitude": _numbers, "longitude": _numbers}))
_messages = st.fixed_dictionaries(
    {"unitId": _unit_ids},
    optional={"timestamp": _timestamps, "vin": _vins, "location": _locations},
)
_requests = st.lists(st.lists(_messages, max_size=8), min_size=1, max_size=3)


def _hub(fast: bool) -> tuple[Hub, dict[str, str]]:
    """Two paired units, two that are not; with `fast`, paired units known without a query."""
    hub = Hub()
    if fast:
        # In memory nothing says when a unit is unpaired, so the set is off there; these requests
        # unpair nothing.
        hub.ingest.paired_units = PairedUnits()
    auto, manual = hub.org(auto_pairing=True), hub.org(auto_pairing=False)
    names = {auto: "auto", manual: "manual"}
    names.update({hub.asset(auto, vin): f"asset {vin}" for vin in PAIRED_VINS})
    for unit_id in UNITS[:3]:
        hub.units.provision(auto, unit_id)
    hub.units.provision(manual, UNITS[3])
    pairing = [UnitMessage(n, f"tp:{n + 1}", vin=ReportedVin.of(vin)) for n, vin in enumerate(PAIRED_VINS)]
    assert hub.ingest.accept(pairing).accepted == 2
    hub.ingest.accept([UnitMessage(n, unit_id) for n, unit_id in enumerate(UNITS)])  # read once
    hub.ingest.flush()
    assert len(hub.ingest.paired_units) == (2 if fast else 0)
    return hub, names


def _post(hub: Hub, body: bytes, organization_id: str | None) -> Any:
    """What the route answers to a request of ingest (or of an organization's key)."""
    hot = hot_body(body)
    document = _json_document(body) if hot is None else hot
    return json.loads(_accept(hub.container, document, body, organization_id))


def _named(unit: Unit, names: dict[str, str]) -> Unit:
    # The two hubs' ids differ: named alike, the units compare field by field.
    return replace(
        unit,
        organization_id=names[unit.organization_id],
        asset_id=None if unit.asset_id is None else names[unit.asset_id],
        candidates=tuple(names[asset_id] for asset_id in unit.candidates),
    )


def _run(fast: bool, requests: list[list[dict[str, Any]]], as_organization: bool) -> tuple[Any, ...]:
    hub, names = _hub(fast)
    auto, manual = (
        next(org_id for org_id, name in names.items() if name == kind) for kind in ("auto", "manual")
    )
    answers = []
    for messages in requests:
        body = json.dumps({"messages": messages}).encode()
        answers.append(_post(hub, body, auto if as_organization else None))
        # The pending activity as well: the stored one hides a seen time gone back behind the row's.
        pending = hub.ingest.buffer.drain()
        hub.ingest.buffer.restore(pending)
        answers.append(pending)
        hub.clock.advance(1)
    hub.ingest.flush()
    stored = [_named(hub.unit(manual if unit_id == UNITS[3] else auto, unit_id), names) for unit_id in UNITS]
    events = [(event.reason, event.unit_id, event.location) for event in hub.events(auto)]
    return answers, stored, events, len(hub.ingest.buffer), hub.ingest.unknown.drain()


@settings(max_examples=300, deadline=None)
@given(_requests, st.booleans())
def test_paired_units_taken_from_the_decoded_request_are_stored_as_by_the_full_path(
    requests: list[list[dict[str, Any]]], as_organization: bool
) -> None:
    assert _run(True, requests, as_organization) == _run(False, requests, as_organization)


def test_a_paired_units_messages_come_without_a_record_the_others_with_one() -> None:
    hub, _ = _hub(fast=True)
    body = json.dumps(
        {
            "messages": [
                {"unitId": "tp:1", "vin": PAIRED_VINS[0], "location": {"latitude": 1, "longitude": 2}},
                {"unitId": "tp:3", "vin": None},
                {"unitId": "tp:1", "timestamp": "2025-05-12T22:19:00Z"},
                {"unitId": "tp:9"},
            ]
        }
    ).encode()
    hot = hot_body(body)
    assert hot is not None

    taken = hot_messages(hot, hub.ingest.steady_units)

    assert taken is not None
    messages, reports = taken
    assert [(m.index, m.unit_id) for m in messages] == [(1, "tp:3"), (3, "tp:9")]
    assert reports == [
        (0, "tp:1", None, ReportedVin.of(PAIRED_VINS[0]), 1.0, 2.0),
        (2, "tp:1", 1_747_088_340_000, None, None, None),
    ]
