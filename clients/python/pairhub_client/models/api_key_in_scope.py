from enum import StrEnum


class ApiKeyInScope(StrEnum):
    FULL = "full"
    INGEST = "ingest"
    READ = "read"

    def __str__(self) -> str:
        return str(self.value)
