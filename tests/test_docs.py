"""The documentation's examples run as written (Python blocks in order, per page)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
PYTHON_PAGES = ["docs/how-to/python-api.md"]


def python_blocks(page: str) -> list[str]:
    return PYTHON_BLOCK.findall((ROOT / page).read_text())


@pytest.mark.parametrize("page", PYTHON_PAGES)
def test_python_examples_run(page, capsys):
    blocks = python_blocks(page)
    assert blocks, f"{page} has no Python example"
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for block in blocks:
            exec(compile(block, page, "exec"), namespace)
    finally:
        os.chdir(cwd)
    assert "service level" in capsys.readouterr().out
