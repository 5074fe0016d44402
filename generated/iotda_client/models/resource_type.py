from enum import StrEnum


class ResourceType(StrEnum):
    BATCHTASK = "BatchTask"

    def __str__(self) -> str:
        return str(self.value)
