"""Reading an experiment file and validating every point before anything runs.

Problems are reported as "file:line: field: what is wrong", pointing at the experiment file's
lines even when the check that failed is the scenario's own (a shift too long, say); a problem
shared by several points is listed once, naming the points.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ccsim.config.load import ScenarioError, apply_override, read_yaml, resolve_file, validate_data
from ccsim.config.scenario import Scenario
from ccsim.experiments.sweep.objectives import chosen_objectives, find_reference, objective_problems
from ccsim.experiments.sweep.plan import Plan
from ccsim.experiments.sweep.points import Setting, at, expand, locate, show_value
from ccsim.experiments.sweep.schema import RESERVED_PATHS, Experiment, Factor, NamedPoint, allowed_keys

_MAX_PROBLEMS = 12


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
        raise ScenarioError([f"{at(positions, ('base',), str(path))}: base: scenario file not found: {base}"])
    base_positions: dict = {}
    base_data, _ = resolve_file(base, base_positions)
    factors, points = expand(experiment, positions, str(path))
    reference = find_reference(experiment.reference, factors, points, positions, str(path))
    common = [Setting(p, v, locate(positions, ("set", p), str(path))) for p, v in experiment.settings.items()]
    if experiment.seed is not None:
        common.insert(0, Setting("seed", experiment.seed, locate(positions, ("seed",), str(path))))
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
                path.read_text(encoding="utf-8"), chosen_objectives(experiment.objectives), reference.id)


def _schema_problems(exc: ValidationError, positions: dict, file: str) -> list[str]:
    """Pydantic errors on the experiment file as "file:line: field: what is wrong"."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        dotted = ".".join(str(k) for k in loc) or "(top level)"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            allowed = allowed_keys({"factors": Factor, "points": NamedPoint}.get(str(loc[0]), Experiment))
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"unknown key {loc[-1]!r}{hint} Allowed keys here: {', '.join(allowed)}."
        elif error["type"] == "missing":
            message = "required key is missing"
        problems.append(f"{at(positions, loc, file)}: {dotted}: {message}")
    return problems


def _check(experiment: Experiment, positions: dict, file: str) -> None:
    """What the schema cannot say: one layout, distinct values and names, no seed per point."""
    problems = objective_problems(experiment.objectives, positions, file)
    if bool(experiment.factors) == bool(experiment.points):
        problems.append(f"{file}: give either factors (a full grid) or points (a list of named points), not "
                        f"{'both' if experiment.factors else 'neither'}")
    for key, factor in experiment.factors.items():
        where = at(positions, ("factors", key), file)
        if (factor.values is None) == (factor.levels is None):
            problems.append(f"{where}: factors.{key}: give either values (of the path {key!r}) or levels")
        elif factor.values is not None and len({show_value(v) for v in factor.values}) < len(factor.values):
            problems.append(f"{where}: factors.{key}: a value is listed twice")
    names = [p.name for p in experiment.points]
    for index, name in enumerate(names):
        if name in names[:index]:
            problems.append(f"{at(positions, ('points', index, 'name'), file)}: points.{index}.name: "
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
        yield key, at(positions, ("set", key), file)
    for key, factor in experiment.factors.items():
        if factor.values is not None:
            yield key, at(positions, ("factors", key), file)
        for level, settings in (factor.levels or {}).items():
            for path in settings:
                yield path, at(positions, ("factors", key, "levels", level, path), file)
    for index, point in enumerate(experiment.points):
        for path in point.settings:
            yield path, at(positions, ("points", index, "set", path), file)


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
            return f"{problem} (set at {where}: {setting.path}: {show_value(setting.value)})"
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
