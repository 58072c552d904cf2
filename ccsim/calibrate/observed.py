"""What really happened, per date and planning interval: volumes, waits and the agents there.

The log has no log-in times, so agents on duty are *inferred* (an estimate, not a record). The
rule: an agent is on duty while serving, and in the idle gaps between two of their services that
are shorter than ``gap`` seconds, except while callers were waiting in the queue (an agent truly
free then would have taken one). Counting every agent who served a call in an interval instead
overstates the capacity really there (data/README.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_GAP = 30 * 60.0  # an idle stretch longer than this is taken as off duty (a break, or the shift ended)
SL_THRESHOLD = 20.0  # seconds; the 80/20 convention, as in the scenario default


def reaching_queue(calls: pd.DataFrame) -> pd.DataFrame:
    """Calls that reached the queue or an agent (the scenario's "offered")."""
    return calls[calls["outcome"].isin(["answered", "abandoned"])]


def _union(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(starts)
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    new = np.concatenate(([True], starts[1:] > reach[:-1]))
    return starts[new], np.maximum.reduceat(reach, np.flatnonzero(new)) if len(starts) else ends[:0]


def _covered(union_starts: np.ndarray, union_ends: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Time inside the union before each point (seconds)."""
    lengths = np.concatenate(([0.0], np.cumsum(union_ends - union_starts)))
    index = np.searchsorted(union_starts, points, side="right")
    before = lengths[np.maximum(index - 1, 0)]
    inside = np.where(index > 0, np.clip(points - union_starts[np.maximum(index - 1, 0)], 0,
                                         (union_ends - union_starts)[np.maximum(index - 1, 0)]), 0.0)
    return np.where(index > 0, before + inside, 0.0)


def duty_spans(calls: pd.DataFrame, gap: float = DEFAULT_GAP) -> pd.DataFrame:
    """Inferred on-duty stretches (date, agent, start_s, end_s) with the waiting periods cut out of idle gaps."""
    rows = []
    for date, day in calls.groupby("date"):
        queued = day[day["wait_s"] > 0]
        w_start, w_end = _union(queued["arrive_s"].to_numpy(), (queued["arrive_s"] + queued["wait_s"]).to_numpy())
        served = day[(day["outcome"] == "answered") & (day["agent"] != "")]
        for agent, mine in served.groupby("agent"):
            start = (mine["arrive_s"] + mine["wait_s"]).to_numpy()
            end = start + mine["talk_s"].to_numpy()
            order = np.argsort(start)
            start, end = start[order], end[order]
            for s, e in zip(start, end):
                rows.append((date, agent, s, e))
            gap_start, gap_end = end[:-1], start[1:]
            short = (gap_end > gap_start) & (gap_end - gap_start < gap)
            for s, e in zip(gap_start[short], gap_end[short]):
                # idle stretches: keep only the parts with nobody waiting
                cuts = np.concatenate(([s], w_start[(w_start > s) & (w_start < e)], w_end[(w_end > s) & (w_end < e)],
                                       [e]))
                cuts.sort()
                for a, b in zip(cuts[:-1], cuts[1:]):
                    middle = (a + b) / 2
                    k = np.searchsorted(w_start, middle, side="right") - 1
                    if b > a and not (k >= 0 and w_end[k] > middle):
                        rows.append((date, agent, a, b))
    return pd.DataFrame(rows, columns=["date", "agent", "start_s", "end_s"])


def _seconds_per_slot(frame: pd.DataFrame, start: str, end: str, interval: float) -> pd.DataFrame:
    """Split stretches at interval edges: seconds per (date, slot)."""
    pieces = []
    s, e, dates = frame[start].to_numpy(), frame[end].to_numpy(), frame["date"].to_numpy()
    first, last = (s // interval).astype(int), (np.maximum(e - 1e-9, s) // interval).astype(int)
    for k in range(int((last - first).max(initial=0)) + 1):
        slot = first + k
        lo, hi = np.maximum(s, slot * interval), np.minimum(e, (slot + 1) * interval)
        keep = (slot <= last) & (hi > lo)
        pieces.append(pd.DataFrame({"date": dates[keep], "slot": slot[keep], "seconds": (hi - lo)[keep]}))
    return pd.concat(pieces).groupby(["date", "slot"])["seconds"].sum()


def observed_intervals(calls: pd.DataFrame, interval: float, gap: float = DEFAULT_GAP) -> pd.DataFrame:
    """Per date and interval: offered, answered, abandoned, abandon_rate, asa_s, service_level, aht_s,
    agents (inferred, mean on duty), occupancy (talk / inferred on-duty time)."""
    offered = reaching_queue(calls).assign(slot=lambda f: (f["arrive_s"] // interval).astype(int))
    answered = offered["outcome"] == "answered"
    grouped = offered.assign(answered=answered, abandoned=~answered,
                             within=answered & (offered["wait_s"] <= SL_THRESHOLD),
                             wait_answered=offered["wait_s"].where(answered, 0.0),
                             talk=offered["talk_s"].where(answered, 0.0)).groupby(["date", "slot"])
    table = pd.DataFrame({"offered": grouped.size(), "answered": grouped["answered"].sum(),
                          "abandoned": grouped["abandoned"].sum(), "within": grouped["within"].sum(),
                          "wait_answered": grouped["wait_answered"].sum(), "talk": grouped["talk"].sum()})
    spans = duty_spans(calls, gap)
    duty = _seconds_per_slot(spans, "start_s", "end_s", interval) if len(spans) else pd.Series(dtype=float)
    served = offered[answered & (offered["agent"] != "")]
    busy_frame = pd.DataFrame({"date": served["date"], "s": served["arrive_s"] + served["wait_s"],
                               "e": served["arrive_s"] + served["wait_s"] + served["talk_s"]})
    busy = _seconds_per_slot(busy_frame, "s", "e", interval)
    table = table.join(duty.rename("duty_s"), how="outer").join(busy.rename("busy_s"), how="left").fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["abandon_rate"] = table["abandoned"] / table["offered"]
        table["asa_s"] = table["wait_answered"] / table["answered"]
        table["service_level"] = table["within"] / table["offered"]
        table["aht_s"] = table["talk"] / table["answered"]
        table["agents"] = table["duty_s"] / interval
        table["occupancy"] = np.where(table["duty_s"] > 0, np.minimum(table["busy_s"] / table["duty_s"], 1.0), np.nan)
    table = table.reset_index()
    table["time"] = [f"{int(s * interval // 3600):02d}:{int(s * interval % 3600 // 60):02d}" for s in table["slot"]]
    columns = ["date", "time", "slot", "offered", "answered", "abandoned", "abandon_rate", "asa_s", "service_level",
               "aht_s", "agents", "occupancy", "busy_s", "duty_s"]
    return table[columns].sort_values(["date", "slot"]).reset_index(drop=True)
