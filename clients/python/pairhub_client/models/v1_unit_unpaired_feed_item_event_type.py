from enum import StrEnum


class V1UnitUnpairedFeedItemEventType(StrEnum):
    UNIT_UNPAIRED = "unit.unpaired"

    def __str__(self) -> str:
        return str(self.value)
