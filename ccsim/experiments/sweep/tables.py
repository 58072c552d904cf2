"""Aggregation: every finished task's KPIs into the points table (one row per point: factor values,
then each KPI's mean, standard error, 95 % t-interval and count, then the paired differences
against the reference point) and the sweep's other tables.

Paired differences: for each objective and metric, replication r of a point minus replication r
of the reference point (the same callers: common random numbers), averaged over the replications
both finished, with a 95 % t-interval: columns ``<kpi>_diff``, ``<kpi>_diff_se``,
``<kpi>_diff_ci_low``, ``<kpi>_diff_ci_high``, ``<kpi>_diff_n`` (pairs; no ``_mean`` suffix, so
they never read as a KPI).

The tables depend only on the experiment and the seed, never on which worker ran a task or in
what order, so a sweep gives identical files with one worker, many, or a Dask cluster.
"""

from __future__ import annotations

import difflib
import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.experiments.sweep.execute import SweepRun
from ccsim.experiments.sweep.plan import Plan
from ccsim.experiments.sweep.points import FactorInfo, show_value
from ccsim.experiments.sweep.store import (
    MANIFEST_FILE,
    POINTS_CSV,
    POINTS_PARQUET,
    REPLICATIONS_PARQUET,
    SUMMARY_FILE,
    SweepFolder,
)
from ccsim.metrics.stats import Estimate, paired_difference, summarise
from ccsim.results import atomic_write, write_json

STATS = ("mean", "se", "ci_low", "ci_high", "n")
# Columns of a paired difference against the reference point: <kpi> + each suffix.
DIFF_STATS = {"mean": "_diff", "se": "_diff_se", "ci_low": "_diff_ci_low", "ci_high": "_diff_ci_high",
              "n": "_diff_n"}


def compared_kpis(plan: Plan) -> list[str]:
    """The KPIs whose differences against the reference are tabulated: the objectives, then the metrics."""
    return list(dict.fromkeys([*plan.objectives, *plan.experiment.metrics]))


def reference_differences(plan: Plan, replications: pd.DataFrame) -> dict[str, dict[str, Estimate]]:
    """Per point id and KPI: the paired difference (point − reference) over the replications both have."""
    if not len(replications) or not plan.reference:
        return {}
    by_point = {point: frame.set_index("replication") for point, frame in replications.groupby("point", sort=False)}
    reference = by_point.get(plan.reference)
    if reference is None:
        return {}
    result: dict[str, dict[str, Estimate]] = {}
    for point, frame in by_point.items():
        shared = sorted(set(frame.index) & set(reference.index))
        result[point] = {kpi: paired_difference(frame.loc[shared, kpi].to_numpy(dtype=float),
                                                reference.loc[shared, kpi].to_numpy(dtype=float))
                         for kpi in compared_kpis(plan) if kpi in frame.columns and kpi in reference.columns}
    return result


