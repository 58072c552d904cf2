"""The requirement a simulation implies: per interval, the agents the targets need, judged from a
simulation of a candidate staffing.

Erlang A (Erlang C without patience) serves as a control variate: the simulated share minus what
Erlang A gives at each replication's own load, pooled with the neighbouring intervals, plus Erlang
A averaged over the load's spread (days' busyness and Poisson counts, by Gauss-Hermite quadrature).
The estimate becomes agents by shifting the Erlang curve sideways through the simulated point.

Units: rates per second; handle time, patience and threshold in seconds; service level and
abandonment as shares in [0, 1]; load variance relative (Var / mean²); requirements in fractional
agents per interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.special import roots_hermitenorm

from ccsim.analytic import erlang_a, erlang_c_service_level
from ccsim.experiments.staffing.analytic import lagged_rates
from ccsim.experiments.staffing.layout import Layout
from ccsim.experiments.staffing.measure import Observation
from ccsim.experiments.staffing.targets import Targets


class CellModel:
    """Erlang A (Erlang C without patience) at one interval's measured load, as curves over agents."""

    def __init__(self, rate: float, handle: float, patience: float | None, threshold: float):
        self.rate, self.handle, self.patience, self.threshold = rate, handle, patience, threshold
        self._memo: dict[int, tuple[float, float]] = {}

    def _at(self, n: int) -> tuple[float, float]:
        if n not in self._memo:
            if self.patience is None:
                self._memo[n] = (erlang_c_service_level(n, self.rate, self.handle, self.threshold), 0.0)
            else:
                result = erlang_a(n, self.rate, self.handle, self.patience)
                self._memo[n] = (result.service_levels(self.threshold)["of_offered"], result.p_abandon)
        return self._memo[n]

    def service_level(self, n: int) -> float:
        return self._at(n)[0]

    def not_abandoning(self, n: int) -> float:
        return 1.0 - self._at(n)[1]


# Gauss-Hermite nodes (probabilists') for averaging a curve over a lognormal load factor.
_NODES, _WEIGHTS = roots_hermitenorm(5)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
# Relative load variances below this are treated as a known load.
_NO_SPREAD = 1e-8


class SpreadModel:
    """Erlang A averaged over an uncertain load: the rate times a factor F with mean 1.

    F is lognormal with the given relative variance (the days' busyness factor and the Poisson
    count of the interval); the average over F is a 5-node Gauss-Hermite sum. What the simulation
    reports for an interval is the mean over replications of its share, i.e. this average: a day
    10 % busier loses more than a day 10 % quieter gains, so meeting the target on average needs
    more agents than meeting it at the mean load (Whitt 2006, arrival-rate uncertainty).
    """

    def __init__(self, rate: float, handle: float, patience: float | None, threshold: float, variance: float):
        if variance <= _NO_SPREAD:
            factors, weights = np.ones(1), np.ones(1)
        else:
            sigma = math.sqrt(math.log1p(min(variance, 1.0)))
            factors, weights = np.exp(sigma * _NODES - sigma * sigma / 2.0), _WEIGHTS
        self.parts = [(float(w), CellModel(rate * float(f), handle, patience, threshold))
                      for f, w in zip(factors, weights)]

    def service_level(self, n: int) -> float:
        return sum(w * model.service_level(n) for w, model in self.parts)

    def not_abandoning(self, n: int) -> float:
        return sum(w * model.not_abandoning(n) for w, model in self.parts)


def load_variance(busyness_cv: float, expected_legs: float, days: int = 1) -> float:
    """Relative variance of an interval's load averaged over ``days`` days: (cv² + 1 / legs) / days.

    A day's count is Poisson given its busyness factor Z (mean 1, coefficient of variation cv),
    so Var(N) / E[N]² = cv² + 1 / E[N] (ignoring the extra spread of redials).
    """
    poisson = 1.0 / expected_legs if expected_legs > 0 else 0.0
    return (busyness_cv**2 + poisson) / max(days, 1)


def crossing(curve: Callable[[int], float], value: float, start: int, cap: int) -> float:
    """Fractional headcount where an increasing ``curve`` of agents reaches ``value``.

    The smallest integer n in [0, cap] with curve(n) >= value is found by galloping out from
    ``start`` and bisecting, then interpolated linearly from n - 1. Returns ``cap`` when even
    ``cap`` agents fall short.
    """
    start = min(max(start, 0), cap)
    if curve(start) >= value:
        low, high, step = start, start, 1  # invariant: curve(high) >= value
        while low > 0:
            low = max(high - step, 0)
            if curve(low) < value:
                break
            high, step = low, 2 * step
        else:
            return 0.0
    else:
        low, high, step = start, start, 1  # invariant: curve(low) < value
        while True:
            high = min(low + step, cap)
            if curve(high) >= value:
                break
            if high == cap:
                return float(cap)
            low, step = high, 2 * step
    while high - low > 1:
        middle = (low + high) // 2
        if curve(middle) >= value:
            high = middle
        else:
            low = middle
    below, above = curve(high - 1), curve(high)
    fraction = (value - below) / (above - below) if above > below else 1.0
    return high - 1 + min(max(fraction, 0.0), 1.0)


def erlang_shift(agents: int, value: float, target: float, curve: Callable[[int], float], bound: int
                 ) -> tuple[float, float]:
    """(t, offset) for one measure: Erlang A's headcount t for the target, and how many agents the
    simulation is behind Erlang A at this load (offset = agents - e, where Erlang A achieves the
    simulated ``value`` with e agents). The requirement the simulation implies is t + offset: the
    Erlang curve shifted sideways to pass through the simulated point. Curves are searched up to
    ``bound`` agents.
    """
    e = crossing(curve, value, agents, bound)
    t = crossing(curve, target, agents, bound)
    return t, agents - e


