from enum import StrEnum


class AppType(StrEnum):
    APP = "APP"
    GLOBAL = "GLOBAL"

    def __str__(self) -> str:
        return str(self.value)
