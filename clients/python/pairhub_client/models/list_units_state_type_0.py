from enum import StrEnum


class ListUnitsStateType0(StrEnum):
    DISABLED = "disabled"
    IDLE = "idle"
    INVALIDDATA = "invalidData"
    MULTIPLEMATCHFOUND = "multipleMatchFound"
    NOTFOUND = "notFound"
    PAIRED = "paired"
    SUPPRESSED = "suppressed"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)
