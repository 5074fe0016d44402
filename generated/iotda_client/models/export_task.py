from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.app_type import AppType
from ..models.export_format import ExportFormat
from ..models.resource_type import ResourceType
from ..models.task_status import TaskStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.resource_condition import ResourceCondition


T = TypeVar("T", bound="ExportTask")


@_attrs_define
class ExportTask:
    """An export task.

    Attributes:
        export_task_id (str): An export task's id: 1 to 64 letters, digits, underscores or hyphens. Decision: the
            description's example (`jeQDJQZltU8iKgFFoW060F5SGZka`, 28 characters) is not a record id,
            so an export task id is opaque and is never used as a marker. Example: jeQDJQZltU8iKgFFoW060F5SGZka.
        resource_type (ResourceType): The type of the exported resource; only `BatchTask` exists. Example: BatchTask.
        resource_condition (ResourceCondition): Which resource to export: `task_id` names a batch task and is 24
            hexadecimal digits.
            No other key is allowed.
        export_format (ExportFormat): The format of the export file; only `xls` exists. Decision: the description's
            prose says
            "XLS" and its example says "xls"; the wire value is the example's lower-case `xls`. Example: xls.
        status (TaskStatus): The state of a task; `Processing` until it ends as `Success` or `Failed`. Example: Success.
        export_count (int): The number of resources exported so far; 0 or more. Example: 10000.
        progress (int): The progress in percent, from 0 to 100 (complete). Decision: the description says 1 to
            100, yet a task that has just started has made no progress, so 0 is allowed. Example: 98.
        create_time (str): A UTC time as `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`. Example: 2020-08-12T12:12:12.333Z.
        app_type (AppType): The scope: `GLOBAL` (every app of the project) or `APP` (one app), `GLOBAL` by default.
            Example: APP.
        end_time (str | Unset): A UTC time as `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`. Example: 2020-08-12T12:12:12.333Z.
        app_id (str | Unset): An app (resource space) id of 1 to 36 letters, digits, underscores or hyphens. Decision:
            an empty app id is refused. Example: app_01.
    """

    export_task_id: str
    resource_type: ResourceType
    resource_condition: ResourceCondition
    export_format: ExportFormat
    status: TaskStatus
    export_count: int
    progress: int
    create_time: str
    app_type: AppType
    end_time: str | Unset = UNSET
    app_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        export_task_id = self.export_task_id

        resource_type = self.resource_type.value

        resource_condition = self.resource_condition.to_dict()

        export_format = self.export_format.value

        status = self.status.value

        export_count = self.export_count

        progress = self.progress

        create_time = self.create_time

        app_type = self.app_type.value

        end_time = self.end_time

        app_id = self.app_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "export_task_id": export_task_id,
                "resource_type": resource_type,
                "resource_condition": resource_condition,
                "export_format": export_format,
                "status": status,
                "export_count": export_count,
                "progress": progress,
                "create_time": create_time,
                "app_type": app_type,
            }
        )
        if end_time is not UNSET:
            field_dict["end_time"] = end_time
        if app_id is not UNSET:
            field_dict["app_id"] = app_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_condition import ResourceCondition  # noqa: PLC0415

        d = dict(src_dict)
        export_task_id = d.pop("export_task_id")

        resource_type = ResourceType(d.pop("resource_type"))

        resource_condition = ResourceCondition.from_dict(d.pop("resource_condition"))

        export_format = ExportFormat(d.pop("export_format"))

        status = TaskStatus(d.pop("status"))

        export_count = d.pop("export_count")

        progress = d.pop("progress")

        create_time = d.pop("create_time")

        app_type = AppType(d.pop("app_type"))

        end_time = d.pop("end_time", UNSET)

        app_id = d.pop("app_id", UNSET)

        export_task = cls(
            export_task_id=export_task_id,
            resource_type=resource_type,
            resource_condition=resource_condition,
            export_format=export_format,
            status=status,
            export_count=export_count,
            progress=progress,
            create_time=create_time,
            app_type=app_type,
            end_time=end_time,
            app_id=app_id,
        )

        export_task.additional_properties = d
        return export_task

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
