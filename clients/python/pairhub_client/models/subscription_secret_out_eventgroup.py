from enum import StrEnum


class SubscriptionSecretOutEventgroup(StrEnum):
    ASSET = "asset"

    def __str__(self) -> str:
        return str(self.value)
