from enum import StrEnum


class ExportFormat(StrEnum):
    XLS = "xls"

    def __str__(self) -> str:
        return str(self.value)
