"""The final check with fresh seeds: each interval's measures with 95 % intervals, and its status.

Every judged interval's service level, abandonment and occupancy are estimated as the mean over
replications with a 95 % t-interval (:func:`check_estimates`); :func:`classify` compares them with
the targets: *met* (every mean meets its target), *within CI* (a mean misses but its interval
reaches the target), *missed* (an interval lies on the wrong side), or *unreachable* (at the
headcount cap and still missing).

Units: shares in [0, 1]; calls as legs offered per day of the type; arrays ``[type, slot]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.experiments.staffing.layout import Layout
from ccsim.experiments.staffing.measure import Observation
from ccsim.experiments.staffing.targets import Targets
from ccsim.metrics.stats import estimate

# Status of an interval in the final check with fresh seeds.
MET = "met"  # every target's mean meets it
WITHIN_CI = "within CI"  # a mean misses, but every 95 % interval reaches the target
MISSED = "missed"  # a 95 % interval lies entirely on the wrong side of a target
UNREACHABLE = "unreachable"  # at the headcount cap and still missing
WARM_UP = "warm-up"  # before the horizon's warm-up ends: not judged
NO_CALLS = "no calls"


@dataclass
class CheckEstimates:
    """The final check with fresh seeds, per group: mean and 95 % interval of each measure, [type, slot]."""

    mean: dict[str, np.ndarray]
    low: dict[str, np.ndarray]
    high: dict[str, np.ndarray]
    calls: np.ndarray  # mean legs offered per day in each cell


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
