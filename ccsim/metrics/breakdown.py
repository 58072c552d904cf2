"""Measures per queue and per agent group, and average handle time: where the service and the burnout go.

An overall figure can hide a team: a team for difficult callers lowers the centre's burnout share
while the team itself spends most of its duty time above the strain threshold. These measures
split the overall ones by the queue a visit waited in and by the group of the agent who took it
(or whose day it was), defined exactly as the overall measures of the same names
(:mod:`ccsim.metrics.kpis`), so the parts pool back to the whole.

Names are ``<measure>_<key>`` (:func:`ccsim.metrics.catalogue.breakdown_name`); which measures
have which breakdown is declared in the catalogue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ccsim.config.scenario import Scenario
from ccsim.metrics.catalogue import breakdown_name
from ccsim.metrics.difficult import difficult_kpis
from ccsim.metrics.tables import RunTables, since


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator > 0 else float("nan")


def _handled(legs: pd.DataFrame) -> pd.DataFrame:
    """Queue visits an agent took (answered legs), with their handle time in seconds."""
    legs = legs[["queue", "group", "outcome", "agent_id", "talk_s", "wrap_s"]]  # what is needed, not a copy of all
    taken = legs[(legs["outcome"] == "answered") & (legs["agent_id"] >= 0)]
    return taken.assign(handle_s=taken["talk_s"].fillna(0.0) + taken["wrap_s"].fillna(0.0))


def handle_time_kpis(legs: pd.DataFrame, queues: list[str], groups: list[str]) -> dict[str, float]:
    """``aht_s``: mean talk plus wrap-up of answered queue visits, in seconds; overall, per queue
    (where the visit waited) and per group (of the agent who took it)."""
    handled = _handled(legs)
    mean = float(handled["handle_s"].mean()) if len(handled) else float("nan")
    kpis = {"aht_s": mean}
    for column, names in (("queue", queues), ("group", groups)):
        means = handled.groupby(handled[column], observed=True)["handle_s"].mean()
        for name in names:
            kpis[breakdown_name("aht_s", name)] = float(means.get(name, np.nan))
    return kpis


def group_burnout(tables: RunTables, warmup: float, groups: list[str]) -> dict[str, float]:
    """Per agent group: strain mean (duty-weighted) and 90th percentile, burnout share and absence rate.

    Defined as :func:`ccsim.metrics.kpis.burnout_kpis` defines the overall ones, on the group's
    agent-days and strain snapshots only.
    """
    days = tables.agent_days
    days = days[days["day"] * 86400.0 >= warmup]
    snapshots = tables.strain_intervals
    snapshots = snapshots[snapshots["t_start"] >= warmup]
    group_of_day = days["group"].astype(object)
    group_of_snapshot = snapshots["group"].astype(object)
    kpis: dict[str, float] = {}
    for name in groups:
        mine = days[group_of_day == name]
        status = mine["status"].astype(object)
        working = mine[status == "working"]
        duty = float(working["duty_s"].sum())
        kpis[breakdown_name("stress_mean", name)] = _ratio(
            float((working["strain_mean"].fillna(0) * working["duty_s"]).sum()), duty)
        kpis[breakdown_name("burnout_share", name)] = _ratio(float(working["above_threshold_s"].sum()), duty)
        p90 = snapshots.loc[group_of_snapshot == name, "strain_p90"]
        kpis[breakdown_name("stress_p90", name)] = float(p90.mean()) if len(p90) else float("nan")
        absent = float(status.isin(["sick", "stress_leave"]).sum())
        available = float(status.isin(["working", "sick", "stress_leave"]).sum())
        kpis[breakdown_name("absence_rate", name)] = _ratio(absent, available)
    return kpis


def breakdown_kpis(tables: RunTables, scenario: Scenario) -> dict[str, float]:
    """Handle time overall, per queue and per group, burnout per group, and the difficult callers'
    hold on agents, for one replication (the measures :func:`ccsim.metrics.kpis.run_kpis` adds last).

    (Service level, ASA and abandonment per queue, and occupancy and agent-hours per group, come
    with the queue and interval measures in :func:`ccsim.metrics.kpis.run_kpis`.)
    """
    warmup = scenario.horizon.warmup
    legs = since(tables.legs, "t_enqueue", warmup)
    queues, groups = [str(q) for q in scenario.queues], [str(g) for g in scenario.groups]
    kpis = handle_time_kpis(legs, queues, groups)
    kpis.update(difficult_kpis(since(tables.calls, "t_arrive", warmup)))
    if scenario.workforce is not None:
        kpis.update(group_burnout(tables, warmup, groups))
    return kpis
