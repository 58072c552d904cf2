"""`ccsim staff`: targets, the analytic and simulation passes, shifts, and the command's behaviour.

The statistical tests run small scenarios with a handful of replications (a few seconds each): a
stationary M/M/n+M against the exact Erlang A staffing, a time-varying day re-simulated with fresh
seeds, a call-time limit against the same centre without it, and targets no headcount can meet.
"""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from ccsim.analytic import min_agents_erlang_a
from ccsim.cli import app
from ccsim.config.load import scenario_from_dict
from ccsim.experiments.runner import replicate
from ccsim.experiments.staffing import (
    MISSED_SIGNIFICANTLY,
    UNREACHABLE,
    WARM_UP,
    TargetError,
    Targets,
    build_layout,
    check_estimates,
    classify,
    cover_with_shifts,
    describe_intervals,
    observe,
    parse_service_target,
    parse_share,
    recommend_staffing,
    requirements_table,
    staffed_scenario_document,
    step_function,
    summary_document,
)
from ccsim.report.staff_report import render_staff_report
from tests.conftest import mmn

runner = CliRunner()

# A half day in hours, open from midnight: the worked M/M/n+M example of docs/validation.md (600 calls/h,
# 300 s talk, 300 s patience) in 60-minute intervals, the first hour left out as warm-up.
HALF_DAY = {"interval": "60min", "opening_hours": {"mon": "00:00-12:00"}}

# A morning with a peak: a single queue whose arrival rate steps up and down (calls per hour).
TIME_VARYING = {
    "name": "morning peak",
    "seed": 11,
    "horizon": {"days": 1, "interval": "30min", "opening_hours": {"mon": "08:00-13:00"}},
    "arrivals": {"rates_per_hour": {"08:00": 240, "09:00": 480, "10:00": 720, "11:30": 480, "12:30": 300}},
    "segments": {"everyone": {"share": 1, "talk_time": {"dist": "exponential", "mean": 240},
                              "patience": {"dist": "exponential", "mean": 300}}},
    "queues": {"main": {}},
    "groups": {"agents": {"serves": ["main"], "staffing": {"headcount": 30}}},
}

SMALL_YAML = textwrap.dedent(
    """\
    name: small
    seed: 3
    horizon:
      days: 1
      interval: 60min
      opening_hours: {mon: "08:00-12:00"}
    arrivals:
      rates_per_hour: 120
    segments:
      everyone:
        share: 1
        patience: {dist: exponential, mean: 300s}
        talk_time: {dist: exponential, mean: 240s}
    queues:
      main: {}
    groups:
      agents:
        serves: [main]
        hourly_cost: 30
        staffing: {headcount: 8}
    """
)


def staff_cli(*args: str):
    result = runner.invoke(app, ["staff", *args])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


def judged(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["status"] != WARM_UP]


# --- targets and small helpers ---------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("80/20", (0.80, 20.0)), ("80%/20s", (0.80, 20.0)), ("95/1min", (0.95, 60.0)), (" 90 / 15 ", (0.90, 15.0)),
    ("100/10", (1.0, 10.0)),
])
def test_service_targets_read(text, expected):
    assert parse_service_target(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, fragment", [
    ("80-20", "expected PERCENT/SECONDS"), ("120/20", "between 1 and 100"), ("0.8/20", "between 1 and 100"),
    ("80/0", "longer than 0 s"), ("80/soon", "not a duration"), ("", "expected PERCENT/SECONDS"),
])
def test_bad_service_targets_say_what_is_wrong(text, fragment):
    with pytest.raises(TargetError, match=fragment):
        parse_service_target(text)


def test_shares_read_as_percentages_or_fractions():
    assert parse_share("5%", "--max-abandon") == pytest.approx(0.05)
    assert parse_share("0.9", "--max-occupancy") == pytest.approx(0.9)
    for bad in ("150%", "-5%", "lots"):
        with pytest.raises(TargetError, match="--max-abandon"):
            parse_share(bad, "--max-abandon")
    with pytest.raises(TargetError, match="more than 0"):
        parse_share("0%", "--max-occupancy", allow_zero=False)


def test_step_functions_and_interval_ranges():
    open_ = np.array([False, True, True, True, False])
    assert step_function(np.array([0, 5, 5, 7, 0]), open_, 3600) == {"01:00": 5, "03:00": 7, "04:00": 0}
    assert step_function(np.array([4, 4, 4]), np.ones(3, dtype=bool), 3600) == 4
    cells = [("a", "mon", "08:00"), ("a", "mon", "08:30"), ("a", "mon", "10:00"), ("b", "tue", "09:00")]
    assert describe_intervals(cells, 1800) == "a mon 08:00-09:00, mon 10:00-10:30; b tue 09:00-09:30"


