"""The roster ``ccsim staff`` writes, as one value: what the final check simulates and the scenario file gets.

Per staffed group either the agents per shift type and weekday (groups with shift types) or a
net headcount step function per weekday (groups on a headcount). :func:`apply_roster` writes it
into scenario data, either the full document (durations in seconds) or the scenario file's own
text form (``"8.5h"``, ``"08:00"``): it touches only the headcounts, so everything else stays as
it was written.

Units: headcounts in agents; step functions keyed by clock time ``HH:MM``.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from ccsim.config.workforce import WORKING_WEEK
from ccsim.experiments.staffing.layout import Layout
from ccsim.experiments.staffing.scenarios import headcount_block
from ccsim.experiments.staffing.shifts import ShiftPlan

# group -> {"shifts": {shift: {weekday: agents}}} or {"headcount_by_weekday": {weekday: step function}}
Roster = dict[str, dict[str, Any]]


def build_roster(layout: Layout, staffing: dict[str, np.ndarray], shifts: dict[str, ShiftPlan | None]) -> Roster:
    """The roster of every staffed group: its shift counts when it has shift types, else its headcounts."""
    roster: Roster = {}
    for group, values in staffing.items():
        plan = shifts.get(group)
        if plan is not None:
            roster[group] = {"shifts": copy.deepcopy(plan.counts)}
        else:
            roster[group] = headcount_block(layout, values)
    return roster


def apply_roster(data: dict[str, Any], roster: Roster) -> dict[str, Any]:
    """A copy of scenario ``data`` with each rostered group's headcounts replaced by the roster's.

    Shift types keep their times and breaks; a shift's weekdays not planned keep their old count.
    A headcount group's ``headcount_by_weekday`` gets the planned weekdays (others are kept).
    """
    data = copy.deepcopy(data)
    for group, entry in roster.items():
        staffing = data["groups"][group].setdefault("staffing", {})
        if "shifts" in entry:
            for shift in staffing["shifts"]:
                planned = entry["shifts"].get(shift["name"], {})
                old = shift.get("headcount", 0)
                days = shift.get("weekdays") or list(WORKING_WEEK)
                counts = {day: (old.get(day, 0) if isinstance(old, dict) else old) for day in days}
                counts.update({day: planned[day] for day in days if day in planned})
                shift["headcount"] = counts
        else:
            staffing["headcount_by_weekday"] = {**(staffing.get("headcount_by_weekday") or {}),
                                                **entry["headcount_by_weekday"]}
    return data
