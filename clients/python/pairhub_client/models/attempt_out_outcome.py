from enum import StrEnum


class AttemptOutOutcome(StrEnum):
    DELIVERED = "delivered"
    DISABLED = "disabled"
    ERROR = "error"
    FAILED = "failed"
    LEASELOST = "leaseLost"
    ONHOLD = "onHold"
    PROBEFAILED = "probeFailed"
    RETRY = "retry"

    def __str__(self) -> str:
        return str(self.value)
