"""The reported window: what a run's warm-up days leave behind is cut away before any table is built.

A run simulates ``lead_days`` warm-up days before the first reported day (see
:attr:`ccsim.config.scenario.Scenario.lead_days`) so that day starts with callers in the system,
redials and callbacks pending, persons' histories and agents' strain carried over, as on any
later day. Afterwards every record is moved to the reported clock (run second 0 = 00:00 of
``horizon.start_date``) and what belongs to the warm-up is dropped:

* attempts (and their queue visits) that arrived in the warm-up; problems first raised in it
  (their later attempts in the window are kept, like the calls of any caller with a history);
* duty stretches ending before the window (one that spans its start is cut there);
* planned breaks, agent-days and strain snapshots of warm-up days;
* run totals (revenue, customers lost, ...) accumulated before the window.

This is the one place that knows about the warm-up: tables and measures see only the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ccsim.metrics.records import RunRecords
    from ccsim.model.calendar import Calendar


_COMPACT_ROWS = 32_768  # rows moved at a time by :func:`_compacted`


def _compacted(rows: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``rows[keep]`` written over the front of ``rows`` itself (a view of it), in slices.

    The records of a long run are most of a replication's memory; filtering them the ordinary
    way would hold them twice. Row ``i`` of the result comes from row ``kept[i] >= i``, so moving
    them in increasing order never overwrites a row still to be moved.
    """
    kept = np.flatnonzero(keep)
    for start in range(0, len(kept), _COMPACT_ROWS):
        part = kept[start:start + _COMPACT_ROWS]
        rows[start:start + len(part)] = rows[part]
    return rows[:len(kept)]


def _shifted(rows: np.ndarray, keep_column: str, columns: Sequence[str], lead: float) -> np.ndarray:
    """Rows whose ``keep_column`` is at or after ``lead``, with ``columns`` moved back by ``lead`` (in place)."""
    kept = _compacted(rows, rows[keep_column] >= lead)  # NaN (never happened) counts as before
    for column in columns:
        kept[column] -= lead  # NaN stays NaN
    return kept


def cut_to_window(records: RunRecords, reported: Calendar, counters_at_start: dict[str, float]) -> RunRecords:
    """``records`` of a run with a warm-up, reduced to the reported window on its clock.

    The record arrays of ``records`` are cut in place (the result's arrays are views of them).
    """
    simulated = records.calendar
    lead = simulated.lead
    if simulated.lead_days == 0:
        return records
    calls = _shifted(records.calls, "t_arrive", ("t_arrive", "t_ivr_end", "t_first_answer", "t_end"), lead)
    legs = _compacted(records.legs, np.isin(records.legs["call_id"], calls["call_id"]))
    for column in ("t_enqueue", "t_answer", "t_end_talk", "t_end"):
        legs[column] -= lead
    stories = _shifted(records.stories, "t_first", ("t_first", "t_end"), lead)
    duty = _compacted(records.duty, records.duty["t_end"] > lead)
    duty["t_start"] = np.maximum(duty["t_start"], lead) - lead
    duty["t_end"] -= lead
    breaks = _shifted(records.breaks, "t_planned", ("t_planned", "t_start"), lead)
    agent_days = _shifted(records.agent_days, "day", ("day",), simulated.lead_days)
    first_slot = simulated.lead_days * simulated.slots_per_day
    strain = _shifted(records.strain_intervals, "slot", ("slot",), first_slot)
    counters = {name: value - counters_at_start.get(name, 0.0) for name, value in records.counters.items()}
    return replace(
        records,
        calls=calls,
        legs=legs,
        stories=stories,
        duty=duty,
        breaks=breaks,
        agent_days=agent_days,
        strain_intervals=strain,
        expected_arrivals=records.expected_arrivals[first_slot:],
        busyness=records.busyness[simulated.lead_days:],
        calendar=reported,
        counters=counters,
    )


__all__ = ["cut_to_window"]
