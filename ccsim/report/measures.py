"""Statistics over replications for the charts: tidy frames of means and 95 % intervals.

Every function takes the tables of several scenarios stacked (column ``scenario``, see
:func:`ccsim.report.loading.concat_tables`) and returns per-replication measures or their bands;
:mod:`ccsim.report.figures` draws them. Ratios are pooled from counts, never averaged over ratios.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ccsim.metrics.stats import estimate
from ccsim.report import figures as F
from ccsim.report import kpi_info

ALL_QUEUES = "All queues"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def bands(frame: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Mean and 95 % t-interval of ``value`` over replications for each combination of ``keys``."""
    rows = []
    for key, values in frame.groupby(keys, sort=False, observed=True)[value]:
        est = estimate(values.to_numpy(dtype=float))
        rows.append((*(key if isinstance(key, tuple) else (key,)), est.mean, est.ci_low, est.ci_high, est.n))
    result = pd.DataFrame(rows, columns=[*keys, "mean", "ci_low", "ci_high", "n"])
    for column in ("mean", "ci_low", "ci_high"):
        result[column] = result[column].astype(float)
    return result


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).astype(float)


def queue_measures(intervals: pd.DataFrame) -> pd.DataFrame:
    """ASA, service level and abandonment per scenario, replication, queue (and all queues), time of day.

    Pooled over the days from counts (not averaged over per-day ratios), so a quiet Saturday
    half hour weighs as little as its calls.
    """
    frame = intervals.assign(
        wait_total=intervals["asa_s"].fillna(0.0) * intervals["answered"],
        closed=intervals["answered"] + intervals["abandoned"],
        queue=intervals["queue"].astype(str),
    )
    sums = ["answered", "abandoned", "closed", "answered_within_threshold", "wait_total", "offered"]
    per_queue = frame.groupby(["scenario", "replication", "queue", "time"], observed=True)[sums].sum().reset_index()
    pooled = frame.groupby(["scenario", "replication", "time"], observed=True)[sums].sum().reset_index()
    pooled["queue"] = ALL_QUEUES
    both = pd.concat([pooled, per_queue], ignore_index=True) if frame["queue"].nunique() > 1 else pooled
    both["asa_s"] = ratio(both["wait_total"], both["answered"])
    both["service_level"] = ratio(both["answered_within_threshold"], both["closed"])
    both["abandon_rate"] = ratio(both["abandoned"], both["closed"])
    return both

def day_measures(intervals: pd.DataFrame) -> pd.DataFrame:
    """ASA and service level per scenario, replication and day, over all queues."""
    frame = intervals.assign(wait_total=intervals["asa_s"].fillna(0.0) * intervals["answered"],
                             closed=intervals["answered"] + intervals["abandoned"])
    sums = frame.groupby(["scenario", "replication", "day"], observed=True)[
        ["answered", "closed", "answered_within_threshold", "wait_total"]].sum().reset_index()
    sums["asa_s"] = ratio(sums["wait_total"], sums["answered"])
    sums["service_level"] = ratio(sums["answered_within_threshold"], sums["closed"])
    return sums

def group_measures(group_intervals: pd.DataFrame) -> pd.DataFrame:
    """Occupancy, agents on duty (and required) per scenario, replication, group, time of day."""
    frame = group_intervals.assign(group=group_intervals["group"].astype(str))
    keys = ["scenario", "replication", "group", "time"]
    grouped = frame.groupby(keys, observed=True)
    result = grouped[["busy_s", "available_s"]].sum()
    result["agents_on_duty"] = grouped["agents_on_duty"].mean()
    if "required" in frame.columns:
        result["required"] = grouped["required"].mean()
    result = result.reset_index()
    result["occupancy"] = ratio(result["busy_s"], result["available_s"])
    return result

def wait_survival(legs: pd.DataFrame, points: int = 121) -> pd.DataFrame:
    """Share of ended queue visits (answered or abandoned) that waited longer than t, per replication.

    The t grid runs from 0 to a round number above the 99th percentile of all waits, so the
    curves use the width of the chart for the part of the distribution that matters.
    """
    ended = legs[legs["outcome"].astype(str).isin(["answered", "abandoned"])]
    waits = ended["wait_s"].to_numpy(dtype=float)
    if not len(waits):
        return pd.DataFrame(columns=["scenario", "replication", "wait_s", "share"])
    top = max(60.0, float(np.nanpercentile(waits, 99)))
    step = 30.0 if top <= 600 else 60.0 if top <= 1800 else 300.0
    grid = np.linspace(0.0, math.ceil(top / step) * step, points)
    parts = []
    for (scenario, replication), part in ended.groupby(["scenario", "replication"], sort=False):
        ordered = np.sort(part["wait_s"].to_numpy(dtype=float))
        share = 1.0 - np.searchsorted(ordered, grid, side="right") / len(ordered)
        parts.append(pd.DataFrame({"scenario": scenario, "replication": replication, "wait_s": grid, "share": share}))
    return pd.concat(parts, ignore_index=True)

