from enum import StrEnum


class UnitPairedManualPairEventDataV2Reason(StrEnum):
    MANUALPAIR = "ManualPair"

    def __str__(self) -> str:
        return str(self.value)
