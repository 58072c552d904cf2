"""Difficult callers: how long they hold an agent, and how many calls run past half an hour or an hour.

Their share of calls and of talk time is with the other journey measures
(:func:`ccsim.metrics.kpis.journey_kpis`); these add what a planner asks next. Talk time is the
call's total talk over all its queue visits, in seconds.
"""

from __future__ import annotations

import pandas as pd

LONG_CALLS_S = {"difficult_calls_over_30min": 1800.0, "difficult_calls_over_60min": 3600.0}
"""Thresholds of the long-call counts, in seconds of talk."""


def difficult_kpis(calls: pd.DataFrame) -> dict[str, float]:
    """Mean talk of difficult and of ordinary answered calls (seconds), and counts of long difficult calls.

    ``calls`` are the calls that count (arrived after the warm-up).
    """
    answered = calls[calls["t_first_answer"].notna()]
    talk = answered["talk_s"].fillna(0.0).to_numpy(dtype=float)
    difficult = answered["difficult"].to_numpy(dtype=bool)
    kpis = {
        "difficult_talk_mean_s": float(talk[difficult].mean()) if difficult.any() else float("nan"),
        "ordinary_talk_mean_s": float(talk[~difficult].mean()) if (~difficult).any() else float("nan"),
    }
    for name, threshold in LONG_CALLS_S.items():
        kpis[name] = float((difficult & (talk > threshold)).sum())
    return kpis
