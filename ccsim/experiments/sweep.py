"""Batch sweeps: a grid (or a list) of scenario points, each replicated, run unattended and resumable.

An experiment file names a base scenario and what to vary (see docs/sweeps.md)::

    name: headcount x call-time limit
    base: ../configs/policies/call_time_limit.yaml   # relative to the experiment file
    replications: 3
    set: {horizon.days: 2}                           # applied to every point
    factors:                                         # full grid: every combination
      groups.first_line.staffing.shifts.0.headcount: [29, 35, 41, 47]
      time_limit:                                    # a factor whose levels set several values
        label: Call-time limit
        levels:
          none: {policies.call_time_limit.enabled: false}
          10 min: {policies.call_time_limit.limit: 10min}
    metrics: [service_level, asa_s, burnout_share, cost_total]

or ``points: [{name: ..., set: {dotted.path: value}}]`` instead of ``factors``. Every point is
validated before anything runs; each (point, replication) is one task.

Common random numbers: every point keeps the same root seed (the base scenario's, or the
experiment's ``seed``) and replication ``r`` of every point uses the streams of ``(seed, r)``,
so points differ only by what they set, not by luck.

Layout of the output folder ``DIR``::

    experiment.yaml                   the experiment file as given
    sweep.json                        the expanded points, factors, seed, replications, fingerprint
    tasks/<point>/scenario.yaml       the point's resolved scenario (re-runnable with `ccsim run`)
    tasks/<point>/rep-<r>.parquet     a finished task: one row of KPIs, written atomically
    tasks/<point>/rep-<r>.error.json  a task that raised: its error and traceback (rerun by --resume)
    points.csv, points.parquet        one row per point: factor values, then for every KPI
                                      <kpi>_mean, <kpi>_se, <kpi>_ci_low, <kpi>_ci_high, <kpi>_n
    replications.parquet              one row per finished task: point, replication, KPIs
    summary.json                      tasks done / failed / not run, wall time, workers
    report.html                       the sweep report (ccsim.report.sweep_report)

``points.*`` and ``replications.parquet`` depend only on the experiment and the seed: the same
sweep gives identical files with one worker, many, or a Dask cluster.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import itertools
import json
import math
import os
import shutil
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Protocol

import pandas as pd
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ccsim.config.load import ScenarioError, apply_override, read_yaml, resolve_file, validate_data
from ccsim.config.scenario import Scenario
from ccsim.experiments.compare import REPORT_FILE, unique_slugs
from ccsim.experiments.results import atomic_write, scenario_document, write_json
from ccsim.experiments.runner import simulate
from ccsim.metrics.stats import Estimate, summarise

MANIFEST_FILE = "sweep.json"
EXPERIMENT_COPY = "experiment.yaml"
SUMMARY_FILE = "summary.json"
POINTS_CSV = "points.csv"
POINTS_PARQUET = "points.parquet"
REPLICATIONS_PARQUET = "replications.parquet"
TASKS_DIR = "tasks"
STATS = ("mean", "se", "ci_low", "ci_high", "n")
DEFAULT_METRICS = ["service_level", "asa_s", "abandon_rate", "occupancy", "burnout_share", "cost_total"]
# Chosen by the experiment itself: a point that changed them would break common random numbers.
RESERVED_PATHS = ("seed", "replications")
_MAX_PROBLEMS = 12


# --- the experiment file ------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


Settings = dict[str, Any]
"""Dotted scenario paths (``groups.first_line.staffing.shifts.0.headcount``) to values."""


class Factor(_Strict):
    """One thing varied on the grid: values of a dotted path, or named levels that set several paths."""

    label: str | None = Field(default=None, description="Axis title in the report (default: the key).")
    values: list[Any] | None = Field(default=None, min_length=1, description="Values of the path named by the key.")
    levels: dict[str, Settings] | None = Field(
        default=None, min_length=1, description="Named levels, each setting dotted paths (the key is a name)."
    )


def _bare_list(value: Any) -> Any:
    # `path: [a, b]` is the short form of `path: {values: [a, b]}`.
    return {"values": value} if isinstance(value, list) else value


class NamedPoint(_Strict):
    """One explicitly listed point."""

    name: str = Field(min_length=1)
    settings: Settings = Field(default_factory=dict, alias="set")


class Experiment(_Strict):
    """An experiment file: a base scenario, what to vary, replications and what to chart."""

    name: str = Field(min_length=1)
    description: str = ""
    base: str = Field(min_length=1, description="Scenario file, relative to the experiment file.")
    replications: int | None = Field(default=None, ge=1, le=100000, description="Default: the base's.")
    seed: int | None = Field(default=None, ge=0, description="Root seed of every point (default: the base's).")
    settings: Settings = Field(default_factory=dict, alias="set", description="Applied to every point first.")
    factors: dict[str, Annotated[Factor, BeforeValidator(_bare_list)]] = Field(default_factory=dict)
    points: list[NamedPoint] = Field(default_factory=list)
    metrics: list[str] = Field(default_factory=lambda: list(DEFAULT_METRICS), min_length=1)


def _keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


# --- what an experiment expands to -----------------------------------------------------------


Where = tuple[str, int | None]


@dataclass(frozen=True)
class Setting:
    """One dotted path set to a value, and where in the experiment file that was said."""

    path: str
    value: Any
    where: Where


@dataclass(frozen=True)
class FactorInfo:
    """A column of the points table that tells points apart."""

    column: str  # the dotted path, or the factor's name for named levels
    label: str  # axis title
    short: str  # used in point names
    levels: tuple[Any, ...]  # values or level names, in the experiment's order

    @property
    def numeric(self) -> bool:
        """All values are numbers (a numeric axis); else the levels are categories in order.

        Integers beyond 64 bits count as text: table formats cannot hold them as numbers.
        """
        return all(isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**63)
                   for v in self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "label": self.label, "short": self.short, "levels": list(self.levels),
                "numeric": self.numeric}


@dataclass(frozen=True)
class SweepPoint:
    """One scenario of the sweep: a stable folder name, a readable name and its factor values."""

    id: str
    name: str
    values: dict[str, Any]  # factor column -> value (or level name)
    settings: tuple[Setting, ...]  # applied in order after the experiment's common `set`


@dataclass(frozen=True)
class Task:
    """One replication of one point: what a worker runs."""

    point: str
    replication: int
    scenario: Scenario


@dataclass
class TaskResult:
    """What a task gives back: KPIs, or the error it raised (as text, so it always pickles)."""

    point: str
    replication: int
    kpis: dict[str, float] | None
    wall_s: float
    worker: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_task(task: Task) -> TaskResult:
    """Simulate one task; an exception becomes the result's ``error`` so the sweep goes on.

    Pure: the KPIs depend only on the task, so any worker anywhere gives the same numbers.
    """
    worker = f"{socket.gethostname()}:{os.getpid()}"
    started = time.perf_counter()
    try:
        result = simulate(task.scenario, task.replication, keep_tables=False)
    except Exception:  # noqa: BLE001 - any failure of the model is reported for this task only
        return TaskResult(task.point, task.replication, None, time.perf_counter() - started, worker,
                          traceback.format_exc())
    return TaskResult(task.point, task.replication, result.kpis, result.wall_s, worker)


@dataclass
class Plan:
    """A validated experiment: its points with their scenarios, ready to run."""

    experiment: Experiment
    path: Path
    base: Path
    factors: list[FactorInfo]
    points: list[SweepPoint]
    scenarios: dict[str, Scenario]  # point id -> scenario
    seed: int
    replications: int
    text: str  # the experiment file as written

    @property
    def grid(self) -> bool:
        return bool(self.experiment.factors)

    def tasks(self) -> list[Task]:
        """Replication-major, so an interrupted sweep has covered every point about equally."""
        return [Task(p.id, r, self.scenarios[p.id]) for r in range(self.replications) for p in self.points]

    def fingerprint(self) -> str:
        """Hash of every point's resolved scenario (replications left out: adding some is allowed)."""
        document = [{"id": p.id, "name": p.name, "scenario": scenario_document(self.scenarios[p.id])}
                    for p in self.points]
        return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()

    def manifest(self) -> dict[str, Any]:
        """What ``sweep.json`` holds: enough to rebuild the report and to check a resume.

        Values YAML reads as something JSON lacks (a date) are kept as their text.
        """
        return json.loads(json.dumps({
            "name": self.experiment.name,
            "description": self.experiment.description,
            "experiment": str(self.path),
            "base": os.path.normpath(self.base),
            "seed": self.seed,
            "replications": self.replications,
            "layout": "grid" if self.grid else "points",
            "factors": [f.to_dict() for f in self.factors],
            "metrics": list(self.experiment.metrics),
            "points": [{"id": p.id, "name": p.name, "values": p.values,
                        "set": {s.path: s.value for s in p.settings}} for p in self.points],
            "fingerprint": self.fingerprint(),
        }, default=str))


