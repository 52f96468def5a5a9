"""The fast paths of unit messages (hand checks, compiled decoder) accept what pydantic accepts, alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pairhub.domain.events import Location
from pairhub.entrypoints.api.routers.unit_messages import _json_document, _messages_of
from pairhub.entrypoints.unit_messages import (
    _explained,
    _quick,
    hot_body,
    hot_messages,
    parse_message,
)
from pairhub.services.ingest import Rejection, UnitMessage

_unit_ids = st.one_of(
    st.sampled_from(["tp:890123847562332", "tp:1", "x" * 101, "tp:1\n", "tp:\x001", "", "tp 1"]),
    st.text(max_size=110),
    st.integers(),
    st.none(),
)
_timestamps = st.one_of(
    st.sampled_from(
        [
            "2025-05-12T22:20:00.000Z",
            "2025-05-12T22:20:00",
            "1999-12-31T23:59:59Z",
            "2025-05-12T22:19:59.123+02:00",
            "2025-05-12T22:20:00Z\x00",
            "9" * 65,
        ]
    ),
    st.text(max_size=70),
    st.integers(),
    st.none(),
)
_vins = st.one_of(st.text(max_size=210), st.sampled_from(["F3A000001", "\x00" * 17, "a" * 201]), st.none())
_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.sampled_from([90, -90, 180, -180, 90.0000001, "50", None]),
)
_locations = st.one_of(
    st.fixed_dictionaries({"latitude": _numbers, "longitude": _numbers}),
    st.fixed_dictionaries({"latitude": _numbers}),
    st.fixed_dictionaries({"latitude": _numbers, "longitude": _numbers, "altitude": _numbers}),
    st.none(),
    st.integers(),
)
_messages = st.fixed_dictionaries(
    {},
    optional={
        "unitId": _unit_ids,
        "timestamp": _timestamps,
        "vin": _vins,
        "location": _locations,
        "speed": st.integers(),
    },
)


@settings(max_examples=600)
@given(st.one_of(_messages, st.lists(st.integers(), max_size=2), st.text(max_size=5), st.none()))
@example({"unitId": "tp:1", "location": {"latitude": True, "longitude": 0}})
@example({"unitId": "tp:1", "location": {"latitude": 10**400, "longitude": 0}})
@example({"unitId": "tp:1", "vin": None, "timestamp": None, "location": None})
def test_what_the_fast_path_takes_pydantic_takes_alike(raw: Any) -> None:
    quick = _quick(7, raw)
    explained = _explained(7, raw)

    if quick is not None:
        assert explained == quick
    assert parse_message(7, raw) == (quick if quick is not None else explained)


def test_the_common_message_takes_the_fast_path_with_its_values() -> None:
    raw = {
        "unitId": "tp:890123847562332",
        "timestamp": "2025-05-12T22:20:00.000Z",
        "vin": " f3a-000001 ",
        "location": {"latitude": 50, "longitude": 2.8942},
    }

    quick = _quick(3, raw)

    assert isinstance(quick, UnitMessage)
    assert quick.timestamp_ms == 1_747_088_400_000
    assert quick.vin is not None and quick.vin.raw == " f3a-000001 "
    assert quick.location is not None and quick.location.latitude == 50.0


def test_a_refusal_is_still_explained_by_pydantic() -> None:
    refused = parse_message(4, {"unitId": "tp:1", "location": {"latitude": 90.5, "longitude": 0}})

    assert isinstance(refused, Rejection)
    assert refused.code == "invalid_location"
    assert refused.detail.startswith("location.latitude: ")


def _general(body: bytes) -> list[UnitMessage | Rejection]:
    """A request's messages as the general path parses them (orjson, hand checks, pydantic)."""
    return [parse_message(index, raw) for index, raw in enumerate(_messages_of(_json_document(body)))]


def _no_unit(unit_ids: set[str]) -> set[str]:
    return set()


def _every_unit(unit_ids: set[str]) -> set[str]:
    return unit_ids


def _compiled(
    body: bytes, steady_units: Callable[[set[str]], set[str]] = _no_unit
) -> list[UnitMessage] | None:
    """A request's messages as the compiled decoder takes them, or None when it leaves them to the rest.

    The bare reports of `steady_units` are made records again, in the request's order, to compare.
    """
    hot = hot_body(body)
    taken = None if hot is None else hot_messages(hot, steady_units)
    if taken is None:
        return None
    messages, reports = taken
    steady = steady_units({message.unit_id for message in messages} | {report[1] for report in reports})
    assert not any(message.unit_id in steady for message in messages)
    assert all(report[1] in steady for report in reports)
    rebuilt = [
        UnitMessage(index, unit_id, at, vin, None if latitude is None else Location(latitude, longitude))
        for index, unit_id, at, vin, latitude, longitude in reports
    ]
    return sorted([*messages, *rebuilt], key=lambda message: message.index)


