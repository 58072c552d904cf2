"""Differences between two scenarios' per-replication KPIs: paired (reported) and unpaired (for contrast).

Under common random numbers replication ``r`` of every scenario sees the same callers, so the
per-replication difference ``variant - baseline`` cancels most of the noise the two share and its
t-interval is narrower than the unpaired (Welch) one; both are kept to show what pairing bought.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccsim.metrics.stats import CONFIDENCE, Estimate, paired_difference, unpaired_difference


@dataclass
class Difference:
    """A variant's difference to the baseline on one KPI: paired (reported) and unpaired (for contrast)."""

    paired: Estimate
    unpaired: Estimate
    baseline_mean: float | None
    variant_mean: float | None

    @property
    def width_ratio(self) -> float | None:
        """Width of the paired interval / width of the unpaired one (below 1: pairing helped)."""
        paired, unpaired = _width(self.paired), _width(self.unpaired)
        if paired is None or unpaired is None or unpaired <= 0:
            return None
        return paired / unpaired

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.paired.to_dict(),
            "excludes_zero": self.paired.excludes_zero,
            "baseline_mean": self.baseline_mean,
            "variant_mean": self.variant_mean,
            "unpaired": self.unpaired.to_dict(),
            "width_ratio": self.width_ratio,
        }


def _width(estimate: Estimate) -> float | None:
    if estimate.ci_low is None or estimate.ci_high is None:
        return None
    return estimate.ci_high - estimate.ci_low


def paired_differences(baseline: pd.DataFrame, variant: pd.DataFrame,
                       confidence: float = CONFIDENCE) -> dict[str, Difference]:
    """Per-KPI differences ``variant - baseline`` from per-replication KPI frames.

    Both frames are indexed by replication number; only replications present in both are paired
    (an interrupted run may have fewer). KPIs present in only one scenario (a queue or group the
    other lacks) have no difference and are left out.
    """
    common = baseline.index.intersection(variant.index)
    b, v = baseline.loc[common], variant.loc[common]
    differences: dict[str, Difference] = {}
    for kpi in [c for c in baseline.columns if c in variant.columns]:
        base_values = b[kpi].to_numpy(dtype=float)
        variant_values = v[kpi].to_numpy(dtype=float)
        differences[kpi] = Difference(
            paired=paired_difference(variant_values, base_values, confidence),
            unpaired=unpaired_difference(variant_values, base_values, confidence),
            baseline_mean=_mean(base_values),
            variant_mean=_mean(variant_values),
        )
    return differences


def _mean(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else None
