"""The grid staffing is decided on: day types (weekdays) x intervals of a day, per group.

Day types are weekdays: ``headcount_by_weekday`` applies one step function to every date with that
weekday, so an interval is judged on the measures pooled over the horizon's days of its weekday.
:func:`build_layout` finds the open and judged (after the warm-up) intervals of each day type, the
scenario's expected fresh calls per interval, and which groups answer for which queues' targets
(those ranking the queue first in ``serves``; tied groups share its load evenly).

Units: the interval and warm-up in seconds; arrays indexed ``[type, slot]``; expected fresh calls
per day of the type; :func:`agent_hours` in agent-hours over the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim import units
from ccsim.config.scenario import Scenario, weekday_name
from ccsim.model.arrivals import expected_counts
from ccsim.model.calendar import Calendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


def agent_hours(values: np.ndarray, layout: Layout) -> float:
    """Agents per cell summed over the horizon's open intervals, in agent-hours (NaN cells count 0)."""
    return float(np.nansum(np.where(layout.open, values, 0.0) * layout.hours_per_cell()))
