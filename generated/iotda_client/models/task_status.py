from enum import StrEnum


class TaskStatus(StrEnum):
    FAILED = "Failed"
    PROCESSING = "Processing"
    SUCCESS = "Success"

    def __str__(self) -> str:
        return str(self.value)
