"""Units that report without being provisioned: what the console lists as "unknown units"."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LIMIT = 10_000
"""How many unknown unit ids are kept at most; the least recently seen make room for new ones."""


@dataclass(frozen=True)
class UnknownUnit:
    """A unit id whose messages were refused as `unknown_unit`: how often, first and last seen."""

    unit_id: str
    first_seen: int
    last_seen: int
    messages: int

    def then(self, later: UnknownUnit) -> UnknownUnit:
        """This record with `later`'s sightings of the same unit added."""
        return UnknownUnit(
            self.unit_id,
            min(self.first_seen, later.first_seen),
            max(self.last_seen, later.last_seen),
            self.messages + later.messages,
        )
