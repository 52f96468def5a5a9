from enum import StrEnum


class UnitPairedAutoPairEventDataV1Reason(StrEnum):
    AUTOPAIR = "AutoPair"

    def __str__(self) -> str:
        return str(self.value)
