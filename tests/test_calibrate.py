"""Calibration: estimators recover known parameters from synthetic logs; the shipped log round-trips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ccsim.calibrate import estimators
from ccsim.calibrate.calibrate import calibrate, calibrate_intervals, write_calibration
from ccsim.calibrate.observed import observed_intervals
from ccsim.calibrate.readers import LogError, load_interval_map, read_intervals, read_log
from ccsim.cli import app
from ccsim.config.load import load_scenario
from ccsim.report.calibration_report import render_calibration_report

LOG = Path(__file__).resolve().parents[1] / "data" / "anonymous_bank_1999-02-01_14.tsv.gz"
CALLS_HEADER = "arrive,wait_s,outcome,talk_s,agent,caller\n"


@pytest.fixture(scope="module")
def shipped():
    return read_log(LOG, "technion")


def test_censored_exponential_patience_recovered_within_its_standard_error():
    rng = np.random.default_rng(7)
    mean = 300.0
    patience = rng.exponential(mean, 4000)
    waits = rng.exponential(120.0, 4000)  # offered waits
    abandoned = patience < waits
    result = estimators.patience(patience[abandoned], waits[~abandoned])
    standard_error = mean / np.sqrt(abandoned.sum())
    assert abs(result["exponential_mean_s"] - mean) < 3 * standard_error
    fit = result["fits"]["exponential"]
    assert abs(fit["mean_s"] - mean) < 3 * standard_error
    # the observed-information SE of the censored fit agrees with the exact one (mean / sqrt(events))
    assert fit["se"]["mean"] == pytest.approx(fit["mean_s"] / np.sqrt(abandoned.sum()), rel=0.02)
    low, high = result["exponential_mean_ci95_s"]
    assert low < result["exponential_mean_s"] < high


def test_censored_lognormal_patience_recovered_within_its_standard_errors():
    rng = np.random.default_rng(11)
    patience = rng.lognormal(np.log(200.0), 1.2, 6000)
    waits = rng.exponential(150.0, 6000)
    abandoned = patience < waits
    fit = estimators.patience(patience[abandoned], waits[~abandoned])["fits"]["lognormal"]
    assert abs(fit["parameters"]["median"] - 200.0) < 3 * fit["se"]["median"]
    assert abs(fit["parameters"]["log_sd"] - 1.2) < 3 * fit["se"]["log_sd"]


def test_lognormal_talk_time_chosen_by_aic_with_standard_errors():
    talk = np.random.default_rng(3).lognormal(np.log(120), 0.9, 3000)
    result = estimators.talk_time(talk)
    assert result["best"] == "lognormal"
    fit = result["fits"]["lognormal"]
    exact_se = 0.9 / np.sqrt(2 * 3000)  # SE of the MLE of sigma
    assert fit["se"]["log_sd"] == pytest.approx(exact_se, rel=0.05)
    assert fit["scenario"]["log_sd"] == pytest.approx(0.9, abs=3 * fit["se"]["log_sd"])
    assert abs(fit["parameters"]["median"] - 120) < 3 * fit["se"]["median"]


def _synthetic_redial_log(p_again: float, callers: int, seed: int) -> pd.DataFrame:
    """Each caller abandons once at 09:00 and calls again (served) with probability p_again, after a delay
    with a median of 10 minutes."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(callers):
        rows.append(("1999-02-01", 9 * 3600.0 + k, 30.0, "abandoned", 0.0, "", f"c{k}"))
        if rng.random() < p_again:
            delay = 600.0 * rng.lognormal(0.0, 0.5)
            rows.append(("1999-02-01", 9 * 3600.0 + k + delay, 5.0, "answered", 100.0, "a1", f"c{k}"))
    frame = pd.DataFrame(rows, columns=["date", "arrive_s", "wait_s", "outcome", "talk_s", "agent", "caller"])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def test_redial_probability_recovered_within_its_interval():
    calls = _synthetic_redial_log(0.6, 2000, seed=5)
    result = estimators.redials(calls)
    low, high = result["after_abandoning"]["ci95"]
    assert low < 0.6 < high
    assert result["supported"]
    delay = result["delay"]["fits"]["lognormal"]
    assert abs(delay["parameters"]["median"] - 600.0) < 3 * delay["se"]["median"]


