"""Backtest round trip on two dates of the shipped log: the replay offers what the log offered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ccsim.calibrate.backtest import backtest
from ccsim.calibrate.calibrate import calibrate, write_calibration
from ccsim.calibrate.readers import read_log
from ccsim.config.load import load_scenario

LOG = Path(__file__).resolve().parents[1] / "data" / "anonymous_bank_1999-02-01_14.tsv.gz"


def test_two_day_backtest_round_trip(tmp_path):
    log = read_log(LOG, "technion")
    log.calls = log.calls[log.calls["date"] <= dt.date(1999, 2, 2)].reset_index(drop=True)
    scenario, record, observed = calibrate(log, 1800.0)
    write_calibration(tmp_path, scenario, record, observed)
    table, summary = backtest(log, load_scenario(tmp_path / "scenario.yaml", []).scenario, replications=2)
    observed_total, simulated_total = table["offered"].sum(), table["sim_offered"].sum()
    assert abs(simulated_total - observed_total) < 4 * observed_total**0.5  # Poisson around the observed volume
    for measure in ("abandon_rate", "asa_s"):
        low, high = summary["whole_log"][measure]["ci95"]
        assert low <= summary["whole_log"][measure]["simulated"] <= high
