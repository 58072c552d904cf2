"""Recommended staffing: agents per planning interval and group that meet service targets.

``ccsim staff`` answers the planner's question the other way round from ``ccsim run``: not "what
happens with this headcount?" but "which headcount meets 80/20?". Four passes (docs/staffing.md):

1. **Load.** The scenario is simulated as given. Per group, day type (weekday) and interval it
   gives the queue visits (legs) offered to the group's queues, the group's mean handle time
   (talk + wrap-up of answered legs) and, from the segments, the callers' patience.
2. **Analytic pass.** Per interval, the smallest headcount meeting the targets under Erlang C and
   Erlang A, each interval stationary, with rates lagged by one mean handle time (lagged SIPP,
   Green, Kolesar & Whitt 2007).
3. **Simulation pass.** Starting from Erlang A, the full model is simulated with the same seeds
   (common random numbers) in every iteration, so a change in a result comes from the staffing.
   Each interval's expected service level (and abandonment) is estimated with Erlang A as a
   control variate (the simulated share minus Erlang A at the replication's own load, plus Erlang
   A averaged over the load's known spread), the model's error pooled with the neighbouring
   intervals'. The estimate moves the interval by the agents Erlang A needs between it and the
   target. A per-interval bracket (the highest headcount seen to miss, the lowest seen to meet)
   and damped steps stop oscillation; in the second half of the iteration budget intervals are
   only raised. The search stops when an iteration changes nothing (with the same seeds the next
   would be identical). A last check with fresh seeds reports every interval's measures with 95 %
   t-intervals; an interval at the headcount cap that still misses is unreachable.
4. **Shifts.** Groups with shift types get the per-weekday agents per shift at the fewest paid
   hours that cover the requirement on the phones (:func:`ccsim.analytic.rostering.cover_requirement`).

The headcount of the simulation pass is the engine's *net* form: agents on the phones, no breaks.
Day types are weekdays: ``headcount_by_weekday`` applies one step function to every date with that
weekday, so intervals are judged on the measures pooled over the horizon's days of that weekday.

Units: times in seconds, rates per second, staffing in agents, hours in agent-hours over the horizon.
"""

from __future__ import annotations

import copy
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.special import roots_hermitenorm

from ccsim import units
from ccsim.analytic import (
    erlang_a,
    erlang_c_service_level,
    lagged_arrival_rates,
    min_agents_erlang_a,
    min_agents_erlang_c,
)
from ccsim.analytic.rostering import Cover, cover_requirement
from ccsim.config.load import scenario_from_dict
from ccsim.config.scenario import Scenario, weekday_name
from ccsim.config.workforce import Shift
from ccsim.experiments.results import atomic_write, scenario_document, write_json
from ccsim.experiments.runner import ReplicationResult, replicate
from ccsim.metrics.stats import estimate
from ccsim.model.arrivals import expected_counts
from ccsim.model.calendar import Calendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_REPLICATIONS = 4
DEFAULT_ITERATIONS = 12
# Largest change of one interval's headcount per iteration, as a share of it (at least one agent):
# damping, because an interval's service also depends on the intervals before it.
MAX_RAISE_SHARE = 0.5
MAX_LOWER_SHARE = 0.25
# Tolerance when rounding a fractional requirement up (2.0000001 agents is 2).
_ROUNDING = 1e-6

# Status of an interval in the final check with fresh seeds.
MET = "met"  # every target's mean meets it
WITHIN_CI = "within CI"  # a mean misses, but every 95 % interval reaches the target
MISSED = "missed"  # a 95 % interval lies entirely on the wrong side of a target
UNREACHABLE = "unreachable"  # at the headcount cap and still missing
WARM_UP = "warm-up"  # before the horizon's warm-up ends: not judged
NO_CALLS = "no calls"


class TargetError(ValueError):
    """A target the user wrote that cannot be read or cannot hold; the text is the whole message."""


class StaffingError(ValueError):
    """A scenario or option that leaves nothing to staff; the text is the whole message."""


# --------------------------------------------------------------------------------------------
# Targets


@dataclass(frozen=True)
class Targets:
    """What every interval must achieve.

    Attributes:
        service_level: share of queue visits answered within ``threshold`` of those offered
            (answered + abandoned), as the ``service_level`` KPI measures it.
        threshold: seconds.
        max_abandon: largest share of queue visits abandoned (None: no target).
        max_occupancy: largest share of agents' time on the phones spent busy (None: no target).
    """

    service_level: float
    threshold: float
    max_abandon: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.service_level <= 1.0:
            raise TargetError(f"service level must lie in (0, 1], got {self.service_level!r}")
        if not (math.isfinite(self.threshold) and self.threshold > 0):
            raise TargetError(f"threshold must be > 0 seconds, got {self.threshold!r}")
        if self.max_abandon is not None and not 0.0 <= self.max_abandon <= 1.0:
            raise TargetError(f"max abandonment must lie in [0, 1], got {self.max_abandon!r}")
        if self.max_occupancy is not None and not 0.0 < self.max_occupancy <= 1.0:
            raise TargetError(f"max occupancy must lie in (0, 1], got {self.max_occupancy!r}")

    @property
    def label(self) -> str:
        """E.g. ``80/20, abandonment <= 5 %, occupancy <= 90 %``."""
        parts = [f"{_percent(self.service_level)}/{units.format_duration(self.threshold).removesuffix('s')}"
                 if self.threshold < 60 else
                 f"{_percent(self.service_level)} % within {units.format_duration(self.threshold)}"]
        if self.max_abandon is not None:
            parts.append(f"abandonment <= {_percent(self.max_abandon)} %")
        if self.max_occupancy is not None:
            parts.append(f"occupancy <= {_percent(self.max_occupancy)} %")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, float | None]:
        return {"service_level": self.service_level, "threshold_s": self.threshold,
                "max_abandon": self.max_abandon, "max_occupancy": self.max_occupancy}