def test_shipped_log_round_trip(tmp_path, shipped):
    assert shipped.odd["phantom (left no trace in the queue; not used)"] == 143
    scenario, record, observed = calibrate(shipped, 1800.0)
    assert observed["offered"].sum() == record["reaching_queue"]  # every call that reached the queue is counted
    # every best fit carries standard errors of its parameters and mean
    for segment in record["segments"].values():
        for what in ("talk_time", "patience"):
            best = segment[what]["fits"][segment[what]["best"]]
            assert all(np.isfinite(v) and v > 0 for v in best["se"].values())
            assert best["mean_se_s"] > 0
    assert record["written_to_scenario"] == {"ivr": True, "redials": True}
    write_calibration(tmp_path, scenario, record, observed)
    loaded = load_scenario(tmp_path / "scenario.yaml", []).scenario
    assert loaded.segments["priority"].priority == 1
    assert loaded.redials is not None and loaded.redials.queue_abandon is not None
    assert loaded.redials.queue_abandon.probability == pytest.approx(record["redials"]["after_first_abandonment"]["p"],
                                                                     abs=1e-4)
    assert loaded.ivr is not None and loaded.ivr.misroute == 0.0
    # warm-up before the log's first date: the weekday profile and headcount, 7 days
    assert loaded.lead_days == 7 and not loaded.arrivals.rates_by_date
    page = render_calibration_report(record, observed, scenario, shipped.calls)
    assert "Kaplan-Meier" in page and "QQ: " in page and "Agents on duty" in page
    assert "<script src=" not in page  # plotly.js inlined: the page works offline


def _as_interval_report(observed: pd.DataFrame, path: Path) -> Path:
    report = pd.DataFrame({"date": observed["date"].astype(str), "interval_start": observed["time"],
                           "offered": observed["offered"].astype(int), "answered": observed["answered"].astype(int),
                           "abandoned": observed["abandoned"].astype(int),
                           "aht_s": observed["aht_s"].round(1).astype(object).fillna(""),
                           "asa_s": observed["asa_s"].round(1).astype(object).fillna(""),
                           "service_level": (100 * observed["service_level"]).round(1).fillna(0),
                           "agents": observed["agents"].round(2)})
    report = report[observed["slot"] < 48]
    report.to_csv(path, index=False)
    return path


def test_interval_report_agrees_with_the_per_call_estimates(tmp_path, shipped):
    per_call, record, observed = calibrate(shipped, 1800.0)
    path = _as_interval_report(observed, tmp_path / "intervals.csv")
    report = read_intervals(path, load_interval_map(None), 1800.0)
    scenario, from_intervals, _ = calibrate_intervals(report, 1800.0)
    # exponential patience: the per-call MLE (total wait of all callers / abandonments) inside the interval
    # estimate's 95 % interval
    offered = shipped.calls[shipped.calls["outcome"].isin(["answered", "abandoned"])]
    per_call_mean = offered["wait_s"].sum() / (offered["outcome"] == "abandoned").sum()
    low, high = from_intervals["patience"]["ci95_s"]
    assert low < per_call_mean < high
    served = offered[offered["outcome"] == "answered"]
    assert from_intervals["talk_time"]["mean_s"] == pytest.approx(served["talk_s"].mean(), rel=0.01)
    assert from_intervals["arrivals"]["daily_volume_full_day"] == pytest.approx(
        record["arrivals"]["daily_volume_full_day"], rel=0.01)
    assert set(from_intervals["not_estimable"]) >= {"redials", "talk_time_shape", "patience_shape"}
    write_calibration(tmp_path / "out", scenario, from_intervals, report.intervals)
    load_scenario(tmp_path / "out" / "scenario.yaml", [])


def test_missing_column_names_file_and_column(tmp_path):
    bad = tmp_path / "log.csv"
    bad.write_text("arrive,wait_s,outcome\n2026-01-05 08:00:00,3,answered\n")
    with pytest.raises(LogError, match=r"log.csv: missing column\(s\) talk_s"):
        read_log(bad, "calls")


def test_unparseable_time_names_row(tmp_path):
    bad = tmp_path / "log.csv"
    bad.write_text("arrive,wait_s,outcome,talk_s\n2026-01-05 08:00:00,3,answered,60\nnot a time,3,abandoned,0\n")
    with pytest.raises(LogError, match="row 3, column arrive"):
        read_log(bad, "calls")


