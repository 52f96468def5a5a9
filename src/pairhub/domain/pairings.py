"""The pairing history as records: who paired a unit with an asset, how, and when it ended."""

from __future__ import annotations

from dataclasses import dataclass

MANUAL_UNPAIR = "ManualUnpair"
"""Who ended a pairing unpaired by hand (`unpairedBy`; the channel is in `unpairedVia`)."""


@dataclass(frozen=True)
class PairingRecord:
    """One entry of the pairing history: who paired the unit, how, and when it ended."""

    seq: int
    organization_id: str
    unit_id: str
    asset_id: str
    paired_at: int
    paired_by: str
    paired_via: str
    unpaired_at: int | None = None
    unpaired_by: str | None = None
    unpaired_via: str | None = None
