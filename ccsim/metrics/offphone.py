"""Planned against delivered time off the phones: breaks, coaching and meetings, training.

Every planned piece of an agent at work leaves one row in the ``breaks`` table (see
:mod:`ccsim.model.duty`), so the plan and what happened can be set side by side. Hours are
agent-hours; a piece counts in the replication's window when it was planned at or after the
warm-up. Off-phone time here means the shift's own off-phone share (``coaching``: coaching,
meetings) and the training policy's blocks (``training``); breaks are reported on their own.
"""

from __future__ import annotations

import pandas as pd

from ccsim.metrics.catalogue import metric_key

HOUR = 3600.0
# Kinds of the breaks table, by the reason shown in metric names.
REASONS = {"off_phone": "coaching", "training": "training"}


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator > 0 else float("nan")


def offphone_kpis(breaks: pd.DataFrame, warmup: float) -> dict[str, float]:
    """Planned and delivered hours off the phones, overall, per reason and per group; breaks alike.

    ``offphone_delivered_share`` is delivered over planned hours; ``offphone_missed_h`` the planned
    hours of pieces that never started before the agent's duty ended (shortened pieces count their
    lost part in neither: it is the difference of planned and delivered).
    """
    frame = breaks[breaks["t_planned"] >= warmup]
    kind = frame["kind"].astype(object)
    kpis: dict[str, float] = {}
    pieces = frame[kind.isin(list(REASONS))]
    if not len(pieces):
        return kpis  # a net headcount, or shifts with breaks only: nothing planned off the phones
    planned = float(pieces["planned_s"].sum()) / HOUR
    delivered = float(pieces["delivered_s"].sum()) / HOUR
    result = pieces["result"].astype(object)
    kpis["offphone_planned_h"] = planned
    kpis["offphone_delivered_h"] = delivered
    kpis["offphone_delivered_share"] = _ratio(delivered, planned)
    kpis["offphone_missed_h"] = float(pieces.loc[result == "missed", "planned_s"].sum()) / HOUR
    kpis["offphone_deferred_share"] = _ratio(float(result.isin(["deferred", "shortened"]).sum()), len(pieces))
    for raw, reason in REASONS.items():
        part = pieces[kind.loc[pieces.index] == raw]
        if len(part):
            kpis[f"offphone_planned_h_{reason}"] = float(part["planned_s"].sum()) / HOUR
            kpis[f"offphone_delivered_h_{reason}"] = float(part["delivered_s"].sum()) / HOUR
    for name, part in pieces.groupby("group", observed=True, sort=False):
        key = metric_key(str(name))
        kpis[f"offphone_planned_h_{key}"] = float(part["planned_s"].sum()) / HOUR
        kpis[f"offphone_delivered_h_{key}"] = float(part["delivered_s"].sum()) / HOUR
    return kpis


def break_kpis(breaks: pd.DataFrame, warmup: float) -> dict[str, float]:
    """Planned and delivered break hours, when the rota has breaks."""
    frame = breaks[(breaks["t_planned"] >= warmup) & (breaks["kind"].astype(object) == "break")]
    if not len(frame):
        return {}
    return {"break_planned_h": float(frame["planned_s"].sum()) / HOUR,
            "break_delivered_h": float(frame["delivered_s"].sum()) / HOUR}


def delivered_training_hours(breaks: pd.DataFrame, warmup: float, group: str) -> float:
    """Agent-hours of the training policy's blocks actually taken by ``group`` (for trainers' pay)."""
    frame = breaks[(breaks["t_planned"] >= warmup) & (breaks["kind"].astype(object) == "training")]
    return float(frame.loc[frame["group"].astype(object) == group, "delivered_s"].sum()) / HOUR
