"""The final check: the written roster simulated with fresh seeds, each interval's status, and the counts.

The check simulates the plan ``ccsim staff`` writes (the shifts with the recommended agents, or
the headcount step functions), not the net requirement the search found, because the breaks and
off-phone time of shifts change what reaches the phones.

**Fresh seeds.** Replication ``r`` draws from ``SeedSequence(scenario.seed, spawn_key=(r, k))``
(:mod:`ccsim.rng`). The search uses replications ``0 .. R-1``; the check uses
``CHECK_FIRST_REPLICATION + 0 .. C-1``, spawn keys no search (of any size below a million
replications) and no ordinary ``ccsim run`` of the written scenario ever uses, so the check's
callers are independent of the ones the staffing was tuned on.

Every judged interval's service level, abandonment and occupancy are estimated as the mean over
replications with a 95 % t-interval (:func:`check_estimates`); :func:`classify` compares them with
the targets: *met* (every mean meets its target), *missed* (a mean is on the wrong side of its
target), of which *missed significantly* when the whole 95 % interval is on the wrong side, or
*unreachable* (at the headcount cap and still missing). :func:`check_counts` counts them once
for the terminal and the report, and :func:`check_line` words the counts for both.

Units: shares in [0, 1]; calls as legs offered per day of the type; arrays ``[type, slot]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ccsim.experiments.staffing.layout import Layout
from ccsim.experiments.staffing.measure import Observation
from ccsim.experiments.staffing.targets import Targets
from ccsim.metrics.stats import estimate

# Status of an interval in the final check with fresh seeds.
MET = "met"  # every target's mean meets it
MISSED = "missed"  # a mean misses its target, but its 95 % interval reaches it
MISSED_SIGNIFICANTLY = "missed significantly"  # a 95 % interval lies entirely on the wrong side of a target
UNREACHABLE = "unreachable"  # at the headcount cap and still missing
WARM_UP = "warm-up"  # before the horizon's warm-up ends: not judged
NO_CALLS = "no calls"
# Every status a judged interval can have, in the order they are reported.
JUDGED_STATUSES = (MET, MISSED, MISSED_SIGNIFICANTLY, UNREACHABLE, NO_CALLS)
# Statuses that count as a miss: the mean (not just the interval) decides.
MISSES = (MISSED, MISSED_SIGNIFICANTLY, UNREACHABLE)

# First replication number of the check: far beyond the search's 0 .. R-1 (see the module's docstring).
CHECK_FIRST_REPLICATION = 1_000_000


def check_replications(count: int) -> range:
    """The replication numbers (and so the seed streams) of a final check with ``count`` replications."""
    return range(CHECK_FIRST_REPLICATION, CHECK_FIRST_REPLICATION + count)


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
    """Each interval's status in the final check (see the module's status constants).

    A mean on the wrong side of any target is a miss, whatever its interval; the interval only
    says whether the miss is significant.
    """
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
                verdict = MISSED_SIGNIFICANTLY
            elif sign * (mean - limit) < 0 and verdict != MISSED_SIGNIFICANTLY:
                verdict = MISSED
        status[cell] = verdict
    return status


def check_counts(statuses: list[np.ndarray], checks: list[CheckEstimates], replications: int) -> dict[str, Any]:
    """The final check in numbers, over every staffed group: what the terminal and the report both print.

    Returns the intervals judged, the count of each status, ``misses`` (mean on the wrong side of
    a target, unreachable included), ``significant`` (of those, the 95 % interval wholly on the
    wrong side or unreachable), the replications and the median and largest half-width of the
    intervals' service-level 95 % intervals (shares).
    """
    counts = {status: int(sum((s == status).sum() for s in statuses)) for status in JUDGED_STATUSES}
    half = [0.5 * (c.high["service_level"] - c.low["service_level"]) for c in checks]
    widths = np.concatenate([h[np.isfinite(h)] for h in half]) if half else np.array([])
    return {
        "replications": replications,
        "judged": sum(counts.values()),
        "counts": counts,
        "misses": sum(counts[s] for s in MISSES),
        "significant": counts[MISSED_SIGNIFICANTLY] + counts[UNREACHABLE],
        "sl_half_width_median": round(float(np.median(widths)), 4) if widths.size else None,
        "sl_half_width_max": round(float(widths.max()), 4) if widths.size else None,
    }


def check_line(found: dict[str, Any]) -> str:
    """One sentence on the final check, from :func:`check_counts` (the terminal and the report print it)."""
    counts = found["counts"]
    unreachable = f" ({counts[UNREACHABLE]} unreachable)" if counts[UNREACHABLE] else ""
    width = ""
    if found["sl_half_width_median"] is not None:
        width = (f"; service-level 95 % intervals ±{100 * found['sl_half_width_median']:.1f} points "
                 f"(median), ±{100 * found['sl_half_width_max']:.1f} at most")
    return (f"final check of the written roster ({found['replications']} replications, fresh seeds): "
            f"{found['misses']} of {found['judged']} intervals miss a target on the mean, "
            f"{found['significant']} of them significantly{unreachable}; {counts[MET]} meet every target{width}")
