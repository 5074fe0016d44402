"""Keep the run's secrets out of everything it writes or prints: tokens, keys, signatures."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

#: How a secret is shown instead: an environment variable a replayed command reads, or a plain mark.
TOKEN_VARIABLE = "$IOTDA_TOKEN"
AK_VARIABLE = "$IOTDA_AK"
SK_MARK = "[secret key]"
SECURITY_TOKEN_MARK = "[security token]"
_SIGNATURE = re.compile(r"(Signature=)[0-9A-Fa-f]{16,}")
_QUOTED_HEADER = re.compile(r"'([A-Za-z0-9-]+): ([^']*\$IOTDA_[A-Z]+[^']*)'")


@dataclass(frozen=True)
class Redactor:
    """Replaces every secret of the run, wherever it appears, with a mark or a variable name."""

    secrets: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, *, token: str | None = None, ak: str | None = None, sk: str | None = None,
           security_token: str | None = None, others: Iterable[str] = ()) -> Redactor:  # fmt: skip
        pairs = [(token, TOKEN_VARIABLE), (sk, SK_MARK), (ak, AK_VARIABLE),
                 (security_token, SECURITY_TOKEN_MARK)]  # fmt: skip
        pairs += [(other, "[secret]") for other in others]
        # longest first, so that a secret containing another is replaced whole
        kept = sorted(((s, m) for s, m in pairs if s and len(s) >= 4), key=lambda p: -len(p[0]))
        return cls(tuple(kept))

    def __call__(self, text: str) -> str:
        for secret, mark in self.secrets:
            text = text.replace(secret, mark)
        text = _SIGNATURE.sub(r"\1[signature]", text)
        # a variable inside single quotes is not expanded by a shell: double-quote those headers
        return _QUOTED_HEADER.sub(lambda m: f'"{m.group(1)}: {m.group(2)}"', text)


#: Redacts signatures only (no secret was given).
PLAIN = Redactor()


def scrub(value: T, redact: Redactor) -> T:
    """A copy of ``value`` (dataclasses, dicts, lists, tuples, strings) with every string redacted."""
    return _scrub(value, redact)  # type: ignore[no-any-return]


def _scrub(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _scrub(getattr(value, f.name), redact) for f in dataclasses.fields(value) if f.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {_scrub(k, redact): _scrub(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub(v, redact) for v in value)
    return value
