"""From a group's staffing block to the duty spans of individual agent positions.

A *position* is a seat in a group's rota; an agent (a person) fills it. With a headcount per
interval, position ``j`` is on duty in every slot whose headcount exceeds ``j``, so raising the
headcount brings positions on in order and lowering it sends the highest positions off first.
Runs of consecutive on-duty slots merge into one span, also across midnight. Headcount outside
opening hours is ignored: nobody is on the phones while the centre is closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ccsim.config.scenario import Staffing, weekday_name
from ccsim.model.calendar import Calendar, step_at_slot_starts


@dataclass(frozen=True)
class DutySpan:
    """One continuous stretch on duty, in run seconds.

    ``drain``: the span ends when the centre closes, so the agent keeps answering callers
    already waiting (and never new ones, as none arrive) before going home.
    ``breaks``: (start, end) pairs off the phones inside the span.
    """

    start: float
    end: float
    drain: bool = False
    breaks: tuple[tuple[float, float], ...] = field(default=())


def headcount_grid(staffing: Staffing, calendar: Calendar) -> np.ndarray:
    """Agents required on duty in every slot of the horizon (0 while closed)."""
    grid = np.zeros(calendar.n_slots, dtype=int)
    for day in range(calendar.days):
        steps = staffing.headcount_by_weekday.get(weekday_name(int(calendar.weekday[day])), staffing.headcount)
        values = step_at_slot_starts(steps, calendar.interval, calendar.slots_per_day)
        grid[calendar.day_slots(day)] = values.astype(int)
    return np.where(calendar.open_mask, grid, 0)


def spans_from_grid(grid: np.ndarray, calendar: Calendar) -> list[list[DutySpan]]:
    """Duty spans of each position (index = position number) for a headcount grid."""
    closing = calendar.closing_times()
    positions: list[list[DutySpan]] = []
    for position in range(int(grid.max(initial=0))):
        on = grid > position
        edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(int), [0]))))
        spans = []
        for first, last in zip(edges[0::2], edges[1::2]):
            start, end = first * calendar.interval, last * calendar.interval
            spans.append(DutySpan(float(start), float(end), drain=float(end) in closing))
        positions.append(spans)
    return positions
