"""Same scenario and seed: byte-identical outputs, in one process or many. Seeds matter."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ccsim.cli import app
from ccsim.experiments.runner import replicate, simulate
from tests.conftest import CONFIGS, mmn

runner = CliRunner()


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_results_folders(tmp_path):
    args = ["run", str(CONFIGS / "baseline.yaml"), "--set", "horizon.days=2", "-r", "2"]
    first = runner.invoke(app, [*args, "--out", str(tmp_path / "a"), "--jobs", "1"])
    second = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--jobs", "2"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert set(a) == set(b)
    assert {"scenario.yaml", "summary.json", "summary.csv", "replications.csv", "provenance.json",
            "tables/calls.parquet", "tables/legs.parquet", "tables/intervals.parquet",
            "tables/group_intervals.parquet", "tables/agents.parquet", "tables/duty.parquet"} <= set(a)
    # provenance.json and the report (which shows the provenance) record when and where the run was;
    # complete.json carries the invocation's run id and the provenance's size.
    different = [name for name in a if name not in {"provenance.json", "report.html", "complete.json"}
                 and a[name] != b[name]]
    assert not different
    marked_a, marked_b = (json.loads(x["complete.json"])["files"] for x in (a, b))
    assert set(marked_a) == set(marked_b)
    assert {k: v for k, v in marked_a.items() if k != "provenance.json"} == \
        {k: v for k, v in marked_b.items() if k != "provenance.json"}


def test_replications_differ_and_seed_changes_results():
    scenario = mmn(agents=53, days=1, warmup=0, replications=2)
    r0, r1 = replicate(scenario, jobs=1)
    assert r0.kpis["offered"] != r1.kpis["offered"]
    other_seed = mmn(agents=53, days=1, warmup=0, seed=8)
    assert simulate(other_seed, 0).kpis["offered"] != r0.kpis["offered"]


def test_common_random_numbers_same_callers_under_other_staffing():
    # The same seed gives the same fresh callers (times, segments, talk times) whatever the staffing.
    few, many = mmn(agents=50, days=1, warmup=0), mmn(agents=60, days=1, warmup=0)
    a, b = simulate(few).tables.calls, simulate(many).tables.calls
    assert a["t_arrive"].tolist() == b["t_arrive"].tolist()
    answered_both = a["t_first_answer"].notna() & b["t_first_answer"].notna()
    talk_a = a.loc[answered_both, "talk_s"].to_numpy()
    talk_b = b.loc[answered_both, "talk_s"].to_numpy()
    # Equal up to rounding: talk time is measured as end minus start on each run's own clock.
    assert abs(talk_a - talk_b).max() < 1e-6


def test_resolved_scenario_reruns_identically(tmp_path):
    out = tmp_path / "first"
    result = runner.invoke(app, ["run", str(CONFIGS / "baseline.yaml"), "--set", "horizon.days=1", "-r", "1",
                                 "--out", str(out), "--no-tables"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["run", str(out / "scenario.yaml"), "--out", str(tmp_path / "again"),
                                "--no-tables"])
    assert again.exit_code == 0, again.output
    assert (out / "summary.json").read_bytes() == (tmp_path / "again" / "summary.json").read_bytes()
