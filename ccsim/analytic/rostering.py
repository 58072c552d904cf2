"""Cover a per-interval agent requirement with shift types at minimum paid hours (integer program).

For each weekday separately: choose how many agents work each shift type that runs on that weekday
so that, in every interval, the agents on the phones (after staggered breaks and off-phone time)
meet the requirement, and the paid hours are as few as possible. Solved exactly with
``scipy.optimize.milp`` (HiGHS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim import units
from ccsim.breaks import breaks_for
from ccsim.config.workforce import Shift

SAMPLE_AGENTS = 240  # agents used to average the staggered break pattern of a shift


def on_phone_profile(shift: Shift, interval: float) -> np.ndarray:
    """Share of a shift's agents on the phones in each interval of a day (0 outside the shift)."""
    slots = int(units.DAY // interval)
    edges = np.arange(slots + 1) * interval
    profile = np.zeros(slots)
    for index in range(SAMPLE_AGENTS):
        start = shift.start
        on = np.clip(np.minimum(edges[1:], start + shift.length) - np.maximum(edges[:-1], start), 0, None)
        for b_start, b_end, _ in breaks_for(shift, index, start):
            on -= np.clip(np.minimum(edges[1:], b_end) - np.maximum(edges[:-1], b_start), 0, None)
        profile += on / interval
    return profile / SAMPLE_AGENTS


@dataclass(frozen=True)
class Cover:
    """The solution for one weekday: agents per shift, what they cover, and the paid hours."""

    counts: dict[str, int]
    on_phones: np.ndarray
    paid_hours: float
    shortfall: np.ndarray  # requirement minus cover where positive (0 when feasible)
    surplus: np.ndarray


def cover_requirement(requirement: np.ndarray, shifts: list[Shift], interval: float) -> Cover:
    """Fewest paid hours of the given shifts meeting ``requirement`` (agents on phones per interval).

    Intervals no shift can cover are left short (reported in ``shortfall``) rather than making
    the problem infeasible.
    """
    # Here, not at the top: scipy.optimize costs every command start-up about 0.2 s.
    from scipy.optimize import Bounds, LinearConstraint, milp

    requirement = np.asarray(requirement, dtype=float)
    if not shifts:
        return Cover({}, np.zeros_like(requirement), 0.0, np.maximum(requirement, 0), np.zeros_like(requirement))
    profiles = np.array([on_phone_profile(shift, interval) for shift in shifts])
    coverable = profiles.max(axis=0) > 0
    needed = np.where(coverable, requirement, 0.0)
    rows = np.flatnonzero(needed > 0)
    lengths = np.array([shift.length / units.HOUR for shift in shifts])
    constraints = [LinearConstraint(profiles[:, rows].T, lb=needed[rows], ub=np.inf)] if len(rows) else []
    result = milp(c=lengths, constraints=constraints, integrality=np.ones(len(shifts)),
                  bounds=Bounds(0, np.inf), options={"time_limit": 30})
    if result.x is None:
        raise ValueError(f"no shift cover found: {result.message}")
    counts = np.round(result.x).astype(int)
    covered = counts @ profiles
    return Cover(
        counts={shift.name: int(c) for shift, c in zip(shifts, counts)},
        on_phones=covered,
        paid_hours=float(counts @ lengths),
        shortfall=np.maximum(requirement - covered, 0.0),
        surplus=np.maximum(covered - requirement, 0.0),
    )
