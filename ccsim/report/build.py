"""Build the HTML report from saved results: one results folder, several, or a comparison folder.

Inputs are what ``ccsim run`` and ``ccsim compare`` write (see :mod:`ccsim.experiments.results`
and :mod:`ccsim.experiments.compare`), so a report can be rebuilt at any time without simulating
again. The first scenario is the baseline. Differences to it are paired replication by
replication when the scenarios share a seed (common random numbers, as ``ccsim compare`` runs
them), and unpaired (Welch) otherwise; the page says which.

Tables are optional: a run with ``--no-tables`` has only KPIs, and the report then shows the
KPI tables and bar charts and says which charts need the tables. Measures that newer versions
of the simulator add (agent strain, absence, attrition, costs, revenue) appear when present and
are skipped silently when not.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import yaml

from ccsim.experiments.compare import COMPARISON_FILE, REPORT_FILE, paired_differences, unique_labels
from ccsim.metrics.kpis import metric_key
from ccsim.metrics.stats import INTERVAL_METHOD, Estimate, estimate, unpaired_difference
from ccsim.report import HEADLINE_KPIS, format_interval, format_value, kpi_info
from ccsim.report import figures as F
from ccsim.report import page as P
from ccsim.report import verdicts as V
from ccsim.results import SavedRun, atomic_write, read_results

ALL_QUEUES = "All queues"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LEGAL_NOTE = (
    "Charging existing customers more than the basic rate to call about a contract they already have is "
    "unlawful in the EU (Consumer Rights Directive 2011/83/EU, art. 21; CJEU case C-568/15, 2 March 2017) "
    "and in the UK (Consumer Contracts Regulations 2013, reg. 41; FCA PS15/19 for financial services). "
    "Read the results of {names} as a what-if, not as an option to adopt."
)
CALLER_KPIS = ["fcr", "attempts_per_resolution", "transfers_per_call", "redial_share", "difficult_share_calls",
               "lost_share"]
BURNOUT_KPIS = ["stress_mean", "stress_p90", "burnout_share", "exhaustion_mean", "sick_days", "absence_rate",
                "leavers", "attrition_annualised", "hires"]
# The parts that add up to cost_total (ccsim.metrics.kpis.money_kpis); cost_training is a view across
# cost_agents and cost_trainers, shown on its own rather than stacked.
COST_COMPONENTS = ["cost_agents", "cost_trainers", "cost_hiring", "cost_telephony", "cost_lost_customers"]
MONEY_KPIS = ["cost_total", "net_cost", "revenue", "cost_lost_customers", "customers_lost", "cost_training",
              "billed_minutes"]
# Why a call happened, in words (ccsim.metrics.tables names them "fresh" or "after_<outcome of the attempt before>").
TRIGGER_LABELS = {"fresh": "new problem", "after_abandoned": "again after hanging up in the queue",
                  "after_ivr_abandoned": "again after hanging up in the menu",
                  "after_unresolved": "again: not resolved", "after_lost": "again after a lost call",
                  "after_cut_off": "again after being cut at the time limit",
                  "after_hung_up": "again after the agent hung up", "after_blocked": "again after a busy signal",
                  "after_deterred": "again after being put off by the price",
                  "after_transfer_cap": "again after too many transfers",
                  "after_callback_lost": "again after a callback that did not reach them",
                  "after_resolved": "again after a resolved call", "after_self_served": "again after the menu"}


class ReportError(ValueError):
    """Saved results that cannot make a report (not a results folder, unreadable files)."""


@dataclass
class Loaded:
    """A saved scenario as the report uses it."""

    label: str
    run: SavedRun
    colour: str = ""

    @property
    def doc(self) -> dict[str, Any]:
        return self.run.scenario

    @property
    def warmup(self) -> float:
        return float(self.doc.get("horizon", {}).get("warmup", 0.0) or 0.0)

    def estimates(self) -> dict[str, Estimate]:
        return {name: Estimate(**{k: m.get(k) for k in ("mean", "se", "ci_low", "ci_high", "n")})
                for name, m in self.run.summary.get("metrics", {}).items()}

    def per_replication(self) -> pd.DataFrame:
        frame = self.run.replications
        return frame.set_index("replication").sort_index() if "replication" in frame.columns else frame

    def read_table(self, name: str, columns: Sequence[str], optional: Sequence[str] = ()) -> pd.DataFrame | None:
        """The columns of a saved table that exist; None when the table was not saved, is empty, or
        lacks a column outside ``optional`` (results of an older simulator)."""
        path = self.run.path / "tables" / f"{name}.parquet"
        if not path.exists():
            return None
        available = set(pq.read_schema(path).names)
        if any(c not in available for c in columns if c not in optional):
            return None
        frame = pd.read_parquet(path, columns=[c for c in columns if c in available])
        return frame if len(frame) else None


# --- loading ----------------------------------------------------------------------------------


def load(paths: Sequence[Path]) -> tuple[list[Loaded], dict[str, Any] | None]:
    """Read a comparison folder or results folders (the first is the baseline)."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise ReportError("no results folder given")
    for path in paths:
        if not path.exists():
            raise ReportError(f"{path}: no such folder")
        if not path.is_dir():
            raise ReportError(f"{path}: not a folder (give a results folder or a comparison folder)")
    if len(paths) == 1 and (paths[0] / COMPARISON_FILE).exists():
        return _load_comparison(paths[0])
    runs = []
    for path in paths:
        if (path / COMPARISON_FILE).exists():
            raise ReportError(f"{path}: a comparison folder; give it alone to rebuild its report")
        runs.append(_read(path))
    names = [str(r.summary.get("scenario") or r.scenario.get("name") or r.path.name) for r in runs]
    labels = unique_labels(names, [r.path.name for r in runs])
    return [Loaded(label, run) for label, run in zip(labels, runs)], None


