from enum import StrEnum


class UnitPairedManualPairEventDataV1Status(StrEnum):
    SUCCESS = "success"

    def __str__(self) -> str:
        return str(self.value)
