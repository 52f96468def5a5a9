from enum import StrEnum


class SubscriptionInEventgroup(StrEnum):
    ASSET = "asset"

    def __str__(self) -> str:
        return str(self.value)
