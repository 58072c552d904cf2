"""Measuring a staffing: the interval tables of R replications aggregated onto the layout's grid.

Per group, day type and interval an :class:`Observation` holds the queue visits (legs) answered
within the threshold, closed (answered + abandoned) and abandoned, the agents' busy and available
time, the legs offered (a ratio estimator against the scenario's expected fresh calls, which
removes the Poisson noise of fresh arrivals and the days' busyness factors) and, per group, the
mean handle time of answered legs.

Units: counts of legs summed over the judged days of each type, per replication; busy and
available time in seconds; legs offered per day of the type; rates per second; handle time in
seconds; busy agents in agents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.experiments.runner import ReplicationResult
from ccsim.experiments.staffing.layout import Layout


@dataclass
class Observation:
    """What R replications of one staffing showed, per group.

    ``within``, ``closed``, ``abandoned``, ``busy``, ``available``: arrays [replication, type, slot]
    summed over the judged days of each type (busy and available in seconds). ``legs``: legs
    offered per day of the type in each interval (all days, warm-up included), [type, slot], by a
    ratio estimator: the scenario's expected fresh calls times the legs per fresh call observed.
    Fresh arrivals are Poisson around a known mean, so scaling by the observed ratio removes their
    noise (exactly, for one queue without redials or transfers) and the days' busyness factors.
    ``legs_by_replication``: legs offered per day of the type in each replication, [replication,
    type, slot]. ``handle``: mean handle time (talk + wrap-up of answered legs) per group, seconds.
    """

    within: dict[str, np.ndarray]
    closed: dict[str, np.ndarray]
    abandoned: dict[str, np.ndarray]
    busy: dict[str, np.ndarray]
    available: dict[str, np.ndarray]
    legs: dict[str, np.ndarray]
    legs_by_replication: dict[str, np.ndarray]
    handle: dict[str, float]
    replications: int

    def ratio(self, kind: str, group: str) -> np.ndarray:
        """Per replication: service level, abandonment or occupancy of every cell (NaN: no data)."""
        top, bottom = {"service_level": (self.within, self.closed), "abandon": (self.abandoned, self.closed),
                       "occupancy": (self.busy, self.available)}[kind]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(bottom[group] > 0, top[group] / bottom[group], np.nan)

    def mean(self, kind: str, group: str) -> np.ndarray:
        """Mean over replications of the per-replication ratios (as the KPIs average them)."""
        values = self.ratio(kind, group)
        counts = np.isfinite(values).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, np.nansum(values, axis=0) / np.maximum(counts, 1), np.nan)

    def rate(self, group: str, layout: Layout) -> np.ndarray:
        """Legs offered to the group per second in each cell."""
        return self.legs[group] / layout.interval

    def busy_agents(self, group: str, layout: Layout) -> np.ndarray:
        """Mean agents busy (talk + wrap-up) in each cell, over replications and judged days."""
        per_day = np.maximum(layout.judged_days, 1) * layout.interval
        return self.busy[group].mean(axis=0) / per_day


def observe(results: list[ReplicationResult], layout: Layout) -> Observation:
    """Aggregate the interval tables of replications onto the layout's grid."""
    shape = (len(results), *layout.shape)
    names = ("within", "closed", "abandoned", "busy", "available")
    arrays = {name: {g: np.zeros(shape) for g in layout.groups} for name in names}
    per_replication = {g: np.zeros(shape) for g in layout.groups}
    fresh = np.zeros(layout.shape)
    handle_sum = dict.fromkeys(layout.groups, 0.0)
    handle_count = dict.fromkeys(layout.groups, 0)
    for r, result in enumerate(results):
        intervals = result.tables.intervals
        day_type = layout.type_of_day[intervals["day"].to_numpy()]
        slot = intervals["slot"].to_numpy() % layout.slots_per_day
        inside = (day_type >= 0) & intervals["open"].to_numpy()
        judged = inside & (intervals["t_start"].to_numpy() >= layout.warmup)
        queue = intervals["queue"].astype(str).to_numpy()
        answered = intervals["answered"].to_numpy()
        abandoned = intervals["abandoned"].to_numpy()
        for group in layout.groups:
            share = np.array([layout.load_share[group].get(q, 0.0) for q in queue])
            mine = inside & (share > 0)
            np.add.at(per_replication[group], (r, day_type[mine], slot[mine]),
                      intervals["offered"].to_numpy()[mine] * share[mine])
            mine = judged & (share > 0)
            at = (r, day_type[mine], slot[mine])
            np.add.at(arrays["within"][group], at, intervals["answered_within_threshold"].to_numpy()[mine])
            np.add.at(arrays["closed"][group], at, answered[mine] + abandoned[mine])
            np.add.at(arrays["abandoned"][group], at, abandoned[mine])
        calls = result.tables.calls
        arrived = calls.loc[calls["trigger"].astype(str) == "fresh", "t_arrive"].to_numpy()
        slot = (arrived // layout.interval).astype(int)
        day_type = layout.type_of_day[np.minimum(slot // layout.slots_per_day, layout.days - 1)]
        mine = day_type >= 0
        np.add.at(fresh, (day_type[mine], slot[mine] % layout.slots_per_day), 1.0)
        load = result.tables.group_intervals
        day_type = layout.type_of_day[load["day"].to_numpy()]
        slot = load["slot"].to_numpy() % layout.slots_per_day
        judged = (day_type >= 0) & load["open"].to_numpy() & (load["t_start"].to_numpy() >= layout.warmup)
        group_of = load["group"].astype(str).to_numpy()
        for group in layout.groups:
            mine = judged & (group_of == group)
            at = (r, day_type[mine], slot[mine])
            np.add.at(arrays["busy"][group], at, load["busy_s"].to_numpy()[mine])
            np.add.at(arrays["available"][group], at, load["available_s"].to_numpy()[mine])
        served = result.tables.legs
        served = served[served["outcome"].astype(str) == "answered"]
        handle = (served["talk_s"] + served["wrap_s"]).to_numpy()
        group_of = served["group"].astype(str).to_numpy()
        for group in layout.groups:
            mine = (group_of == group) & np.isfinite(handle)
            handle_sum[group] += float(handle[mine].sum())
            handle_count[group] += int(mine.sum())
    day_counts = np.array([len(days) for days in layout.days_of_type], dtype=float)[:, None]
    legs = {}
    for group in layout.groups:
        total = per_replication[group].sum(axis=0)
        per_replication[group] /= day_counts
        # Where no fresh call arrived (e.g. only redials at opening) the plain mean is all there is.
        with np.errstate(invalid="ignore", divide="ignore"):
            legs[group] = np.where(fresh > 0, layout.expected_fresh * total / fresh,
                                   total / (day_counts * len(results)))
    handles = {g: handle_sum[g] / handle_count[g] if handle_count[g] else math.nan for g in layout.groups}
    return Observation(legs=legs, legs_by_replication=per_replication, handle=handles, replications=len(results),
                       **arrays)