def _half_of_the_units(unit_ids: set[str]) -> set[str]:
    return {unit_id for unit_id in unit_ids if hash(unit_id) % 2}


def _assert_alike(body: bytes) -> None:
    for steady_units in (_no_unit, _every_unit, _half_of_the_units):
        compiled = _compiled(body, steady_units)
        if compiled is not None:
            # repr as well: a latitude of -0.0 equals 0.0 but is not the same value to store.
            assert compiled == _general(body)
            assert repr(compiled) == repr(_general(body))


@settings(max_examples=400)
@given(st.lists(_messages, max_size=4))
def test_what_the_compiled_decoder_takes_the_general_path_takes_alike(raws: list[Any]) -> None:
    body = json.dumps({"messages": raws}).encode()

    _assert_alike(body)
    # And it is the fast path indeed: a request the general path takes whole, it takes too.
    if all(isinstance(item, UnitMessage) for item in _general(body)):
        assert _compiled(body) is not None


@pytest.mark.parametrize(
    "body",
    [
        b'{"messages": [{"unitId": "tp:1", "unitId": "tp:2", "vin": "F3A000001", "vin": null}]}',
        b'{"messages": [], "messages": [{"unitId": "tp:1"}]}',
        b'{"messages": [{"unitId": "tp:1", "location": {"latitude": -0, "longitude": -0.0}}]}',
        b'{"messages": [{"unitId": "tp:1", "location": {"latitude": 1e400, "longitude": 0}}]}',
        b'{"messages": [{"unitId": "tp:1", "location": {"latitude": 90.000000000000001, "longitude": 5e1}}]}',
        b'{"messages": [{"unitId": "tp:1", "location": {"latitude": 1, "latitude": 2, "longitude": 3}}]}',
        b'{"messages": [{"unitId": "tp:1", "location": {"longitude": 0, "latitude": 1' + b"0" * 23 + b"}}]}",
        b'{"messages": [{"unitId": "tp:1", "location": {"latitude": NaN, "longitude": 0}}]}',
        b'{"messages": [{"unitId": "tp:1", "location": {"latitude": true, "longitude": 0}}]}',
        b'{"messages": [{"unitId": "tp:1\\n"}]}',
        b'{"messages": [{"unitId": "tp:1", "vin": "\\ud800"}]}',
        b'{"messages": [{"unitId": "tp:1", "timestamp": "2025-05-12T22:20:00Z\\u0000"}]}',
        b'{"messages": [{"unitId": "tp:1", "timestamp": "2025-05-12T22:20:00"}]}',
        b'{"messages": [{"unitId": "tp:1", "vin": "' + "\u00e9".encode() * 200 + b'"}]}',
        b'{"messages": [{"unitId": "tp:1", "vin": "' + "\u00e9".encode() * 201 + b'"}]}',
        b'{"messages": [{"unitId": "tp:1", "speed": 3}]}',
        b'{"messages": [{"unitId": "tp:1"}], "extra": 1}',
        b'\xef\xbb\xbf{"messages": [{"unitId": "tp:1"}]}',
        b'{"messages": [' + b",".join([b'{"unitId": "tp:1"}'] * 1001) + b"]}",
    ],
)
def test_the_compiled_decoder_and_the_general_path_agree_on_odd_bodies(body: bytes) -> None:
    _assert_alike(body)


def test_the_common_request_takes_the_compiled_decoder_with_its_values() -> None:
    message = {
        "unitId": "tp:890123847562332",
        "timestamp": "2025-05-12T22:20:00.000Z",
        "vin": " f3a-000001 ",
        "location": {"latitude": 50, "longitude": 2.8942},
    }
    body = json.dumps({"messages": [message, {"unitId": "tp:1", "vin": None}]}).encode()

    compiled = _compiled(body)

    assert compiled is not None
    assert compiled == _general(body)
    assert compiled[0].timestamp_ms == 1_747_088_400_000
    assert compiled[1].vin is not None and compiled[1].vin.raw is None


def test_a_request_with_one_unusual_message_is_left_to_the_general_path() -> None:
    body = json.dumps({"messages": [{"unitId": "tp:1"}, {"unitId": "not a unit id"}]}).encode()

    assert _compiled(body) is None
    assert [type(item) for item in _general(body)] == [UnitMessage, Rejection]
