from enum import IntEnum


class V2UnitPairedEventEventVersion(IntEnum):
    VALUE_2 = 2

    def __str__(self) -> str:
        return str(self.value)
