from enum import StrEnum


class EventType(StrEnum):
    UNIT_PAIRED = "unit.paired"
    UNIT_UNPAIRED = "unit.unpaired"

    def __str__(self) -> str:
        return str(self.value)
