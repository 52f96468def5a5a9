from enum import StrEnum


class JwkOutAlg(StrEnum):
    EDDSA = "EdDSA"

    def __str__(self) -> str:
        return str(self.value)
