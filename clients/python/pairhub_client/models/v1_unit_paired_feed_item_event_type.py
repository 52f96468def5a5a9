from enum import StrEnum


class V1UnitPairedFeedItemEventType(StrEnum):
    UNIT_PAIRED = "unit.paired"

    def __str__(self) -> str:
        return str(self.value)
