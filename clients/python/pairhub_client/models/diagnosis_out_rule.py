from enum import StrEnum


class DiagnosisOutRule(StrEnum):
    ERROR = "error"
    EXACT = "exact"
    INVALID = "invalid"
    NONE = "none"
    P1 = "P1"
    P2 = "P2"

    def __str__(self) -> str:
        return str(self.value)
