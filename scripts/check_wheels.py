"""Build both distributions and prove them from non-editable installs on every supported Python.

``make check-wheels`` runs ``check``: build ``iotda-contract`` (the repository root, sdist then wheel) and
``iotda-client`` (``generated/``), check what each wheel holds, then for each of Python 3.11, 3.12 and 3.13
found on the machine install both wheels into a fresh virtual environment (``constraints.txt`` for the
exact versions) and run, from outside the checkout: ``--version``, ``python -m iotda_contract --help``,
``spec``, ``serve`` with a request, ``check`` against that mock (paging laws alone, then with schemathesis,
token auth), the README's generated-client snippet, ``demo``, and ``diff`` of the bundled spec against
itself; and install ``iotda-client`` alone into another fresh environment: it imports, has ``py.typed``,
and brings no test tool. ``build --outdir DIR`` only builds (and inspects); ``client-project`` prints the
folder ``make install`` installs ``iotda-client`` from, or says why there is none.
"""

from __future__ import annotations

import argparse
import email.parser
import json
import os
import re
import secrets
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
SPEC = ROOT / "openapi" / "iotda-export-tasks.yaml"
README = ROOT / "README.md"
CLIENT_DIR = ROOT / "generated"
PYTHONS = ("3.11", "3.12", "3.13")
#: What installing iotda-client alone must not bring in.
TEST_TOOLS = ("pytest", "hypothesis", "schemathesis")
#: The runtime dependencies iotda-client may have.
CLIENT_DEPENDENCIES = {"httpx", "attrs"}
PROJECT = "demo-project"
#: The token of the README's snippet (``token="any"``), accepted by the mock beside a random one.
SNIPPET_TOKEN = "any"
PIP = ("-m", "pip", "install", "--no-input", "--quiet", "--disable-pip-version-check")


class CheckFailed(Exception):
    """A step's command failed or its output was wrong."""


def say(message: str) -> None:
    print(message, flush=True)


def warn(message: str) -> None:
    print(f"check-wheels: {message}", file=sys.stderr, flush=True)


# -- the two projects ---------------------------------------------------------------------------------------


def client_project() -> Path:
    """The iotda-client project: ``generated/``, which must hold its ``pyproject.toml``."""
    if not (CLIENT_DIR / "pyproject.toml").is_file():
        raise CheckFailed(
            "generated/pyproject.toml does not exist: generated/ is not a project yet, so the iotda-client "
            "distribution cannot be built or installed (make generate writes it)"
        )
    return CLIENT_DIR


@dataclass(frozen=True)
class Wheels:
    contract: Path
    client: Path


