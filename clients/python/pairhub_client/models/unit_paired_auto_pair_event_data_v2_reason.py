from enum import StrEnum


class UnitPairedAutoPairEventDataV2Reason(StrEnum):
    AUTOPAIR = "AutoPair"

    def __str__(self) -> str:
        return str(self.value)
