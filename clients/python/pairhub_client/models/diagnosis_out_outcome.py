from enum import StrEnum


class DiagnosisOutOutcome(StrEnum):
    AUTOPAIR = "AutoPair"
    INVALIDDATA = "InvalidData"
    MULTIPLEMATCHFOUND = "MultipleMatchFound"
    NOTFOUND = "NotFound"
    UNKNOWN = "Unknown"

    def __str__(self) -> str:
        return str(self.value)
