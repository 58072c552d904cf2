"""The task store: a sweep's output folder, where each finished task is one file written atomically.

A task's result is ``tasks/<point>/rep-<r>.parquet`` (one row of KPIs) and a task that raised
leaves ``rep-<r>.error.json`` instead, so an interrupted or partly failed sweep resumes by running
only the tasks without a result. A folder is resumed only by an experiment with the same points
(the fingerprint in ``sweep.json``); otherwise :class:`ResumeError` says what changed.
"""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ccsim.experiments.sweep.plan import Plan
from ccsim.experiments.sweep.tasks import TaskResult, last_line
from ccsim.results import REPORT_FILE, atomic_write, scenario_document, write_json

MANIFEST_FILE = "sweep.json"
EXPERIMENT_COPY = "experiment.yaml"
SUMMARY_FILE = "summary.json"
POINTS_CSV = "points.csv"
POINTS_PARQUET = "points.parquet"
REPLICATIONS_PARQUET = "replications.parquet"
TASKS_DIR = "tasks"


class ResumeError(ValueError):
    """A folder that cannot be resumed with this experiment (the message says why)."""


@dataclass
class SweepFolder:
    """Where a sweep keeps its tasks and tables; every file is written atomically."""

    root: Path

    def task_file(self, point: str, replication: int) -> Path:
        return self.root / TASKS_DIR / point / f"rep-{replication}.parquet"

    def error_file(self, point: str, replication: int) -> Path:
        return self.root / TASKS_DIR / point / f"rep-{replication}.error.json"

    def finished(self, plan: Plan) -> set[tuple[str, int]]:
        """Tasks with a result on disk (failed ones are not finished: a resume runs them again)."""
        return {(t.point, t.replication) for t in plan.tasks() if self.task_file(t.point, t.replication).exists()}

    def check(self, plan: Plan) -> None:
        """Raise :class:`ResumeError` unless this folder is empty or holds a sweep of the same points."""
        manifest = self.root / MANIFEST_FILE
        if manifest.exists():
            stored = json.loads(manifest.read_text())
            if stored.get("fingerprint") != plan.fingerprint():
                raise ResumeError(_changes(stored, plan))

    def start(self, plan: Plan) -> None:
        """Record the experiment, its points and their resolved scenarios (again, on a resume)."""
        write_json(self.root / MANIFEST_FILE, plan.manifest())
        atomic_write(self.root / EXPERIMENT_COPY, plan.text.encode("utf-8"))
        for point in plan.points:
            document = yaml.safe_dump(scenario_document(plan.scenarios[point.id]), sort_keys=False)
            atomic_write(self.root / TASKS_DIR / point.id / "scenario.yaml", document.encode())

    def clear(self) -> None:
        """Remove what an earlier sweep wrote here (and nothing else)."""
        shutil.rmtree(self.root / TASKS_DIR, ignore_errors=True)
        for name in (MANIFEST_FILE, EXPERIMENT_COPY, SUMMARY_FILE, POINTS_CSV, POINTS_PARQUET,
                     REPLICATIONS_PARQUET, REPORT_FILE):
            (self.root / name).unlink(missing_ok=True)

    def write(self, result: TaskResult) -> None:
        """Keep one task's outcome; a success replaces an earlier failure of the same task."""
        if result.ok:
            row = {"point": result.point, "replication": result.replication, "wall_s": result.wall_s,
                   "worker": result.worker, **(result.kpis or {})}
            buffer = io.BytesIO()
            pd.DataFrame([row]).to_parquet(buffer, index=False)
            atomic_write(self.task_file(result.point, result.replication), buffer.getvalue())
            self.error_file(result.point, result.replication).unlink(missing_ok=True)
        else:
            write_json(self.error_file(result.point, result.replication), {
                "point": result.point, "replication": result.replication, "worker": result.worker,
                "wall_s": result.wall_s, "error": last_line(result.error or ""), "traceback": result.error,
            })

    def errors(self, plan: Plan) -> list[dict[str, Any]]:
        """Failed tasks of this experiment still without a result: point, replication, error, file."""
        failed = []
        for task in plan.tasks():
            path = self.error_file(task.point, task.replication)
            if path.exists() and not self.task_file(task.point, task.replication).exists():
                document = json.loads(path.read_text())
                failed.append({"point": task.point, "replication": task.replication,
                               "error": document.get("error", ""), "file": str(path)})
        return failed

    def replications(self, plan: Plan) -> pd.DataFrame:
        """Every finished task's KPIs, one row per task, points in plan order then replications."""
        frames = []
        for point in plan.points:
            for replication in range(plan.replications):
                path = self.task_file(point.id, replication)
                if path.exists():
                    frames.append(pd.read_parquet(path).drop(columns=["wall_s", "worker"]))
        if not frames:
            return pd.DataFrame(columns=["point", "replication"])
        return pd.concat(frames, ignore_index=True)


def _changes(stored: dict[str, Any], plan: Plan) -> str:
    """Why a folder cannot be resumed with ``plan``: the points added or gone, or that their scenarios differ."""
    before = {p["id"]: p for p in stored.get("points", [])}
    now = {p.id for p in plan.points}
    added = [p for p in now if p not in before]
    removed = [p for p in before if p not in now]
    detail = []
    if added:
        detail.append(f"new points {', '.join(added[:4])}{' ...' if len(added) > 4 else ''}")
    if removed:
        detail.append(f"points gone {', '.join(removed[:4])}{' ...' if len(removed) > 4 else ''}")
    if not detail:
        detail.append("the points' scenarios differ (the base scenario, a setting or the seed changed)")
    return (f"the experiment differs from the one this folder was started with ({'; '.join(detail)}); "
            "resume it with the same experiment, or start again with --overwrite or another --out")

