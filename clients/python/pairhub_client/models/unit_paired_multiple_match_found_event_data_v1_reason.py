from enum import StrEnum


class UnitPairedMultipleMatchFoundEventDataV1Reason(StrEnum):
    MULTIPLEMATCHFOUND = "MultipleMatchFound"

    def __str__(self) -> str:
        return str(self.value)
