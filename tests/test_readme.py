"""The README's generated-client snippet runs, unchanged, against the mock over a real socket."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from iotda_contract.conformance.registry import all_laws
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_generated_client_snippet_walks_the_mock_and_refuses_an_invalid_limit() -> None:
    (snippet,) = [block for block in _python_blocks() if "from iotda_client import" in block]
    with serve_in_thread(Settings(seed=300, max_tasks=0)) as url:
        env = {**os.environ, "IOTDA_MOCK_URL": url}
        result = subprocess.run(
            [sys.executable, "-c", snippet], env=env, capture_output=True, text=True, timeout=60, check=False
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    tasks = [line for line in lines if not line.startswith("refused:")]
    assert len(tasks) == 120, "max_items caps the walk, which crosses three pages of 50"
    assert len({line.split()[0] for line in tasks}) == 120, "no task twice"
    assert lines[-1] == "refused: limit maximum 50"


def test_the_readme_lists_every_law_with_its_statement() -> None:
    text = README.read_text(encoding="utf-8")
    laws = all_laws()
    assert len(laws) >= 19
    for law in laws:
        statement = ("(writes) " if law.writes else "") + law.statement
        assert f"| `{law.id}` | {statement} |" in text, f"README's law table misses or misstates {law.id}"
