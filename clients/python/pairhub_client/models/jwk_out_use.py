from enum import StrEnum


class JwkOutUse(StrEnum):
    SIG = "sig"

    def __str__(self) -> str:
        return str(self.value)
