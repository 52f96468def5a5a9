from enum import StrEnum


class SubscriptionOutEventgroup(StrEnum):
    ASSET = "asset"

    def __str__(self) -> str:
        return str(self.value)
