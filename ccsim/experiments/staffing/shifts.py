"""Covering the simulated requirement with the scenario's shift types, per weekday.

Breaks and off-phone time (and the training policy's extra off-phone time) are taken out of each
shift's on-phone profile; the fewest paid hours covering the requirement come from an integer
program (:func:`ccsim.analytic.rostering.cover_requirement`). Intervals no shift covers are short.

Units: requirements, shortfall and surplus in agents on the phones per interval (``[type, slot]``);
paid hours over the horizon, breaks included; shift counts in agents per shift and weekday.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ccsim import units
from ccsim.analytic.rostering import Cover, cover_requirement
from ccsim.config.scenario import Scenario
from ccsim.config.workforce import Shift
from ccsim.experiments.staffing.layout import Layout


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
