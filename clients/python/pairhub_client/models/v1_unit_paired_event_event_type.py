from enum import StrEnum


class V1UnitPairedEventEventType(StrEnum):
    UNIT_PAIRED = "unit.paired"

    def __str__(self) -> str:
        return str(self.value)
