"""The scenarios ``ccsim staff`` simulates: the targets as the scenario's service level, and a
staffing per group, day type and interval written into the scenario as headcount step functions.

The headcount is the engine's *net* form: agents on the phones, no breaks. Every date with the
same weekday gets the same step function (``headcount_by_weekday``).

Units: headcounts in agents; the interval in seconds; step functions keyed by clock time ``HH:MM``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np

from ccsim import units
from ccsim.config.load import scenario_from_dict
from ccsim.config.scenario import Scenario
from ccsim.experiments.staffing.layout import Layout
from ccsim.experiments.staffing.targets import Targets
from ccsim.results import scenario_document


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


def headcount_block(layout: Layout, staffing: np.ndarray) -> dict[str, Any]:
    """A group's staffing block: ``headcount_by_weekday`` with one step function per day type."""
    return {"headcount_by_weekday": {day: step_function(staffing[index], layout.open[index], layout.interval)
                                     for index, day in enumerate(layout.day_types)}}


def scenario_with_staffing(data: dict[str, Any], layout: Layout, staffing: dict[str, np.ndarray],
                           base_dir: str | Path = ".") -> Scenario:
    """The scenario (as plain data) with each staffed group on a net headcount per weekday and interval."""
    data = copy.deepcopy(data)
    for group, values in staffing.items():
        data["groups"][group]["staffing"] = headcount_block(layout, values)
    return scenario_from_dict(data, base_dir)
