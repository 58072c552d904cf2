"""Calibrate: a log in, a runnable scenario, every estimate (calibration.json) and the observed intervals out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ccsim.calibrate import estimators
from ccsim.calibrate.observed import DEFAULT_GAP, observed_intervals, reaching_queue
from ccsim.calibrate.readers import LogTable

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEGMENTS = {"regular": lambda p: p < 2, "priority": lambda p: p >= 2}  # priority 2 is served ahead (data/README.md)


def _clock(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}"


def calibrate(log: LogTable, interval: float, gap: float = DEFAULT_GAP) -> tuple[dict, dict, pd.DataFrame]:
    """(scenario document, calibration record, observed intervals)."""
    calls = log.calls
    offered = reaching_queue(calls)
    observed = observed_intervals(calls, interval, gap)
    observed["weekday"] = [WEEKDAYS[pd.Timestamp(d).weekday()] for d in observed["date"]]
    dates = sorted(observed["date"].unique())
    # opening hours: slots with calls on at least half of that weekday's dates
    hours, profile_days = {}, []
    for day in WEEKDAYS:
        part = observed[observed["weekday"] == day]
        n_dates = part["date"].nunique()
        if not n_dates:
            hours[day] = "closed"
            continue
        busy = part.groupby("slot").size()
        slots = busy[busy >= max(1, n_dates / 2)].index
        hours[day] = f"{_clock(slots.min() * interval)}-{_clock(min((slots.max() + 1) * interval, 86400.0))}"
    spans = {d: h for d, h in hours.items() if h != "closed"}
    longest = max(spans.values(), key=lambda h: (int(h[6:8]) * 60 + int(h[9:11])) - (int(h[:2]) * 60 + int(h[3:5])))
    profile_days = [d for d, h in spans.items() if h == longest]
    daily = observed.groupby(["date", "weekday"])["offered"].sum().rename("calls").reset_index()
    by_weekday = daily.groupby("weekday")["calls"].mean()
    volume = float(by_weekday[profile_days].mean())
    full = observed[observed["weekday"].isin(profile_days)]
    profile = full.groupby("slot")["offered"].sum() / full["date"].nunique()
    profile = {_clock(s * interval): round(float(v), 2) for s, v in profile.items() if v > 0}
    dispersion = estimators.overdispersion(daily)

    segments, record_segments = {}, {}
    for name, rule in SEGMENTS.items():
        mine = offered[rule(offered["priority"])]
        served = mine[mine["outcome"] == "answered"]
        talk = estimators.talk_time(served["talk_s"].to_numpy(dtype=float))
        pat = estimators.patience(mine.loc[mine["outcome"] == "abandoned", "wait_s"].to_numpy(dtype=float),
                                  served["wait_s"].to_numpy(dtype=float))
        share = len(mine) / len(offered)
        segments[name] = {"share": round(share, 6), "talk_time": talk["fits"][talk["best"]]["scenario"],
                          "patience": pat["fits"][pat["best"]]["scenario"], "priority": 1 if name == "priority" else 2}
        record_segments[name] = {"share": share, "calls": int(len(mine)), "talk_time": talk, "patience": pat}
    shares = [segments[n]["share"] for n in segments]
    segments["regular"]["share"] = round(1.0 - sum(shares[1:]), 6)

    weekday_agents = observed.groupby(["weekday", "slot"])["agents"].mean()
    headcount = {day: {_clock(s * interval): int(round(v)) for (d, s), v in weekday_agents.items() if d == day}
                 for day in spans}
    start = pd.Timestamp(dates[0]).date()
    scenario = {
        "name": "calibrated", "description": f"Calibrated by ccsim calibrate from {Path(log.source).name}",
        "seed": 1, "replications": 5,
        "horizon": {"start_date": start.isoformat(),
                    "days": (pd.Timestamp(dates[-1]) - pd.Timestamp(dates[0])).days + 1,
                    "interval": f"{int(interval // 60)}min", "opening_hours": hours},
        "arrivals": {"daily_volume": round(volume, 2), "intraday_profile": profile,
                     "day_of_week": {d: round(float(by_weekday[d] / volume), 4) for d in spans},
                     "busyness_cv": round(min(dispersion["busyness_cv"], 1.0), 4)},
        "segments": segments, "queues": {"main": {}},
        "groups": {"agents": {"serves": ["main"], "staffing": {"headcount": 0, "headcount_by_weekday": headcount}}},
    }
    record = {
        "source": log.source, "calls": int(len(calls)), "reaching_queue": int(len(offered)), "odd_rows": log.odd,
        "interval_s": interval,
        "arrivals": {"opening_hours": hours, "daily_volume_full_day": volume, "by_weekday": by_weekday.to_dict(),
                     "overdispersion": dispersion, "method": "weekday means; gamma-Poisson moments, bootstrap CI"},
        "segments": record_segments,
        "abandon_wait_relation": estimators.abandon_wait_relation(offered),
        "ivr": {"mean_s": float(np.nanmean(calls["ivr_s"])),
                "abandon_share": float((calls["outcome"] == "ivr_abandoned").mean()),
                "note": "reported only: the scenario's offered calls are those that reached the queue"},
        "redials": estimators.redials(calls),
        "agents": {"rule": "on duty while serving and in idle gaps shorter than gap_s with nobody waiting",
                   "gap_s": gap, "estimate": True, "mean_per_interval": float(observed["agents"].mean())},
    }
    return scenario, record, observed


def write_calibration(out: Path, scenario: dict, record: dict, observed: pd.DataFrame) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "scenario.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False))
    (out / "calibration.json").write_text(json.dumps(record, indent=2, default=str))
    observed.drop(columns=["slot"]).to_csv(out / "observed_intervals.csv", index=False)
