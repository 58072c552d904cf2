"""Difficult callers: how long they hold an agent, and how many calls run past half an hour or an hour.

Their share of calls and of talk time is with the other journey measures
(:func:`ccsim.metrics.kpis.journey_kpis`); these add what a planner asks next. Talk time is the
call's total talk over all its queue visits, in seconds.
"""

from __future__ import annotations

import pandas as pd

from ccsim.metrics.tables import zero_if_missing

LONG_CALLS_S = {"difficult_calls_over_30min": 1800.0, "difficult_calls_over_60min": 3600.0}
"""Thresholds of the long-call counts, in seconds of talk."""


def difficult_kpis(calls: pd.DataFrame) -> dict[str, float]:
    """Mean talk of difficult and of ordinary answered calls (seconds), and counts of long difficult calls.

    ``calls`` are the calls that count (arrived after the warm-up).
    """
    # A mask over two columns, not a filtered copy of every column of the largest table.
    answered = calls["t_first_answer"].notna().to_numpy()
    talk = zero_if_missing(calls["talk_s"].to_numpy(dtype=float)[answered])
    difficult = calls["difficult"].to_numpy(dtype=bool)[answered]
    kpis = {
        "difficult_talk_mean_s": float(talk[difficult].mean()) if difficult.any() else float("nan"),
        "ordinary_talk_mean_s": float(talk[~difficult].mean()) if (~difficult).any() else float("nan"),
    }
    for name, threshold in LONG_CALLS_S.items():
        kpis[name] = float((difficult & (talk > threshold)).sum())
    return kpis