def _read(path: Path) -> SavedRun:
    try:
        return read_results(path)
    except FileNotFoundError as exc:
        raise ReportError(str(exc)) from None
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ReportError(f"{path}: cannot read results ({exc})") from None


def _load_comparison(path: Path) -> tuple[list[Loaded], dict[str, Any]]:
    try:
        document = json.loads((path / COMPARISON_FILE).read_text())
        scenarios = document["scenarios"]
        entries = [(str(s["label"]), str(s["folder"])) for s in scenarios]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReportError(f"{path / COMPARISON_FILE}: unreadable comparison file ({exc})") from None
    loaded = []
    for label, folder in entries:
        # Folder names come from a file a user could edit: never follow one out of the comparison.
        if Path(folder).name != folder or folder in ("", ".", ".."):
            raise ReportError(f"{path / COMPARISON_FILE}: invalid folder name {folder!r}")
        loaded.append(Loaded(label, _read(path / folder)))
    return loaded, document


# --- statistics over replications ---------------------------------------------------------------


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


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).astype(float)


def _concat(loaded: Sequence[Loaded], table: str, columns: Sequence[str], time_column: str | None = "t_start",
            optional: Sequence[str] = ("open", "required")) -> tuple[pd.DataFrame, list[str]]:
    """A table over all scenarios (column ``scenario``) after each one's warm-up; and who lacks it."""
    frames, missing = [], []
    for item in loaded:
        frame = item.read_table(table, columns, optional)
        if frame is None:
            missing.append(item.label)
            continue
        if time_column and time_column in frame.columns and item.warmup > 0:
            frame = frame[frame[time_column] >= item.warmup]
        if "open" in frame.columns:
            # Intervals after closing hold only stragglers (a transfer, the last calls in hand); their
            # ratios swing wildly on a handful of calls and would dwarf the day in the charts.
            frame = frame[frame["open"].astype(bool)]
        frames.append(frame.assign(scenario=item.label))
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), missing


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
    both["asa_s"] = _ratio(both["wait_total"], both["answered"])
    both["service_level"] = _ratio(both["answered_within_threshold"], both["closed"])
    both["abandon_rate"] = _ratio(both["abandoned"], both["closed"])
    return both


def day_measures(intervals: pd.DataFrame) -> pd.DataFrame:
    """ASA and service level per scenario, replication and day, over all queues."""
    frame = intervals.assign(wait_total=intervals["asa_s"].fillna(0.0) * intervals["answered"],
                             closed=intervals["answered"] + intervals["abandoned"])
    sums = frame.groupby(["scenario", "replication", "day"], observed=True)[
        ["answered", "closed", "answered_within_threshold", "wait_total"]].sum().reset_index()
    sums["asa_s"] = _ratio(sums["wait_total"], sums["answered"])
    sums["service_level"] = _ratio(sums["answered_within_threshold"], sums["closed"])
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
    result["occupancy"] = _ratio(result["busy_s"], result["available_s"])
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
    result["strain"] = _ratio(result["strain_duty"], result["duty"])
    result["above_share"] = _ratio(result["above"], result["duty"])
    result["absent_share"] = _ratio(result["absent"], result["available"])
    result["leavers_so_far"] = result.groupby(["scenario", "replication"])["resigned"].cumsum()
    return result


def strain_by_time(strain: pd.DataFrame) -> pd.DataFrame:
    """Mean strain of agents on duty per scenario, replication, group and time of day (weighted by agents)."""
    frame = strain.assign(group=strain["group"].astype(str),
                          weighted=strain["strain_mean"] * strain["agents"])
    sums = frame.groupby(["scenario", "replication", "group", "time"], observed=True)[["weighted", "agents"]].sum()
    sums = sums.reset_index()
    sums["strain"] = _ratio(sums["weighted"], sums["agents"])
    return sums


# --- scenario documents ------------------------------------------------------------------------

_MISSING = object()
_IGNORED_PATHS = {"name", "description"}