def pooled(values: np.ndarray, weights: np.ndarray, judged: np.ndarray, half_width: int) -> np.ndarray:
    """Weighted average of each judged cell's value with its neighbours within ``half_width`` intervals.

    Triangular kernel times ``weights`` (calls: the precision of a share), within one day type,
    over judged cells with a value. A cell without a value of its own borrows its neighbours'.
    """
    result = np.full(values.shape, np.nan)
    usable = judged & np.isfinite(values) & (weights > 0)
    for row, slot in zip(*np.nonzero(judged)):
        total = weight_sum = 0.0
        for other in range(max(slot - half_width, 0), min(slot + half_width + 1, values.shape[1])):
            if usable[row, other]:
                w = (half_width + 1 - abs(other - slot)) * weights[row, other]
                total += w * values[row, other]
                weight_sum += w
        if weight_sum > 0:
            result[row, slot] = total / weight_sum
    return result


# Neighbouring intervals on each side whose Erlang A error is pooled with an interval's own.
POOL_HALF_WIDTH = 1


def implied_requirements(staffing: np.ndarray, observation: Observation, group: str, layout: Layout,
                         targets: Targets, patience: float | None, caps: np.ndarray) -> np.ndarray:
    """Fractional headcount per cell that the targets need, judged from a simulation of ``staffing``.

    For a service-level or abandonment target, in three steps:

    1. *Estimate*: per replication, the simulated share minus what Erlang A gives at that
       replication's own load, averaged over replications (weighted by calls), plus what Erlang A
       gives on average over the load's spread (:class:`SpreadModel`). The Erlang curve works as a
       control variate: a run with more calls than expected does worse, and the curve says by how
       much, so the estimate of the interval's expected share is far steadier than the share itself.
    2. *Pooling*: the model's error (the first part) is averaged with the neighbouring intervals'
       (:func:`pooled`): one interval is noisy while the model's error changes slowly through the day.
    3. *Shift*: the estimate is turned into agents with :func:`erlang_shift` on the averaged
       Erlang curve: the requirement is Erlang A's own, moved by the agents between Erlang A and
       the simulation.

    Loads are lagged by one handle time, as in the analytic pass. An occupancy cap needs busy
    agents / cap. At least one agent while open.
    """
    handle = observation.handle[group]
    if not math.isfinite(handle):
        return np.where(layout.judged, 1.0, 0.0)
    expected = lagged_rates(observation.rate(group, layout), layout, handle)
    own = np.array([lagged_rates(legs / layout.interval, layout, handle)
                    for legs in observation.legs_by_replication[group]])
    kinds = [(observation.within[group], targets.service_level, False)]
    if targets.max_abandon is not None and patience is not None:
        kinds.append((observation.abandoned[group], targets.max_abandon, True))
    closed = observation.closed[group]
    calls = closed.sum(axis=0)
    cells = list(zip(*np.nonzero(layout.judged & (calls > 0) & (expected > 0))))
    # The target holds for one day's expected share; the replications measured days of the type pooled.
    day_model, pooled_model = {}, {}
    for cell in cells:
        days = int(layout.judged_days[cell])
        legs = float(observation.legs[group][cell])
        day_model[cell] = SpreadModel(float(expected[cell]), handle, patience, targets.threshold,
                                      load_variance(layout.busyness_cv, legs))
        pooled_model[cell] = day_model[cell] if days == 1 else SpreadModel(
            float(expected[cell]), handle, patience, targets.threshold, load_variance(layout.busyness_cv, legs, days))
    requirement = np.where(layout.judged, 1.0, 0.0)
    for counts, target, abandonment in kinds:
        errors = np.full(layout.shape, np.nan)
        for cell in cells:
            agents = int(staffing[cell])
            total = 0.0
            for r in np.flatnonzero(closed[(slice(None), *cell)] > 0):
                share = counts[(r, *cell)] / closed[(r, *cell)]
                share = 1.0 - share if abandonment else share
                model = CellModel(float(own[(r, *cell)]), handle, patience, targets.threshold)
                total += closed[(r, *cell)] * (share - _curve(model, abandonment)(agents))
            errors[cell] = total / calls[cell]
        errors = pooled(errors, calls, layout.judged, POOL_HALF_WIDTH)
        shifted = np.full(layout.shape, np.nan)
        for cell in cells:
            agents = int(staffing[cell])
            # The curves are searched well past the cell's cap, so that a capped cell still sees its need.
            bound = max(int(caps[cell]), math.ceil(10.0 * expected[cell] * handle + 100.0), 2 * agents)
            half = 0.5 / calls[cell]  # continuity: a perfect record is not an infinitely good interval
            value = min(max(_curve(pooled_model[cell], abandonment)(agents) + errors[cell], half), 1.0 - half)
            need, offset = erlang_shift(agents, value, 1.0 - target if abandonment else target,
                                        _curve(day_model[cell], abandonment), bound)
            shifted[cell] = need + offset
        requirement = np.fmax(requirement, np.where(layout.judged, shifted, np.nan))
    if targets.max_occupancy is not None:
        busy = observation.busy_agents(group, layout)
        occupied = np.where(observation.available[group].sum(axis=0) > 0, busy / targets.max_occupancy, np.nan)
        requirement = np.fmax(requirement, np.where(layout.judged, occupied, np.nan))
    return requirement


def _curve(model: CellModel | SpreadModel, abandonment: bool) -> Callable[[int], float]:
    """The increasing curve of a measure over agents: service level, or the share not abandoning."""
    return model.not_abandoning if abandonment else model.service_level