def aggregate(plan: Plan, replications: pd.DataFrame) -> pd.DataFrame:
    """One row per point: factor columns, then every KPI's mean, se, ci_low, ci_high and n."""
    rows = []
    grouped = {point: frame for point, frame in replications.groupby("point", sort=False)} if len(replications) else {}
    differences = reference_differences(plan, replications)
    for point in plan.points:
        frame = grouped.get(point.id)
        per_replication = [] if frame is None else [
            {k: v for k, v in row.items() if k not in ("point", "replication")}
            for row in frame.sort_values("replication").to_dict("records")
        ]
        row: dict[str, Any] = {"point": point.id, "name": point.name}
        row.update({f.column: _cell(point.values.get(f.column), f) for f in plan.factors})
        row["replications"] = len(per_replication)
        for kpi, est in summarise(per_replication).items():
            row.update({f"{kpi}_{stat}": value for stat, value in est.to_dict().items()})
        for kpi, est in differences.get(point.id, {}).items():
            found = est.to_dict()
            row.update({f"{kpi}{suffix}": found[stat] for stat, suffix in DIFF_STATS.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def _cell(value: Any, factor: FactorInfo) -> Any:
    # A column of numbers stays numeric; anything else is text, so Parquet gets one type per column.
    return value if factor.numeric else (None if value is None else show_value(value))


def differences_of(row: pd.Series | dict[str, Any], kpi: str) -> Estimate | None:
    """The paired difference against the reference held in one row of the points table (None: not there)."""
    if f"{kpi}_diff" not in row:
        return None
    values = {stat: row.get(f"{kpi}{suffix}") for stat, suffix in DIFF_STATS.items()}
    clean = {s: (None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v))
             for s, v in values.items()}
    return Estimate(clean["mean"], clean["se"], clean["ci_low"], clean["ci_high"], int(clean["n"] or 0))


def estimates_of(row: pd.Series | dict[str, Any]) -> dict[str, Estimate]:
    """The KPI estimates held in one row of the points table."""
    result = {}
    for column in row.index if isinstance(row, pd.Series) else row:
        if not str(column).endswith("_mean"):
            continue
        kpi = str(column)[: -len("_mean")]
        if not all(f"{kpi}_{s}" in row for s in STATS):
            continue
        values = {s: row[f"{kpi}_{s}"] for s in STATS}
        clean = {s: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v) for s, v in values.items()}
        result[kpi] = Estimate(clean["mean"], clean["se"], clean["ci_low"], clean["ci_high"], int(clean["n"] or 0))
    return result


def write_tables(plan: Plan, folder: SweepFolder, run: SweepRun, details: dict[str, Any]) -> pd.DataFrame:
    """``points.csv``/``.parquet``, ``replications.parquet`` and ``summary.json``; returns the points table."""
    replications = folder.replications(plan)
    points = aggregate(plan, replications)
    atomic_write(folder.root / POINTS_CSV, points.to_csv(index=False).encode())
    for name, frame in ((POINTS_PARQUET, points), (REPLICATIONS_PARQUET, replications)):
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        atomic_write(folder.root / name, buffer.getvalue())
    failed = folder.errors(plan)
    write_json(folder.root / SUMMARY_FILE, {
        "name": plan.experiment.name,
        "points": len(plan.points),
        "replications": plan.replications,
        "seed": plan.seed,
        "tasks": {"total": run.total, "done": len(replications), "failed": len(failed),
                  "not_run": run.total - len(replications) - len(failed)},
        "this_run": {"done": run.done, "failed": run.failed, "already_done": run.already,
                     "interrupted": run.interrupted, "started": run.started, "wall_s": round(run.wall_s, 3)},
        **details,
        "failed_tasks": failed,
    })
    return points


def missing_metrics(plan: Plan, points: pd.DataFrame) -> list[str]:
    """Metrics the experiment asks for that no point produced, with a close match when there is one."""
    produced = sorted({str(c)[: -len("_mean")] for c in points.columns if str(c).endswith("_mean")})
    notes = []
    for metric in plan.experiment.metrics:
        if metric not in produced:
            close = difflib.get_close_matches(metric, produced, n=1, cutoff=0.6)
            notes.append(f"{metric!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return notes


def read_points(root: Path) -> tuple[dict[str, Any], pd.DataFrame, dict[str, Any]]:
    """The manifest, points table and summary of a finished sweep folder."""
    root = Path(root)
    missing = [n for n in (MANIFEST_FILE, POINTS_PARQUET) if not (root / n).exists()]
    if missing:
        raise FileNotFoundError(f"{root}: not a sweep folder (missing {', '.join(missing)})")
    summary = json.loads((root / SUMMARY_FILE).read_text()) if (root / SUMMARY_FILE).exists() else {}
    return json.loads((root / MANIFEST_FILE).read_text()), pd.read_parquet(root / POINTS_PARQUET), summary
