from enum import StrEnum


class UnitPairedNotFoundEventDataV2Reason(StrEnum):
    NOTFOUND = "NotFound"

    def __str__(self) -> str:
        return str(self.value)
