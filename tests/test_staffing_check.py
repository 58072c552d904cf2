"""`ccsim staff` checks the plan it writes: the written roster, on fresh seeds, with enough
replications; a mean below target is a miss; terminal and report agree; the written scenario
reads like the file it came from, without the run's overrides unless asked.

Small scenarios with a few replications (a few seconds each).
"""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from ccsim import rng
from ccsim.cli import app
from ccsim.config.load import load_scenario, scenario_from_dict
from ccsim.experiments import runner as runner_module
from ccsim.experiments.staffing import (
    CHECK_FIRST_REPLICATION,
    MET,
    MISSED,
    MISSED_SIGNIFICANTLY,
    CheckEstimates,
    Targets,
    build_layout,
    check_counts,
    check_line,
    classify,
    configured_handle,
    recommend_staffing,
    scenario_yaml,
    staffed_scenario_document,
)
from ccsim.experiments.staffing import recommend as recommend_module
from ccsim.results import scenario_document

cli = CliRunner()

# Four hours, one queue, two shift types: a day shift with a lunch break and a short one, so the
# roster (shifts, with their break) differs from the net requirement per interval.
SHIFTS_YAML = textwrap.dedent(
    """\
    name: shifts
    seed: 5
    horizon:
      days: 1
      interval: 60min
      opening_hours: {mon: "08:00-12:00"}
    arrivals:
      rates_per_hour: 120
    segments:
      everyone:
        share: 1
        patience: {dist: exponential, mean: 5min}
        talk_time: {dist: exponential, mean: 4min}
    queues:
      main: {}
    groups:
      agents:
        serves: [main]
        hourly_cost: 30
        wrap_up: {dist: deterministic, value: 20s}
        staffing:
          shifts:
            - {name: day, start: "08:00", length: 4h, weekdays: [mon], headcount: 6,
               breaks: [{after: 2h, length: 30min}], break_stagger: 0}
            - {name: late, start: "10:00", length: 2h, weekdays: [mon], headcount: 2}
    """
)


def staff(*args: str) -> tuple[int, str]:
    result = cli.invoke(app, ["staff", *args])
    return result.exit_code, " ".join((result.output + (result.stderr if result.stderr_bytes else "")).split())


def test_the_final_check_simulates_the_written_roster_on_fresh_seeds(tmp_path, monkeypatch):
    path = tmp_path / "shifts.yaml"
    path.write_text(SHIFTS_YAML)
    scenario = load_scenario(path).scenario
    calls = []
    real = runner_module.replicate

    def recording(candidate, replications, **kwargs):
        results = real(candidate, replications=replications, **kwargs)
        calls.append((candidate, list(replications), results))
        return results

    monkeypatch.setattr(recommend_module, "replicate", recording)
    result = recommend_staffing(scenario, Targets(0.8, 20), replications=2, iterations=2, check_replications_count=3,
                                jobs=1, base_dir=tmp_path)
    checked, numbers, check_results = calls[-1]
    # The check ran the roster that is written: the shift types with the recommended counts, not
    # a headcount per interval.
    written = staffed_scenario_document(result)["groups"]["agents"]["staffing"]
    shifts = checked.groups["agents"].staffing.shifts
    assert [s.headcount for s in shifts] == [s["headcount"] for s in written["shifts"]]
    assert not checked.groups["agents"].staffing.headcount_by_weekday
    assert {s.name: s.headcount["mon"] for s in shifts} == {k: v["mon"] for k, v in result.groups["agents"]
                                                            .shifts.counts.items()}
    # Fresh seeds: the check's replications (and so its seed streams) are none the search used.
    searched = {r for _, used, _ in calls[:-1] for r in used}
    assert searched == {0, 1} and numbers == [CHECK_FIRST_REPLICATION + i for i in range(3)]
    assert result.final_check["replications"] == 3
    keys = {rng.key64(scenario.seed, r, "stories") for r in searched}
    assert not keys & {rng.key64(scenario.seed, r, "stories") for r in numbers}
    first_search = calls[0][2][0].tables.calls["t_arrive"].to_numpy()
    first_check = check_results[0].tables.calls["t_arrive"].to_numpy()
    assert len(first_search) != len(first_check) or not np.allclose(first_search, first_check)
    # Erlang C and A are computed with the configured handle time (240 s talk + 20 s wrap-up).
    assert configured_handle(scenario, "agents") == pytest.approx(260.0)
    assert result.groups["agents"].analytic.handle == pytest.approx(260.0)