# --- reading and checking an experiment --------------------------------------------------------


def load_experiment(path: str | Path, replications: int | None = None) -> Plan:
    """Read an experiment file, expand its points and validate every one of them.

    Raises :class:`ScenarioError` naming the file, line and field of each problem; invalid points
    are all listed together, each prefixed by its name, before anything runs.
    """
    path = Path(path)
    data, positions = read_yaml(path)
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_schema_problems(exc, positions, str(path))) from None
    _check(experiment, positions, str(path))
    base = path.parent / experiment.base
    if not base.exists():
        raise ScenarioError([f"{_at(positions, ('base',), str(path))}: base: scenario file not found: {base}"])
    base_positions: dict = {}
    base_data, _ = resolve_file(base, base_positions)
    factors, points = _expand(experiment, positions, str(path))
    common = [Setting(p, v, _where(positions, ("set", p), str(path))) for p, v in experiment.settings.items()]
    if experiment.seed is not None:
        common.insert(0, Setting("seed", experiment.seed, _where(positions, ("seed",), str(path))))
    scenarios: dict[str, Scenario] = {}
    problems: dict[str, list[str]] = {}
    for point in points:
        try:
            scenarios[point.id] = _point_scenario(base, base_data, base_positions, [*common, *point.settings],
                                                  point.name)
        except ScenarioError as exc:
            for problem in exc.problems:
                problems.setdefault(problem, []).append(point.name)
    if problems:
        raise ScenarioError(_by_point(problems, len(points)))
    seeds = {s.seed for s in scenarios.values()}
    count = replications or experiment.replications or next(iter(scenarios.values())).replications
    return Plan(experiment, path, base, factors, points, scenarios, seeds.pop(), count,
                path.read_text(encoding="utf-8"))


