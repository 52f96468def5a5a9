from enum import StrEnum


class ListBatchesStatusType0(StrEnum):
    DELIVERED = "delivered"
    EXPIRED = "expired"
    FAILED = "failed"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
