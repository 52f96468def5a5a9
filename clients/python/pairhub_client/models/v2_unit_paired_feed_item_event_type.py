from enum import StrEnum


class V2UnitPairedFeedItemEventType(StrEnum):
    UNIT_PAIRED = "unit.paired"

    def __str__(self) -> str:
        return str(self.value)
