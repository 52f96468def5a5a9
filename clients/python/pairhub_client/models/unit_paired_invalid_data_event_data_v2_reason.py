from enum import StrEnum


class UnitPairedInvalidDataEventDataV2Reason(StrEnum):
    INVALIDDATA = "InvalidData"

    def __str__(self) -> str:
        return str(self.value)
