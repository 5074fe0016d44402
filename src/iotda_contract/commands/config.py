"""``check``'s configuration file: every flag, ``${ENV}`` for secrets; flags given on the command line win.

Read from ``--config PATH``, else ``iotda-contract.toml`` in the current folder, else the
``[tool.iotda-contract]`` table of ``pyproject.toml`` there. Keys are the long flag names without their
dashes (``base-url = "https://..."``, ``token = "${IOTDA_TOKEN}"``, ``allow-writes = true``,
``header = ["X-Trace: 1"]``).
"""

from __future__ import annotations

import argparse
import os
import re
import tomllib
from pathlib import Path
from typing import Any

FILE = "iotda-contract.toml"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConfigError(ValueError):
    """The configuration file cannot be used; the message says where and why."""


def find(explicit: str | None, folder: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The configuration in force and where it came from (None: no file)."""
    folder = folder or Path.cwd()
    if explicit is not None:
        return Path(explicit), _read(Path(explicit), table=None)
    if (folder / FILE).is_file():
        return folder / FILE, _read(folder / FILE, table=None)
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        found = _read(pyproject, table=("tool", "iotda-contract"))
        if found:
            return pyproject, found
    return None


def _read(path: Path, table: tuple[str, ...] | None) -> dict[str, Any]:
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}") from None
    for key in table or ():
        data = data.get(key, {}) if isinstance(data, dict) else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a table")
    return {key: _substitute(value, path, key) for key, value in data.items()}


def _substitute(value: Any, path: Path, key: str) -> Any:
    if isinstance(value, list):
        return [_substitute(v, path, key) for v in value]
    if not isinstance(value, str):
        return value

    def variable(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in os.environ:
            raise ConfigError(f"{path}: {key} names ${{{name}}}, which is not set in the environment")
        return os.environ[name]

    return _VARIABLE.sub(variable, value)


def apply(args: argparse.Namespace, parser: argparse.ArgumentParser, config: dict[str, Any],
          path: Path) -> None:  # fmt: skip
    """Set each option the command line left at its default from ``config`` (unknown keys are errors)."""
    actions = {a.dest: a for a in parser._actions if a.option_strings}
    for key, value in config.items():
        dest = key.replace("-", "_")
        action = actions.get(dest)
        if action is None or dest in ("config", "print_config", "help", "list_laws"):
            raise ConfigError(f"{path}: unknown key {key!r} (keys are check's long flags without '--')")
        if getattr(args, dest) != action.default:
            continue  # given on the command line: the flag wins
        convert = action.type if callable(action.type) else None
        if isinstance(action, argparse._AppendAction):
            value = value if isinstance(value, list) else [value]
            value = [convert(v) if convert else v for v in value]
        elif convert is not None and not isinstance(value, bool):
            value = convert(value)
        setattr(args, dest, value)


def render(args: argparse.Namespace, parser: argparse.ArgumentParser, secret: set[str]) -> str:
    """The options in force, as the TOML a configuration file would hold; secrets shown as ``***``."""
    lines = []
    for action in parser._actions:
        if not action.option_strings or action.dest in ("help", "config", "print_config", "list_laws"):
            continue
        value = getattr(args, action.dest)
        if value is None or value == []:
            continue
        key = action.option_strings[-1].lstrip("-")
        shown = "***" if action.dest in secret else value
        lines.append(f"{key} = {_toml(shown)}")
    return "\n".join(lines)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
