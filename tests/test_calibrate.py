"""Calibration: estimators recover known parameters from synthetic logs; the shipped log round-trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ccsim.calibrate import estimators
from ccsim.calibrate.calibrate import calibrate, write_calibration
from ccsim.calibrate.readers import LogError, read_log
from ccsim.config.load import load_scenario

LOG = Path(__file__).resolve().parents[1] / "data" / "anonymous_bank_1999-02-01_14.tsv.gz"


def test_censored_exponential_patience_recovered_within_its_standard_error():
    rng = np.random.default_rng(7)
    mean = 300.0
    patience = rng.exponential(mean, 4000)
    waits = rng.exponential(120.0, 4000)  # offered waits
    abandoned = patience < waits
    result = estimators.patience(patience[abandoned], waits[~abandoned])
    standard_error = mean / np.sqrt(abandoned.sum())
    assert abs(result["exponential_mean_s"] - mean) < 3 * standard_error
    assert abs(result["fits"]["exponential"]["mean_s"] - mean) < 3 * standard_error
    low, high = result["exponential_mean_ci95_s"]
    assert low < result["exponential_mean_s"] < high


def test_lognormal_talk_time_chosen_by_aic():
    talk = np.random.default_rng(3).lognormal(np.log(120), 0.9, 3000)
    result = estimators.talk_time(talk)
    assert result["best"] == "lognormal"
    assert result["fits"]["lognormal"]["scenario"]["log_sd"] == pytest.approx(0.9, abs=3 * 0.9 / np.sqrt(2 * 3000))


def test_shipped_log_round_trip(tmp_path):
    log = read_log(LOG, "technion")
    assert log.odd["phantom (left no trace in the queue; not used)"] == 143
    scenario, record, observed = calibrate(log, 1800.0)
    assert observed["offered"].sum() == record["reaching_queue"]  # every call that reached the queue is counted
    write_calibration(tmp_path, scenario, record, observed)
    loaded = load_scenario(tmp_path / "scenario.yaml", [])
    assert loaded.scenario.segments["priority"].priority == 1


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
