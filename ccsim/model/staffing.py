"""From a group's staffing block to rota positions and their duty spans, day by day.

A *position* is a seat in a group's rota; an agent (a person) fills it, and when the agent leaves a
new hire fills it later. Two forms of staffing:

* **Headcount by time of day**: position ``j`` is on duty in every slot whose headcount exceeds
  ``j``, so raising the headcount brings positions on in order and lowering it sends the highest
  positions off first. Consecutive slots merge into one span (also across midnight). The headcount
  is net (agents on the phones): there are no breaks.
* **Named shifts**: each shift type has positions working its weekdays, with breaks staggered
  across agents (by the golden-ratio sequence, so any number of agents spreads evenly) and an
  optional off-phone block for training or coaching.

Staffing applies only while the centre is open. A span ending at closing time *drains*: the agent
answers the callers still waiting before going home.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ccsim import units
from ccsim.breaks import breaks_for
from ccsim.config.scenario import Staffing, weekday_name
from ccsim.config.workforce import Shift
from ccsim.model.calendar import Calendar, step_at_slot_starts


@dataclass(frozen=True)
class DutySpan:
    """One continuous stretch on duty, in run seconds, with its breaks (start, end, kind)."""

    start: float
    end: float
    drain: bool = False
    breaks: tuple[tuple[float, float, int], ...] = field(default=())


@dataclass
class Position:
    """A seat in a group's rota and its duty spans by day (the day a span starts)."""

    index: int
    shift: str
    spans: dict[int, list[DutySpan]] = field(default_factory=dict)

    def scheduled_seconds(self, day: int) -> float:
        return sum(span.end - span.start for span in self.spans.get(day, []))


def headcount_grid(staffing: Staffing, calendar: Calendar) -> np.ndarray:
    """Agents required on duty in every slot of the horizon (0 while closed)."""
    grid = np.zeros(calendar.n_slots, dtype=int)
    for day in range(calendar.days):
        steps = staffing.headcount_by_weekday.get(weekday_name(int(calendar.weekday[day])), staffing.headcount)
        date = calendar.date(day)
        if staffing.headcount_by_date and date is not None:
            steps = staffing.headcount_by_date.get(date, steps)
        values = step_at_slot_starts(steps, calendar.interval, calendar.slots_per_day)
        grid[calendar.day_slots(day)] = values.astype(int)
    return np.where(calendar.open_mask, grid, 0)


def positions_from_grid(grid: np.ndarray, calendar: Calendar) -> list[Position]:
    """Positions (index = rota order) and their spans for a headcount grid."""
    closing = calendar.closing_times()
    positions: list[Position] = []
    for index in range(int(grid.max(initial=0))):
        position = Position(index, "headcount")
        on = grid > index
        edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(int), [0]))))
        for first, last in zip(edges[0::2], edges[1::2]):
            start, end = float(first * calendar.interval), float(last * calendar.interval)
            day = int(start // units.DAY)
            position.spans.setdefault(day, []).append(DutySpan(start, end, drain=end in closing))
        positions.append(position)
    return positions


def positions_from_shifts(shifts: list[Shift], calendar: Calendar, training: float = 0.0) -> list[Position]:
    """Positions of every shift type, with their spans on each open day of the horizon."""
    closing = calendar.closing_times()
    positions: list[Position] = []
    for shift in shifts:
        most = max(shift.count_on(day) for day in shift.weekdays)
        for index in range(most):
            position = Position(len(positions), shift.name)
            for day in range(calendar.days):
                weekday = weekday_name(int(calendar.weekday[day]))
                if index >= shift.count_on(weekday) or not calendar.open_mask[calendar.day_slots(day)].any():
                    continue
                start = day * units.DAY + shift.start
                end = start + shift.length
                span = DutySpan(start, end, drain=end in closing, breaks=breaks_for(shift, index, start, training))
                position.spans[day] = [span]
            positions.append(position)
    return positions


def build_positions(staffing: Staffing, calendar: Calendar, training: float = 0.0) -> list[Position]:
    """The rota positions of one group; ``training`` adds that share of every shift off the phones."""
    if staffing.shifts:
        return positions_from_shifts(staffing.shifts, calendar, training)
    return positions_from_grid(headcount_grid(staffing, calendar), calendar)