def build(outdir: Path) -> Wheels:
    """Build iotda-contract (sdist, then the wheel from it) and iotda-client into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    # The isolated build environments get the constraints' hatchling: the builds are reproducible.
    env = {**os.environ, "PIP_CONSTRAINT": str(CONSTRAINTS)}
    for project in (ROOT, client_project()):
        started = time.monotonic()  # an sdist, then the wheel built from it: the sdist is proved too
        _run([sys.executable, "-m", "build", "--outdir", str(outdir), str(project)], env=env)
        say(f"built {project.relative_to(ROOT)}/ ({time.monotonic() - started:.1f} s)")
    return Wheels(contract=_one(outdir, "iotda_contract-*.whl"), client=_one(outdir, "iotda_client-*.whl"))


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise CheckFailed(f"expected one {pattern} in {folder}, found {[p.name for p in found]}")
    return found[0]


# -- what the wheels hold ---------------------------------------------------------------------------------


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match is not None, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def check_contents(wheels: Wheels) -> None:
    """iotda-contract: its package (spec, py.typed), no iotda_client, ranges; iotda-client: its package."""
    with zipfile.ZipFile(wheels.contract) as archive:
        names = archive.namelist()
        spec_name = "iotda_contract/openapi/iotda-export-tasks.yaml"
        for needed in (spec_name, "iotda_contract/py.typed", "iotda_contract/__main__.py"):
            _expect(needed in names, f"{wheels.contract.name} lacks {needed}")
        _expect(archive.read(spec_name) == SPEC.read_bytes(), f"{spec_name} differs from {SPEC}")
    _expect(_tops(names) == {"iotda_contract"}, f"{wheels.contract.name} holds {_tops(names)}")
    meta = wheel_metadata(wheels.contract)
    _expect(meta["Requires-Python"] == ">=3.11", f"Requires-Python is {meta['Requires-Python']}")
    classifiers = meta.get_all("Classifier") or []
    for minor in PYTHONS:
        _expect(f"Programming Language :: Python :: {minor}" in classifiers, f"no classifier for {minor}")
    runtime = [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    needs = {_requirement_name(r) for r in runtime}
    _expect("iotda-client" in needs, f"iotda-contract does not depend on iotda-client: {sorted(needs)}")
    pinned = [r for r in runtime if "==" in r]
    _expect(not pinned, f"runtime dependencies pinned exactly (constraints.txt is the place): {pinned}")

    with zipfile.ZipFile(wheels.client) as archive:
        names = archive.namelist()
    _expect(_tops(names) == {"iotda_client"}, f"{wheels.client.name} holds {_tops(names)}")
    _expect("iotda_client/py.typed" in names, f"{wheels.client.name} lacks iotda_client/py.typed")
    client_runtime = {
        _requirement_name(r)
        for r in wheel_metadata(wheels.client).get_all("Requires-Dist") or []
        if "extra ==" not in r
    }
    _expect(client_runtime <= CLIENT_DEPENDENCIES, f"iotda-client needs {sorted(client_runtime)}")
    say(f"contents ok: {wheels.contract.name} (spec, py.typed, no iotda_client), {wheels.client.name}")


def _tops(names: list[str]) -> set[str]:
    """The top-level folders of a wheel, its ``.dist-info`` aside."""
    return {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# -- interpreters -----------------------------------------------------------------------------------------


def pyenv_root() -> Path:
    pyenv = shutil.which("pyenv")
    if pyenv is not None:
        done = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False, timeout=30)
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip())
    return Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


def find_python(minor: str) -> Path | None:
    """The newest Python ``minor`` under pyenv's versions folder (the shims on PATH refuse to run)."""
    versions = pyenv_root() / "versions"
    candidates: list[tuple[tuple[int, ...], Path]] = []
    if versions.is_dir():
        for folder in versions.iterdir():
            if re.fullmatch(rf"{re.escape(minor)}\.\d+", folder.name):
                candidates.append((tuple(int(p) for p in folder.name.split(".")), folder / "bin" / "python3"))
    paths = [path for _, path in sorted(candidates, reverse=True)]
    on_path = shutil.which(f"python{minor}")
    if on_path is not None:
        paths.append(Path(on_path))
    for path in paths:
        probe = [str(path), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
        try:
            done = subprocess.run(probe, capture_output=True, text=True, check=False, timeout=30)
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.strip() == minor:
            return path
    return None


# -- running steps ----------------------------------------------------------------------------------------


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without anything that would reach the checkout or the project's .venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, **(extra or {})}


def _run(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 600,
    expect: int = 0,
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        list(command), env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != expect:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
        raise CheckFailed(f"`{' '.join(command)}` exited {done.returncode} (expected {expect}):\n{tail}")
    return done


@dataclass
class Venv:
    """A fresh virtual environment, run from a folder outside the checkout."""

    python_minor: str
    folder: Path
    work: Path
    results: list[str] = field(default_factory=list)

    def bin(self, name: str) -> str:
        return str(self.folder / "bin" / name)

    def run(self, label: str, *command: str, expect: int = 0, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
        started = time.monotonic()
        done = _run(command, env=_clean_env(env), cwd=self.work, timeout=timeout, expect=expect)
        say(f"  ok  {self.python_minor}  {label} ({time.monotonic() - started:.1f} s)")
        return done


def make_venv(python: Path, minor: str, folder: Path) -> Venv:
    _run([str(python), "-m", "venv", str(folder / "venv")], env=_clean_env())
    work = folder / "work"
    work.mkdir()
    return Venv(python_minor=minor, folder=folder / "venv", work=work)


@contextmanager
def served_mock(venv: Venv, credentials: Path) -> Iterator[str]:
    """``iotda-contract serve`` on a free port with token checking; yields its URL, stops it at the end."""
    command = [venv.bin("iotda-contract"), "serve", "--port", "0", "--seed", "300", "--max-tasks", "0",
               "--auth", "verify", "--credentials", str(credentials)]  # fmt: skip
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=venv.work, env=_clean_env()
        )
        try:
            yield _read_url(process, errors)
        finally:
            _stop(process)


def _read_url(process: subprocess.Popen[str], errors: IO[str]) -> str:
    """The URL serve prints first; a failure with its stderr when it prints anything else or nothing."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=60)
    line = process.stdout.readline().strip() if ready else ""
    if not line.startswith("http"):
        process.kill()
        process.wait(10)
        errors.seek(0)
        raise CheckFailed(f"serve did not start: {line!r} {errors.read()[-2000:]}")
    return line


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    if process.stdout is not None:
        process.stdout.close()


def _get(url: str, token: str | None) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers={"X-Auth-Token": token} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # the served mock, on loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def readme_snippet() -> str:
    blocks = re.findall(r"^```python\n(.*?)^```$", README.read_text(encoding="utf-8"), flags=re.S | re.M)
    (snippet,) = [block for block in blocks if "from iotda_client import" in block]
    return str(snippet)


def check_contract(venv: Venv, wheels: Wheels) -> None:
    """Install both wheels and run every command from the installed package."""
    venv.run("pip install iotda-contract iotda-client (wheels)", venv.bin("python"), *PIP,
             "-c", str(CONSTRAINTS), str(wheels.contract), str(wheels.client))  # fmt: skip
    venv.run("pip check", venv.bin("python"), "-m", "pip", "check", "--disable-pip-version-check")
    version = wheel_metadata(wheels.contract)["Version"]
    done = venv.run("iotda-contract --version", venv.bin("iotda-contract"), "--version")
    _expect(done.stdout.strip() == f"iotda-contract {version}", f"--version printed {done.stdout!r}")
    done = venv.run("python -m iotda_contract --help", venv.bin("python"), "-m", "iotda_contract", "--help")
    _expect("serve" in done.stdout and "check" in done.stdout, "--help lists no subcommands")
    probe = "from iotda_contract.spec import DEFAULT_SPEC_PATH as p; print(p.resolve())"
    bundled = Path(venv.run("bundled spec path", venv.bin("python"), "-c", probe).stdout.strip())
    _expect(bundled.is_relative_to(venv.folder.resolve()), f"the spec is read from {bundled}, not the venv")
    done = venv.run("iotda-contract spec", venv.bin("iotda-contract"), "spec")
    _expect("paging:" in done.stdout, "spec printed no paged operation")

    token = secrets.token_hex(16)
    credentials = venv.work / "credentials.json"
    tokens = [{"token": t, "projects": [PROJECT]} for t in (token, SNIPPET_TOKEN)]
    credentials.write_text(json.dumps({"credentials": tokens}), encoding="utf-8")
    started = time.monotonic()
    with served_mock(venv, credentials) as url:
        listing = f"{url}/v5/iot/{PROJECT}/export-tasks?resource_type=BatchTask&limit=5"
        status, body = _get(listing, token)
        page = body.get("export_tasks")
        _expect(status == 200 and isinstance(page, list) and len(page) == 5, f"serve: {status} {body}")
        status, body = _get(listing, None)
        _expect(status == 401, f"serve answered {status} without a token")
        say(f"  ok  {venv.python_minor}  serve --port 0, GET with and without a token "
            f"({time.monotonic() - started:.1f} s)")  # fmt: skip
        check = [venv.bin("iotda-contract"), "check", "--base-url", url, "--project-id", PROJECT,
                 "--token", token, "--max-examples", "3", "--seed", "0"]  # fmt: skip
        done = venv.run("check --max-examples 3 --no-schemathesis", *check, "--no-schemathesis")
        _expect(" 0 violated, 0 deviations" in done.stdout, f"check: {done.stdout[-500:]}")
        done = venv.run("check --max-examples 3 (with schemathesis)", *check)
        _expect("schemathesis: held" in done.stdout, f"check with schemathesis: {done.stdout[-500:]}")
        snippet = venv.work / "readme_snippet.py"
        snippet.write_text(readme_snippet(), encoding="utf-8")
        done = venv.run("README's generated-client snippet", venv.bin("python"), str(snippet),
                        env={"IOTDA_MOCK_URL": url}, timeout=120)  # fmt: skip
        lines = done.stdout.splitlines()
        expected = len(lines) == 121 and lines[-1] == "refused: limit maximum 50"  # 120 tasks, a refusal
        _expect(expected, f"the snippet printed {len(lines)} lines, ending {lines[-3:]}")
    done = venv.run("demo --max-examples 3", venv.bin("iotda-contract"), "demo", "--max-examples", "3")
    _expect("every law that ran holds" in done.stdout, f"demo: {done.stdout[-500:]}")
    done = venv.run("diff SPEC SPEC", venv.bin("iotda-contract"), "diff", str(bundled), str(bundled))
    _expect("0 breaking, 0 warning, 0 info" in done.stdout, f"diff of the spec against itself: {done.stdout}")


_CLIENT_PROBE = """
import importlib.metadata as metadata, importlib.resources as resources, importlib.util as util, sys
import iotda_client
from iotda_client import AuthenticatedClient
assert resources.files("iotda_client").joinpath("py.typed").is_file(), "no py.typed"
present = []
for name in sys.argv[1:]:
    try:
        metadata.distribution(name)
        present.append(name)
    except metadata.PackageNotFoundError:
        if util.find_spec(name) is not None:
            present.append(name)
assert not present, f"installing iotda-client alone brought in {present}"
assert util.find_spec("iotda_contract") is None, "iotda_contract is importable"
print(sorted(d.metadata["Name"] for d in metadata.distributions()))
"""


def check_client_alone(venv: Venv, wheels: Wheels) -> None:
    venv.run("pip install iotda-client alone", venv.bin("python"), *PIP, "-c", str(CONSTRAINTS),
             str(wheels.client))  # fmt: skip
    done = venv.run("import iotda_client, py.typed, no test tool", venv.bin("python"), "-c", _CLIENT_PROBE,
                    *TEST_TOOLS)  # fmt: skip
    say(f"        iotda-client alone installs: {done.stdout.strip()}")


# -- commands ---------------------------------------------------------------------------------------------


def check(minors: Sequence[str], keep: bool) -> int:
    started = time.monotonic()
    failures: list[str] = []
    ran: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="iotda-check-wheels-"))
    try:
        wheels = build(folder / "dist")
        check_contents(wheels)
        for minor in minors:
            python = find_python(minor)
            if python is None:
                say(f"skip {minor}: no Python {minor} under {pyenv_root() / 'versions'} nor on PATH")
                continue
            say(f"Python {minor}: {python}")
            ran.append(minor)
            try:
                check_contract(make_venv(python, minor, folder / f"py{minor}-contract"), wheels)
                check_client_alone(make_venv(python, minor, folder / f"py{minor}-client"), wheels)
            except (CheckFailed, subprocess.TimeoutExpired) as err:
                failures.append(minor)
                say(f"FAIL {minor}: {err}")
    except CheckFailed as err:
        say(f"FAIL: {err}")
        return 1
    finally:
        if keep:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    seconds = time.monotonic() - started
    if not ran:
        say(f"FAIL: none of Python {', '.join(minors)} was found ({seconds:.0f} s)")
        return 1
    if failures:
        say(f"check-wheels FAILED on Python {', '.join(failures)} ({seconds:.0f} s)")
        return 1
    say(f"check-wheels passed on Python {', '.join(ran)} ({seconds:.0f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("check", help="build, inspect and prove both wheels (the default)")
    run.add_argument("--python", action="append", metavar="X.Y", help=f"only these (default: {PYTHONS})")
    run.add_argument("--keep", action="store_true", help="keep the temporary folder (wheels, venvs)")
    dist = sub.add_parser("build", help="build both distributions")
    dist.add_argument("--outdir", type=Path, default=ROOT / "dist")
    sub.add_parser("client-project", help="print the folder iotda-client is installed from")
    args = parser.parse_args(argv)
    try:
        if args.command == "client-project":
            print(client_project())
            return 0
        if args.command == "build":
            wheels = build(args.outdir)
            check_contents(wheels)
            return 0
        return check(getattr(args, "python", None) or PYTHONS, getattr(args, "keep", False))
    except CheckFailed as err:
        warn(str(err))
        return 1


if __name__ == "__main__":
    sys.exit(main())
