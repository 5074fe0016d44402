from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.export_task import ExportTask
    from ..models.page import Page


T = TypeVar("T", bound="ListExportTasksResponse")


@_attrs_define
class ListExportTasksResponse:
    """One page of export tasks.

    Attributes:
        export_tasks (list[ExportTask]): The export tasks of this page, newest first.
        page (Page): Where a page sits in the whole list.
    """

    export_tasks: list[ExportTask]
    page: Page
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        export_tasks = []
        for export_tasks_item_data in self.export_tasks:
            export_tasks_item = export_tasks_item_data.to_dict()
            export_tasks.append(export_tasks_item)

        page = self.page.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "export_tasks": export_tasks,
                "page": page,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.export_task import ExportTask  # noqa: PLC0415
        from ..models.page import Page  # noqa: PLC0415

        d = dict(src_dict)
        export_tasks = []
        _export_tasks = d.pop("export_tasks")
        for export_tasks_item_data in _export_tasks:
            export_tasks_item = ExportTask.from_dict(export_tasks_item_data)

            export_tasks.append(export_tasks_item)

        page = Page.from_dict(d.pop("page"))

        list_export_tasks_response = cls(
            export_tasks=export_tasks,
            page=page,
        )

        list_export_tasks_response.additional_properties = d
        return list_export_tasks_response

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
