"""The hand-checked fast path of unit messages accepts exactly what pydantic accepts, with the same values."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pairhub.entrypoints.api.routers.unit_messages import _explained, _quick, parse_message
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