def test_every_queue_falls_on_the_groups_that_rank_it_first():
    scenario = mmn(queues={"main": {}, "spill": {}},
                   groups={"agents": {"serves": ["main", "spill"]},
                           "backup": {"serves": ["spill", "main"], "staffing": {"headcount": 2}}})
    layout = build_layout(scenario)
    assert layout.queues == {"agents": ("main",), "backup": ("spill",)}
    assert layout.fixed_groups == ()


# --- the simulation pass ------------------------------------------------------------------------


def test_stationary_erlang_a_centre_gets_the_exact_erlang_a_staffing():
    """M/M/n+M: the simulated requirement is the exact Erlang A headcount within one agent."""
    exact = min_agents_erlang_a(600 / 3600, 300, 300, service_level=0.8, threshold=20, sl_definition="of_offered")
    assert exact == 54  # Erlang A: 53 agents give 79.6 % served within 20 s
    result = recommend_staffing(mmn(agents=50, horizon=HALF_DAY), Targets(0.8, 20), replications=8, iterations=6,
                                jobs=1)
    table = judged(requirements_table(result))
    assert result.converged
    assert abs(table["simulated"].median() - exact) <= 1
    assert abs(table["simulated"].mean() - exact) <= 1
    assert (table["simulated"] - exact).abs().max() <= 2
    # The Erlang columns come from the measured load: Erlang C asks for more, Erlang A about the same.
    assert (table["erlang_c"] > table["erlang_a"]).all()
    assert (table["erlang_a"] - exact).abs().max() <= 1


def test_time_varying_staffing_meets_the_target_again_with_fresh_seeds():
    scenario = scenario_from_dict(TIME_VARYING)
    targets = Targets(0.8, 20)
    result = recommend_staffing(scenario, targets, replications=8, iterations=8, jobs=1)
    table = requirements_table(result)
    # The headcount follows the peak, a little behind it (callers queue across interval edges).
    peak = table.set_index("time")["simulated"]
    assert peak["10:30"] > peak["09:30"] > peak["08:00"]
    assert peak["12:30"] < peak["11:00"]
    # Re-simulate the written scenario with seeds neither pass used: no interval misses 80/20
    # significantly (a mean a little below the target is a miss, but not a significant one).
    staffed = scenario_from_dict(staffed_scenario_document(result))
    fresh = replicate(staffed, replications=range(50, 58), jobs=1)
    layout = build_layout(staffed)
    check = check_estimates(observe(fresh, layout), "agents", layout)
    status = classify(check, targets, layout, np.zeros(layout.shape, dtype=bool))
    assert MISSED_SIGNIFICANTLY not in set(status[layout.judged])
    assert np.nanmean(check.mean["service_level"][layout.judged]) >= 0.78


def test_a_call_time_limit_lowers_the_recommended_headcount():
    base = mmn(agents=50, horizon=HALF_DAY)
    limited = mmn(agents=50, horizon=HALF_DAY, policies={"call_time_limit": {"limit": "5min",
                                                                             "resolve_if_remaining_below": 0}})
    hours = {}
    for name, scenario in (("base", base), ("limited", limited)):
        result = recommend_staffing(scenario, Targets(0.8, 20), replications=4, iterations=4, jobs=1)
        hours[name] = requirements_table(result)["simulated"].sum()
    # Exponential talk of 300 s cut at 300 s averages 190 s: about a third fewer agents.
    assert hours["limited"] < 0.8 * hours["base"]


# --- shifts --------------------------------------------------------------------------------------


def test_shifts_cover_the_requirement_at_the_fewest_paid_hours():
    """A day shift with a lunch break and a short peak shift: the cover counts the break's half hour."""
    scenario = mmn(horizon={"interval": "60min", "opening_hours": {"mon": "08:00-16:00"}}, groups={"agents": {
        "staffing": {"headcount": None, "shifts": [
            {"name": "day", "start": "08:00", "length": "8h", "headcount": 1,
             "breaks": [{"after": "4h", "length": "30min"}], "break_stagger": 0},
            {"name": "peak", "start": "10:00", "length": "3h", "headcount": 1},
        ]}}})
    layout = build_layout(scenario)
    requirement = np.zeros(layout.shape)
    requirement[0, 8:16] = [6, 6, 10, 10, 6, 6, 6, 6]
    plan = cover_with_shifts(requirement, list(scenario.groups["agents"].staffing.shifts), layout)
    # 6 day agents (48 h) and 4 on the peak shift (12 h); 7 day agents would cost 65 h.
    assert plan.counts == {"day": {"mon": 6}, "peak": {"mon": 4}}
    assert plan.paid_hours == pytest.approx(60.0)
    assert plan.shortfall.sum() == 0
    # 12:00-13:00: half the day agents at lunch, the peak shift still on.
    assert plan.on_phones[0, 12] == pytest.approx(0.5 * 6 + 4)
    assert plan.surplus[0, 12] == pytest.approx(1.0)


