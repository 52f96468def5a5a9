from enum import StrEnum


class UnitPairedAutoPairEventDataV2Status(StrEnum):
    SUCCESS = "success"

    def __str__(self) -> str:
        return str(self.value)
