from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ResourceCondition")


@_attrs_define
class ResourceCondition:
    """Which resource to export: `task_id` names a batch task and is 24 hexadecimal digits.
    No other key is allowed.

        Attributes:
            task_id (str | Unset): The id of the batch task, 24 hexadecimal digits. Example: 61b7ed6a66a1a5f5d5e26c8f.
    """

    task_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        task_id = self.task_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if task_id is not UNSET:
            field_dict["task_id"] = task_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        task_id = d.pop("task_id", UNSET)

        resource_condition = cls(
            task_id=task_id,
        )

        return resource_condition
