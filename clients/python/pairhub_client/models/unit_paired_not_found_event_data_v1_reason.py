from enum import StrEnum


class UnitPairedNotFoundEventDataV1Reason(StrEnum):
    NOTFOUND = "NotFound"

    def __str__(self) -> str:
        return str(self.value)
