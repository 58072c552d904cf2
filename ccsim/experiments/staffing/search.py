"""The simulation pass: the iterative search for the headcount per interval that meets the targets.

Starting from Erlang A, every iteration simulates the candidate staffing with the same seeds
(common random numbers), takes the requirement the simulation implies
(:mod:`ccsim.experiments.staffing.requirement`) and moves each interval towards it. Oscillation
is damped three ways: steps are at most half the headcount up and a quarter down; a per-interval
:class:`Bracket` keeps an interval from returning to a headcount the same seeds showed to miss
(or rising above one they showed to meet); and in the second half of the iteration budget
intervals are only raised. The search stops when an iteration changes nothing: with the same
seeds the next would be identical.

Units: headcounts in net agents on the phones per interval (arrays ``[type, slot]``); the history
in agent-hours over the horizon and counts of intervals.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ccsim.config.scenario import Scenario
from ccsim.experiments.staffing.analytic import Analytic
from ccsim.experiments.staffing.layout import Layout, agent_hours
from ccsim.experiments.staffing.measure import Observation
from ccsim.experiments.staffing.requirement import implied_requirements
from ccsim.experiments.staffing.scenarios import scenario_with_staffing
from ccsim.experiments.staffing.targets import Targets

# Largest change of one interval's headcount per iteration, as a share of it (at least one agent):
# damping, because an interval's service also depends on the intervals before it.
MAX_RAISE_SHARE = 0.5
MAX_LOWER_SHARE = 0.25
# Tolerance when rounding a fractional requirement up (2.0000001 agents is 2).
_ROUNDING = 1e-6


@dataclass
class Bracket:
    """Per cell, what the same seeds have shown: the highest headcount that missed and the lowest that met.

    -1 and a huge number mean "not seen". The latest observation wins when it contradicts an older
    one, because the intervals around a cell change between iterations too.
    """

    missed: np.ndarray
    met: np.ndarray

    @classmethod
    def empty(cls, shape: tuple[int, int]) -> Bracket:
        return cls(np.full(shape, -1, dtype=int), np.full(shape, np.iinfo(np.int32).max, dtype=int))

    def record(self, cell: tuple[int, int], agents: int, ok: bool) -> None:
        if ok:
            self.met[cell] = agents
            if self.missed[cell] >= agents:
                self.missed[cell] = -1
        else:
            self.missed[cell] = agents
            if self.met[cell] <= agents:
                self.met[cell] = np.iinfo(np.int32).max


def next_headcount(agents: int, requirement: float, ok: bool, missed: int, met: int, cap: int,
                   lower: bool = True) -> int:
    """The headcount to try next in one interval.

    Missing a target: up to the implied requirement (at least one more), never above the lowest
    headcount seen to meet it nor the cap. Meeting them: down to the implied requirement (only
    when ``lower``), never to a headcount seen to miss. Steps are damped (at most half up, a
    quarter down).
    """
    wanted = math.ceil(requirement - _ROUNDING)
    if ok and not lower:
        return agents
    if ok:
        floor = max(missed + 1, 1, agents - max(1, math.ceil(MAX_LOWER_SHARE * agents)))
        return min(agents, max(wanted, floor))
    ceiling = min(met, cap, agents + max(1, math.ceil(MAX_RAISE_SHARE * agents)))
    return max(agents, min(max(wanted, agents + 1), ceiling))


@dataclass
class StepOutcome:
    """What one iteration decided for one group."""

    staffing: np.ndarray
    requirement: np.ndarray  # [type, slot]: fractional requirement implied by the simulation
    missing: np.ndarray  # bool [type, slot]: judged cells missing a target at the simulated staffing
    at_cap: np.ndarray  # bool [type, slot]: missing and already at the cap


def search_step(staffing: np.ndarray, observation: Observation, group: str, layout: Layout, targets: Targets,
                patience: float | None, caps: np.ndarray, bracket: Bracket, lower: bool = True) -> StepOutcome:
    """One iteration of the simulation pass for one group: judge each interval, record it, move it.

    An interval meets its targets when the requirement the simulation implies is no more than its
    headcount (the control-variate estimate: steadier than the interval's raw share). With
    ``lower`` False intervals are only raised.
    """
    requirement = implied_requirements(staffing, observation, group, layout, targets, patience, caps)
    new = staffing.copy()
    missing = np.zeros(layout.shape, dtype=bool)
    at_cap = np.zeros(layout.shape, dtype=bool)
    for cell in zip(*np.nonzero(layout.judged)):
        agents, cap = int(staffing[cell]), int(caps[cell])
        ok = bool(requirement[cell] <= agents + _ROUNDING)
        bracket.record(cell, agents, ok)
        missing[cell] = not ok
        at_cap[cell] = not ok and agents >= cap
        new[cell] = next_headcount(agents, float(requirement[cell]), ok, int(bracket.missed[cell]),
                                   int(bracket.met[cell]), cap, lower)
    return StepOutcome(new, requirement, missing, at_cap)


def lowering_iterations(iterations: int) -> int:
    """Iterations in which intervals may also be lowered: the first half of the budget."""
    return max(1, math.ceil(iterations / 2))


def _caps(analytic: Analytic, layout: Layout, max_agents: int | None) -> np.ndarray:
    """Most agents an interval may get: ``max_agents``, else the Erlang solvers' cap 10 a + 100.

    The load ``a`` is taken at the larger of the configured and the measured handle time.
    """
    if max_agents is not None:
        return np.full(layout.shape, int(max_agents))
    ratio = analytic.measured_handle / analytic.handle if analytic.handle > 0 else 1.0
    load = analytic.load * max(1.0, ratio if math.isfinite(ratio) else 1.0)
    return np.ceil(10.0 * load + 100.0).astype(int)


def _start(analytic: Analytic, layout: Layout, caps: np.ndarray) -> np.ndarray:
    """The search starts from Erlang A at the measured handle time (the cap where it cannot reach the
    targets), at least 1 open."""
    start = np.where(np.isfinite(analytic.start), analytic.start, caps)
    start = np.minimum(np.maximum(start, 1), caps)
    return np.where(layout.open, start, 0).astype(int)


Simulate = Callable[[str, Scenario], Observation]


@dataclass
class SearchResult:
    """How the search ended, per group: the staffing it recommends and the last iteration's verdicts."""

    staffing: dict[str, np.ndarray]  # [type, slot]: the recommended net headcount
    outcomes: dict[str, StepOutcome]  # the last iteration's
    caps: dict[str, np.ndarray]  # [type, slot]: the most agents each interval may get
    history: list[dict[str, Any]]  # per iteration: agent-hours, intervals missing and changed, lowering
    iterations: int  # iterations run
    converged: bool  # the last iteration changed nothing


def search(simulate: Simulate, data: dict[str, Any], layout: Layout, targets: Targets, patience: float | None,
           analytic: dict[str, Analytic], iterations: int, max_agents: int | None = None,
           base_dir: str | Path = ".") -> SearchResult:
    """Simulate candidate staffings from Erlang A until an iteration changes nothing or ``iterations`` run out.

    ``simulate(label, scenario)`` runs the replications of one candidate, with the same seeds every
    time; ``data`` is the scenario as plain data, into which each candidate's headcounts are written.
    """
    caps = {g: _caps(analytic[g], layout, max_agents) for g in layout.groups}
    staffing = {g: _start(analytic[g], layout, caps[g]) for g in layout.groups}
    brackets = {g: Bracket.empty(layout.shape) for g in layout.groups}
    history: list[dict[str, Any]] = []
    converged = False
    outcomes: dict[str, StepOutcome] = {}
    done = 0
    for done in range(1, iterations + 1):
        candidate = scenario_with_staffing(data, layout, staffing, base_dir)
        observation = simulate(f"iteration {done}/{iterations}", candidate)
        # Second half of the budget: raise only. Intervals are coupled (an interval inherits the queue of
        # the one before; redials and transfers carry load across intervals, days and groups), so a
        # few can keep trading agents; raising only ends that, and the search, at a small cost.
        lower = done <= lowering_iterations(iterations)
        outcomes = {g: search_step(staffing[g], observation, g, layout, targets, patience, caps[g], brackets[g],
                                   lower) for g in layout.groups}
        changed = {g: int((outcomes[g].staffing != staffing[g]).sum()) for g in layout.groups}
        history.append({
            "iteration": done,
            "agent_hours": {g: round(agent_hours(staffing[g], layout), 2) for g in layout.groups},
            "intervals_missing": {g: int(outcomes[g].missing.sum()) for g in layout.groups},
            "intervals_changed": changed,
            "lowering": lower,
        })
        if not any(changed.values()):
            converged = True  # same staffing, same seeds: every further iteration would be identical
            break
        staffing = {g: outcomes[g].staffing for g in layout.groups}
    return SearchResult(staffing, outcomes, caps, history, done, converged)