def _percent(share: float) -> str:
    return f"{share * 100:g}"


_SERVICE_TARGET = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*%?\s*/\s*(\S.*?)\s*$")


def parse_service_target(text: str) -> tuple[float, float]:
    """``"80/20"`` -> (0.80, 20.0): a percentage answered within a threshold (seconds or with a unit).

    The percentage lies between 1 and 100 (``"80%/20s"`` and ``"95/1min"`` are accepted too).
    Raises :class:`TargetError` with one line saying what is wrong.
    """
    match = _SERVICE_TARGET.match(str(text))
    if not match:
        raise TargetError(f"--target {text}: expected PERCENT/SECONDS such as 80/20 "
                          "(80 % of calls answered within 20 s)")
    percent = float(match.group(1))
    if not 1.0 <= percent <= 100.0:
        raise TargetError(f"--target {text}: the service level is a percentage between 1 and 100, got {percent:g}")
    try:
        threshold = units.parse_duration(match.group(2))
    except ValueError:
        raise TargetError(f"--target {text}: the threshold {match.group(2)!r} is not a duration "
                          "(seconds, or with a unit: 20s, 1min)") from None
    if threshold <= 0:
        raise TargetError(f"--target {text}: the threshold must be longer than 0 s")
    return percent / 100.0, threshold


def parse_share(text: str, option: str, allow_zero: bool = True) -> float:
    """``"5%"`` or ``"0.05"`` -> 0.05 for the command-line option ``option``; TargetError otherwise."""
    try:
        share = units.parse_fraction(text)
    except ValueError:
        raise TargetError(f"{option} {text}: expected a percentage such as 5% (or a share such as 0.05) "
                          "between 0 and 100 %") from None
    if share == 0 and not allow_zero:
        raise TargetError(f"{option} {text}: must be more than 0 %")
    return share


# --------------------------------------------------------------------------------------------
# Layout: day types, intervals and which groups answer for which queues


@dataclass(frozen=True)
class Layout:
    """The grid the staffing is decided on: day types (weekdays) x intervals of a day, per group.

    Arrays indexed ``[type, slot]`` have shape (number of day types, intervals per day).
    """

    interval: float  # seconds
    slots_per_day: int
    day_types: tuple[str, ...]  # weekday names present (and open) in the horizon, Monday first
    days_of_type: tuple[tuple[int, ...], ...]  # horizon days of each day type
    type_of_day: np.ndarray  # per horizon day: index into day_types, -1 when closed
    open: np.ndarray  # bool [type, slot]: the centre takes calls
    judged_days: np.ndarray  # int [type, slot]: days of the type whose interval starts after the warm-up
    groups: tuple[str, ...]  # groups staffed here (the first choice of some queue)
    queues: dict[str, tuple[str, ...]]  # group -> queues whose targets it answers for
    load_share: dict[str, dict[str, float]]  # group -> queue -> share of the queue's load it carries
    fixed_groups: tuple[str, ...]  # groups that are nobody's first choice: staffing left as it is
    expected_fresh: np.ndarray  # [type, slot]: the scenario's expected fresh calls per day (busyness 1)
    busyness_cv: float  # coefficient of variation of the days' busyness factor
    days: int
    warmup: float

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.day_types), self.slots_per_day)

    @property
    def judged(self) -> np.ndarray:
        """bool [type, slot]: open intervals the targets are checked in."""
        return self.open & (self.judged_days > 0)

    def time_of(self, slot: int) -> str:
        return units.format_clock(slot * self.interval)

    def hours_per_cell(self) -> np.ndarray:
        """Agent-hours over the horizon that one agent in each cell stands for."""
        counts = np.array([len(days) for days in self.days_of_type], dtype=float)
        return np.where(self.open, counts[:, None] * self.interval / units.HOUR, 0.0)


def first_choice_groups(scenario: Scenario) -> dict[str, list[str]]:
    """Queue -> the groups that rank it highest in their ``serves`` (a queue's targets fall on them)."""
    result: dict[str, list[str]] = {}
    for queue in scenario.queues:
        ranks = {name: group.serves.index(queue) for name, group in scenario.groups.items() if queue in group.serves}
        best = min(ranks.values())
        result[queue] = [name for name, rank in ranks.items() if rank == best]
    return result


