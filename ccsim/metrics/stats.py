"""Across replications: means, standard errors, t-intervals, and paired differences.

Replications are independent, so a KPI's mean over R replications has standard error
s / sqrt(R) and a Student-t interval with R - 1 degrees of freedom. Under common random
numbers a variant and its baseline share replication seeds, so their per-replication
differences are the right sample for an interval on the difference (a paired t-interval);
positive correlation between the two makes it narrower than an unpaired one.

A measure with a bounded range (a share in [0, 1], a wait of at least 0 s) gets its interval on
a scale where the range is unbounded, transformed back (the delta method): logit for a range with
two ends, log of the distance from the end for a range with one. The interval then stays inside
what the measure can take, is asymmetric near a bound, and agrees with the t-interval when the
mean is far from both ends. Differences are unbounded and keep the plain t-interval. The bounds
come from the catalogue (:mod:`ccsim.metrics.catalogue`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from ccsim.metrics.catalogue import kpi_info

CONFIDENCE = 0.95
INTERVAL_METHOD = ("Student-t over replications; for bounded measures on the logit (two bounds) or log "
                   "(one bound) scale by the delta method, so intervals stay within the possible range")
"""How intervals are computed, in words (for reports and summary files)."""

Bounds = tuple[float | None, float | None]


def _t_quantile(df: float, p: float) -> float:
    """Student's t quantile with ``df`` degrees of freedom at probability ``p``.

    ``scipy.special.stdtrit`` is what ``scipy.stats.t.ppf`` calls, without importing scipy.stats
    (~0.4 s); imported here, not at the top, so that commands that never need an interval
    (one replication) do not pay for scipy at start-up either.
    """
    from scipy import special

    return float(special.stdtrit(df, p))


@dataclass(frozen=True)
class Estimate:
    """A mean with its standard error and confidence interval (None when not estimable)."""

    mean: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)

    @property
    def excludes_zero(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None and (self.ci_low > 0 or self.ci_high < 0)


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _bounded_interval(mean: float, se: float, t: float, bounds: Bounds) -> tuple[float, float]:
    """A t-interval computed on the scale where ``bounds`` are at infinity, and transformed back."""
    low, high = bounds
    if low is not None and high is not None:
        width = high - low
        p = (mean - low) / width
        if p <= 0.0 or p >= 1.0:
            return mean, mean  # every replication at the bound: nothing varies
        centre, spread = math.log(p / (1.0 - p)), t * se / (width * p * (1.0 - p))
        return (low + width / (1.0 + math.exp(-(centre - spread))),
                low + width / (1.0 + math.exp(-(centre + spread))))
    if low is not None or high is not None:
        end = low if low is not None else high
        assert end is not None
        distance = abs(mean - end)
        if distance <= 0.0:
            return mean, mean
        factor = math.exp(t * se / distance)
        near, far = end + (mean - end) / factor, end + (mean - end) * factor
        return (near, far) if low is not None else (far, near)
    return mean - t * se, mean + t * se


def estimate(values: list[float] | np.ndarray, confidence: float = CONFIDENCE,
             bounds: Bounds = (None, None)) -> Estimate:
    """Mean, SE and interval of independent replication values (NaN values are skipped).

    With ``bounds`` (the range the values can take) the interval stays inside them (see above).
    """
    array = np.asarray(values, dtype=float)
    array = array[np.isfinite(array)]
    n = len(array)
    if n == 0:
        return Estimate(None, None, None, None, 0)
    mean = float(array.mean())
    if n == 1:
        return Estimate(mean, None, None, None, 1)
    se = float(array.std(ddof=1) / math.sqrt(n))
    t = _t_quantile(n - 1, 0.5 + confidence / 2.0)
    low, high = _bounded_interval(mean, se, t, bounds)
    return Estimate(mean, se, _clean(low), _clean(high), n)


def paired_difference(variant: list[float] | np.ndarray, baseline: list[float] | np.ndarray,
                      confidence: float = CONFIDENCE) -> Estimate:
    """Interval on mean(variant - baseline) from replication-by-replication differences."""
    a, b = np.asarray(variant, dtype=float), np.asarray(baseline, dtype=float)
    if a.shape != b.shape:
        raise ValueError("paired samples need the same replications")
    keep = np.isfinite(a) & np.isfinite(b)
    return estimate(a[keep] - b[keep], confidence)


def unpaired_difference(variant: list[float] | np.ndarray, baseline: list[float] | np.ndarray,
                        confidence: float = CONFIDENCE) -> Estimate:
    """Welch interval on mean(variant) - mean(baseline), ignoring any pairing."""
    a = np.asarray(variant, dtype=float)
    b = np.asarray(baseline, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) < 2 or len(b) < 2:
        return Estimate(_clean(a.mean() - b.mean()) if len(a) and len(b) else None, None, None, None,
                        min(len(a), len(b)))
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    mean = float(a.mean() - b.mean())
    if se == 0:
        return Estimate(mean, 0.0, mean, mean, min(len(a), len(b)))
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = _t_quantile(df, 0.5 + confidence / 2.0) * se
    return Estimate(mean, se, mean - half, mean + half, min(len(a), len(b)))


def summarise(per_replication: list[dict[str, float]], confidence: float = CONFIDENCE) -> dict[str, Estimate]:
    """Estimate every KPI found in any replication, each within its catalogued range."""
    names: list[str] = []
    for row in per_replication:
        names.extend(k for k in row if k not in names)
    return {name: estimate([row.get(name, math.nan) for row in per_replication], confidence,
                           kpi_info(name).bounds) for name in names}
