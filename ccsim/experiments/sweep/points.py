"""What an experiment expands to: its factors and points, in a stable order, with where each
setting was written in the experiment file (so every problem can name a line).

A grid is every combination of the factors' values or levels, the first factor varying slowest;
a list of named points has one factor per dotted path any point sets. Point ids are slugs of the
names, unique within the sweep, and name the points' folders.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from ccsim.experiments.compare import unique_slugs
from ccsim.experiments.sweep.schema import Experiment

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


def locate(positions: dict, key: tuple, file: str) -> Where:
    """Where ``key`` (or the nearest block around it) was written: (file, line)."""
    for end in range(len(key), -1, -1):
        if key[:end] in positions:
            return positions[key[:end]]
    return (file, None)


def at(positions: dict, key: tuple, file: str) -> str:
    """:func:`locate` as text: "file:line", or the file alone when the line is unknown."""
    where_file, line = locate(positions, key, file)
    return f"{where_file}:{line}" if line else where_file


def show_value(value: Any) -> str:
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


def expand(experiment: Experiment, positions: dict, file: str) -> tuple[list[FactorInfo], list[SweepPoint]]:
    """Factors and points in a stable order: the grid in file order, the first factor slowest."""
    if experiment.factors:
        keys = list(experiment.factors)
        shorts = short_names(keys)
        factors, options = [], []
        for key, short in zip(keys, shorts):
            factor = experiment.factors[key]
            if factor.values is not None:
                levels = tuple(factor.values)
                options.append([(value, (Setting(key, value, locate(positions, ("factors", key, "values", i), file)),))
                                for i, value in enumerate(factor.values)])
            else:
                levels = tuple(factor.levels)
                options.append([(name, tuple(Setting(p, v, locate(positions, ("factors", key, "levels", name, p), file))
                                             for p, v in settings.items()))
                                for name, settings in factor.levels.items()])
            factors.append(FactorInfo(key, factor.label or key, short, levels))
        combos = list(itertools.product(*options))
        names = [", ".join(f"{f.short}={show_value(value)}" for f, (value, _) in zip(factors, combo))
                 for combo in combos]
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
                distinct.setdefault(show_value(point.settings[column]), point.settings[column])
        factors.append(FactorInfo(column, column, short, tuple(distinct.values())))
    ids = unique_slugs([p.name for p in experiment.points])
    points = [SweepPoint(pid, p.name, {c: p.settings.get(c) for c in columns},
                         tuple(Setting(path, value, locate(positions, ("points", index, "set", path), file))
                               for path, value in p.settings.items()))
              for index, (pid, p) in enumerate(zip(ids, experiment.points))]
    return factors, points
