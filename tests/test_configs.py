"""Every shipped scenario validates and runs end to end from the command line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ccsim.cli import app
from tests.conftest import CONFIGS

runner = CliRunner()
SCENARIOS = sorted(p for p in CONFIGS.rglob("*.yaml"))


def test_there_are_scenarios():
    assert (CONFIGS / "baseline.yaml") in SCENARIOS
    assert len(SCENARIOS) >= 5


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(CONFIGS)))
def test_scenario_runs_from_the_cli(path, tmp_path):
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out"), "--set", "horizon.days=1",
                                 "-r", "1", "--no-tables"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["metrics"]["offered"]["mean"] > 0
