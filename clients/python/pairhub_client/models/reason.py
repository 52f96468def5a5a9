from enum import StrEnum


class Reason(StrEnum):
    AUTOPAIR = "AutoPair"
    INVALIDDATA = "InvalidData"
    MANUALPAIR = "ManualPair"
    MULTIPLEMATCHFOUND = "MultipleMatchFound"
    NOTFOUND = "NotFound"
    UNKNOWN = "Unknown"

    def __str__(self) -> str:
        return str(self.value)