def _where(positions: dict, key: tuple, file: str) -> Where:
    for end in range(len(key), -1, -1):
        if key[:end] in positions:
            return positions[key[:end]]
    return (file, None)


def _at(positions: dict, key: tuple, file: str) -> str:
    where_file, line = _where(positions, key, file)
    return f"{where_file}:{line}" if line else where_file


def _schema_problems(exc: ValidationError, positions: dict, file: str) -> list[str]:
    """Pydantic errors on the experiment file as "file:line: field: what is wrong"."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        dotted = ".".join(str(k) for k in loc) or "(top level)"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            allowed = _keys({"factors": Factor, "points": NamedPoint}.get(str(loc[0]), Experiment))
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"unknown key {loc[-1]!r}{hint} Allowed keys here: {', '.join(allowed)}."
        elif error["type"] == "missing":
            message = "required key is missing"
        problems.append(f"{_at(positions, loc, file)}: {dotted}: {message}")
    return problems


def _check(experiment: Experiment, positions: dict, file: str) -> None:
    """What the schema cannot say: one layout, distinct values and names, no seed per point."""
    problems = []
    if bool(experiment.factors) == bool(experiment.points):
        problems.append(f"{file}: give either factors (a full grid) or points (a list of named points), not "
                        f"{'both' if experiment.factors else 'neither'}")
    for key, factor in experiment.factors.items():
        where = _at(positions, ("factors", key), file)
        if (factor.values is None) == (factor.levels is None):
            problems.append(f"{where}: factors.{key}: give either values (of the path {key!r}) or levels")
        elif factor.values is not None and len({_show(v) for v in factor.values}) < len(factor.values):
            problems.append(f"{where}: factors.{key}: a value is listed twice")
    names = [p.name for p in experiment.points]
    for index, name in enumerate(names):
        if name in names[:index]:
            problems.append(f"{_at(positions, ('points', index, 'name'), file)}: points.{index}.name: "
                            f"{name!r} is used by an earlier point")
    for key, where in _all_paths(experiment, positions, file):
        if key in RESERVED_PATHS:
            problems.append(f"{where}: {key}: set by the experiment's own {key!r} key, the same for every point "
                            "(common random numbers)")
        if not key or any(not part for part in key.split(".")):
            problems.append(f"{where}: {key!r}: expected a dotted path such as horizon.days")
    if problems:
        raise ScenarioError(problems)


def _all_paths(experiment: Experiment, positions: dict, file: str) -> Iterator[tuple[str, str]]:
    for key in experiment.settings:
        yield key, _at(positions, ("set", key), file)
    for key, factor in experiment.factors.items():
        if factor.values is not None:
            yield key, _at(positions, ("factors", key), file)
        for level, settings in (factor.levels or {}).items():
            for path in settings:
                yield path, _at(positions, ("factors", key, "levels", level, path), file)
    for index, point in enumerate(experiment.points):
        for path in point.settings:
            yield path, _at(positions, ("points", index, "set", path), file)


def _show(value: Any) -> str:
    """A value as the experiment file would spell it (for point names and table cells)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(", ", ": "))
    return str(value)