# --- the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args, fragment", [
    (["--target", "80-20"], "--target 80-20: expected PERCENT/SECONDS"),
    (["--target", "120/20"], "--target 120/20: the service level is a percentage between 1 and 100"),
    (["--max-abandon", "150%"], "--max-abandon 150%"),
    (["--max-occupancy", "0%"], "--max-occupancy 0%: must be more than 0 %"),
])
def test_bad_targets_give_one_message_and_exit_code_2(tmp_path, args, fragment):
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL_YAML)
    code, output = staff_cli(str(scenario), "--out", str(tmp_path / "out"), *args)
    assert code == 2, output
    assert fragment in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_staff_writes_table_summary_report_and_scenario(tmp_path):
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL_YAML)
    out, copy = tmp_path / "out", tmp_path / "staffed.yaml"
    code, output = staff_cli(str(scenario), "--target", "80/20", "--max-abandon", "5%", "--out", str(out), "-r", "3",
                             "-k", "3", "-j", "1", "--write-scenario", str(copy))
    assert code == 0, output
    assert "Erlang C" in output and "simulated" in output and "final check" in output
    table = pd.read_csv(out / "requirements.csv")
    for column in ("day", "time", "group", "erlang_c", "erlang_a", "simulated", "scheduled", "sl_mean", "sl_ci_low",
                   "sl_ci_high", "abandon_mean", "status"):
        assert column in table.columns
    assert list(table["time"]) == ["08:00", "09:00", "10:00", "11:00"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["targets"] == {"service_level": 0.8, "threshold_s": 20.0, "max_abandon": 0.05,
                                  "max_occupancy": None}
    hours = summary["groups"]["agents"]["agent_hours"]
    assert hours["simulated"] == pytest.approx(table["simulated"].sum())
    assert summary["groups"]["agents"]["cost"]["scheduled"] == pytest.approx(30 * hours["simulated"])
    assert summary["unreachable"] == [] and summary["run_time_s"] > 0
    html = (out / "report.html").read_text()
    assert "Staffing for 80/20" in html and "Plotly.newPlot(" in html and "<script src" not in html
    written = yaml.safe_load(copy.read_text())
    steps = written["groups"]["agents"]["staffing"]["headcount_by_weekday"]["mon"]
    assert [steps.get(t) for t in ("08:00", "12:00")] == [table["simulated"].iloc[0], 0]
    assert scenario_from_dict(written).service_level.max_abandon == pytest.approx(0.05)
    # Asked again without --overwrite, nothing is replaced.
    code, output = staff_cli(str(scenario), "--out", str(tmp_path / "other"), "--write-scenario", str(copy))
    assert code == 2 and "--overwrite" in output


@pytest.mark.parametrize("args", [
    ["--target", "95/10", "--max-agents", "3"],  # a headcount limit below what the service level needs
    ["--max-occupancy", "1%"],  # agents idle 99 % of the time: beyond any sensible headcount
])
def test_unreachable_targets_are_reported_with_exit_code_1(tmp_path, args):
    scenario = tmp_path / "small.yaml"
    scenario.write_text(SMALL_YAML)
    out = tmp_path / "out"
    code, output = staff_cli(str(scenario), "--out", str(out), "-r", "2", "-k", "2", "-j", "1", *args)
    assert code == 1, output
    assert "targets unreachable" in output and "agents mon 08:00-12:00" in output and "Traceback" not in output
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["unreachable"]) == 4
    table = pd.read_csv(out / "requirements.csv")
    assert set(table["status"]) == {UNREACHABLE}
    assert "Targets unreachable" in (out / "report.html").read_text()


def test_report_renders_from_the_written_tables():
    result = recommend_staffing(scenario_from_dict(TIME_VARYING), Targets(0.8, 20, max_occupancy=0.9),
                                replications=2, iterations=1, jobs=1)
    html = render_staff_report(requirements_table(result), summary_document(result))
    assert html.count("Plotly.newPlot(") == 4  # history, requirement, service level, occupancy
    assert 'id="group-agents"' in html and "target at most 90%" in html
