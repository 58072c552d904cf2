"""Across replications: means, standard errors, t-intervals, and paired differences.

Replications are independent, so a KPI's mean over R replications has standard error
s / sqrt(R) and a Student-t interval with R - 1 degrees of freedom. Under common random
numbers a variant and its baseline share replication seeds, so their per-replication
differences are the right sample for an interval on the difference (a paired t-interval);
positive correlation between the two makes it narrower than an unpaired one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.95


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


def estimate(values: list[float] | np.ndarray, confidence: float = CONFIDENCE) -> Estimate:
    """Mean, SE and t-interval of independent replication values (NaN values are skipped)."""
    array = np.asarray(values, dtype=float)
    array = array[np.isfinite(array)]
    n = len(array)
    if n == 0:
        return Estimate(None, None, None, None, 0)
    mean = float(array.mean())
    if n == 1:
        return Estimate(mean, None, None, None, 1)
    se = float(array.std(ddof=1) / math.sqrt(n))
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * se
    return Estimate(mean, se, _clean(mean - half), _clean(mean + half), n)


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
    half = float(stats.t.ppf(0.5 + confidence / 2.0, df)) * se
    return Estimate(mean, se, mean - half, mean + half, min(len(a), len(b)))


def summarise(per_replication: list[dict[str, float]], confidence: float = CONFIDENCE) -> dict[str, Estimate]:
    """Estimate every KPI found in any replication."""
    names: list[str] = []
    for row in per_replication:
        names.extend(k for k in row if k not in names)
    return {name: estimate([row.get(name, math.nan) for row in per_replication], confidence) for name in names}
