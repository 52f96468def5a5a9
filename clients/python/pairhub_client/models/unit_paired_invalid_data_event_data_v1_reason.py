from enum import StrEnum


class UnitPairedInvalidDataEventDataV1Reason(StrEnum):
    INVALIDDATA = "InvalidData"

    def __str__(self) -> str:
        return str(self.value)
