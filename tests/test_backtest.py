"""Backtest round trip on two dates of the shipped log: the replay offers what the log offered."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from ccsim.calibrate.backtest import backtest, replay_scenario
from ccsim.calibrate.calibrate import calibrate, write_calibration
from ccsim.calibrate.observed import observed_intervals
from ccsim.calibrate.readers import read_log
from ccsim.cli import app
from ccsim.config.load import load_scenario
from ccsim.report.calibration_report import render_backtest_report

LOG = Path(__file__).resolve().parents[1] / "data" / "anonymous_bank_1999-02-01_14.tsv.gz"


def _two_days(tmp_path):
    log = read_log(LOG, "technion")
    log.calls = log.calls[log.calls["date"] <= dt.date(1999, 2, 2)].reset_index(drop=True)
    scenario, record, observed = calibrate(log, 1800.0)
    write_calibration(tmp_path, scenario, record, observed)
    return log, observed, load_scenario(tmp_path / "scenario.yaml", []).scenario


def test_two_day_backtest_round_trip(tmp_path):
    log, observed, scenario = _two_days(tmp_path)
    table, summary = backtest(observed, scenario, replications=2)
    observed_total, simulated_total = table["offered"].sum(), table["sim_offered"].sum()
    assert abs(simulated_total - observed_total) < 4 * observed_total**0.5  # Poisson around the observed volume
    for measure in ("abandon_rate", "asa_s", "occupancy"):
        low, high = summary["whole_log"][measure]["ci95"]
        assert low <= summary["whole_log"][measure]["simulated"] <= high
    # observed occupancy: talk time over the inferred on-duty time
    expected = observed["busy_s"].sum() / observed["duty_s"].sum()
    assert summary["whole_log"]["occupancy"]["observed"] == expected
    assert {"sim_occupancy", "sim_occupancy_low", "sim_occupancy_high"} <= set(table.columns)
    assert len(summary["by_day"]) == 2
    page = render_backtest_report(table, summary)
    assert "By interval: observed against simulated" in page and "<script src=" not in page
    # service past midnight leaves a "24:00" slot on a date, the same moment as the next date's 00:00
    late = table[table["slot"] == 48]
    assert len(late)
    next_midnight = late.assign(date=dt.date(1999, 2, 2), slot=0, time="00:00")
    render_backtest_report(pd.concat([table, next_midnight], ignore_index=True), summary)


def test_replay_turns_off_what_the_observed_volume_already_holds(tmp_path):
    _, observed, scenario = _two_days(tmp_path)
    assert scenario.redials is not None and scenario.ivr is not None and scenario.lead_days == 7
    replay = replay_scenario(scenario, observed, 1800.0)
    assert replay.redials is None and replay.ivr is None and replay.lead_days == 0
    first = replay.arrivals.rates_by_date[dt.date(1999, 2, 1)]
    day = observed[observed["date"] == dt.date(1999, 2, 1)]
    assert sum(rate for _, rate in first) / 2 == day["offered"].sum()  # calls per hour x half an hour


def test_backtest_command_writes_report(tmp_path):
    log, _, _ = _two_days(tmp_path / "cal")
    small = tmp_path / "two_days.tsv"
    full = pd.read_csv(LOG, sep="\t", dtype=str)
    full[full["date"].isin(["990201", "990202"])].to_csv(small, sep="\t", index=False)
    out = tmp_path / "bt"
    result = CliRunner().invoke(app, ["backtest", str(small), str(tmp_path / "cal" / "scenario.yaml"), "--out",
                                      str(out), "-r", "2"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert np.isfinite(summary["whole_log"]["abandon_rate"]["simulated"])
    assert (out / "report.html").stat().st_size > 100_000
    assert len(pd.read_csv(out / "backtest.csv")) == len(observed_intervals(log.calls, 1800.0))


def test_warm_up_days_before_the_log_use_the_weekday_profile(tmp_path):
    """With redials on, the calibrated scenario simulates 7 days before the log's first date; a dated
    series has no entry for them, so they take the weekday's profile and headcount."""
    from ccsim.model.arrivals import expected_counts
    from ccsim.model.calendar import Calendar
    from ccsim.model.staffing import headcount_grid

    _, observed, scenario = _two_days(tmp_path)
    replay = replay_scenario(scenario, observed, 1800.0)
    dated = replay.model_copy(update={"horizon": replay.horizon.model_copy(update={"warmup_days": 7})})
    weekday_only = scenario.model_copy(update={"horizon": dated.horizon})
    calendar = Calendar.from_horizon(dated.horizon, lead_days=7)
    lead = slice(0, 7 * calendar.slots_per_day)
    assert np.allclose(expected_counts(dated.arrivals, calendar)[lead], expected_counts(weekday_only.arrivals,
                                                                                       calendar)[lead])
    group = next(iter(dated.groups.values())).staffing
    plain = next(iter(weekday_only.groups.values())).staffing
    assert (headcount_grid(group, calendar)[lead] == headcount_grid(plain, calendar)[lead]).all()
    replayed = slice(7 * calendar.slots_per_day, None)
    assert expected_counts(dated.arrivals, calendar)[replayed].sum() > 0


def test_backtest_from_an_interval_report(tmp_path):
    _, observed, _ = _two_days(tmp_path / "cal")
    day = observed[observed["slot"] < 48]
    report = pd.DataFrame({"date": day["date"].astype(str), "interval_start": day["time"],
                           "offered": day["offered"].astype(int), "answered": day["answered"].astype(int),
                           "abandoned": day["abandoned"].astype(int), "aht_s": day["aht_s"].round(1),
                           "asa_s": day["asa_s"].round(1), "agents": day["agents"].round(2)})
    path = tmp_path / "report.csv"
    report.to_csv(path, index=False)
    scenario = str(tmp_path / "cal" / "scenario.yaml")
    result = CliRunner().invoke(app, ["backtest", str(path), scenario, "--format", "intervals", "--out",
                                      str(tmp_path / "bt"), "-r", "2"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "bt" / "summary.json").read_text())
    assert summary["whole_log"]["service_level"]["observed"] is None  # the report has no service level
    assert summary["whole_log"]["abandon_rate"]["observed"] == day["abandoned"].sum() / (
        day["answered"].sum() + day["abandoned"].sum())
    report.drop(columns=["agents"]).to_csv(path, index=False)
    result = CliRunner().invoke(app, ["backtest", str(path), scenario, "--format", "intervals", "--out",
                                      str(tmp_path / "bt2"), "-r", "2"])
    assert result.exit_code == 2 and "no agents column" in result.output