def build_layout(scenario: Scenario) -> Layout:
    """Day types, open intervals and group responsibilities of a scenario."""
    horizon = scenario.horizon
    interval = float(horizon.interval)
    slots_per_day = int(units.DAY // interval)
    present = sorted({horizon.weekday(day) for day in range(horizon.days) if horizon.open_span(day) is not None})
    day_types = tuple(weekday_name(w) for w in present)
    type_of_day = np.full(horizon.days, -1, dtype=int)
    for day in range(horizon.days):
        if horizon.open_span(day) is not None:
            type_of_day[day] = present.index(horizon.weekday(day))
    days_of_type = tuple(tuple(int(d) for d in np.flatnonzero(type_of_day == t)) for t in range(len(day_types)))
    open_ = np.zeros((len(day_types), slots_per_day), dtype=bool)
    judged = np.zeros((len(day_types), slots_per_day), dtype=int)
    starts = np.arange(slots_per_day) * interval
    for index, days in enumerate(days_of_type):
        start, end = horizon.open_span(days[0])
        open_[index] = (starts >= start) & (starts < end)
        for day in days:
            judged[index] += (day * units.DAY + starts >= horizon.warmup).astype(int)
    owners = first_choice_groups(scenario)
    queues: dict[str, list[str]] = {name: [] for name in scenario.groups}
    share: dict[str, dict[str, float]] = {name: {} for name in scenario.groups}
    for queue, groups in owners.items():
        for name in groups:
            queues[name].append(queue)
            share[name][queue] = 1.0 / len(groups)  # tied first choices pool the queue's load evenly
    staffed = tuple(name for name in scenario.groups if queues[name])
    expected = expected_counts(scenario.arrivals, Calendar.from_horizon(horizon)).reshape(horizon.days, slots_per_day)
    expected_fresh = np.array([expected[list(days)].mean(axis=0) for days in days_of_type]).reshape(
        len(day_types), slots_per_day)
    return Layout(
        interval=interval, slots_per_day=slots_per_day, day_types=day_types, days_of_type=days_of_type,
        type_of_day=type_of_day, open=open_, judged_days=judged, groups=staffed,
        queues={name: tuple(queues[name]) for name in staffed},
        load_share={name: share[name] for name in staffed},
        fixed_groups=tuple(name for name in scenario.groups if not queues[name]),
        expected_fresh=expected_fresh, busyness_cv=scenario.arrivals.busyness_cv, days=horizon.days,
        warmup=float(horizon.warmup),
    )


def mean_patience(scenario: Scenario) -> float | None:
    """Mean patience (s) for Erlang A: 1 / Σ_i (share_i / E[τ_i]) over the segments.

    Summing abandonment rates weighted by share is the hazard at zero of the mixture for
    exponential patience, the quantity that drives Erlang A in practice (Zeltyn & Mandelbaum 2005).
    Segments that never hang up add nothing. None when nobody ever abandons.
    """
    rate = sum(segment.share / segment.patience.mean_value for segment in scenario.segments.values()
               if segment.patience is not None and segment.patience.mean_value > 0)
    return 1.0 / rate if rate > 0 else None


# --------------------------------------------------------------------------------------------
# Building scenarios with a given staffing


def with_targets(scenario: Scenario, targets: Targets, base_dir: str | Path = ".") -> Scenario:
    """The scenario measuring against ``targets`` (its service-level block set to them)."""
    data = scenario_document(scenario)
    data["service_level"] = {**data.get("service_level", {}), "threshold": targets.threshold,
                             "target": targets.service_level}
    if targets.max_abandon is not None:
        data["service_level"]["max_abandon"] = targets.max_abandon
    return scenario_from_dict(data, base_dir)


def step_function(values: np.ndarray, open_: np.ndarray, interval: float) -> dict[str, int] | int:
    """A day's headcounts per interval as the scenario's step function ``{"08:00": 40, ...}``.

    Closed intervals count as 0 (staffing applies only while open anyway); a day that never
    changes is a plain number.
    """
    steps: dict[str, int] = {}
    previous = 0
    for slot, (value, is_open) in enumerate(zip(values, open_)):
        value = int(value) if is_open else 0
        if value != previous:
            steps[units.format_clock(slot * interval)] = value
            previous = value
    if not steps:
        return 0
    if len(steps) == 1 and "00:00" in steps:
        return steps["00:00"]
    return steps


def _headcount_block(layout: Layout, staffing: np.ndarray) -> dict[str, Any]:
    return {"headcount_by_weekday": {day: step_function(staffing[index], layout.open[index], layout.interval)
                                     for index, day in enumerate(layout.day_types)}}


def scenario_with_staffing(data: dict[str, Any], layout: Layout, staffing: dict[str, np.ndarray],
                           base_dir: str | Path = ".") -> Scenario:
    """The scenario (as plain data) with each staffed group on a net headcount per weekday and interval."""
    data = copy.deepcopy(data)
    for group, values in staffing.items():
        data["groups"][group]["staffing"] = _headcount_block(layout, values)
    return scenario_from_dict(data, base_dir)


# --------------------------------------------------------------------------------------------
# Measuring: replications -> per group, day type and interval


@dataclass
class Observation:
    """What R replications of one staffing showed, per group.

    ``within``, ``closed``, ``abandoned``, ``busy``, ``available``: arrays [replication, type, slot]
    summed over the judged days of each type (busy and available in seconds). ``legs``: legs
    offered per day of the type in each interval (all days, warm-up included), [type, slot], by a
    ratio estimator: the scenario's expected fresh calls times the legs per fresh call observed.
    Fresh arrivals are Poisson around a known mean, so scaling by the observed ratio removes their
    noise (exactly, for one queue without redials or transfers) and the days' busyness factors.
    ``legs_by_replication``: legs offered per day of the type in each replication, [replication,
    type, slot]. ``handle``: mean handle time (talk + wrap-up of answered legs) per group, seconds.
    """

    within: dict[str, np.ndarray]
    closed: dict[str, np.ndarray]
    abandoned: dict[str, np.ndarray]
    busy: dict[str, np.ndarray]
    available: dict[str, np.ndarray]
    legs: dict[str, np.ndarray]
    legs_by_replication: dict[str, np.ndarray]
    handle: dict[str, float]
    replications: int

    def ratio(self, kind: str, group: str) -> np.ndarray:
        """Per replication: service level, abandonment or occupancy of every cell (NaN: no data)."""
        top, bottom = {"service_level": (self.within, self.closed), "abandon": (self.abandoned, self.closed),
                       "occupancy": (self.busy, self.available)}[kind]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(bottom[group] > 0, top[group] / bottom[group], np.nan)

    def mean(self, kind: str, group: str) -> np.ndarray:
        """Mean over replications of the per-replication ratios (as the KPIs average them)."""
        values = self.ratio(kind, group)
        counts = np.isfinite(values).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, np.nansum(values, axis=0) / np.maximum(counts, 1), np.nan)

    def rate(self, group: str, layout: Layout) -> np.ndarray:
        """Legs offered to the group per second in each cell."""
        return self.legs[group] / layout.interval

    def busy_agents(self, group: str, layout: Layout) -> np.ndarray:
        """Mean agents busy (talk + wrap-up) in each cell, over replications and judged days."""
        per_day = np.maximum(layout.judged_days, 1) * layout.interval
        return self.busy[group].mean(axis=0) / per_day


