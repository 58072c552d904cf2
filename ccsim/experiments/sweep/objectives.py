"""What a sweep optimises and what it compares against: the objectives and the reference point.

An experiment file may name its objectives, each a catalogued KPI with ``min`` or ``max``::

    objectives: {service_level: max, abandon_rate: min, burnout_share: min, cost_total: min}

The trade-off (Pareto) front of the report is taken over exactly these, each in its direction.
Without ``objectives`` the sweep uses :data:`DEFAULT_OBJECTIVES`: service, abandonment, burnout,
cost and customers lost, so that a point cannot look good by losing callers (fewer agents cut
cost and, with abandonment and customers lost left out, would sit on the front for free).

``reference`` names the point every other one is compared with, by paired differences over the
replications (common random numbers): a point's name (``reference: "headcount=41, time_limit=none"``)
or factor values (``reference: {headcount: 41, time_limit: none}``; a factor is named by its
dotted path, the path's short ending or its label). Without it the reference is the first point
(the grid's first combination, or the first listed point).

Problems name the experiment file's line, as every check of :mod:`ccsim.experiments.sweep.load`.
"""

from __future__ import annotations

import difflib
from typing import Any

from ccsim.config.load import ScenarioError
from ccsim.experiments.sweep.points import FactorInfo, SweepPoint, at, show_value
from ccsim.metrics.catalogue import CATALOGUE, is_known

# The default objectives and their directions (docs/sweeps.md): the mission's trade-off between
# callers served, callers lost, agents' strain and money.
DEFAULT_OBJECTIVES = {"service_level": "max", "abandon_rate": "min", "burnout_share": "min", "cost_total": "min",
                      "customers_lost": "min"}
DIRECTIONS = ("min", "max")


def objective_problems(objectives: dict[str, str] | None, positions: dict, file: str) -> list[str]:
    """Objectives that are not catalogued KPIs, each with a close match when there is one."""
    problems = []
    for name in objectives or {}:
        if is_known(name):
            continue
        close = difflib.get_close_matches(name, list(CATALOGUE), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        problems.append(f"{at(positions, ('objectives', name), file)}: objectives.{name}: not a measure the engine "
                        f"emits; {hint}the measures are listed in docs/scenario-format.md (metrics table)")
    return problems


def chosen_objectives(objectives: dict[str, str] | None) -> dict[str, str]:
    """The experiment's objectives, or the defaults when it names none."""
    return dict(objectives) if objectives else dict(DEFAULT_OBJECTIVES)


def find_reference(reference: str | dict[str, Any] | None, factors: list[FactorInfo], points: list[SweepPoint],
                   positions: dict, file: str) -> SweepPoint:
    """The point named by ``reference`` (the first point when None). Raises :class:`ScenarioError`."""
    if reference is None:
        return points[0]
    where = at(positions, ("reference",), file)
    if isinstance(reference, str):
        for point in points:
            if reference in (point.name, point.id):
                return point
        close = difflib.get_close_matches(reference, [p.name for p in points], n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError([f"{where}: reference: no point is named {reference!r}{hint}"])
    wanted: dict[str, str] = {}
    problems = []
    for key, value in reference.items():
        factor = next((f for f in factors if str(key) in (f.column, f.short, f.label)), None)
        if factor is None:
            names = ", ".join(f.short for f in factors)
            problems.append(f"{where}: reference.{key}: not a factor of this sweep (factors: {names})")
            continue
        shown = [show_value(v) for v in factor.levels]
        if show_value(value) not in shown:
            problems.append(f"{where}: reference.{key}: {show_value(value)} is not one of its levels "
                            f"({', '.join(shown)})")
            continue
        wanted[factor.column] = show_value(value)
    if problems:
        raise ScenarioError(problems)
    matching = [p for p in points if all(show_value(p.values.get(c)) == v for c, v in wanted.items())]
    if len(matching) != 1:
        unnamed = [f.short for f in factors if f.column not in wanted]
        raise ScenarioError([f"{where}: reference: matches {len(matching)} points; name one level of every factor"
                             + (f" (also {', '.join(unnamed)})" if unnamed else "")])
    return matching[0]