def short_names(columns: list[str]) -> list[str]:
    """The shortest ending of each dotted path that no other path shares ("headcount", "shifts.0.headcount")."""
    parts = [c.split(".") for c in columns]
    result = []
    for index, own in enumerate(parts):
        others = [p for i, p in enumerate(parts) if i != index]
        for length in range(1, len(own) + 1):
            ending = own[-length:]
            if all(o[-length:] != ending for o in others):
                break
        result.append(".".join(ending))
    return result


def _expand(experiment: Experiment, positions: dict, file: str) -> tuple[list[FactorInfo], list[SweepPoint]]:
    """Factors and points in a stable order: the grid in file order, the first factor slowest."""
    if experiment.factors:
        keys = list(experiment.factors)
        shorts = short_names(keys)
        factors, options = [], []
        for key, short in zip(keys, shorts):
            factor = experiment.factors[key]
            if factor.values is not None:
                levels = tuple(factor.values)
                options.append([(value, (Setting(key, value, _where(positions, ("factors", key, "values", i), file)),))
                                for i, value in enumerate(factor.values)])
            else:
                levels = tuple(factor.levels)
                options.append([(name, tuple(Setting(p, v, _where(positions, ("factors", key, "levels", name, p), file))
                                             for p, v in settings.items()))
                                for name, settings in factor.levels.items()])
            factors.append(FactorInfo(key, factor.label or key, short, levels))
        combos = list(itertools.product(*options))
        names = [", ".join(f"{f.short}={_show(value)}" for f, (value, _) in zip(factors, combo)) for combo in combos]
        ids = unique_slugs(names)
        points = [SweepPoint(pid, name, {f.column: value for f, (value, _) in zip(factors, combo)},
                             tuple(s for _, settings in combo for s in settings))
                  for pid, name, combo in zip(ids, names, combos)]
        return factors, points
    columns = list(dict.fromkeys(path for p in experiment.points for path in p.settings))
    factors = []
    for column, short in zip(columns, short_names(columns)):
        distinct: dict[str, Any] = {}
        for point in experiment.points:
            if column in point.settings:
                distinct.setdefault(_show(point.settings[column]), point.settings[column])
        factors.append(FactorInfo(column, column, short, tuple(distinct.values())))
    ids = unique_slugs([p.name for p in experiment.points])
    points = [SweepPoint(pid, p.name, {c: p.settings.get(c) for c in columns},
                         tuple(Setting(path, value, _where(positions, ("points", index, "set", path), file))
                               for path, value in p.settings.items()))
              for index, (pid, p) in enumerate(zip(ids, experiment.points))]
    return factors, points


def _position_key(data: Any, keys: list[str]) -> tuple:
    """The positions key of a dotted path: list indices as numbers, as the YAML reader records them."""
    result: list[Any] = []
    for key in keys:
        if isinstance(data, list) and key.lstrip("-").isdigit():
            result.append(int(key))
            data = data[int(key)] if -len(data) <= int(key) < len(data) else None
        else:
            result.append(key)
            data = data.get(key) if isinstance(data, dict) else None
    return tuple(result)


