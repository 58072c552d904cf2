"""Backtest: replay a log's own dates (observed volume and inferred agents per interval) and compare."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ccsim.config.scenario import Scenario
from ccsim.experiments.runner import ProgressCallback, replicate

MEASURES = ("offered", "abandon_rate", "asa_s", "service_level", "occupancy")
WEEKDAYS_OPEN_ALL_DAY = (6, 0, 1, 2, 3)  # Sunday-Thursday: the centre's full days (data/README.md)
MIN_CALLS = 20  # intervals with fewer calls are left out of the per-interval comparison


def replay_scenario(scenario: Scenario, observed: pd.DataFrame, interval: float) -> Scenario:
    """The scenario on the log's dates: rates and headcount per date and interval, no busyness factor.

    The observed volume (calls reaching the queue) already holds the redials and leaves out the menu
    hang-ups, so the replay switches the scenario's redials and voice menu off rather than generating
    them a second time; with nothing carried over from day to day it needs no warm-up days either
    (they would fall before the log and use the weekday profile instead of observed volumes).
    """
    rates: dict = {}
    heads: dict = {}
    for date, day in observed.groupby("date"):
        rates[date] = tuple((float(s * interval), float(n * 3600.0 / interval))
                            for s, n in zip(day["slot"], day["offered"]))
        heads[date] = tuple((float(s * interval), float(round(a))) for s, a in zip(day["slot"], day["agents"]))
    document = scenario.model_dump()
    document["arrivals"]["rates_by_date"] = rates
    document["arrivals"]["busyness_cv"] = 0.0
    document["redials"] = None
    document["ivr"] = None
    document["horizon"]["warmup_days"] = 0
    for group in document["groups"].values():
        group["staffing"]["headcount_by_date"] = heads
    return Scenario.model_validate(document)


def _ci(values: pd.Series) -> tuple[float, float, float]:
    mean = float(values.mean())
    half = float(stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
    return mean, mean - half, mean + half


def _simulated(results, scenario: Scenario, interval: float) -> pd.DataFrame:
    """Per replication, date and slot: the queue measures and the agents' busy and available time."""
    start = pd.Timestamp(scenario.horizon.start_date)
    per_day = 86400 // int(interval)
    frames = []
    for result in results:
        calls = result.tables.intervals.groupby(["day", "slot"])[
            ["offered", "answered", "abandoned", "answered_within_threshold"]].sum()
        waits = result.tables.intervals.assign(w=lambda t: t["asa_s"].fillna(0) * t["answered"]).groupby(
            ["day", "slot"])["w"].sum().rename("wait_answered")
        agents = result.tables.group_intervals.groupby(["day", "slot"])[["busy_s", "available_s"]].sum()
        t = calls.join(waits).join(agents, how="outer").fillna(0.0).reset_index()
        t["date"] = [(start + pd.Timedelta(days=int(d))).date() for d in t["day"]]
        t["slot"] = t["slot"] % per_day
        t["replication"] = result.replication
        frames.append(t)
    sim = pd.concat(frames, ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        sim["abandon_rate"] = sim["abandoned"] / sim["offered"]
        sim["asa_s"] = sim["wait_answered"] / sim["answered"]
        sim["within"] = sim["answered_within_threshold"]
        sim["service_level"] = sim["within"] / sim["offered"]
        sim["occupancy"] = sim["busy_s"] / sim["available_s"]
    return sim.replace([np.inf, -np.inf], np.nan)


def _whole(frame: pd.DataFrame, duty: str) -> dict[str, pd.Series | float]:
    """Whole-log measures of a table of intervals (per replication when it has a replication column)."""
    keys = ["replication"] if "replication" in frame.columns else []
    if keys:
        totals = frame.groupby(keys)[["offered", "answered", "abandoned", "within", "wait_answered", "busy_s",
                                      duty]].sum()
    else:
        totals = frame[["offered", "answered", "abandoned", "within", "wait_answered", "busy_s",
                        duty]].sum().to_frame().T
    result = {"abandon_rate": totals["abandoned"] / (totals["answered"] + totals["abandoned"]),
              "asa_s": totals["wait_answered"] / totals["answered"],
              "service_level": totals["within"] / totals["offered"],
              "occupancy": totals["busy_s"] / totals[duty]}
    return result if keys else {k: float(v.iloc[0]) for k, v in result.items()}


def backtest(observed: pd.DataFrame, scenario: Scenario, replications: int,
             progress: ProgressCallback | None = None) -> tuple[pd.DataFrame, dict]:
    """Per-interval table (observed and simulated with 95 % intervals) and the whole-log summary.

    ``observed`` is the table of :func:`ccsim.calibrate.observed.observed_intervals` (or an interval
    report in the same layout). Occupancy: observed = talk time / inferred on-duty time; simulated =
    the engine's busy time / available time.
    """
    interval = float(scenario.horizon.interval)
    replay = replay_scenario(scenario, observed, interval).model_copy(update={"replications": replications})
    results = replicate(replay, jobs=1, on_done=progress)
    sim = _simulated(results, scenario, interval)
    merged = observed.set_index(["date", "slot"])
    for measure in MEASURES:
        per = sim.groupby(["date", "slot"])[measure].agg(["mean", "std", "count"])
        half = stats.t.ppf(0.975, np.maximum(per["count"] - 1, 1)) * per["std"] / np.sqrt(per["count"])
        merged[f"sim_{measure}"] = per["mean"]
        merged[f"sim_{measure}_low"] = per["mean"] - half
        merged[f"sim_{measure}_high"] = per["mean"] + half
    merged = merged.reset_index()
    obs = observed.assign(wait_answered=observed["asa_s"].fillna(0) * observed["answered"],
                          within=observed["service_level"].fillna(0) * observed["offered"])
    observed_whole = _whole(obs, "duty_s")
    simulated_whole = _whole(sim, "available_s")
    summary: dict = {"replications": replications, "whole_log": {}, "per_interval": {},
                     "per_interval_rule": f"Sunday-Thursday intervals with {MIN_CALLS} or more calls offered"}
    if observed["service_level"].isna().all():  # an interval report without a service-level column
        observed_whole["service_level"] = float("nan")
    for measure, values in simulated_whole.items():
        mean, low, high = _ci(values)
        seen = observed_whole[measure]
        known = bool(np.isfinite(seen) and seen > 0)
        summary["whole_log"][measure] = {"observed": seen if np.isfinite(seen) else None, "simulated": mean,
                                         "ci95": [low, high], "relative_error": mean / seen - 1 if known else None}
    weekday = pd.to_datetime(merged["date"]).dt.day_of_week.isin(WEEKDAYS_OPEN_ALL_DAY)
    for measure in MEASURES:
        keep = weekday & (merged["offered"] >= MIN_CALLS) & merged[f"sim_{measure}"].notna() & merged[measure].notna()
        x, y = merged.loc[keep, measure], merged.loc[keep, f"sim_{measure}"]
        summary["per_interval"][measure] = {
            "intervals": int(keep.sum()), "mae": float((x - y).abs().mean()),
            "correlation": float(stats.pearsonr(x, y).statistic) if keep.sum() > 2 else None}
    daily = sim.groupby(["replication", "date"])[["offered", "answered", "abandoned"]].sum()
    daily["abandon_rate"] = daily["abandoned"] / (daily["answered"] + daily["abandoned"])
    observed_daily = observed.groupby("date")[["offered", "answered", "abandoned"]].sum()
    rows = []
    for date, part in daily.groupby("date"):
        mean, low, high = _ci(part["abandon_rate"])
        o = observed_daily.loc[date]
        rows.append({"date": str(date), "offered": float(o["offered"]),
                     "abandon_rate": float(o["abandoned"] / (o["answered"] + o["abandoned"])),
                     "sim_abandon_rate": mean, "sim_abandon_rate_low": low, "sim_abandon_rate_high": high})
    summary["by_day"] = rows
    return merged, summary


def write_backtest(out: Path, table: pd.DataFrame, summary: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "backtest.csv", index=False)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
