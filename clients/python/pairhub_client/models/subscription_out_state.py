from enum import StrEnum


class SubscriptionOutState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    ONHOLD = "onHold"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
