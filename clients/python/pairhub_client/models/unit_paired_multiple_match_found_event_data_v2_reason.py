from enum import StrEnum


class UnitPairedMultipleMatchFoundEventDataV2Reason(StrEnum):
    MULTIPLEMATCHFOUND = "MultipleMatchFound"

    def __str__(self) -> str:
        return str(self.value)
