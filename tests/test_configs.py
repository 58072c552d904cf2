"""Every shipped scenario validates and runs end to end from the command line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ccsim.cli import app
from tests.conftest import CONFIGS

runner = CliRunner()
SCENARIOS = sorted(p for p in CONFIGS.rglob("*.yaml"))


def test_every_policy_has_a_shipped_scenario_that_switches_it_on():
    """The runs below cover every policy the schema offers: a policy added without an example fails here."""
    from ccsim.config.load import load_scenario
    from ccsim.config.policies import Policies

    switched_on = set()
    for path in SCENARIOS:
        policies = load_scenario(path).scenario.policies
        switched_on |= {name for name in Policies.model_fields
                        if getattr(policies, name) is not None and getattr(getattr(policies, name), "enabled", True)}
    assert switched_on == set(Policies.model_fields), set(Policies.model_fields) - switched_on


def test_every_scenario_the_docs_name_is_shipped():
    """A scenario named in the README or the docs is one of those run below (a renamed file fails here)."""
    import re

    root = CONFIGS.parent
    texts = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    # Files a command writes (--write-scenario, --out) are not shipped; every other mention is read.
    named = {m for path in texts
             for m in re.findall(r"(?<!--write-scenario )(?<!--out )\bconfigs/[\w/.-]+?\.yaml", path.read_text())}
    assert named, "the docs name no shipped scenario"
    missing = sorted(name for name in named if (root / name) not in SCENARIOS)
    assert not missing, missing


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(CONFIGS)))
def test_scenario_runs_from_the_cli(path, tmp_path):
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "out"), "--set", "horizon.days=1",
                                 "-r", "1", "--no-tables"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["metrics"]["offered"]["mean"] > 0