def _point_scenario(base: Path, base_data: dict, base_positions: dict, settings: list[Setting],
                    name: str) -> Scenario:
    """The base scenario with ``settings`` applied, validated; errors point at the experiment's lines."""
    data, positions = base_data, dict(base_positions)
    for setting in settings:
        keys = setting.path.split(".")
        try:
            data = apply_override(data, keys, setting.value)
        except ScenarioError as exc:
            where = f"{setting.where[0]}:{setting.where[1]}" if setting.where[1] else setting.where[0]
            raise ScenarioError([f"{where}: {setting.path}: {p.removeprefix('--set: ')}"
                                 for p in exc.problems]) from None
        positions[_position_key(data, keys)] = setting.where
    try:
        scenario = validate_data(data, positions, str(base), base.parent)
    except ScenarioError as exc:
        raise ScenarioError([_blame(problem, settings) for problem in exc.problems]) from None
    # Frozen models: model_copy sets the name shown in results without validating again.
    return scenario.model_copy(update={"name": name})


def _blame(problem: str, settings: list[Setting]) -> str:
    """Name the setting behind a problem reported on the block around it (a shift's own check, say)."""
    for setting in settings:
        keys = setting.path.split(".")
        prefixes = [".".join(keys[:end]) for end in range(len(keys) - 1, 0, -1)]
        if any(f": {prefix}: " in problem for prefix in prefixes):
            where = f"{setting.where[0]}:{setting.where[1]}" if setting.where[1] else setting.where[0]
            return f"{problem} (set at {where}: {setting.path}: {_show(setting.value)})"
    return problem


def _by_point(problems: dict[str, list[str]], total: int) -> list[str]:
    """One line per distinct problem, naming the points that have it."""
    lines = []
    for problem, names in problems.items():
        if len(names) == total and total > 1:
            who = "every point"
        elif len(names) > 3:
            who = f"points {', '.join(repr(n) for n in names[:3])} and {len(names) - 3} more"
        else:
            who = ("point " if len(names) == 1 else "points ") + ", ".join(repr(n) for n in names)
        lines.append(f"{who}: {problem}")
    if len(lines) > _MAX_PROBLEMS:
        lines = lines[:_MAX_PROBLEMS] + [f"... and {len(lines) - _MAX_PROBLEMS} more"]
    return lines


# --- the output folder -------------------------------------------------------------------------


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


def last_line(text: str) -> str:
    """The exception line of a traceback ("ValueError: lam value too large")."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _changes(stored: dict[str, Any], plan: Plan) -> str:
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


# --- running -----------------------------------------------------------------------------------


class Backend(Protocol):
    """Runs tasks somewhere and yields their results in the order they finish."""

    description: str

    def run(self, tasks: list[Task], function: Callable[[Task], TaskResult]) -> Iterator[TaskResult]: ...


@dataclass
class SweepRun:
    """What one invocation did."""

    total: int  # tasks of the experiment
    already: int  # finished before this invocation (resume)
    done: int = 0  # finished now
    failed: int = 0  # raised now
    interrupted: bool = False
    wall_s: float = 0.0
    started: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    @property
    def remaining(self) -> int:
        return self.total - self.already - self.done


def run_sweep(plan: Plan, folder: SweepFolder, backend: Backend,
              on_result: Callable[[TaskResult], None] | None = None,
              function: Callable[[Task], TaskResult] = run_task) -> SweepRun:
    """Run every task without a result in ``folder``, writing each as it arrives.

    The backend stops early on Ctrl-C (see :mod:`ccsim.experiments.backends`); what finished is on
    disk and ``interrupted`` is set. ``function`` is the task function (tests swap it).
    """
    started = time.perf_counter()
    finished = folder.finished(plan)
    todo = [t for t in plan.tasks() if (t.point, t.replication) not in finished]
    run = SweepRun(total=len(plan.tasks()), already=len(finished))
    try:
        for result in backend.run(todo, function):
            folder.write(result)
            if result.ok:
                run.done += 1
            else:
                run.failed += 1
            if on_result:
                on_result(result)
    finally:
        run.wall_s = time.perf_counter() - started
    run.interrupted = run.done + run.failed < len(todo)
    return run


# --- tables ------------------------------------------------------------------------------------


def aggregate(plan: Plan, replications: pd.DataFrame) -> pd.DataFrame:
    """One row per point: factor columns, then every KPI's mean, se, ci_low, ci_high and n."""
    rows = []
    grouped = {point: frame for point, frame in replications.groupby("point", sort=False)} if len(replications) else {}
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
        rows.append(row)
    return pd.DataFrame(rows)


def _cell(value: Any, factor: FactorInfo) -> Any:
    # A column of numbers stays numeric; anything else is text, so Parquet gets one type per column.
    return value if factor.numeric else (None if value is None else _show(value))


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
