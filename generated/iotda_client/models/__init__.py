"""Contains all the data models used in inputs/outputs"""

from .add_export_task import AddExportTask
from .app_type import AppType
from .error import Error
from .export_format import ExportFormat
from .export_task import ExportTask
from .list_export_tasks_response import ListExportTasksResponse
from .page import Page
from .resource_condition import ResourceCondition
from .resource_type import ResourceType
from .task_status import TaskStatus

__all__ = (
    "AddExportTask",
    "AppType",
    "Error",
    "ExportFormat",
    "ExportTask",
    "ListExportTasksResponse",
    "Page",
    "ResourceCondition",
    "ResourceType",
    "TaskStatus",
)
