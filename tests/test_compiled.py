"""The compiled build of the engine (``make compiled``, see setup.py) writes the pure build's records byte for byte.

Runs only when ``CCSIM_COMPILED_PYTHON`` names the compiled environment's interpreter
(``make test-compiled`` sets it); each build runs ``tests/records_digest.py`` in its own process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
COMPILED_PYTHON = os.environ.get("CCSIM_COMPILED_PYTHON")
if COMPILED_PYTHON:
    COMPILED_PYTHON = os.path.abspath(COMPILED_PYTHON)  # not resolve(): a venv's python is a symlink it must keep
SCENARIOS = sorted(str(p) for p in [ROOT / "configs/baseline.yaml", *(ROOT / "configs/policies").glob("*.yaml"),
                                    *(ROOT / "configs/examples").glob("*.yaml")])

pytestmark = pytest.mark.skipif(not COMPILED_PYTHON, reason="needs CCSIM_COMPILED_PYTHON (make test-compiled)")


def _digests(python: str, cwd: Path, pure_source: bool) -> list[dict]:
    # The compiled build runs outside the checkout, so that it imports the installed (compiled) package.
    env = {**os.environ, "PYTHONPATH": str(ROOT) if pure_source else ""}
    done = subprocess.run([python, str(ROOT / "tests/records_digest.py"), *SCENARIOS], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_compiled_engine_writes_the_records_of_the_pure_engine(tmp_path):
    assert COMPILED_PYTHON is not None
    compiled = _digests(COMPILED_PYTHON, tmp_path, pure_source=False)
    pure = _digests(sys.executable, ROOT, pure_source=True)
    assert all(run["engine"].endswith(".so") for run in compiled), "the compiled build loaded the pure engine"
    assert all(run["engine"].endswith(".py") for run in pure)
    assert len(compiled) == len(pure) == len(SCENARIOS)
    for fast, slow in zip(compiled, pure):
        assert fast["calls_recorded"] > 0
        differing = [k for k in slow if k != "engine" and fast[k] != slow[k]]
        assert not differing, f"{slow['scenario']}: {differing}"
