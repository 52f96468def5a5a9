from enum import StrEnum


class BulkItemOutStatus(StrEnum):
    CREATED = "created"
    EXISTS = "exists"
    REFUSED = "refused"

    def __str__(self) -> str:
        return str(self.value)
