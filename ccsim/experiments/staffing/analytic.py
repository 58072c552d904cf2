"""The analytic pass: Erlang C and Erlang A headcounts per interval from the measured load.

Each interval is taken as stationary (SIPP) with its arrival rate lagged by one mean handle time
(lagged SIPP, Green, Kolesar & Whitt 2007). Erlang C has nobody abandon; Erlang A uses the
segments' patience (:func:`mean_patience`) and counts the service level as the simulation does.

The Erlang requirements shown use the *configured* handle time (:func:`configured_handle`): what
a planner would put into an Erlang calculator from the scenario's settings. The handle time the
load simulation *measured* is larger where the model adds work the settings do not state per call
(callers made difficult by failures, handovers); it starts the simulation search and is shown
labelled as measured.

Units: rates per second; handle time and patience in seconds; load in Erlangs; headcounts in
agents, NaN where the targets need more than the solvers' cap (10 agents per Erlang plus 100).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ccsim.analytic import lagged_arrival_rates, min_agents_erlang_a, min_agents_erlang_c
from ccsim.config.scenario import Scenario
from ccsim.experiments.staffing.layout import Layout
from ccsim.experiments.staffing.measure import Observation
from ccsim.experiments.staffing.targets import Targets


def mean_patience(scenario: Scenario) -> float | None:
    """Mean patience (s) for Erlang A: 1 / Σ_i (share_i / E[τ_i]) over the segments.

    Summing abandonment rates weighted by share is the hazard at zero of the mixture for
    exponential patience, the quantity that drives Erlang A in practice (Zeltyn & Mandelbaum 2005).
    Segments that never hang up add nothing. None when nobody ever abandons.
    """
    rate = sum(segment.share / segment.patience.mean_value for segment in scenario.segments.values()
               if segment.patience is not None and segment.patience.mean_value > 0)
    return 1.0 / rate if rate > 0 else None


@dataclass
class Analytic:
    """Per group: offered load and the Erlang requirements, arrays [type, slot] (NaN: beyond reach)."""

    load: np.ndarray  # Erlangs, unlagged: legs per second x configured mean handle time
    erlang_c: np.ndarray  # with the configured handle time
    erlang_a: np.ndarray  # with the configured handle time
    start: np.ndarray  # Erlang A with the measured handle time: where the simulation search starts
    handle: float  # configured mean handle time, seconds
    measured_handle: float  # mean handle time of the legs answered in the load simulation, seconds
    patience: float | None  # seconds


def configured_handle(scenario: Scenario, group: str) -> float:
    """The group's mean handle time (s) as configured: talk times by segment share, difficulty, wrap-up.

    Σ_s share_s · E[talk_s] · d_s, times the group's ``talk_time_factor``, plus the mean wrap-up,
    where ``d_s`` is the difficulty talk factor's mean for segments difficult by nature and
    ``1 + base · (factor − 1)`` for the others (their chance of being difficult on a first
    attempt). Callers made difficult by earlier failures are not in it: the settings do not state
    how many there will be.
    """
    difficulty = scenario.difficulty
    factor = difficulty.talk_factor.mean_value if difficulty is not None else 1.0
    talk = 0.0
    for segment in scenario.segments.values():
        if difficulty is None:
            scale = 1.0
        elif segment.difficult:
            scale = factor
        else:
            scale = 1.0 + difficulty.base * (factor - 1.0)
        talk += segment.share * segment.talk_time.mean_value * scale
    spec = scenario.groups[group]
    return talk * spec.talk_time_factor + spec.wrap_up.mean_value


def lagged_rates(rates: np.ndarray, layout: Layout, lag: float) -> np.ndarray:
    """Per day type, the open intervals' rates (per second) shifted ``lag`` seconds later (lagged SIPP)."""
    result = np.zeros_like(rates, dtype=float)
    for index in range(len(layout.day_types)):
        slots = np.flatnonzero(layout.open[index])
        if len(slots) and math.isfinite(lag):
            result[index, slots] = lagged_arrival_rates(rates[index, slots], layout.interval, lag)
    return result


def analytic_pass(observation: Observation, layout: Layout, targets: Targets,
                  patience: float | None, handles: dict[str, float]) -> dict[str, Analytic]:
    """Erlang C and Erlang A headcounts per interval from the observed load and the configured ``handles``.

    Each day type's open intervals form one rate profile, lagged by the group's mean handle time
    (the agents busy in an interval serve callers who arrived about one handle time earlier).
    Erlang A measures the service level as the share of callers served within the threshold
    (``of_offered``), which is how the simulation counts it. Without patience Erlang A is Erlang C.
    """
    result = {}
    for group in layout.groups:
        measured, handle = observation.handle[group], handles[group]
        rate = observation.rate(group, layout)
        if not math.isfinite(measured):  # the group answered nobody: nothing to staff for
            zero = np.where(layout.open, 0.0, np.nan)
            result[group] = Analytic(np.zeros(layout.shape), zero, zero.copy(), zero.copy(), handle, measured,
                                     patience)
            continue
        erlang_c, erlang_a = _requirements(rate, handle, patience, layout, targets)
        _, start = _requirements(rate, measured, patience, layout, targets, erlang_c_too=False)
        result[group] = Analytic(rate * handle, erlang_c, erlang_a, start, handle, measured, patience)
    return result


def _requirements(rate: np.ndarray, handle: float, patience: float | None, layout: Layout, targets: Targets,
                  erlang_c_too: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Erlang C and Erlang A headcounts of every open interval at the lagged ``rate`` and ``handle``."""
    c_req = np.full(layout.shape, np.nan)
    a_req = np.full(layout.shape, np.nan)
    lagged = lagged_rates(rate, layout, handle)
    for cell in zip(*np.nonzero(layout.open)):
        if erlang_c_too or patience is None:
            c_req[cell] = erlang_c_need(float(lagged[cell]), handle, targets)
        a_req[cell] = c_req[cell] if patience is None else \
            erlang_a_need(float(lagged[cell]), handle, patience, targets)
    return c_req, a_req


def erlang_c_need(rate: float, handle: float, targets: Targets) -> float:
    """Erlang C headcount for the service level and occupancy targets (it has no abandonment);
    NaN when beyond the solver's cap of 10 agents per Erlang plus 100."""
    return _solve(lambda: min_agents_erlang_c(rate, handle, service_level=targets.service_level,
                                              threshold=targets.threshold, max_occupancy=targets.max_occupancy))


def erlang_a_need(rate: float, handle: float, patience: float, targets: Targets) -> float:
    """Erlang A headcount for every target, the service level counted as in the simulation
    (served within the threshold, of all offered); NaN when beyond the solver's cap."""
    return _solve(lambda: min_agents_erlang_a(
        rate, handle, patience, service_level=targets.service_level, threshold=targets.threshold,
        sl_definition="of_offered", max_abandon=targets.max_abandon, max_occupancy=targets.max_occupancy))


def _solve(solve: Callable[[], int]) -> float:
    """The solver's headcount, or NaN when the targets need more than its cap (10 a + 100)."""
    try:
        return float(solve())
    except ValueError:
        return math.nan
