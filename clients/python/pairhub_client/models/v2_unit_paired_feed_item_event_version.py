from enum import IntEnum


class V2UnitPairedFeedItemEventVersion(IntEnum):
    VALUE_2 = 2

    def __str__(self) -> str:
        return str(self.value)
