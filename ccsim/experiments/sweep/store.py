"""The task store: a sweep's output folder, where each finished task is one file written atomically.

A task's result is ``tasks/<point>/rep-<r>.parquet`` (one row of KPIs) and a task that raised
leaves ``rep-<r>.error.json`` instead, so an interrupted or partly failed sweep resumes by running
only the tasks without a result. A folder is resumed only by an experiment with the same points
(the fingerprint in ``sweep.json``); otherwise :class:`ResumeError` says what changed.

What a resume trusts: a task file that cannot be read as that task's one row (truncated, say, by
a disk that filled up) is not a result, and the task runs again. A ``sweep.json`` that cannot be
read is replaced when every point's stored scenario is the experiment's, so the finished tasks
are kept; otherwise the resume is refused. A resume with fewer replications than the folder's
tasks have is refused too, so a summary never silently leaves finished replications out (resume
with at least as many, or start again with --overwrite).
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
        """Tasks with a readable result on disk (failed ones are not finished: a resume runs them again)."""
        return {(t.point, t.replication) for t in plan.tasks() if self._result(t.point, t.replication) is not None}

    def _result(self, point: str, replication: int) -> pd.DataFrame | None:
        """The task's row, or None when it has none or its file is not that task's one row."""
        path = self.task_file(point, replication)
        if not path.is_file():
            return None
        try:
            frame = pd.read_parquet(path)
        except Exception:  # noqa: BLE001 - pyarrow raises several kinds for a damaged file
            return None
        if len(frame) != 1 or list(frame.get("point", [])) != [point] or list(frame.get("replication", [])) != [
                replication]:
            return None
        return frame

    def check(self, plan: Plan) -> None:
        """Raise :class:`ResumeError` unless this folder is empty or holds a sweep of the same points.

        Also refuses a resume with fewer replications than the folder's tasks have.
        """
        manifest = self.root / MANIFEST_FILE
        if manifest.exists():
            try:
                stored = json.loads(manifest.read_text())
                fingerprint = stored.get("fingerprint")
            except (OSError, ValueError, AttributeError):
                self._check_stored_scenarios(plan)
            else:
                if fingerprint != plan.fingerprint():
                    raise ResumeError(_changes(stored, plan))
        stored_replications = self._replications_on_disk()
        if stored_replications > plan.replications:
            raise ResumeError(f"the folder holds tasks of {stored_replications} replications per point, more than the "
                              f"{plan.replications} asked for; resume with --replications {stored_replications} (or "
                              "more) so that the tables summarise every finished replication, or start again with "
                              "--overwrite")

    def _check_stored_scenarios(self, plan: Plan) -> None:
        """With ``sweep.json`` unreadable: resumable only when every stored point's scenario is the plan's."""
        ids = {point.id for point in plan.points}
        stored = [p.name for p in (self.root / TASKS_DIR).iterdir() if p.is_dir()] if (
            self.root / TASKS_DIR).is_dir() else []
        differ = [name for name in stored if name not in ids or _text(self.root / TASKS_DIR / name / "scenario.yaml")
                  != _scenario_text(plan, name)]
        if differ:
            raise ResumeError(f"{MANIFEST_FILE} is unreadable and the stored scenarios of "
                              f"{', '.join(sorted(differ)[:4])} are not this experiment's; start again with "
                              "--overwrite or another --out")

    def _replications_on_disk(self) -> int:
        """One more than the highest replication with a task file (0 for none)."""
        highest = -1
        for path in (self.root / TASKS_DIR).glob("*/rep-*.*") if (self.root / TASKS_DIR).is_dir() else []:
            number = path.name.removeprefix("rep-").split(".", 1)[0]
            if number.isdigit():
                highest = max(highest, int(number))
        return highest + 1

    def start(self, plan: Plan) -> None:
        """Record the experiment, its points and their resolved scenarios (again, on a resume)."""
        write_json(self.root / MANIFEST_FILE, plan.manifest())
        atomic_write(self.root / EXPERIMENT_COPY, plan.text.encode("utf-8"))
        for point in plan.points:
            atomic_write(self.root / TASKS_DIR / point.id / "scenario.yaml", _scenario_text(plan, point.id).encode())

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
            if path.exists() and self._result(task.point, task.replication) is None:
                try:
                    error = str(json.loads(path.read_text()).get("error", ""))
                except (OSError, ValueError, AttributeError):
                    error = "(its error file is unreadable)"
                failed.append({"point": task.point, "replication": task.replication,
                               "error": error, "file": str(path)})
        return failed

    def replications(self, plan: Plan) -> pd.DataFrame:
        """Every finished task's KPIs, one row per task, points in plan order then replications."""
        frames = []
        for point in plan.points:
            for replication in range(plan.replications):
                frame = self._result(point.id, replication)
                if frame is not None:
                    frames.append(frame.drop(columns=["wall_s", "worker"], errors="ignore"))
        if not frames:
            return pd.DataFrame(columns=["point", "replication"])
        return pd.concat(frames, ignore_index=True)


def _scenario_text(plan: Plan, point: str) -> str | None:
    """The point's resolved scenario as ``tasks/<point>/scenario.yaml`` holds it (None: no such point)."""
    if point not in plan.scenarios:
        return None
    return yaml.safe_dump(scenario_document(plan.scenarios[point]), sort_keys=False)


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


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

