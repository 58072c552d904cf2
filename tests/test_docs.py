"""The documentation's examples run as written (Python blocks in order, per page)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ccsim.cli import app
from ccsim.config.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
PYTHON_PAGES = ["docs/how-to/python-api.md", "README.md"]


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
    assert "service_level" in capsys.readouterr().out


# --- pages of commands: YAML files they create, then `$ ccsim ...` commands, run in an empty folder ---

FILE_BLOCK = re.compile(r"^```yaml\n# file: (\S+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


def commands(page: Path) -> list[list[str]]:
    """Every ``$ ccsim ...`` line of the page's console blocks (continuation lines joined), as arguments."""
    found = []
    for block in CONSOLE_BLOCK.findall(page.read_text()):
        text = block.replace("\\\n", " ")
        for line in text.splitlines():
            if line.startswith("$ ccsim "):
                found.append(shlex.split(line[len("$ ccsim "):]))
    return found


def write_files(page: Path, folder: Path) -> list[str]:
    names = []
    for name, text in FILE_BLOCK.findall(page.read_text()):
        (folder / name).write_text(f"# file: {name}\n{text}")
        names.append(name)
    return names


def run_commands(page: Path, folder: Path, extra: dict[str, list[str]] | None = None) -> None:
    """Run the page's commands in ``folder`` (with ``configs/`` and ``experiments/`` of the repository)."""
    for shared in ("configs", "experiments"):
        if not (folder / shared).exists():
            (folder / shared).symlink_to(ROOT / shared)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for args in commands(page):
            args = [*args, *(extra or {}).get(args[0], [])]
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 0, f"ccsim {' '.join(args)}: {result.output}"
    finally:
        os.chdir(cwd)


def test_tutorial_files_are_valid_scenarios(tmp_path):
    names = write_files(ROOT / "docs" / "tutorial.md", tmp_path)
    assert names == ["desk.yaml", "limit.yaml"]
    for name in names:
        load_scenario(tmp_path / name)
    assert [args[0] for args in commands(ROOT / "docs" / "tutorial.md")] == [
        "validate", "run", "compare", "staff", "export"]


@pytest.mark.slow
def test_tutorial_runs_as_written(tmp_path):
    write_files(ROOT / "docs" / "tutorial.md", tmp_path)
    run_commands(ROOT / "docs" / "tutorial.md", tmp_path, {"run": ["-j", "2"], "compare": ["-j", "2"]})
    sheets = pd.read_excel(tmp_path / "results" / "desk" / "interval-report.xlsx", sheet_name=None)
    assert sheets["intervals"]["agents_required"].notna().any()


SMALL = ["--set", "horizon.days=1", "--replications", "2", "--overwrite"]


@pytest.mark.slow
@pytest.mark.parametrize("page", ["README.md", "docs/how-to/export-to-excel.md"])
def test_page_commands_run_at_a_small_size(page, tmp_path):
    """The README's and how-to's commands, each shortened to one day and two replications."""
    run_commands(ROOT / page, tmp_path, {"run": SMALL, "compare": SMALL[:2] + SMALL[4:] + ["-r", "2"],
                                         "staff": SMALL, "sweep": []})


def test_every_scenario_field_has_a_description():
    """The reference page shows each field's description: none may be left blank."""
    from ccsim.config.scenario import Scenario

    schema = Scenario.model_json_schema()
    blank = [f"{model}.{name}" for model, block in [("Scenario", schema), *schema["$defs"].items()]
             for name, field in block.get("properties", {}).items() if not field.get("description")]
    assert not blank, blank


def test_sources_are_cited_not_private_notes():
    """Docstrings and docs cite the original sources, not a notes file outside the repository."""
    pattern = re.compile(r"modelling[- ]notes", re.IGNORECASE)
    cited = [str(path.relative_to(ROOT)) for folder in ("ccsim/config", "docs") for path in (ROOT / folder).rglob("*")
             if path.suffix in (".py", ".md") and pattern.search(path.read_text())]
    assert not cited, cited
