"""Subcommands of the ``iotda-contract`` command line, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

#: The modules that make up the command line, in the order ``--help`` lists them.
MODULES: tuple[str, ...] = ("spec", "diff", "serve", "faults", "check", "replay", "demo")
