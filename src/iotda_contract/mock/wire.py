"""Reading the raw request strictly: the route table from the spec, path segments, query strings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from iotda_contract.mock.errors import MalformedRequest, MethodNotAllowed, PathNotFound
from iotda_contract.spec import Spec

_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def decode_component(raw: bytes, plus_is_space: bool) -> str:
    """Percent-decode ``raw`` and read it as UTF-8; a bad escape or bad UTF-8 is malformed."""
    if b"%" in raw or (plus_is_space and b"+" in raw):
        if plus_is_space:
            raw = raw.replace(b"+", b" ")
        if _BAD_ESCAPE.search(raw) is not None:
            raise MalformedRequest()
        raw = unquote_to_bytes(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest() from None


def parse_query(raw: bytes) -> dict[str, str]:
    """The query's key/value pairs; a key given twice makes the request malformed."""
    result: dict[str, str] = {}
    if not raw:
        return result
    if b"%" not in raw and b"+" not in raw:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedRequest() from None
        for item in text.split("&"):
            if not item:
                continue
            plain_name, _, plain_value = item.partition("=")
            if plain_name in result:
                raise MalformedRequest()
            result[plain_name] = plain_value
        return result
    for part in raw.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        name = decode_component(key, plus_is_space=True)
        if name in result:
            raise MalformedRequest()
        result[name] = decode_component(value, plus_is_space=True)
    return result


@dataclass(frozen=True)
class Route:
    """One path template of the spec: literal segments and ``{name}`` captures."""

    template: str
    segments: tuple[str, ...]
    #: HTTP method -> operationId.
    methods: dict[str, str]

    def match(self, parts: list[bytes]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        captured: dict[str, str] = {}
        for segment, part in zip(self.segments, parts, strict=True):
            if segment.startswith("{") and segment.endswith("}"):
                captured[segment[1:-1]] = decode_component(part, plus_is_space=False)
            elif part != segment.encode():
                return None
        return captured


@dataclass(frozen=True)
class Router:
    """Every path of the spec, matched against the raw request path."""

    routes: tuple[Route, ...]

    @classmethod
    def from_spec(cls, document: Spec) -> Router:
        by_path: dict[str, dict[str, str]] = {}
        for op in document.operations.values():
            by_path.setdefault(op.path, {})[op.method] = op.operation_id
        routes = tuple(
            Route(template=path, segments=tuple(path.split("/")), methods=methods)
            for path, methods in by_path.items()
        )
        return cls(routes=routes)

    def resolve(self, raw_path: bytes, method: str) -> tuple[str, dict[str, str]]:
        """(operationId, path parameters), or 404 for no path, 405 for a method the path lacks."""
        parts = raw_path.split(b"/")
        for route in self.routes:
            captured = route.match(parts)
            if captured is None:
                continue
            operation_id = route.methods.get(method)
            if operation_id is None:
                raise MethodNotAllowed(tuple(sorted(route.methods)))
            return operation_id, captured
        raise PathNotFound()
