from enum import StrEnum


class JwkOutKty(StrEnum):
    OKP = "OKP"

    def __str__(self) -> str:
        return str(self.value)
