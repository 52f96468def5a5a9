from enum import StrEnum


class UnitPairedUnknownEventDataV2Reason(StrEnum):
    UNKNOWN = "Unknown"

    def __str__(self) -> str:
        return str(self.value)
