from enum import StrEnum


class UnitPairedUnknownEventDataV1Reason(StrEnum):
    UNKNOWN = "Unknown"

    def __str__(self) -> str:
        return str(self.value)
