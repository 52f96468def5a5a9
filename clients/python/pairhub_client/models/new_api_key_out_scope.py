from enum import StrEnum


class NewApiKeyOutScope(StrEnum):
    FULL = "full"
    INGEST = "ingest"
    READ = "read"

    def __str__(self) -> str:
        return str(self.value)
