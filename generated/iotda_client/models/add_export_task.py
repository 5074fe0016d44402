from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.app_type import AppType
from ..models.export_format import ExportFormat
from ..models.resource_type import ResourceType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.resource_condition import ResourceCondition


T = TypeVar("T", bound="AddExportTask")


@_attrs_define
class AddExportTask:
    """The body of a create.

    Attributes:
        resource_type (ResourceType): The type of the exported resource; only `BatchTask` exists. Example: BatchTask.
        resource_condition (ResourceCondition | Unset): Which resource to export: `task_id` names a batch task and is 24
            hexadecimal digits.
            No other key is allowed.
        export_format (ExportFormat | Unset): The format of the export file; only `xls` exists. Decision: the
            description's prose says
            "XLS" and its example says "xls"; the wire value is the example's lower-case `xls`. Example: xls.
        app_type (AppType | Unset): The scope: `GLOBAL` (every app of the project) or `APP` (one app), `GLOBAL` by
            default. Example: APP.
        app_id (str | Unset): An app (resource space) id of 1 to 36 letters, digits, underscores or hyphens. Decision:
            an empty app id is refused. Example: app_01.
    """

    resource_type: ResourceType
    resource_condition: ResourceCondition | Unset = UNSET
    export_format: ExportFormat | Unset = UNSET
    app_type: AppType | Unset = UNSET
    app_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        resource_type = self.resource_type.value

        resource_condition: dict[str, Any] | Unset = UNSET
        if not isinstance(self.resource_condition, Unset):
            resource_condition = self.resource_condition.to_dict()

        export_format: str | Unset = UNSET
        if not isinstance(self.export_format, Unset):
            export_format = self.export_format.value

        app_type: str | Unset = UNSET
        if not isinstance(self.app_type, Unset):
            app_type = self.app_type.value

        app_id = self.app_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "resource_type": resource_type,
            }
        )
        if resource_condition is not UNSET:
            field_dict["resource_condition"] = resource_condition
        if export_format is not UNSET:
            field_dict["export_format"] = export_format
        if app_type is not UNSET:
            field_dict["app_type"] = app_type
        if app_id is not UNSET:
            field_dict["app_id"] = app_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_condition import ResourceCondition  # noqa: PLC0415

        d = dict(src_dict)
        resource_type = ResourceType(d.pop("resource_type"))

        _resource_condition = d.pop("resource_condition", UNSET)
        resource_condition: ResourceCondition | Unset
        if isinstance(_resource_condition, Unset):
            resource_condition = UNSET
        else:
            resource_condition = ResourceCondition.from_dict(_resource_condition)

        _export_format = d.pop("export_format", UNSET)
        export_format: ExportFormat | Unset
        if isinstance(_export_format, Unset):
            export_format = UNSET
        else:
            export_format = ExportFormat(_export_format)

        _app_type = d.pop("app_type", UNSET)
        app_type: AppType | Unset
        if isinstance(_app_type, Unset):
            app_type = UNSET
        else:
            app_type = AppType(_app_type)

        app_id = d.pop("app_id", UNSET)

        add_export_task = cls(
            resource_type=resource_type,
            resource_condition=resource_condition,
            export_format=export_format,
            app_type=app_type,
            app_id=app_id,
        )

        return add_export_task
