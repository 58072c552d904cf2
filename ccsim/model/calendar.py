"""The run's clock laid out: days, opening hours and the planning-interval grid.

Times are seconds from 00:00 of the first day. The grid has ``days * 86400 / interval`` slots;
slot ``s`` covers ``[s * interval, (s + 1) * interval)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ccsim import units
from ccsim.config.scenario import Horizon
from ccsim.config.schedule import step_value


@dataclass(frozen=True)
class Calendar:
    """Opening hours and the interval grid of one scenario's horizon."""

    days: int
    interval: float
    slots_per_day: int
    open_mask: np.ndarray  # bool, one per slot: the centre takes calls in this slot
    weekday: np.ndarray  # int, one per day (0 = Monday)
    lead_days: int = 0  # warm-up days at the start, before the reported window
    start_date: dt.date | None = None  # calendar date of day 0 (for dated series)

    @property
    def lead(self) -> float:
        """Run seconds before the reported window starts."""
        return self.lead_days * units.DAY

    @classmethod
    def from_horizon(cls, horizon: Horizon, lead_days: int = 0) -> Calendar:
        """The grid of ``horizon``, preceded by ``lead_days`` warm-up days (day 0 is the first of them)."""
        slots_per_day = int(units.DAY // horizon.interval)
        days = lead_days + horizon.days
        mask = np.zeros(days * slots_per_day, dtype=bool)
        for day in range(days):
            span = horizon.open_span(day - lead_days)
            if span is None:
                continue
            first = int(span[0] // horizon.interval)
            last = int(span[1] // horizon.interval)
            mask[day * slots_per_day + first: day * slots_per_day + last] = True
        weekdays = np.array([horizon.weekday(d - lead_days) for d in range(days)], dtype=int)
        first_date = horizon.start_date - dt.timedelta(days=lead_days)
        return cls(days, float(horizon.interval), slots_per_day, mask, weekdays, lead_days, first_date)

    @property
    def n_slots(self) -> int:
        return self.days * self.slots_per_day

    @property
    def length(self) -> float:
        return self.days * units.DAY

    def date(self, day: int) -> dt.date | None:
        """Calendar date of day ``day`` of the run (None when the calendar has no start date)."""
        return None if self.start_date is None else self.start_date + dt.timedelta(days=day)

    def day_slots(self, day: int) -> slice:
        return slice(day * self.slots_per_day, (day + 1) * self.slots_per_day)

    def open_spans(self) -> list[tuple[float, float]]:
        """Maximal periods in which the centre is open, in run seconds (midnight-spanning merged)."""
        spans = []
        mask = self.open_mask
        edges = np.flatnonzero(np.diff(np.concatenate(([False], mask, [False])).astype(int)))
        for start, end in zip(edges[0::2], edges[1::2]):
            spans.append((start * self.interval, end * self.interval))
        return spans

    def closing_times(self) -> set[float]:
        """Run times at which the centre closes (ends of open spans)."""
        return {end for _, end in self.open_spans()}


def step_averages(steps: tuple[tuple[float, float], ...], interval: float, slots_per_day: int) -> np.ndarray:
    """Average of a time-of-day step function over each slot of a day.

    An hourly profile on a 30-minute grid gives each half-hour the hour's value; a profile that
    changes inside a slot is averaged exactly.
    """
    starts = np.arange(slots_per_day) * interval
    result = np.zeros(slots_per_day)
    breakpoints = sorted({t for t, _ in steps if 0 < t < units.DAY})
    for index, start in enumerate(starts):
        end = start + interval
        cuts = [start, *[b for b in breakpoints if start < b < end], end]
        total = 0.0
        for a, b in zip(cuts[:-1], cuts[1:]):
            total += step_value(steps, a) * (b - a)
        result[index] = total / interval
    return result


def step_at_slot_starts(steps: tuple[tuple[float, float], ...], interval: float, slots_per_day: int) -> np.ndarray:
    """Value of a time-of-day step function at the start of each slot of a day."""
    return np.array([step_value(steps, k * interval) for k in range(slots_per_day)])