def flatten(document: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Nested mappings (and lists of mappings) as ``{path: leaf value}``; lists of plain values stay whole."""
    if isinstance(document, dict) and document:
        flat: dict[tuple[str, ...], Any] = {}
        for key, value in document.items():
            flat.update(flatten(value, (*prefix, str(key))))
        return flat
    if isinstance(document, list) and document and any(isinstance(v, (dict, list)) for v in document) \
            and not _is_step_function(document):
        flat = {}
        for index, value in enumerate(document):
            flat.update(flatten(value, (*prefix, str(index))))
        return flat
    return {prefix: document}


def _is_step_function(value: Any) -> bool:
    """A time-of-day step function as scenario documents store it: [[seconds, value], ...], times rising."""
    if not isinstance(value, list) or not value:
        return False
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                          for x in p) for p in value):
        return False
    times = [p[0] for p in value]
    return all(0 <= t <= 86400 for t in times) and times == sorted(times)


def _number(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else json.dumps(value)


def show_value(value: Any, limit: int = 160) -> str:
    """A scenario value as short readable text (YAML flow style for lists and mappings).

    Step functions of the time of day read as they are written in scenario files ("08:00: 4, ...").
    """
    if value is _MISSING:
        return "(not set)"
    if _is_step_function(value):
        shown = ", ".join(f"{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d}: {_number(v)}" for t, v in value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = _number(value)
    elif isinstance(value, str):
        shown = value
    elif isinstance(value, (dict, list)):
        shown = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6).strip()
    else:
        shown = json.dumps(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def document_changes(baseline: dict[str, Any], variant: dict[str, Any]) -> list[P.Change]:
    """Every setting of ``variant`` that differs from ``baseline``, as dotted paths (old -> new)."""
    old, new = flatten(baseline), flatten(variant)
    paths = list(dict.fromkeys([*new, *old]))
    changes = []
    for path in paths:
        if ".".join(path) in _IGNORED_PATHS:
            continue
        before, after = old.get(path, _MISSING), new.get(path, _MISSING)
        if before == after or (before in (None, _MISSING) and after in (None, _MISSING)):
            continue  # the same, or unset on both sides
        # An empty block on one side and its filled-in keys on the other: the keys say it all.
        empty_here = before in ({}, []) and after is _MISSING and any(p[: len(path)] == path for p in new)
        empty_there = after in ({}, []) and before is _MISSING and any(p[: len(path)] == path for p in old)
        if empty_here or empty_there:
            continue
        changes.append(P.Change(".".join(path), show_value(before), show_value(after)))
    return changes


def paid_line_enabled(document: dict[str, Any]) -> bool:
    """True when the scenario charges callers a premium rate (``policies.paid_line`` switched on)."""
    policies = document.get("policies")
    if not isinstance(policies, dict):
        return False
    paid = policies.get("paid_line")
    if not paid:
        return False
    return not (isinstance(paid, dict) and paid.get("enabled", True) is False)


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


# --- the report --------------------------------------------------------------------------------


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


def _by_clock(frame: pd.DataFrame) -> pd.DataFrame:
    """Add a ``clock`` column (timestamps of one day) for a time-of-day axis, sorted by it."""
    return frame.assign(clock=F.clock(frame["time"])).sort_values("clock", kind="stable")


class ReportBuilder:
    """Assembles the page for a baseline (first) and its variants."""

    def __init__(self, loaded: list[Loaded], comparison: dict[str, Any] | None = None):
        self.loaded = loaded
        self.comparison = comparison
        self.colours = F.scenario_colours([item.label for item in loaded])
        for item in loaded:
            item.colour = self.colours[item.label]
        self.baseline = loaded[0]
        self.variants = loaded[1:]
        self.estimates = {item.label: item.estimates() for item in loaded}
        self.frames = {item.label: item.per_replication() for item in loaded}
        self.paired = self._pairable()
        self.differences = self._differences()
        self.intervals, self.intervals_missing = _concat(
            loaded, "intervals", ["replication", "day", "time", "t_start", "open", "queue", "offered", "answered",
                                  "abandoned", "answered_within_threshold", "asa_s"])

    # statistics

    def _pairable(self) -> bool:
        if self.comparison is not None:
            return True
        seeds = {item.doc.get("seed") for item in self.loaded}
        base = set(self.frames[self.baseline.label].index)
        return len(seeds) == 1 and all(base & set(self.frames[v.label].index) for v in self.variants)

    def _differences(self) -> dict[str, dict[str, Estimate]]:
        base = self.frames[self.baseline.label]
        result = {}
        for variant in self.variants:
            frame = self.frames[variant.label]
            if self.paired:
                result[variant.label] = {k: d.paired for k, d in paired_differences(base, frame).items()}
            else:
                result[variant.label] = {
                    k: unpaired_difference(frame[k].to_numpy(dtype=float), base[k].to_numpy(dtype=float))
                    for k in base.columns if k in frame.columns
                }
        return result

    def kpi_names(self) -> list[str]:
        names: list[str] = []
        for item in self.loaded:
            names.extend(k for k in self.estimates[item.label] if k not in names)
        return names

    def kpi_rows(self, names: Sequence[str]) -> list[P.KpiRow]:
        rows = []
        for name in names:
            values = [self.estimates[item.label].get(name) for item in self.loaded]
            diffs = [self.differences[v.label].get(name) for v in self.variants]
            rows.append(P.KpiRow(kpi_info(name), values, diffs))
        return rows

    def kpi_frame(self, names: Sequence[str]) -> pd.DataFrame:
        rows = []
        for item in self.loaded:
            for name in names:
                est = self.estimates[item.label].get(name)
                if est is not None and est.mean is not None:
                    rows.append({"scenario": item.label, "kpi": name, "mean": est.mean,
                                 "ci_low": est.ci_low, "ci_high": est.ci_high})
        frame = pd.DataFrame(rows, columns=["scenario", "kpi", "mean", "ci_low", "ci_high"])
        return frame.astype({"mean": float, "ci_low": float, "ci_high": float})

    def measures(self, names: Sequence[str]) -> dict[str, F.Measure]:
        result = {}
        for name in names:
            if not any(name in self.estimates[item.label] for item in self.loaded):
                continue
            result[name] = measure_of(name)
        return result

    def _present(self, names: Sequence[str]) -> list[str]:
        return [n for n in names if any(n in self.estimates[item.label] for item in self.loaded)]

    def _groups(self) -> list[str]:
        return list(dict.fromkeys(g for item in self.loaded for g in item.doc.get("groups", {})))

    def _queues(self) -> list[str]:
        return list(dict.fromkeys(q for item in self.loaded for q in item.doc.get("queues", {})))

    def _note_missing(self, missing: list[str], what: str) -> P.Block | None:
        if not missing:
            return None
        return P.Block(note=f"{what} need the per-call tables, which these results lack for: {', '.join(missing)} "
                            "(run without --no-tables to save them).")

    # sections

    def headline(self) -> P.Section:
        names = self._present(HEADLINE_KPIS) or self.kpi_names()[:12]
        # Where the service and the burnout go: each queue's service level and each group's burnout.
        breakdown = self._present([f"service_level_{metric_key(q)}" for q in self._queues()]
                                  + [f"burnout_share_{metric_key(g)}" for g in self._groups()])
        names = names + [n for n in breakdown if n not in names]
        replications = max((e.n for e in self.estimates[self.baseline.label].values()), default=0)
        method = ("paired replication by replication (common random numbers: every scenario saw the same "
                  "callers)" if self.paired else
                  "unpaired (Welch), because the scenarios were not run with the same seed")
        intro = (f"Means over {replications} replication(s); the grey line under each value is its 95 % "
                 f"confidence interval ({INTERVAL_METHOD}).")
        if self.variants:
            intro += f" Δ is the variant minus {self.baseline.label}, {method}."
        blocks = []
        if self.variants:
            blocks.append(P.Block(html=self._verdicts_html()))
        worst = self._worst_groups_html()
        if worst:
            blocks.append(P.Block(html=worst))
        table = P.difference_table if len(self.variants) > P.MANY_VARIANTS else P.kpi_table
        blocks.append(P.Block(html=table(self.kpi_rows(names), self.cards())))
        if self.variants:
            blocks.append(P.Block(html=(
                '<p class="legend-note">▲ / ▼: the 95 % interval of the difference excludes zero (the change is '
                'unlikely to be noise), pointing up or down with the difference. Colour: '
                '<span class="better">better</span>, <span class="worse">worse</span>, '
                '<span class="changed">changed</span> where neither direction is simply better; grey: the '
                'interval includes zero. Shares are in per cent, their differences in percentage points (pp).</p>')))
        all_names = self.kpi_names()
        blocks.append(P.Block(html=P.details(f"All {len(all_names)} measures",
                                             table(self.kpi_rows(all_names), self.cards()))))
        if self.variants:
            blocks.append(self._difference_block(names[:9]))
        return P.Section("summary", "Headline", intro, blocks)

    def verdicts(self) -> list[V.Verdict]:
        """One verdict per variant, from its differences against the baseline."""
        return [V.verdict(v.label, self.differences[v.label], self._currency()) for v in self.variants]

    def _verdicts_html(self) -> str:
        items = []
        for item, found in zip(self.variants, self.verdicts()):
            parts = [f'<span class="{kind}">{kind}:</span> ' + P.e("; ".join(c.text for c in changes))
                     for kind, changes in (("better", found.improvements), ("worse", found.worsenings)) if changes]
            text = " · ".join(parts) if parts else "no significant change"
            items.append(f'<li>{P.swatch(item.colour)}'
                         f"<b>{P.e(item.label)}</b>: {text}</li>")
        method = "paired intervals (common random numbers)" if self.paired else "unpaired (Welch) intervals"
        return (f'<div class="verdicts"><h3>Verdicts against {P.e(self.baseline.label)}</h3>'
                f'<p class="legend-note">Only changes whose 95 % interval excludes zero ({method}); shares '
                "in percentage points, with the interval in brackets.</p>"
                f'<ul class="verdict-list">{"".join(items)}</ul></div>')

    def _worst_groups_html(self) -> str:
        groups = self._groups()
        rows = []
        for item in self.loaded:
            worst = V.worst_group(self.estimates[item.label], groups)
            if worst is None or len(groups) < 2:
                continue
            group, est = worst
            info = kpi_info("burnout_share")
            rows.append(f"<li><b>{P.e(item.label)}</b>: {P.e(group)}, "
                        f"{P.e(format_value(est.mean, info))} % of duty time above the strain threshold "
                        f"[{P.e(format_interval(est.ci_low, est.ci_high, info))}]</li>")
        if not rows:
            return ""
        return ('<div class="verdicts"><h3>The group that burns out most</h3>'
                f'<ul class="verdict-list">{"".join(rows)}</ul></div>')

    def _difference_block(self, names: Sequence[str]) -> P.Block:
        rows = []
        for variant in self.variants:
            for name in names:
                diff = self.differences[variant.label].get(name)
                if diff is None or diff.mean is None:
                    continue
                scale = kpi_info(name).scale
                rows.append({"variant": variant.label, "kpi": name, "mean": diff.mean * scale,
                             "ci_low": diff.ci_low * scale if diff.ci_low is not None else np.nan,
                             "ci_high": diff.ci_high * scale if diff.ci_high is not None else np.nan,
                             "excludes_zero": diff.excludes_zero})
        frame = pd.DataFrame(rows, columns=["variant", "kpi", "mean", "ci_low", "ci_high", "excludes_zero"])
        measures = {name: difference_measure(name, self._currency()) for name in names if name in set(frame["kpi"])}
        fig = F.difference_panels(frame, title=f"Change against {F.text(self.baseline.label)}, with 95 % intervals",
                                  colours=self.colours, measures=measures)
        return P.Block(figure=fig, caption="Filled marker: the interval excludes zero; open marker: it includes "
                                           "zero (no clear change). Shares in percentage points.")

    def changes(self) -> P.Section | None:
        if not self.variants:
            return None
        blocks = []
        for variant in self.variants:
            changes = document_changes(self.baseline.doc, variant.doc)
            inner = P.changes_table(changes, self.baseline.label, variant.label)
            heading = f"{variant.label}: {len(changes)} setting(s) differ from {self.baseline.label}"
            blocks.append(P.Block(html=P.details(heading, inner, open_=len(changes) <= 25)))
        return P.Section("changes", "What changed",
                         "Each variant's resolved scenario (every default filled in) against the baseline's, as "
                         "dotted paths like those of --set. Durations are in seconds.", blocks)

    def tradeoff(self) -> P.Section | None:
        if not self._present(["asa_s"]):
            return None
        panels: list[tuple[F.Measure, dict[str, Estimate]]] = []
        strain = next((k for k in ("burnout_share", "stress_mean", "occupancy") if self._present([k])), None)
        if strain:
            panels.append((measure_of(strain), {i.label: self.estimates[i.label].get(strain) for i in self.loaded}))
        cost, cost_label = self._cost_estimates()
        if cost:
            panels.append((F.Measure(cost_label, self._currency(), digits=0), cost))
        rows = []
        for index, (_, per_scenario) in enumerate(panels):
            for item in self.loaded:
                xe, ye = self.estimates[item.label].get("asa_s"), per_scenario.get(item.label)
                if xe is None or ye is None:
                    continue
                rows.append({"scenario": item.label, "panel": index, "x": xe.mean, "x_low": xe.ci_low,
                             "x_high": xe.ci_high, "y": ye.mean, "y_low": ye.ci_low, "y_high": ye.ci_high})
        columns = ["x", "x_low", "x_high", "y", "y_low", "y_high"]
        points = pd.DataFrame(rows, columns=["scenario", "panel", *columns]).astype({c: float for c in columns})
        fig = F.tradeoff(points, title="Trade-off: waiting against agent strain and cost", colours=self.colours,
                         x=measure_of("asa_s"), panels=[p[0] for p in panels])
        caption = ("One point per scenario with 95 % intervals on both axes. Towards the bottom left is better: "
                   "shorter waits with less strain and lower cost.")
        if strain == "occupancy":
            caption += " Agent strain is not in these results; occupancy stands in for load."
        return P.Section("tradeoff", "Trade-off", "", [P.Block(figure=fig, caption=caption)])

    def wait(self) -> P.Section:
        blocks: list[P.Block] = []
        level = self.baseline.doc.get("service_level", {})
        target, threshold = level.get("target"), level.get("threshold")
        facet_order = [ALL_QUEUES, *self._queues()]
        if not self.intervals.empty:
            measures = queue_measures(self.intervals)
            spec = [
                ("asa_s", "Average speed of answer by time of day", F.Measure("ASA", "s"), None, ""),
                ("service_level", "Service level by time of day", F.Measure("Service level", share=True),
                 target, f"target {target:.0%}" if isinstance(target, (int, float)) else ""),
                ("abandon_rate", "Abandonment by time of day", F.Measure("Abandoned", share=True), None, ""),
            ]
            for column, title, measure, reference, reference_label in spec:
                frame = _by_clock(bands(measures, ["scenario", "queue", "time"], column))
                blocks.append(P.Block(figure=F.band_lines(
                    frame, x="clock", title=title, measure=measure, x_title="Time of day (start of half hour)",
                    colours=self.colours, facet="queue", facet_order=facet_order, reference=reference,
                    reference_label=reference_label, time_of_day=True)))
            by_day = day_measures(self.intervals)
            days = sorted(int(d) for d in by_day["day"].unique())
            if len(days) > 1:
                panels = [("Average speed of answer", F.Measure("ASA", "s"),
                           bands(by_day, ["scenario", "day"], "asa_s")),
                          ("Service level", F.Measure("Service level", share=True),
                           bands(by_day, ["scenario", "day"], "service_level"))]
                blocks.append(P.Block(figure=F.stacked_panels(
                    [(t, m, f.sort_values("day")) for t, m, f in panels], title="Waiting day by day",
                    colours=self.colours, x="day", x_title="Day", x_ticks=day_labels(self.baseline.doc, days))))
        legs, legs_missing = _concat(self.loaded, "legs", ["replication", "t_enqueue", "wait_s", "outcome"],
                                     time_column="t_enqueue")
        if not legs.empty:
            survival = bands(wait_survival(legs), ["scenario", "wait_s"], "share")
            blocks.append(P.Block(figure=F.wait_curves(
                survival, title="How long callers wait", colours=self.colours,
                threshold=float(threshold) if threshold is not None else None),
                caption="Share of queue visits (answered or abandoned) still waiting after t seconds. At the "
                        "threshold it is one minus the service level of those visits."))
        note = self._note_missing(sorted(set(self.intervals_missing) | set(legs_missing)), "Charts by time of day")
        if note:
            blocks.append(note)
        kpis = self.measures(["service_level", "asa_s", "abandon_rate", "wait_p90_s", "p_wait", "mean_wait_s"])
        blocks.append(P.Block(figure=F.kpi_bars(self.kpi_frame(list(kpis)), title="Waiting over the whole horizon",
                                                colours=self.colours, measures=kpis)))
        return P.Section("wait", "Waiting",
                         "Means over replications for each half hour of the opening hours (pooled over the days), "
                         "with 95 % bands; the first panel pools all queues.", blocks)

    def load(self) -> P.Section:
        blocks: list[P.Block] = []
        frame, missing = _concat(self.loaded, "group_intervals",
                                 ["replication", "day", "time", "t_start", "open", "group", "agents_on_duty",
                                  "busy_s", "available_s", "required"])
        if not frame.empty:
            measures = group_measures(frame)
            occupancy = _by_clock(bands(measures, ["scenario", "group", "time"], "occupancy"))
            blocks.append(P.Block(figure=F.band_lines(
                occupancy, x="clock", title="Occupancy by agent group and time of day",
                measure=F.Measure("Occupancy", share=True), x_title="Time of day (start of half hour)",
                colours=self.colours, facet="group", facet_order=self._groups(), time_of_day=True)))
            on_duty = bands(measures, ["scenario", "group", "time"], "agents_on_duty")
            if "required" in measures.columns:
                required = measures.groupby(["scenario", "group", "time"], observed=True)["required"].mean()
                on_duty = on_duty.join(required, on=["scenario", "group", "time"])
            has_required = "required" in on_duty.columns and on_duty["required"].notna().any()
            title = "Agents on duty vs required" if has_required else "Agents on duty"
            blocks.append(P.Block(figure=F.staffing_lines(
                _by_clock(on_duty), title=f"{title} by time of day (mean over the days)",
                colours=self.colours, groups=self._groups()),
                caption="Solid: agents on duty, breaks included." + (
                    " Dashed: agents required." if has_required else "")))
        note = self._note_missing(missing, "Charts by time of day")
        if note:
            blocks.append(note)
        split = self._present(["talk_share", "wrap_share", "break_share", "idle_share"])
        if split:
            rows = [{"scenario": item.label, "use": kpi_info(name).label.split(",")[0],
                     "share": self.estimates[item.label][name].mean}
                    for item in self.loaded for name in split
                    if name in self.estimates[item.label] and self.estimates[item.label][name].mean is not None]
            blocks.append(P.Block(figure=F.stacked_shares(
                pd.DataFrame(rows), title="How agents spend their time on duty", category="use",
                colours=self.colours, x_title="Share of time on duty (%)"), wide=False,
                caption="Means over replications of talk, wrap-up, break and idle time as shares of time on duty."))
        names = [k for k in self.kpi_names() if k.startswith("occupancy")]
        names += self._present(["calls_per_agent_hour"])
        names += [k for k in self.kpi_names() if k.startswith("agent_hours")]
        kpis = self.measures(names)
        blocks.append(P.Block(figure=F.kpi_bars(self.kpi_frame(list(kpis)), title="Occupancy and agent-hours by group",
                                                colours=self.colours, measures=kpis)))
        return P.Section("load", "Agent load",
                         "Occupancy is busy time (talk and wrap-up) over time on duty and not on a break.", blocks)

    def _open_times(self) -> dict[str, set[str]]:
        if self.intervals.empty:
            return {}
        return {str(k): set(v) for k, v in self.intervals.groupby("scenario")["time"].unique().items()}

    def burnout(self) -> P.Section:
        blocks: list[P.Block] = []
        strain, _ = _concat(self.loaded, "strain_intervals",
                            ["replication", "day", "time", "t_start", "group", "agents", "strain_mean"])
        if not strain.empty:
            open_times = self._open_times()
            if open_times:
                keep = [t in open_times.get(s, set()) for s, t in zip(strain["scenario"], strain["time"])]
                strain = strain[keep]
            frame = _by_clock(bands(strain_by_time(strain), ["scenario", "group", "time"], "strain"))
            blocks.append(P.Block(figure=F.band_lines(
                frame, x="clock", title="Agent strain by time of day", measure=F.Measure("Strain", "mean of agents"),
                x_title="Time of day (start of half hour)", colours=self.colours, facet="group",
                facet_order=self._groups(), time_of_day=True)))
        days, _ = _concat(self.loaded, "agent_days",
                          ["replication", "day", "status", "duty_s", "strain_mean", "above_threshold_s", "exhaustion",
                           "resigned"], time_column=None,
                          optional=("duty_s", "strain_mean", "above_threshold_s", "exhaustion", "resigned"))
        numbers = sorted(int(d) for d in days["day"].unique()) if not days.empty else []
        if len(numbers) > 1:
            measures = agent_day_measures(days)
            keys = ["scenario", "day"]
            panels = [
                ("Strain of working agents", F.Measure("Strain", "duty-weighted mean"),
                 bands(measures, keys, "strain")),
                ("Duty time above the strain threshold", F.Measure("Above threshold", share=True),
                 bands(measures, keys, "above_share")),
                ("Absence (sick or stress leave)", F.Measure("Absent", share=True),
                 bands(measures, keys, "absent_share")),
                ("Leavers so far", F.Measure("Leavers", "agents"), bands(measures, keys, "leavers_so_far")),
            ]
            if measures["exhaustion"].notna().any():
                panels.append(("Exhaustion", F.Measure("Exhaustion", "mean"), bands(measures, keys, "exhaustion")))
            panels = [(t, m, f.dropna(subset=["mean"]).sort_values("day")) for t, m, f in panels]
            blocks.append(P.Block(figure=F.stacked_panels(
                panels, title="Strain, absence and attrition day by day", colours=self.colours, x="day",
                x_title="Day", x_ticks=day_labels(self.baseline.doc, numbers))))
        kpis = self.measures(BURNOUT_KPIS)
        if kpis:
            blocks.append(P.Block(figure=F.kpi_bars(self.kpi_frame(list(kpis)), title="Burnout over the whole horizon",
                                                    colours=self.colours, measures=kpis)))
        if not blocks:
            blocks.append(P.Block(note="These results carry no measures of agent strain, absence or attrition."))
        return P.Section("burnout", "Burnout",
                         "How hard the work is on agents: strain while on duty, time above the strain threshold, "
                         "absence and leavers.", blocks)

    def callers(self) -> P.Section:
        blocks: list[P.Block] = []
        kpis = self.measures(CALLER_KPIS)
        if kpis:
            blocks.append(P.Block(figure=F.kpi_bars(self.kpi_frame(list(kpis)), title="The callers' journey",
                                                    colours=self.colours, measures=kpis)))
        stories, missing = _concat(self.loaded, "stories", ["replication", "t_first", "outcome", "attempts"],
                                   time_column="t_first")
        if not stories.empty:
            shares = bands(attempts_shares(stories), ["scenario", "attempts"], "share")
            blocks.append(P.Block(figure=F.grouped_bars(
                shares, x="attempts", title="Calls it took to resolve a problem",
                measure=F.Measure("Resolved problems", share=True), x_title="Calls until resolved",
                colours=self.colours, x_order=["1", "2", "3", "4", "5+"]), wide=False,
                caption="Resolved problems by the number of calls they took, with 95 % intervals."))
        calls, calls_missing = _concat(self.loaded, "calls", ["replication", "t_arrive", "trigger"],
                                       time_column="t_arrive")
        if not calls.empty:
            shares = trigger_shares(calls)
            order = [t for t in TRIGGER_LABELS if t in set(shares["trigger"])]
            blocks.append(P.Block(figure=F.stacked_shares(
                shares, title="Why calls happened", category="trigger", colours=self.colours, category_order=order,
                category_labels=TRIGGER_LABELS, x_title="Share of calls (%)"), wide=False,
                caption="All calls: a new problem, or calling again after an earlier call failed."))
        note = self._note_missing(sorted(set(missing) | set(calls_missing)), "Attempts and redial charts")
        if note:
            blocks.append(note)
        return P.Section("callers", "Callers",
                         "The caller's side: how many calls a problem takes, transfers, redials and difficult calls.",
                         blocks)

    def _currency(self) -> str:
        doc = self.baseline.doc
        costs = doc.get("costs") if isinstance(doc.get("costs"), dict) else {}
        return str(costs.get("currency") or doc.get("currency") or "")

    def _cost_estimates(self) -> tuple[dict[str, Estimate], str]:
        """Total cost per scenario: the ``cost_total`` KPI, else agent-hours x hourly cost per group."""
        if self._present(["cost_total"]):
            result = {i.label: self.estimates[i.label]["cost_total"] for i in self.loaded
                      if "cost_total" in self.estimates[i.label]}
            label = "Total cost"
        else:
            result = {}
            for item in self.loaded:
                per_group = self._staff_cost(item)
                if per_group is not None:
                    result[item.label] = estimate(per_group.sum(axis=1).to_numpy())
            label = "Agent cost"
        # No hourly costs in the scenarios: every cost is zero, and a chart of zeros says nothing.
        if not any(abs(e.mean or 0.0) > 0 for e in result.values()):
            return {}, label
        return result, label

    def _staff_cost(self, item: Loaded) -> pd.DataFrame | None:
        frame = self.frames[item.label]
        columns = {}
        for group, spec in item.doc.get("groups", {}).items():
            rate = spec.get("hourly_cost") if isinstance(spec, dict) else None
            column = f"agent_hours_{metric_key(str(group))}"
            if rate is None or column not in frame.columns:
                continue
            columns[str(group)] = frame[column].astype(float) * float(rate)
        return pd.DataFrame(columns) if columns else None

    def _cost_components(self, item: Loaded) -> dict[str, float] | None:
        """Means of the parts that add up to ``cost_total`` (None when the results carry none)."""
        estimates = self.estimates[item.label]
        parts = {k: estimates[k].mean for k in COST_COMPONENTS if k in estimates and estimates[k].mean is not None}
        return parts or None

    def money(self) -> P.Section:
        blocks: list[P.Block] = []
        unit = self._currency()
        totals, total_label = self._cost_estimates()
        labels = {name: kpi_info(name).label.replace("Cost of ", "") for name in COST_COMPONENTS}
        rows = []
        if self._present(["cost_total"]):
            for item in self.loaded:
                for name, value in (self._cost_components(item) or {}).items():
                    rows.append({"scenario": item.label, "component": labels[name], "mean": value})
            caption = ("Stacked: what the cost is made of (means), customers lost included at their configured "
                       "value; diamond: the total with its 95 % interval.")
        else:
            for item in self.loaded:
                per_group = self._staff_cost(item)
                for group, values in (per_group.items() if per_group is not None else []):
                    rows.append({"scenario": item.label, "component": f"agents: {group}", "mean": float(values.mean())})
            caption = ("Estimated from agent-hours on duty × each group's hourly cost (these results carry no cost "
                       "measures); diamond: the total with its 95 % interval.")
        components = pd.DataFrame(rows, columns=["scenario", "component", "mean"])
        if not components.empty:
            nonzero = components.groupby("component")["mean"].apply(lambda v: bool((v.abs() > 0).any()))
            components = components[components["component"].map(nonzero)]
        if totals:
            total_frame = pd.DataFrame([{"scenario": k, "mean": v.mean, "ci_low": v.ci_low, "ci_high": v.ci_high}
                                        for k, v in totals.items()]).astype({"mean": float, "ci_low": float,
                                                                            "ci_high": float})
            if components.empty:
                components = total_frame[["scenario", "mean"]].assign(component=total_label.lower())
            if components["component"].nunique() == 1:
                caption = caption.replace("Stacked: what the cost is made of (means)", "Bars: the mean cost")
            blocks.append(P.Block(figure=F.cost_bars(components, total_frame,
                                                     title=f"{total_label} per scenario ({unit})" if unit
                                                     else f"{total_label} per scenario",
                                                     colours=self.colours, unit=unit), caption=caption, wide=False))
        others = [k for k in MONEY_KPIS if k != "cost_total"]
        kpis = {name: self._money_measure(name, unit) for name in self.measures(others)
                if self._nonzero(name)}
        if kpis:
            blocks.append(P.Block(figure=F.kpi_bars(self.kpi_frame(list(kpis)),
                                                    title="Revenue, customers lost and training",
                                                    colours=self.colours, measures=kpis, columns=2), wide=False))
        if self.variants and totals:
            blocks.append(self._cost_difference_block())
        if not blocks:
            blocks.append(P.Block(note="These results carry no cost measures and no hourly costs."))
        return P.Section("money", "Money", "Over the whole simulated horizon" + (f", in {unit}." if unit else "."),
                         blocks)

    @staticmethod
    def _money_measure(name: str, unit: str) -> F.Measure:
        measure = measure_of(name)
        if kpi_info(name).kind == "money" and unit:
            return F.Measure(measure.label, unit, share=False, digits=0, lower=measure.lower)
        return measure

    def _nonzero(self, name: str) -> bool:
        return any(abs(self.estimates[i.label][name].mean or 0.0) > 0 for i in self.loaded
                   if name in self.estimates[i.label])

    def _cost_difference_block(self) -> P.Block:
        def nonzero(names: Sequence[str]) -> list[str]:
            return [n for n in self._present(names) if self._nonzero(n)]

        components = nonzero(COST_COMPONENTS)
        # A single component is the total again; only a split into two or more adds anything.
        names = nonzero(["cost_total"]) + (components if len(components) > 1 else []) + nonzero(["revenue"])
        if not names:
            return P.Block(note="No cost differences to show.")
        block = self._difference_block(names)
        unit = f" ({F.text(self._currency())})" if self._currency() else ""
        block.figure.update_layout(title_text=f"<b>Cost against {F.text(self.baseline.label)}{unit}, with 95 % "
                                              "intervals</b>")
        block.caption = "Filled marker: the interval excludes zero; open marker: it includes zero (no clear change)."
        block.wide = False
        return block

    # page

    def cards(self) -> list[P.ScenarioCard]:
        cards = []
        base_description = str(self.baseline.doc.get("description", "") or "")
        for index, item in enumerate(self.loaded):
            description = str(item.doc.get("description", "") or "")
            if index and description == base_description:
                # Variants usually inherit the baseline's description; saying it again tells nothing.
                changed = len(document_changes(self.baseline.doc, item.doc))
                description = f"{changed} setting(s) differ from {self.baseline.label}: see What changed."
            role = "baseline" if index == 0 and self.variants else ("variant" if index else "scenario")
            cards.append(P.ScenarioCard(item.label, item.colour, role, description, item.run.path.name,
                                        self.run_replications(item)))
        return cards

    @staticmethod
    def run_replications(item: Loaded) -> int:
        return int(len(item.run.replications))

    def warnings(self) -> list[tuple[str, str]]:
        notes = self.scenario_warnings()
        paid = [item.label for item in self.loaded if paid_line_enabled(item.doc)]
        if paid:
            notes.append(("Legal note: premium-rate line for existing customers",
                          LEGAL_NOTE.format(names=", ".join(paid))))
        return notes

    def scenario_warnings(self) -> list[tuple[str, str]]:
        """What the runs cannot answer (a horizon shorter than a time constant, an unstable queue),
        the same sentences the terminal printed, once each with the scenarios they concern."""
        from ccsim.config.load import ScenarioError, scenario_from_dict
        from ccsim.experiments.advice import scenario_warnings

        by_text: dict[str, list[str]] = {}
        for item in self.loaded:
            try:
                scenario = scenario_from_dict(item.doc)
            except ScenarioError:
                continue  # a folder from an older version: its scenario no longer validates
            for line in scenario_warnings(scenario):
                by_text.setdefault(line, []).append(item.label)
        every = len(self.loaded) > 1
        return [("Warning: " + ("every scenario" if every and len(names) == len(self.loaded) else ", ".join(names)),
                 line[0].upper() + line[1:] + ".") for line, names in by_text.items()]

    def footer(self) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for item in self.loaded:
            provenance = item.run.provenance
            environment = provenance.get("environment", {})
            parts = [f"folder {item.run.path}", f"seed {item.doc.get('seed')}",
                     f"{self.run_replications(item)} replication(s)"]
            if environment.get("ccsim"):
                parts.append(f"ccsim {environment['ccsim']}")
            if provenance.get("started"):
                parts.append(f"started {provenance['started']}")
            if provenance.get("command"):
                parts.append(f"command: {provenance['command']}")
            if provenance.get("interrupted"):
                parts.append("interrupted before all replications finished")
            rows.append((item.label, "; ".join(parts)))
        return rows

    @staticmethod
    def _section(build) -> P.Section | None:
        """One section; if its data are beyond what this version understands, say so there and go on."""
        try:
            return build()
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            name = build.__name__
            return P.Section(name, name.capitalize(), "", [P.Block(
                note=f"This section could not be drawn from these results ({type(exc).__name__}: {exc}).")])

    def page(self) -> P.Page:
        doc = self.baseline.doc
        horizon = doc.get("horizon", {})
        replications = self.run_replications(self.baseline)
        if self.variants:
            title = f"Policy comparison: {self.baseline.label} and {len(self.variants)} variant(s)"
        else:
            title = f"Simulation report: {self.baseline.label}"
        subtitle = (f"{len(self.loaded)} scenario(s) · {replications} replication(s) each · "
                    f"{horizon.get('days', '?')} day(s) from {horizon.get('start_date', '?')} · "
                    f"seed {doc.get('seed', '?')} · 95 % confidence intervals")
        sections = [s for s in (self._section(build) for build in (
            self.headline, self.changes, self.tradeoff, self.wait, self.load, self.burnout, self.callers, self.money,
        )) if s is not None]
        return P.Page(title, subtitle, self.cards(), sections, self.warnings(), self.footer())


def build_report(paths: Sequence[Path] | Path) -> str:
    """The report's HTML for a comparison folder or results folders (the first is the baseline)."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    loaded, comparison = load(paths)
    return P.render(ReportBuilder(loaded, comparison).page())


def write_report(paths: Sequence[Path] | Path, out: Path | None = None) -> Path:
    """Build the report and write it to ``out`` (default: ``report.html`` in the first folder)."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out = Path(out) if out is not None else Path(paths[0]) / REPORT_FILE
    atomic_write(out, build_report(paths).encode("utf-8"))
    return out
