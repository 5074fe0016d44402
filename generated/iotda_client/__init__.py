"""A client library for accessing IoTDA Export Tasks.

Generated from openapi/iotda-export-tasks.yaml by scripts/generate.py; do not edit. Every endpoint
function checks its arguments against the spec before sending (``ParameterError``); paged
endpoints also offer ``iterate_pages`` / ``iterate_items`` and async twins (``PagingError``).
"""

from ._checks import ParameterError
from .client import AuthenticatedClient, Client
from .paging import PagingError

__all__ = (
    "AuthenticatedClient",
    "Client",
    "PagingError",
    "ParameterError",
)
