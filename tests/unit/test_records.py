"""`copy_with` builds the same record as `dataclasses.replace`, without running `__init__` again."""

from __future__ import annotations

import dataclasses

import pytest

from pairhub.domain.model import AutoPairingState
from pairhub.domain.records import copy_with
from pairhub.domain.units import Unit


def test_a_copy_equals_what_replace_builds_and_leaves_the_original_alone() -> None:
    unit = Unit("tp:1", "org", 1, AutoPairingState.IDLE, candidates=("a",))
    copied = copy_with(unit, asset_id="asset", paired_at=5, state=AutoPairingState.IDLE)
    assert copied == dataclasses.replace(unit, asset_id="asset", paired_at=5)
    assert type(copied) is Unit and copied is not unit
    assert unit.asset_id is None and unit.paired_at is None
    assert hash(copied) == hash(dataclasses.replace(unit, asset_id="asset", paired_at=5))


def test_a_copy_is_still_frozen() -> None:
    copied = copy_with(Unit("tp:1", "org", 1, AutoPairingState.IDLE), asset_id="asset")
    with pytest.raises(dataclasses.FrozenInstanceError):
        copied.asset_id = "other"  # type: ignore[misc]
