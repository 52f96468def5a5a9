from enum import StrEnum


class UnitPairedInvalidDataEventDataV2Status(StrEnum):
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