def observe(results: list[ReplicationResult], layout: Layout) -> Observation:
    """Aggregate the interval tables of replications onto the layout's grid."""
    shape = (len(results), *layout.shape)
    names = ("within", "closed", "abandoned", "busy", "available")
    arrays = {name: {g: np.zeros(shape) for g in layout.groups} for name in names}
    per_replication = {g: np.zeros(shape) for g in layout.groups}
    fresh = np.zeros(layout.shape)
    handle_sum = dict.fromkeys(layout.groups, 0.0)
    handle_count = dict.fromkeys(layout.groups, 0)
    for r, result in enumerate(results):
        intervals = result.tables.intervals
        day_type = layout.type_of_day[intervals["day"].to_numpy()]
        slot = intervals["slot"].to_numpy() % layout.slots_per_day
        inside = (day_type >= 0) & intervals["open"].to_numpy()
        judged = inside & (intervals["t_start"].to_numpy() >= layout.warmup)
        queue = intervals["queue"].astype(str).to_numpy()
        answered = intervals["answered"].to_numpy()
        abandoned = intervals["abandoned"].to_numpy()
        for group in layout.groups:
            share = np.array([layout.load_share[group].get(q, 0.0) for q in queue])
            mine = inside & (share > 0)
            np.add.at(per_replication[group], (r, day_type[mine], slot[mine]),
                      intervals["offered"].to_numpy()[mine] * share[mine])
            mine = judged & (share > 0)
            at = (r, day_type[mine], slot[mine])
            np.add.at(arrays["within"][group], at, intervals["answered_within_threshold"].to_numpy()[mine])
            np.add.at(arrays["closed"][group], at, answered[mine] + abandoned[mine])
            np.add.at(arrays["abandoned"][group], at, abandoned[mine])
        calls = result.tables.calls
        arrived = calls.loc[calls["trigger"].astype(str) == "fresh", "t_arrive"].to_numpy()
        slot = (arrived // layout.interval).astype(int)
        day_type = layout.type_of_day[np.minimum(slot // layout.slots_per_day, layout.days - 1)]
        mine = day_type >= 0
        np.add.at(fresh, (day_type[mine], slot[mine] % layout.slots_per_day), 1.0)
        load = result.tables.group_intervals
        day_type = layout.type_of_day[load["day"].to_numpy()]
        slot = load["slot"].to_numpy() % layout.slots_per_day
        judged = (day_type >= 0) & load["open"].to_numpy() & (load["t_start"].to_numpy() >= layout.warmup)
        group_of = load["group"].astype(str).to_numpy()
        for group in layout.groups:
            mine = judged & (group_of == group)
            at = (r, day_type[mine], slot[mine])
            np.add.at(arrays["busy"][group], at, load["busy_s"].to_numpy()[mine])
            np.add.at(arrays["available"][group], at, load["available_s"].to_numpy()[mine])
        served = result.tables.legs
        served = served[served["outcome"].astype(str) == "answered"]
        handle = (served["talk_s"] + served["wrap_s"]).to_numpy()
        group_of = served["group"].astype(str).to_numpy()
        for group in layout.groups:
            mine = (group_of == group) & np.isfinite(handle)
            handle_sum[group] += float(handle[mine].sum())
            handle_count[group] += int(mine.sum())
    day_counts = np.array([len(days) for days in layout.days_of_type], dtype=float)[:, None]
    legs = {}
    for group in layout.groups:
        total = per_replication[group].sum(axis=0)
        per_replication[group] /= day_counts
        # Where no fresh call arrived (e.g. only redials at opening) the plain mean is all there is.
        with np.errstate(invalid="ignore", divide="ignore"):
            legs[group] = np.where(fresh > 0, layout.expected_fresh * total / fresh,
                                   total / (day_counts * len(results)))
    handles = {g: handle_sum[g] / handle_count[g] if handle_count[g] else math.nan for g in layout.groups}
    return Observation(legs=legs, legs_by_replication=per_replication, handle=handles, replications=len(results),
                       **arrays)


# --------------------------------------------------------------------------------------------
# Analytic pass: Erlang C and Erlang A per interval, lagged SIPP


@dataclass
class Analytic:
    """Per group: offered load and the Erlang requirements, arrays [type, slot] (NaN: beyond reach)."""

    load: np.ndarray  # Erlangs, unlagged: legs per second x mean handle time
    erlang_c: np.ndarray
    erlang_a: np.ndarray
    handle: float  # seconds
    patience: float | None  # seconds


def lagged_rates(rates: np.ndarray, layout: Layout, lag: float) -> np.ndarray:
    """Per day type, the open intervals' rates (per second) shifted ``lag`` seconds later (lagged SIPP)."""
    result = np.zeros_like(rates, dtype=float)
    for index in range(len(layout.day_types)):
        slots = np.flatnonzero(layout.open[index])
        if len(slots) and math.isfinite(lag):
            result[index, slots] = lagged_arrival_rates(rates[index, slots], layout.interval, lag)
    return result


def analytic_pass(observation: Observation, layout: Layout, targets: Targets,
                  patience: float | None) -> dict[str, Analytic]:
    """Erlang C and Erlang A headcounts per interval from the observed load.

    Each day type's open intervals form one rate profile, lagged by the group's mean handle time
    (the agents busy in an interval serve callers who arrived about one handle time earlier).
    Erlang A measures the service level as the share of callers served within the threshold
    (``of_offered``), which is how the simulation counts it. Without patience Erlang A is Erlang C.
    """
    result = {}
    for group in layout.groups:
        handle = observation.handle[group]
        rate = observation.rate(group, layout)
        load = rate * handle if math.isfinite(handle) else np.zeros(layout.shape)
        c_req = np.full(layout.shape, np.nan)
        a_req = np.full(layout.shape, np.nan)
        lagged = lagged_rates(rate, layout, handle)
        for cell in zip(*np.nonzero(layout.open)):
            if not math.isfinite(handle):  # the group answered nobody: nothing to staff for
                c_req[cell] = a_req[cell] = 0
                continue
            c_req[cell] = erlang_c_need(float(lagged[cell]), handle, targets)
            a_req[cell] = c_req[cell] if patience is None else \
                erlang_a_need(float(lagged[cell]), handle, patience, targets)
        result[group] = Analytic(load, c_req, a_req, handle, patience)
    return result


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


# --------------------------------------------------------------------------------------------
# Simulation pass: one step of the bracketed, Erlang-guided search


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


# --------------------------------------------------------------------------------------------
# Shifts


@dataclass
class ShiftPlan:
    """A group's shift types covering its requirement: agents per shift and weekday, and what is left."""

    counts: dict[str, dict[str, int]]  # shift -> weekday -> agents
    on_phones: np.ndarray  # [type, slot]: mean agents on the phones (after breaks and off-phone time)
    shortfall: np.ndarray  # [type, slot]: requirement not covered (agents)
    surplus: np.ndarray  # [type, slot]: agents on the phones beyond the requirement
    paid_hours: float  # over the horizon, breaks included
    problems: list[str] = field(default_factory=list)


def training_off_phone(scenario: Scenario, group: str) -> float:
    """Share of a shift the training policy takes off the phones for this group (as the engine does)."""
    training = scenario.policies.active("training")
    if training is None or group not in training.groups:
        return 0.0
    return training.hours_per_week / (40 * units.HOUR)


def cover_with_shifts(requirement: np.ndarray, shifts: list[Shift], layout: Layout, extra_off_phone: float = 0.0
                      ) -> ShiftPlan:
    """Per weekday, the fewest paid hours of ``shifts`` putting ``requirement`` agents on the phones."""
    if extra_off_phone > 0:
        shifts = [s.model_copy(update={"off_phone": min(0.5, s.off_phone + extra_off_phone)}) for s in shifts]
    counts: dict[str, dict[str, int]] = {shift.name: {} for shift in shifts}
    on_phones = np.zeros(layout.shape)
    shortfall = np.zeros(layout.shape)
    surplus = np.zeros(layout.shape)
    paid = 0.0
    problems: list[str] = []
    for index, day in enumerate(layout.day_types):
        need = np.where(layout.open[index], requirement[index], 0.0)
        running = [shift for shift in shifts if day in shift.weekdays]
        try:
            cover: Cover = cover_requirement(need, running, layout.interval)
        except ValueError as exc:
            problems.append(f"{day}: {exc}")
            shortfall[index] = need
            continue
        for shift in running:
            counts[shift.name][day] = cover.counts[shift.name]
        on_phones[index] = np.where(layout.open[index], cover.on_phones, 0.0)
        shortfall[index] = np.where(layout.open[index], cover.shortfall, 0.0)
        surplus[index] = np.where(layout.open[index], cover.surplus, 0.0)
        paid += cover.paid_hours * len(layout.days_of_type[index])
        if not running and need.any():
            problems.append(f"{day}: no shift type runs on this weekday")
    return ShiftPlan(counts, on_phones, shortfall, surplus, paid, problems)


# --------------------------------------------------------------------------------------------
# The whole recommendation


@dataclass
class CheckEstimates:
    """The final check with fresh seeds, per group: mean and 95 % interval of each measure, [type, slot]."""

    mean: dict[str, np.ndarray]
    low: dict[str, np.ndarray]
    high: dict[str, np.ndarray]
    calls: np.ndarray  # mean legs offered per day in each cell


@dataclass
class GroupPlan:
    """Everything recommended and measured for one group; arrays [type, slot]."""

    name: str
    queues: tuple[str, ...]
    hourly_cost: float
    analytic: Analytic
    simulated: np.ndarray
    scheduled: np.ndarray  # agents on the phones under the plan (shifts) or the headcount itself
    shifts: ShiftPlan | None
    check: CheckEstimates
    status: np.ndarray  # object [type, slot]: MET, WITHIN_CI, MISSED, UNREACHABLE, WARM_UP, NO_CALLS or ""


@dataclass
class StaffingResult:
    """The recommendation: per group plans, how the search went, and what it cost."""

    scenario: Scenario
    targets: Targets
    layout: Layout
    groups: dict[str, GroupPlan]
    iterations: int
    max_iterations: int
    converged: bool
    replications: int
    history: list[dict[str, Any]]
    run_time_s: float
    base_dir: str = "."

    def unreachable(self) -> list[tuple[str, str, str]]:
        """(group, weekday, time) of every interval whose targets the cap could not meet."""
        found = []
        for plan in self.groups.values():
            for index, slot in zip(*np.nonzero(plan.status == UNREACHABLE)):
                found.append((plan.name, self.layout.day_types[index], self.layout.time_of(int(slot))))
        return found


StageCallback = Callable[[str, int], None]
DoneCallback = Callable[[ReplicationResult], None]


def lowering_iterations(iterations: int) -> int:
    """Iterations in which intervals may also be lowered: the first half of the budget."""
    return max(1, math.ceil(iterations / 2))


def _caps(analytic: Analytic, layout: Layout, max_agents: int | None) -> np.ndarray:
    """Most agents an interval may get: ``max_agents``, else the Erlang solvers' cap 10 a + 100."""
    if max_agents is not None:
        return np.full(layout.shape, int(max_agents))
    return np.ceil(10.0 * analytic.load + 100.0).astype(int)


def _start(analytic: Analytic, layout: Layout, caps: np.ndarray) -> np.ndarray:
    """The search starts from Erlang A (the cap where Erlang A cannot reach the targets), at least 1 open."""
    start = np.where(np.isfinite(analytic.erlang_a), analytic.erlang_a, caps)
    start = np.minimum(np.maximum(start, 1), caps)
    return np.where(layout.open, start, 0).astype(int)


def check_estimates(observation: Observation, group: str, layout: Layout) -> CheckEstimates:
    """Mean and 95 % t-interval over replications of each measure in each cell."""
    mean, low, high = {}, {}, {}
    for kind in ("service_level", "abandon", "occupancy"):
        values = observation.ratio(kind, group)
        mean[kind] = np.full(layout.shape, np.nan)
        low[kind] = np.full(layout.shape, np.nan)
        high[kind] = np.full(layout.shape, np.nan)
        for cell in zip(*np.nonzero(layout.judged)):
            found = estimate(values[(slice(None), *cell)])
            mean[kind][cell] = np.nan if found.mean is None else found.mean
            low[kind][cell] = np.nan if found.ci_low is None else found.ci_low
            high[kind][cell] = np.nan if found.ci_high is None else found.ci_high
    return CheckEstimates(mean, low, high, observation.legs[group])


def classify(check: CheckEstimates, targets: Targets, layout: Layout, unreachable: np.ndarray) -> np.ndarray:
    """Each interval's status in the final check (see the module's status constants)."""
    status = np.full(layout.shape, "", dtype=object)
    status[layout.open & ~layout.judged] = WARM_UP
    limits = [("service_level", targets.service_level, +1)]
    if targets.max_abandon is not None:
        limits.append(("abandon", targets.max_abandon, -1))
    if targets.max_occupancy is not None:
        limits.append(("occupancy", targets.max_occupancy, -1))
    for cell in zip(*np.nonzero(layout.judged)):
        if unreachable[cell]:
            status[cell] = UNREACHABLE
            continue
        verdict = NO_CALLS
        for kind, limit, sign in limits:
            mean = check.mean[kind][cell]
            if not math.isfinite(mean):
                continue
            verdict = MET if verdict == NO_CALLS else verdict
            # The far end of the interval in the target's favour: high for a floor, low for a cap.
            best = check.high[kind][cell] if sign > 0 else check.low[kind][cell]
            best = mean if not math.isfinite(best) else best
            if sign * (best - limit) < 0:
                verdict = MISSED
            elif sign * (mean - limit) < 0 and verdict != MISSED:
                verdict = WITHIN_CI
        status[cell] = verdict
    return status


def describe_intervals(cells: list[tuple[str, str, str]], interval: float) -> str:
    """``[(group, day, "08:00"), ...]`` -> ``"first_line mon 08:00-09:00, tue 08:00-08:30; experts ..."``.

    Consecutive intervals merge into one range (end = the last interval's end).
    """
    by_group: dict[str, dict[str, list[float]]] = {}
    for group, day, clock in cells:
        by_group.setdefault(group, {}).setdefault(day, []).append(units.parse_clock(clock))
    parts = []
    for group, days in by_group.items():
        ranges = []
        for day, starts in days.items():
            starts = sorted(starts)
            first = previous = starts[0]
            for start in [*starts[1:], None]:
                if start is not None and start == previous + interval:
                    previous = start
                    continue
                ranges.append(f"{day} {units.format_clock(first)}-{units.format_clock(previous + interval)}")
                if start is not None:
                    first = previous = start
        parts.append(f"{group} " + ", ".join(ranges))
    return "; ".join(parts)


def _agent_hours(values: np.ndarray, layout: Layout) -> float:
    return float(np.nansum(np.where(layout.open, values, 0.0) * layout.hours_per_cell()))


def recommend_staffing(
    scenario: Scenario,
    targets: Targets,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    iterations: int = DEFAULT_ITERATIONS,
    jobs: int | None = None,
    max_agents: int | None = None,
    base_dir: str | Path = ".",
    on_stage: StageCallback | None = None,
    on_done: DoneCallback | None = None,
) -> StaffingResult:
    """Recommend agents per interval and group for ``targets`` (see the module docstring).

    Args:
        replications: replications per simulation (the same seeds 0..R-1 in every iteration;
            R..2R-1 for the final check). At least 2, for intervals.
        iterations: most simulations of candidate staffings before the search gives up.
        jobs: worker processes (None: all cores).
        max_agents: most agents one group may have in one interval; a target needing more is
            reported unreachable (default: 10 per Erlang of load plus 100).
        base_dir: folder of the scenario file (for files it refers to).
        on_stage: called with a label and the number of replications before each simulation.
        on_done: called after each replication.
    """
    if replications < 2:
        raise StaffingError("replications must be at least 2 (a confidence interval needs two)")
    if iterations < 1:
        raise StaffingError("iterations must be at least 1")
    started = time.perf_counter()
    scenario = with_targets(scenario, targets, base_dir)
    layout = build_layout(scenario)
    if not layout.groups:
        raise StaffingError("no group is the first choice of any queue: nothing to staff")
    if not layout.judged.any():
        raise StaffingError("horizon.warmup covers every open interval: nothing to judge the targets on")
    data = scenario_document(scenario)
    patience = mean_patience(scenario)
    seeds = range(replications)

    def run(label: str, candidate: Scenario, numbers: range) -> Observation:
        if on_stage:
            on_stage(label, len(numbers))
        return observe(replicate(candidate, replications=numbers, jobs=jobs, on_done=on_done), layout)

    first = run("load", scenario, seeds)
    analytic = analytic_pass(first, layout, targets, patience)
    caps = {g: _caps(analytic[g], layout, max_agents) for g in layout.groups}
    staffing = {g: _start(analytic[g], layout, caps[g]) for g in layout.groups}
    brackets = {g: Bracket.empty(layout.shape) for g in layout.groups}
    history: list[dict[str, Any]] = []
    converged = False
    outcomes: dict[str, StepOutcome] = {}
    done = 0
    for done in range(1, iterations + 1):
        candidate = scenario_with_staffing(data, layout, staffing, base_dir)
        observation = run(f"iteration {done}/{iterations}", candidate, seeds)
        # Second half of the budget: raise only. Intervals are coupled (an interval inherits the queue of
        # the one before; redials and transfers carry load across intervals, days and groups), so a
        # few can keep trading agents; raising only ends that, and the search, at a small cost.
        lower = done <= lowering_iterations(iterations)
        outcomes = {g: search_step(staffing[g], observation, g, layout, targets, patience, caps[g], brackets[g],
                                   lower) for g in layout.groups}
        changed = {g: int((outcomes[g].staffing != staffing[g]).sum()) for g in layout.groups}
        history.append({
            "iteration": done,
            "agent_hours": {g: round(_agent_hours(staffing[g], layout), 2) for g in layout.groups},
            "intervals_missing": {g: int(outcomes[g].missing.sum()) for g in layout.groups},
            "intervals_changed": changed,
            "lowering": lower,
        })
        if not any(changed.values()):
            converged = True  # same staffing, same seeds: every further iteration would be identical
            break
        staffing = {g: outcomes[g].staffing for g in layout.groups}
    recommended = scenario_with_staffing(data, layout, staffing, base_dir)
    check = run("final check (fresh seeds)", recommended, range(replications, 2 * replications))
    groups: dict[str, GroupPlan] = {}
    for name in layout.groups:
        spec = scenario.groups[name]
        estimates = check_estimates(check, name, layout)
        unreachable = outcomes[name].at_cap & (outcomes[name].staffing >= caps[name]) if outcomes else \
            np.zeros(layout.shape, dtype=bool)
        plan_shifts = None
        scheduled = np.where(layout.open, staffing[name], 0).astype(float)
        if spec.staffing.shifts:
            plan_shifts = cover_with_shifts(staffing[name], list(spec.staffing.shifts), layout,
                                            training_off_phone(scenario, name))
            scheduled = plan_shifts.on_phones
        groups[name] = GroupPlan(
            name=name, queues=layout.queues[name], hourly_cost=spec.hourly_cost, analytic=analytic[name],
            simulated=np.where(layout.open, staffing[name], 0), scheduled=scheduled, shifts=plan_shifts,
            check=estimates, status=classify(estimates, targets, layout, unreachable),
        )
    return StaffingResult(scenario, targets, layout, groups, done, iterations, converged, replications, history,
                          time.perf_counter() - started, str(base_dir))


# --------------------------------------------------------------------------------------------
# Output: table, summary, scenario copy


def requirements_table(result: StaffingResult) -> pd.DataFrame:
    """One row per group, day type and open interval: every method's headcount and the final check."""
    layout = result.layout
    rows = []
    for plan in result.groups.values():
        shortfall = plan.shifts.shortfall if plan.shifts else np.zeros(layout.shape)
        surplus = plan.shifts.surplus if plan.shifts else np.zeros(layout.shape)
        for index, day in enumerate(layout.day_types):
            for slot in np.flatnonzero(layout.open[index]):
                cell = (index, slot)
                check = plan.check
                rows.append({
                    "day": day,
                    "days": len(layout.days_of_type[index]),
                    "time": layout.time_of(int(slot)),
                    "group": plan.name,
                    "load_erlangs": round(float(plan.analytic.load[cell]), 3),
                    "calls": round(float(check.calls[cell]), 2),
                    "erlang_c": _integer_or_none(plan.analytic.erlang_c[cell]),
                    "erlang_a": _integer_or_none(plan.analytic.erlang_a[cell]),
                    "simulated": int(plan.simulated[cell]),
                    "scheduled": round(float(plan.scheduled[cell]), 2),
                    "over_under": round(float(plan.scheduled[cell] - plan.simulated[cell]), 2),
                    "shortfall": round(float(shortfall[cell]), 2),
                    "surplus": round(float(surplus[cell]), 2),
                    **{f"{short}_{part}": _rounded(getattr(check, attr)[kind][cell])
                       for short, kind in (("sl", "service_level"), ("abandon", "abandon"),
                                           ("occupancy", "occupancy"))
                       for part, attr in (("mean", "mean"), ("ci_low", "low"), ("ci_high", "high"))},
                    "status": plan.status[cell],
                })
    return pd.DataFrame(rows)


def _integer_or_none(value: float) -> int | None:
    return int(value) if math.isfinite(value) else None


def _rounded(value: float) -> float | None:
    return round(float(value), 4) if math.isfinite(value) else None


def group_totals(result: StaffingResult) -> dict[str, dict[str, Any]]:
    """Per group: agent-hours on the phones over the horizon by each method, paid hours and cost."""
    layout = result.layout
    totals = {}
    for plan in result.groups.values():
        hours = {
            "erlang_c": _agent_hours(plan.analytic.erlang_c, layout),
            "erlang_a": _agent_hours(plan.analytic.erlang_a, layout),
            "simulated": _agent_hours(plan.simulated, layout),
            "scheduled": _agent_hours(plan.scheduled, layout),
        }
        paid = plan.shifts.paid_hours if plan.shifts else hours["simulated"]
        beyond_reach = {method: int((~np.isfinite(values) & layout.open).sum())
                        for method, values in (("erlang_c", plan.analytic.erlang_c),
                                               ("erlang_a", plan.analytic.erlang_a))}
        # An Erlang total with intervals beyond the solver's reach would understate: none is given.
        shown = {k: None if beyond_reach.get(k) else round(v, 2) for k, v in hours.items()}
        totals[plan.name] = {
            "queues": list(plan.queues),
            "handle_time_s": round(plan.analytic.handle, 2),
            "agent_hours": shown,
            "paid_hours": round(paid, 2),
            "hourly_cost": plan.hourly_cost,
            "cost": {**{k: None if v is None else round(v * plan.hourly_cost, 2) for k, v in shown.items()
                        if k != "scheduled"},
                     "scheduled": round(paid * plan.hourly_cost, 2)},
            "erlang_intervals_beyond_reach": beyond_reach,
            "shifts": plan.shifts.counts if plan.shifts else None,
            "shift_problems": plan.shifts.problems if plan.shifts else [],
            "shortfall_agent_hours": round(_agent_hours(plan.shifts.shortfall, layout), 2) if plan.shifts else 0.0,
            "surplus_agent_hours": round(_agent_hours(plan.shifts.surplus, layout), 2) if plan.shifts else 0.0,
            "final_check": {status: int((plan.status == status).sum())
                            for status in (MET, WITHIN_CI, MISSED, UNREACHABLE, NO_CALLS)},
        }
    return totals


def summary_document(result: StaffingResult) -> dict[str, Any]:
    """``summary.json``: targets, how the search went, per-group hours and costs, unreachable intervals."""
    layout = result.layout
    return {
        "scenario": result.scenario.name,
        "seed": result.scenario.seed,
        "targets": result.targets.to_dict(),
        "target_label": result.targets.label,
        "horizon_days": layout.days,
        "interval_s": layout.interval,
        "day_types": {day: len(days) for day, days in zip(layout.day_types, layout.days_of_type)},
        "replications": result.replications,
        "seeds": {"search": [0, result.replications - 1],
                  "final_check": [result.replications, 2 * result.replications - 1]},
        "iterations": result.iterations,
        "max_iterations": result.max_iterations,
        "converged": result.converged,
        "patience_s": None if not result.groups else next(iter(result.groups.values())).analytic.patience,
        "groups": group_totals(result),
        "fixed_groups": list(layout.fixed_groups),
        "unreachable": [{"group": g, "day": d, "time": t} for g, d, t in result.unreachable()],
        "history": result.history,
        "currency": result.scenario.costs.currency,
        "run_time_s": round(result.run_time_s, 2),
    }


def staffed_scenario_document(result: StaffingResult) -> dict[str, Any]:
    """A copy of the scenario with the recommended staffing, as plain data ready for YAML.

    Groups on a headcount get ``headcount_by_weekday`` step functions (net, on the phones) for the
    weekdays planned; groups with shift types keep them with the recommended agents per weekday.
    Other weekdays keep what the scenario had.
    """
    data = scenario_document(result.scenario)
    layout = result.layout
    data["name"] = f"{result.scenario.name} (staffed for {result.targets.label})"
    for name, plan in result.groups.items():
        staffing = data["groups"][name]["staffing"]
        if plan.shifts is not None:
            for shift in staffing["shifts"]:
                planned = plan.shifts.counts.get(shift["name"], {})
                old = shift["headcount"]
                counts = {day: (old.get(day, 0) if isinstance(old, dict) else old) for day in shift["weekdays"]}
                counts.update({day: planned[day] for day in shift["weekdays"] if day in planned})
                shift["headcount"] = counts
        else:
            block = _headcount_block(layout, plan.simulated)
            staffing["headcount_by_weekday"] = {**staffing.get("headcount_by_weekday", {}),
                                                **block["headcount_by_weekday"]}
    scenario_from_dict(data, result.base_dir)  # the copy must load as it is written
    return data


REQUIREMENTS_FILE = "requirements.csv"
SUMMARY_FILE = "summary.json"


def write_outputs(out: Path, result: StaffingResult) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Write ``requirements.csv`` and ``summary.json`` into ``out``; return what was written."""
    table = requirements_table(result)
    summary = summary_document(result)
    atomic_write(out / REQUIREMENTS_FILE, table.to_csv(index=False).encode())
    write_json(out / SUMMARY_FILE, summary)
    return table, summary


def write_scenario(path: Path, result: StaffingResult) -> None:
    """Write the scenario copy with the recommended staffing (see :func:`staffed_scenario_document`)."""
    header = (f"# {result.scenario.name}: staffing recommended by `ccsim staff` for {result.targets.label}\n"
              "# (headcounts are agents on the phones; shifts are counted with their breaks).\n")
    body = yaml.safe_dump(staffed_scenario_document(result), sort_keys=False, allow_unicode=True)
    atomic_write(path, (header + body).encode())