def test_negative_duration_names_row_and_column(tmp_path):
    bad = tmp_path / "log.csv"
    bad.write_text(CALLS_HEADER + "2026-01-05 08:00:00,3,answered,60,a,\n2026-01-05 08:01:00,-4,abandoned,0,,\n")
    with pytest.raises(LogError, match=r"row 3, column wait_s: '-4' is not a finite number >= 0"):
        read_log(bad, "calls")


def test_technion_unparseable_queue_time_names_row(tmp_path):
    with pytest.raises(LogError, match="log.tsv: row 4, column q_start: time '9h15' is not H:MM:SS"):
        read_log(_technion_rows(tmp_path, "q_start", "9h15"), "technion")


def _technion_rows(tmp_path, column: str, value: str | None) -> Path:
    """The shipped log's first rows with one cell changed (value) or one column removed (None)."""
    frame = pd.read_csv(LOG, sep="\t", dtype=str, nrows=5)
    if value is None:
        frame = frame.drop(columns=[column])
    else:
        frame.loc[2, column] = value
    path = tmp_path / "log.tsv"
    frame.to_csv(path, sep="\t", index=False)
    return path


def test_technion_missing_column_and_negative_wait(tmp_path):
    with pytest.raises(LogError, match=r"log.tsv: missing column\(s\) ser_time"):
        read_log(_technion_rows(tmp_path, "ser_time", None), "technion")
    with pytest.raises(LogError, match=r"log.tsv: row 4, column q_time: '-12' is not a finite number >= 0"):
        read_log(_technion_rows(tmp_path, "q_time", "-12"), "technion")


@pytest.mark.parametrize("layout", ["calls", "intervals"])
def test_no_abandoned_calls_is_one_message_and_exit_2(tmp_path, layout):
    bad = tmp_path / "log.csv"
    if layout == "calls":
        bad.write_text(CALLS_HEADER + "2026-01-05 08:00:00,3,answered,60,a,\n2026-01-05 08:01:00,0,answered,90,a,\n")
    else:
        bad.write_text("date,interval_start,offered,answered,abandoned,aht_s,asa_s\n2026-01-05,08:00,10,10,0,120,4\n")
    result = CliRunner().invoke(app, ["calibrate", str(bad), "--out", str(tmp_path / "out"), "--format", layout])
    assert result.exit_code == 2
    assert "log.csv" in result.output and "no abandoned calls" in result.output
    assert "Traceback" not in result.output


def test_interval_report_off_the_grid_names_row(tmp_path):
    bad = tmp_path / "report.csv"
    bad.write_text("date,interval_start,offered,answered,abandoned,aht_s,asa_s\n2026-01-05,08:00,10,9,1,120,4\n"
                   "2026-01-05,08:10,10,9,1,120,4\n")
    with pytest.raises(LogError, match="row 3, column interval_start: '08:10' is not the start of a 30-minute"):
        read_intervals(bad, load_interval_map(None), 1800.0)


def test_cli_writes_every_file(tmp_path, shipped):
    small = shipped.calls[shipped.calls["date"] <= dt.date(1999, 2, 2)]
    log = tmp_path / "two_days.csv"
    pd.DataFrame({"arrive": [f"{d} {int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{int(s % 60):02d}"
                             for d, s in zip(small["date"], small["arrive_s"])],
                  "wait_s": small["wait_s"], "outcome": small["outcome"].replace({"ivr_abandoned": "abandoned"}),
                  "talk_s": small["talk_s"], "agent": small["agent"],
                  "caller": small["caller"]}).to_csv(log, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["calibrate", str(log), "--out", str(out), "--format", "calls"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {"scenario.yaml", "calibration.json", "observed_intervals.csv",
                                               "report.html"}
    observed = observed_intervals(read_log(log, "calls").calls, 1800.0)
    assert observed["offered"].sum() == len(small)


def test_segment_without_abandonments_takes_the_pooled_patience(shipped):
    log = type(shipped)(shipped.calls.copy(), shipped.source, shipped.odd)
    priority = log.calls["priority"] >= 2
    log.calls = log.calls[~(priority & (log.calls["outcome"] == "abandoned"))].reset_index(drop=True)
    scenario, record, observed = calibrate(log, 1800.0)
    note = record["segments"]["priority"]["patience"]["note"]
    assert "every segment together" in note
    assert scenario["segments"]["priority"]["patience"]["dist"] in estimators.FAMILIES
    assert note in render_calibration_report(record, observed, scenario, log.calls)