def test_a_mean_below_target_is_a_miss_and_significant_misses_are_counted_apart():
    scenario = scenario_from_dict(yaml.safe_load(SHIFTS_YAML))
    layout = build_layout(scenario)
    shape = layout.shape
    mean, low, high = (np.full(shape, np.nan) for _ in range(3))
    cells = list(zip(*np.nonzero(layout.judged)))
    assert len(cells) == 4
    # met; a mean just below (interval reaches 80 %); below with the whole interval below; met exactly.
    for cell, (m, lo, hi) in zip(cells, [(0.85, 0.80, 0.90), (0.78, 0.70, 0.86), (0.60, 0.50, 0.70),
                                         (0.80, 0.75, 0.85)]):
        mean[cell], low[cell], high[cell] = m, lo, hi
    empty = np.full(shape, np.nan)
    check = CheckEstimates({"service_level": mean, "abandon": empty, "occupancy": empty},
                           {"service_level": low, "abandon": empty, "occupancy": empty},
                           {"service_level": high, "abandon": empty, "occupancy": empty}, np.zeros(shape))
    status = classify(check, Targets(0.8, 20), layout, np.zeros(shape, dtype=bool))
    assert [status[c] for c in cells] == [MET, MISSED, MISSED_SIGNIFICANTLY, MET]
    found = check_counts([status], [check], 20)
    assert (found["judged"], found["misses"], found["significant"]) == (4, 2, 1)
    assert found["sl_half_width_median"] == pytest.approx(0.065) and found["sl_half_width_max"] == pytest.approx(0.1)
    assert check_line(found).startswith("final check of the written roster (20 replications, fresh seeds): 2 of 4 "
                                        "intervals miss a target on the mean, 1 of them significantly; 2 meet")


def test_terminal_and_report_give_the_same_check_and_the_written_file_reads_like_its_source(tmp_path):
    path = tmp_path / "shifts.yaml"
    path.write_text(SHIFTS_YAML)
    out, written = tmp_path / "out", tmp_path / "staffed.yaml"
    code, output = staff(str(path), "--out", str(out), "-r", "2", "-k", "2", "--check-reps", "3", "-j", "1",
                         "--set", "arrivals.rates_per_hour=150", "--write-scenario", str(written))
    assert code in (0, 1), output
    summary = json.loads((out / "summary.json").read_text())
    line = check_line(summary["final_check"])
    assert line in output
    assert line in " ".join((out / "report.html").read_text().split())
    # The counts are the requirements table's statuses, mean below target counted as a miss.
    table = pd.read_csv(out / "requirements.csv")
    assert summary["final_check"]["misses"] == int(table["status"].isin([MISSED, MISSED_SIGNIFICANTLY]).sum())
    assert ("missed on the mean:" in output) == (summary["final_check"]["misses"] > 0)
    assert summary["seeds"]["final_check"] == [CHECK_FIRST_REPLICATION, CHECK_FIRST_REPLICATION + 2]
    assert summary["groups"]["agents"]["handle_time_s"] == pytest.approx(260.0)
    assert "without the --set overrides" in output
    # The file as its author wrote it: clock times, minutes, no seconds, and no --set override.
    text = written.read_text()
    for fragment in ("interval: 60min", 'start: "08:00"', 'mon: "08:00-12:00"', "mean: 5min", "length: 4h",
                     "rates_per_hour: 120", "threshold: 20s"):
        assert fragment in text, fragment
    assert "3600" not in text and "&id" not in text and "150" not in text
    loaded = load_scenario(written).scenario
    counts = summary["groups"]["agents"]["shifts"]
    assert {s.name: s.headcount for s in loaded.groups["agents"].staffing.shifts} == counts
    original = scenario_document(load_scenario(path).scenario)
    again = scenario_document(loaded)
    for key in ("horizon", "arrivals", "segments", "queues"):
        assert again[key] == original[key], key
    # Written again from what it reads as, it loads to the same scenario (round trip).
    (tmp_path / "again.yaml").write_text(scenario_yaml(yaml.safe_load(text)))
    assert load_scenario(tmp_path / "again.yaml").scenario == loaded
    # Asked to, the overrides go in too.
    code, output = staff(str(path), "--out", str(tmp_path / "out2"), "-r", "2", "-k", "1", "--check-reps", "2",
                         "-j", "1", "--set", "arrivals.rates_per_hour=150", "--write-scenario",
                         str(tmp_path / "kept.yaml"), "--keep-overrides")
    assert code in (0, 1), output
    assert load_scenario(tmp_path / "kept.yaml").scenario.arrivals.rates_per_hour == ((0.0, 150.0),)


@pytest.mark.parametrize("target, fragment", [
    ("missing/staffed.yaml", "folder missing does not exist"),
    ("staffed.txt", "expected a file name ending in .yaml or .yml"),
    (".", "is a folder"),
])
def test_a_bad_write_scenario_path_fails_before_the_search(tmp_path, monkeypatch, target, fragment):
    path = tmp_path / "shifts.yaml"
    path.write_text(SHIFTS_YAML)

    def never(*args, **kwargs):
        raise AssertionError("the search started")

    monkeypatch.setattr("ccsim.cli.staff_command.recommend_staffing", never)
    monkeypatch.chdir(tmp_path)
    result = cli.invoke(app, ["staff", str(path), "--out", str(tmp_path / "out"), "--write-scenario", target])
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())
    assert fragment in message and "Traceback" not in message and message.count("error") == 1, message
    assert not (tmp_path / "out").exists()
