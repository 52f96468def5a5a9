from enum import StrEnum


class V2UnitPairedEventEventType(StrEnum):
    UNIT_PAIRED = "unit.paired"

    def __str__(self) -> str:
        return str(self.value)
