"""Backtest: replay a log's own dates (observed volume and inferred agents per interval) and compare."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ccsim.calibrate.observed import DEFAULT_GAP, observed_intervals
from ccsim.calibrate.readers import LogTable
from ccsim.config.scenario import Scenario
from ccsim.experiments.runner import replicate

MEASURES = ("offered", "abandon_rate", "asa_s", "service_level")


def replay_scenario(scenario: Scenario, observed: pd.DataFrame, interval: float) -> Scenario:
    """The scenario with the log's dates: rates and headcount per date and interval, no busyness factor."""
    rates: dict = {}
    heads: dict = {}
    for date, day in observed.groupby("date"):
        rates[date] = tuple((float(s * interval), float(n * 3600.0 / interval))
                            for s, n in zip(day["slot"], day["offered"]))
        heads[date] = tuple((float(s * interval), float(round(a))) for s, a in zip(day["slot"], day["agents"]))
    document = scenario.model_dump()
    document["arrivals"]["rates_by_date"] = rates
    document["arrivals"]["busyness_cv"] = 0.0
    for group in document["groups"].values():
        group["staffing"]["headcount_by_date"] = heads
    return Scenario.model_validate(document)


def backtest(
    log: LogTable, scenario: Scenario, replications: int, gap: float = DEFAULT_GAP
) -> tuple[pd.DataFrame, dict]:
    """Per-interval table (observed and simulated with 95 % intervals) and the whole-log summary."""
    interval = float(scenario.horizon.interval)
    observed = observed_intervals(log.calls, interval, gap)
    replay = replay_scenario(scenario, observed, interval).model_copy(update={"replications": replications})
    results = replicate(replay, jobs=1)
    start = pd.Timestamp(scenario.horizon.start_date)
    sims = []
    for result in results:
        t = result.tables.intervals
        t = t.assign(date=[(start + pd.Timedelta(days=int(d))).date() for d in t["day"]],
                     slot=t["slot"] % (86400 // int(interval)), replication=result.replication)
        sims.append(t[["date", "slot", "replication", "offered", "answered", "abandoned", "asa_s", "service_level",
                       "abandon_rate"]])
    sim = pd.concat(sims)
    merged = observed.set_index(["date", "slot"])
    rows = []
    for measure in MEASURES:
        per = sim.groupby(["date", "slot"])[measure].agg(["mean", "std", "count"])
        half = stats.t.ppf(0.975, np.maximum(per["count"] - 1, 1)) * per["std"] / np.sqrt(per["count"])
        merged[f"sim_{measure}"] = per["mean"]
        merged[f"sim_{measure}_low"] = per["mean"] - half
        merged[f"sim_{measure}_high"] = per["mean"] + half
        rows.append(measure)
    totals = sim.groupby("replication")[["offered", "answered", "abandoned"]].sum()
    wait = sim.assign(w=sim["asa_s"].fillna(0) * sim["answered"]).groupby("replication")["w"].sum()
    whole = {"abandon_rate": totals["abandoned"] / (totals["answered"] + totals["abandoned"]),
             "asa_s": wait / totals["answered"]}
    obs_calls = log.calls[log.calls["outcome"].isin(["answered", "abandoned"])]
    observed_whole = {"abandon_rate": float((obs_calls["outcome"] == "abandoned").mean()),
                      "asa_s": float(obs_calls.loc[obs_calls["outcome"] == "answered", "wait_s"].mean())}
    summary: dict = {"replications": replications, "whole_log": {}, "per_interval": {}}
    for measure, values in whole.items():
        mean = float(values.mean())
        half = float(stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
        summary["whole_log"][measure] = {"observed": observed_whole[measure], "simulated": mean,
                                         "ci95": [mean - half, mean + half],
                                         "relative_error": mean / observed_whole[measure] - 1}
    merged = merged.reset_index()
    weekday = pd.to_datetime(merged["date"]).dt.weekday.isin([6, 0, 1, 2, 3])  # Sunday-Thursday
    for measure in MEASURES:
        keep = weekday & (merged["offered"] >= 20) & merged[f"sim_{measure}"].notna() & merged[measure].notna()
        x, y = merged.loc[keep, measure], merged.loc[keep, f"sim_{measure}"]
        summary["per_interval"][measure] = {"intervals": int(keep.sum()), "mae": float((x - y).abs().mean()),
                                            "correlation": float(stats.pearsonr(x, y).statistic)}
    return merged, summary


def write_backtest(out: Path, table: pd.DataFrame, summary: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "backtest.csv", index=False)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