def attempts_shares(stories: pd.DataFrame, cap: int = 5) -> pd.DataFrame:
    """Share of resolved problems by the attempt that resolved them (1, 2, ..., ``cap``+), per replication."""
    resolved = stories[stories["outcome"].astype(str) == "resolved"]
    attempts = resolved["attempts"].clip(upper=cap).astype(int)
    labels = {k: str(k) for k in range(1, cap)} | {cap: f"{cap}+"}
    counts = resolved.assign(attempts=attempts.map(labels)).groupby(
        ["scenario", "replication", "attempts"], observed=True).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(labels.values()), fill_value=0)
    shares = counts.div(counts.sum(axis=1).where(lambda s: s > 0), axis=0)
    return shares.stack().rename("share").reset_index()

def trigger_shares(calls: pd.DataFrame) -> pd.DataFrame:
    """Mean share of calls by why they happened (a new problem, or calling again after ...)."""
    counts = calls.assign(trigger=calls["trigger"].astype(str)).groupby(
        ["scenario", "replication", "trigger"], observed=True).size().unstack(fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0).stack().rename("share").reset_index()
    return shares.groupby(["scenario", "trigger"], sort=False)["share"].mean().reset_index()

def agent_day_measures(agent_days: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, replication and day, defined as the KPIs of the same names define them:

    ``strain`` (duty-weighted mean strain of working agents), ``above_share`` (share of their duty
    time above the strain threshold), ``absent_share`` (sick or stress leave among agent-days that
    were working, sick or on stress leave), ``exhaustion`` (mean of agents employed),
    ``leavers_so_far`` (resignations up to and including the day).
    """
    status = agent_days["status"].astype(str)
    working = status == "working"
    duty = agent_days["duty_s"].where(working, 0.0) if "duty_s" in agent_days else working.astype(float)
    zero = pd.Series(0.0, index=agent_days.index)
    frame = pd.DataFrame({
        "scenario": agent_days["scenario"], "replication": agent_days["replication"], "day": agent_days["day"],
        "duty": duty,
        "strain_duty": agent_days.get("strain_mean", zero).fillna(0.0) * duty,
        "above": agent_days.get("above_threshold_s", zero).where(working, 0.0),
        "absent": status.isin(["sick", "stress_leave"]).astype(float),
        "available": status.isin(["working", "sick", "stress_leave"]).astype(float),
        "exhaustion": agent_days.get("exhaustion", pd.Series(np.nan, index=agent_days.index)).where(
            status != "vacant"),
        "resigned": agent_days.get("resigned", zero).astype(float),
    })
    grouped = frame.groupby(["scenario", "replication", "day"], observed=True)
    result = grouped[["duty", "strain_duty", "above", "absent", "available", "resigned"]].sum()
    result["exhaustion"] = grouped["exhaustion"].mean()
    result = result.reset_index().sort_values(["scenario", "replication", "day"])
    result["strain"] = ratio(result["strain_duty"], result["duty"])
    result["above_share"] = ratio(result["above"], result["duty"])
    result["absent_share"] = ratio(result["absent"], result["available"])
    result["leavers_so_far"] = result.groupby(["scenario", "replication"])["resigned"].cumsum()
    return result

def strain_by_time(strain: pd.DataFrame) -> pd.DataFrame:
    """Mean strain of agents on duty per scenario, replication, group and time of day (weighted by agents)."""
    frame = strain.assign(group=strain["group"].astype(str),
                          weighted=strain["strain_mean"] * strain["agents"])
    sums = frame.groupby(["scenario", "replication", "group", "time"], observed=True)[["weighted", "agents"]].sum()
    sums = sums.reset_index()
    sums["strain"] = ratio(sums["weighted"], sums["agents"])
    return sums

def day_labels(document: dict[str, Any], days: Sequence[int]) -> dict[int, str]:
    """Day numbers of the run -> "Mon\n5 Jan" (from the horizon's start date; the line break is for ticks)."""
    start = document.get("horizon", {}).get("start_date")
    try:
        first = dt.date.fromisoformat(str(start))
    except ValueError:
        return {int(d): f"day {int(d) + 1}" for d in days}
    labels = {}
    for day in days:
        date = first + dt.timedelta(days=int(day))
        labels[int(day)] = f"{WEEKDAY_NAMES[date.weekday()]}\n{date.day} {date.strftime('%b')}"
    return labels

def measure_of(name: str) -> F.Measure:
    """The axis description of a KPI (label, unit, per cent or not, smallest possible value)."""
    info = kpi_info(name)
    return F.Measure(info.label, info.unit if info.kind != "share" else "", share=info.kind == "share",
                     digits=0 if info.kind == "money" else 2, lower=info.bounds[0])

def difference_measure(name: str, currency: str = "") -> F.Measure:
    """The axis of a KPI's difference: shares in percentage points, money in ``currency``, no lower bound."""
    info = kpi_info(name)
    unit = currency if info.kind == "money" and currency else info.difference_unit
    return F.Measure(info.label, unit, digits=0 if info.kind == "money" else 2, lower=None)


def by_clock(frame: pd.DataFrame) -> pd.DataFrame:
    """Add a ``clock`` column (timestamps of one day) for a time-of-day axis, sorted by it."""
    return frame.assign(clock=F.clock(frame["time"])).sort_values("clock", kind="stable")
