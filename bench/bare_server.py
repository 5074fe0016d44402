"""Serve the bare app exactly as the mock is served: same socket set-up, same uvicorn configuration."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn

from bench.bare_app import app
from iotda_contract.mock.server import bind, uvicorn_config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    sock = bind(args.host, args.port)
    # The mock's configuration (uvloop, its httptools protocol, no access log, lifespan off...):
    # only the app differs, so the ratio measures the app and nothing else.
    config = uvicorn_config(app)  # type: ignore[arg-type]
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
