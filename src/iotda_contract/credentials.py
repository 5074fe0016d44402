"""The credentials a verifying server knows: AK/SK pairs and IAM tokens, each bound to project ids.

Credentials file (JSON), read by :meth:`Credentials.load`::

    {"credentials": [
        {"ak": "AK1", "sk": "secret", "projects": ["p1", "p2"]},
        {"ak": "TMPAK", "sk": "secret", "security_token": "sts-token", "expires_at": "2026-12-01T12:00:00Z",
         "projects": ["p1"]},
        {"token": "opaque-iam-token", "id": "alice-token", "projects": ["*"]}
    ]}

An entry has either ``ak`` and ``sk`` or ``token`` (``id`` optional: the name the token is known by; by
default ``token-`` plus the first 12 hex digits of its SHA-256). An AK/SK entry with ``security_token`` is a
temporary credential: requests must carry that token in ``X-Security-Token``; ``expires_at`` (ISO 8601 with
a time zone, optional) is the moment it stops being accepted. ``projects`` lists the project ids the
credential may use; ``"*"`` stands for every project. See docs/auth.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

#: In a credential's ``projects``: every project.
WILDCARD_PROJECT = "*"


@dataclass(frozen=True)
class Credential:
    """One entry of the credentials file: an AK/SK pair or an IAM token, and the projects it may use."""

    access_key: str
    secret_key: str | None
    token: str | None
    projects: frozenset[str]
    #: Temporary AK/SK: the token sent in ``X-Security-Token`` and when it expires (aware, UTC).
    security_token: str | None = None
    expires_at: datetime | None = None

    def allows(self, project_id: str) -> bool:
        return WILDCARD_PROJECT in self.projects or project_id in self.projects


@dataclass(frozen=True)
class Principal:
    """Who a verified request comes from: the AK (or the token's id) and the projects it may use."""

    access_key_or_token_id: str
    projects: frozenset[str]

    def allows(self, project_id: str) -> bool:
        return WILDCARD_PROJECT in self.projects or project_id in self.projects


class Credentials:
    """The set of known credentials, looked up by access key or by token."""

    def __init__(self, entries: Iterable[Credential] = ()) -> None:
        self._by_ak: dict[str, Credential] = {}
        self._by_token: dict[str, Credential] = {}
        for entry in entries:
            if entry.token is not None:
                if entry.token in self._by_token:
                    raise ValueError(f"token {entry.access_key!r} is listed twice")
                self._by_token[entry.token] = entry
            else:
                if entry.access_key in self._by_ak:
                    raise ValueError(f"access key {entry.access_key!r} is listed twice")
                self._by_ak[entry.access_key] = entry

    @classmethod
    def load(cls, path: str | Path) -> Credentials:
        """Read a credentials file (format in the module docstring)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ValueError(f"cannot read credentials file {path}: {err}") from err
        return cls.from_json(data)

    @classmethod
    def from_json(cls, data: Any) -> Credentials:
        """Build from the decoded JSON document (``{"credentials": [...]}``)."""
        if not isinstance(data, dict) or not isinstance(data.get("credentials"), list):
            raise ValueError('a credentials document is {"credentials": [ ... ]}')
        return cls(_entry(item, index) for index, item in enumerate(data["credentials"]))

    def by_access_key(self, access_key: str) -> Credential | None:
        return self._by_ak.get(access_key)

    def by_token(self, token: str) -> Credential | None:
        return self._by_token.get(token)

    def __iter__(self) -> Iterator[Credential]:
        yield from self._by_ak.values()
        yield from self._by_token.values()

    def __len__(self) -> int:
        return len(self._by_ak) + len(self._by_token)


def token_id(token: str) -> str:
    """The default name of a token: never the token itself."""
    return "token-" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]


def _entry(item: Any, index: int) -> Credential:
    where = f"credentials[{index}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where} is not an object")
    projects = item.get("projects")
    if not isinstance(projects, list) or not all(isinstance(p, str) and p for p in projects):
        raise ValueError(f'{where}.projects must be a list of project ids (or "*")')
    unknown = set(item) - {"ak", "sk", "token", "id", "projects", "security_token", "expires_at"}
    if unknown:
        raise ValueError(f"{where} has unknown keys {sorted(unknown)}")
    if "token" in item:
        token = item["token"]
        if "ak" in item or "sk" in item or "security_token" in item or "expires_at" in item:
            raise ValueError(f"{where}: a token entry has no 'ak', 'sk', 'security_token' or 'expires_at'")
        if not isinstance(token, str) or not token:
            raise ValueError(f"{where}: a token entry has a non-empty 'token' and no 'ak'/'sk'")
        name = item.get("id", token_id(token))
        if not isinstance(name, str) or not name:
            raise ValueError(f"{where}.id must be a non-empty string")
        return Credential(access_key=name, secret_key=None, token=token, projects=frozenset(projects))
    ak, sk = item.get("ak"), item.get("sk")
    if not isinstance(ak, str) or not ak or not isinstance(sk, str) or not sk or "id" in item:
        raise ValueError(f"{where}: an AK/SK entry has non-empty 'ak' and 'sk' (and no 'id')")
    if "/" in ak or "," in ak or ak != ak.strip():
        raise ValueError(f"{where}.ak contains '/', ',' or surrounding spaces")
    security_token, expires_at = _temporary(item, where)
    return Credential(
        access_key=ak,
        secret_key=sk,
        token=None,
        projects=frozenset(projects),
        security_token=security_token,
        expires_at=expires_at,
    )


def _temporary(item: dict[str, Any], where: str) -> tuple[str | None, datetime | None]:
    """(security_token, expires_at) of an AK/SK entry; both ``None`` for a permanent one."""
    token, expires = item.get("security_token"), item.get("expires_at")
    if token is None:
        if expires is not None:
            raise ValueError(f"{where}.expires_at needs a security_token")
        return None, None
    if not isinstance(token, str) or not token:
        raise ValueError(f"{where}.security_token must be a non-empty string")
    if expires is None:
        return token, None
    if not isinstance(expires, str):
        raise ValueError(f"{where}.expires_at must be an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(expires)
    except ValueError:
        raise ValueError(f"{where}.expires_at is not an ISO 8601 time: {expires!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{where}.expires_at needs a time zone (e.g. Z)")
    return token, moment
