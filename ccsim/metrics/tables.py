"""Record lists of one replication -> pandas tables (calls, legs, duty, intervals, agents).

Table meanings (all times in run seconds from 00:00 of day 0, durations in seconds). Beside every
time ``t_x`` in seconds stands ``x_at``, the same instant as a local wall-clock timestamp counted
from 00:00 of ``horizon.start_date`` (no time zone: days are 24 hours, as in the model), and beside
every ``day`` number stands its ``date``; :func:`with_timestamps` adds them as a table is saved
(:mod:`ccsim.results.parts`), not to the tables in memory, which no measure reads them from.
Ids, counts and flags keep their record types (:data:`ccsim.metrics.records.COLUMN_TYPES`: a
call id in 64 bits, an attempt number in 16), codes become Categoricals.

* ``calls``: one row per attempt (a caller dialling in), with how it ended.
* ``stories``: one row per problem (all attempts of one reason for calling): resolved (on which
  attempt, by which group, or by the IVR), lost (gave up) or open at the end of the horizon.
* ``persons``: one row per customer who called: problems, attempts, how they ended.
* ``legs``: one row per queue visit of an attempt (a transfer adds a leg), with the wait, the
  answering agent and the conversation outcome. Queue statistics (ASA, service level) are leg
  statistics, as an ACD reports them.
* ``duty``: one row per stretch on duty or on a break of an agent.
* ``intervals``: per planning interval and queue: offered, answered, abandoned, ASA, service levels.
* ``group_intervals``: per planning interval and group: agents on duty, busy time, occupancy.
* ``agents``: per agent: time on duty, talking, wrapping up, on breaks and idle; calls handled.
* ``agent_days`` (with a ``workforce`` block): one row per rota seat per day: who filled it, their
  status (working, sick, stress_leave, training, vacant, off), time on duty, talk, wrap-up, breaks,
  calls, hostile (abusive) talk, longest busy stretch, mean strain on duty, time above the burnout
  threshold, exhaustion at the end of the day, speed factor, hired and resigned flags.
* ``counters``: one row of run totals that have no table of their own (paid-line revenue and billed
  minutes, customers lost to the price, contacts of customers who had left).
* ``breaks``: one row per planned break or off-phone block (coaching, meetings, training) of an
  agent at work: when it was planned and for how long, when it started, how long it lasted, and
  whether it came on time, deferred, shortened by the end of duty, missed, or was open at the end.
* ``strain_intervals`` (with a ``workforce`` block): strain of the agents on duty at the start of
  each planning interval, per group: count, mean, 90th percentile, maximum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ccsim import units
from ccsim.config.scenario import Scenario
from ccsim.metrics import records as R
from ccsim.metrics.records import RunRecords
from ccsim.metrics.timeline import time_per_slot


@dataclass
class RunTables:
    """The tables of one replication."""

    calls: pd.DataFrame
    stories: pd.DataFrame
    persons: pd.DataFrame
    legs: pd.DataFrame
    duty: pd.DataFrame
    intervals: pd.DataFrame
    group_intervals: pd.DataFrame
    agents: pd.DataFrame
    agent_days: pd.DataFrame
    strain_intervals: pd.DataFrame
    counters: pd.DataFrame
    breaks: pd.DataFrame


def _frame(rows: np.ndarray, order: tuple[str, ...] = ()) -> pd.DataFrame:
    """A record kind's structured array as a frame (a column per field, in its record type).

    With ``order`` the rows come sorted by those columns (stable, the first one major), as
    ``sort_values(list(order), kind="stable")`` would sort them, but each column is gathered
    straight into place: sorting the built frame would hold the kind's table twice. Each column
    is its own array, so the records can be let go as soon as the frame is built.
    """
    columns = rows.dtype.names or ()
    if order:
        index = np.lexsort([rows[c] for c in reversed(order)])
        # A field of the records is a strided view; numpy gathers from one several times slower
        # than from a contiguous copy of it (one column at a time, so the copy stays small).
        return pd.DataFrame({c: np.ascontiguousarray(rows[c]).take(index) for c in columns}, copy=False)
    return pd.DataFrame({c: rows[c].copy() for c in columns}, copy=False)


def _labels(codes: pd.Series, names: tuple[str, ...] | list[str]) -> pd.Categorical[str]:
    """Integer codes as a Categorical of ``names``; a negative code, or one past the names (a kind's
    ``NONE``), is missing."""
    values = codes.to_numpy()
    known = np.where((values >= 0) & (values < len(names)), values, -1).astype(np.int16)
    return pd.Categorical.from_codes(known, categories=pd.Index(list(names)))


def build_tables(records: RunRecords, scenario: Scenario, release: bool = False) -> RunTables:
    """Assemble the tables of one replication from its records.

    ``release``: empty each record array of ``records`` as soon as its table is built, so that a
    long run does not hold its records and its tables at once (the caller must not need them after).
    """
    def done(kind: str) -> None:
        if release:
            setattr(records, kind, getattr(records, kind)[:0].copy())

    calls = _calls_table(records)
    done("calls")
    stories = _stories_table(records)
    done("stories")
    persons = _persons_table(records, stories)
    legs = _legs_table(records)
    done("legs")
    duty = _duty_table(records)
    done("duty")
    intervals = _intervals_table(records, legs, scenario)
    group_intervals, agents = _agent_tables(records, legs, duty)
    agent_days = _agent_days_table(records)
    done("agent_days")
    strain_intervals = _strain_intervals_table(records)
    done("strain_intervals")
    counters = pd.DataFrame([records.counters]) if records.counters else pd.DataFrame(index=[0])
    breaks = _breaks_table(records)
    done("breaks")
    return RunTables(calls, stories, persons, legs, duty, intervals, group_intervals, agents, agent_days,
                     strain_intervals, counters, breaks)


def since(frame: pd.DataFrame, column: str, start: float) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` (run seconds) is at or after ``start``.

    The frame itself when that is every row (no warm-up, the usual case): filtering a long run's
    calls would copy the largest table for nothing.
    """
    return where(frame, frame[column].to_numpy() >= start)


def where(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` where ``keep`` is true: the frame itself when that is every row (as :func:`since`)."""
    return frame if keep.all() else frame[keep]


def timestamp_name(seconds_column: str) -> str:
    """``t_end_talk`` -> ``end_talk_at``: the name of a time column's timestamp twin."""
    return f"{seconds_column.removeprefix('t_')}_at"


def with_timestamps(frame: pd.DataFrame, start_date: dt.date) -> pd.DataFrame:
    """``frame`` with a local timestamp beside each ``t_*`` column and a ``date`` beside ``day``.

    Run second ``t`` is ``start_date`` 00:00 plus ``t`` seconds (to the millisecond); a missing
    time (an attempt never answered) gives a missing timestamp. Planners' tools read these; the
    seconds stay for arithmetic.
    """
    origin = pd.Timestamp(start_date)
    frame = frame.copy(deep=False)  # copy-on-write: the caller's frame keeps its columns
    for column in [c for c in frame.columns if c.startswith("t_")]:
        seconds = frame[column].to_numpy(dtype=float)
        stamps = (origin + pd.to_timedelta(seconds, unit="s")).astype("datetime64[ms]")
        frame.insert(_position(frame, column) + 1, timestamp_name(column), stamps)
    if "day" in frame.columns and "date" not in frame.columns:
        days = pd.to_timedelta(frame["day"].to_numpy(dtype=float), unit="D")
        frame.insert(_position(frame, "day") + 1, "date", (origin + days).astype("datetime64[s]"))
    return frame


def timestamped(tables: RunTables, start_date: dt.date) -> RunTables:
    """Every table of ``tables`` with its timestamps (:func:`with_timestamps`), as the saved tables have them."""
    return RunTables(*(with_timestamps(getattr(tables, f.name), start_date) for f in fields(RunTables)))


def _position(frame: pd.DataFrame, column: str) -> int:
    """Index of ``column`` among the frame's columns (they are unique)."""
    return int(frame.columns.get_loc(column))  # type: ignore[arg-type]


def _breaks_table(records: RunRecords) -> pd.DataFrame:
    frame = _frame(records.breaks, ("t_planned", "agent_id"))
    frame["group"] = _labels(frame["group"], records.group_names)
    frame["kind"] = _labels(frame["kind"], R.DUTY_KINDS)
    frame["result"] = _labels(frame["result"], R.BREAK_RESULTS)
    return frame


def _agent_days_table(records: RunRecords) -> pd.DataFrame:
    days = _frame(records.agent_days)
    days["group"] = _labels(days["group"], records.group_names)
    days["status"] = _labels(days["status"], R.STATUSES)
    return days.sort_values(["day", "group", "position"], kind="stable").reset_index(drop=True)


def _strain_intervals_table(records: RunRecords) -> pd.DataFrame:
    frame = _frame(records.strain_intervals)
    slot = frame["slot"].to_numpy().astype(int)
    calendar = records.calendar
    frame["slot"] = slot
    frame.insert(0, "day", slot // calendar.slots_per_day)
    frame.insert(2, "time", [units.format_clock((s % calendar.slots_per_day) * calendar.interval) for s in slot])
    frame.insert(3, "t_start", slot * calendar.interval)
    frame["group"] = _labels(frame["group"], records.group_names)
    return frame


def _calls_table(records: RunRecords) -> pd.DataFrame:
    calls = _frame(records.calls, ("call_id",))
    calls["attempt"] += 1
    calls["segment"] = _labels(calls["segment"], records.segment_names)
    calls["ivr_option"] = _labels(calls["ivr_option"], records.option_names)
    calls["difficult_cause"] = _labels(calls["difficult_cause"], R.DIFFICULT_CAUSES)
    calls["first_queue"] = _labels(calls["first_queue"], records.queue_names)
    calls["resolving_group"] = _labels(calls["resolving_group"], records.group_names)
    calls["outcome"] = _labels(calls["outcome"], R.CALL_OUTCOMES)
    # Why this attempt happened: a new problem, or the outcome of the attempt before it.
    trigger = calls["trigger"].to_numpy()
    names = ["fresh", *[f"after_{name}" for name in R.CALL_OUTCOMES]]
    calls["trigger"] = pd.Categorical.from_codes(np.where(trigger == R.TRIGGER_FRESH, 0, trigger + 1), pd.Index(names))
    calls.insert(5, "day", (calls["t_arrive"] // units.DAY).astype("int32"))  # as agent_days.day
    return calls


def _stories_table(records: RunRecords) -> pd.DataFrame:
    stories = _frame(records.stories, ("story_id",))
    stories["segment"] = _labels(stories["segment"], records.segment_names)
    stories["ivr_option"] = _labels(stories["ivr_option"], records.option_names)
    stories["outcome"] = _labels(stories["outcome"], R.STORY_OUTCOMES)
    resolved_attempt = stories["resolved_attempt"].to_numpy()
    stories["resolved_attempt"] = np.where(resolved_attempt >= 0, resolved_attempt + 1, np.nan)
    stories["resolving_group"] = _labels(stories["resolving_group"], [*records.group_names, "ivr"])
    stories["time_to_resolution_s"] = np.where(stories["outcome"] == "resolved",
                                               stories["t_end"] - stories["t_first"], np.nan)
    stories["effort_s"] = stories["wait_s"] + stories["talk_s"] + stories["ivr_s"]
    return stories


def _persons_table(records: RunRecords, stories: pd.DataFrame) -> pd.DataFrame:
    outcome = stories["outcome"]
    grouped = pd.DataFrame({
        "person_id": stories["person_id"],
        "segment": stories["segment"],
        "attempts": stories["attempts"],
        "resolved": (outcome == "resolved").astype("int64"),
        "lost": (outcome == "lost").astype("int64"),
        "open": (outcome == "open").astype("int64"),
        "effort_s": stories["effort_s"],
    }).groupby("person_id", sort=True)
    persons = grouped.agg(segment=("segment", "first"), stories=("attempts", "size"),
                          attempts=("attempts", "sum"), resolved=("resolved", "sum"), lost=("lost", "sum"),
                          open=("open", "sum"), effort_s=("effort_s", "sum")).reset_index()
    frustration = records.person_frustration
    persons["frustration"] = persons["person_id"].map(frustration).fillna(0.0).astype(float)
    if len(records.person_propensity):
        persons["propensity"] = records.person_propensity[persons["person_id"].to_numpy()]
    return persons


def _legs_table(records: RunRecords) -> pd.DataFrame:
    legs = _frame(records.legs, ("call_id", "leg"))
    queue_codes = legs["queue"].to_numpy()  # the record's own 16-bit codes (the column becomes labels below)
    legs["queue"] = _labels(legs["queue"], records.queue_names)
    legs["group"] = _labels(legs["group"], records.group_names)
    outcome = legs["outcome"].to_numpy().astype(int)
    legs["outcome"] = _labels(legs["outcome"], R.LEG_OUTCOMES)
    legs["talk_outcome"] = _labels(legs["talk_outcome"], R.TALK_OUTCOMES)
    answered = outcome == R.LEG_ANSWERED
    left = np.where(answered, legs["t_answer"], legs["t_end"])
    legs["wait_s"] = left - legs["t_enqueue"]
    legs["talk_s"] = legs["t_end_talk"] - legs["t_answer"]
    legs["wrap_s"] = legs["t_end"] - legs["t_end_talk"]
    legs["_queue_code"] = queue_codes
    return legs


def _duty_table(records: RunRecords) -> pd.DataFrame:
    duty = _frame(records.duty, ("t_start", "agent_id"))
    group_codes = duty["group"].to_numpy().astype(int)
    duty["group"] = _labels(duty["group"], records.group_names)
    duty["kind"] = _labels(duty["kind"], R.DUTY_KINDS)
    duty["_group_code"] = group_codes
    return duty


def _slot_columns(calendar, n_rows_per_slot: int) -> dict[str, np.ndarray]:
    slots = np.arange(calendar.n_slots)
    starts = slots * calendar.interval
    return {
        "day": np.repeat(slots // calendar.slots_per_day, n_rows_per_slot),
        "slot": np.repeat(slots, n_rows_per_slot),
        "time": np.repeat([units.format_clock(s % units.DAY) for s in starts], n_rows_per_slot),
        "t_start": np.repeat(starts, n_rows_per_slot),
        "open": np.repeat(calendar.open_mask, n_rows_per_slot),
    }


def _intervals_table(records: RunRecords, legs: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    calendar = records.calendar
    n_queues = len(records.queue_names)
    threshold = scenario.service_level.threshold
    short = scenario.service_level.short_abandon
    slot = np.minimum((legs["t_enqueue"].to_numpy() // calendar.interval).astype(int), calendar.n_slots - 1)
    queue = legs["_queue_code"].to_numpy()
    index = slot * n_queues + queue
    size = calendar.n_slots * n_queues
    outcome = legs["outcome"].astype(object).to_numpy()
    # Waits are of callers on the line: a callback's time waiting to be called back is its own measure.
    on_line = ~legs["callback"].to_numpy()
    answered = (outcome == "answered") & on_line
    abandoned = outcome == "abandoned"
    wait = legs["wait_s"].to_numpy()

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(index[mask], minlength=size)

    offered = np.bincount(index, minlength=size)
    n_answered = count(answered)
    n_abandoned = count(abandoned)
    within = count(answered & (wait <= threshold))
    short_abandons = count(abandoned & (wait <= short))
    wait_answered = np.bincount(index[answered], weights=wait[answered], minlength=size)
    table = pd.DataFrame(_slot_columns(calendar, n_queues))
    table.insert(4, "queue", np.tile(records.queue_names, calendar.n_slots))
    fresh = np.repeat(records.expected_arrivals * np.repeat(records.busyness, calendar.slots_per_day), n_queues)
    fresh_by_queue = fresh if n_queues == 1 else np.full(size, np.nan)
    table["expected_fresh"] = fresh_by_queue
    table["offered"] = offered
    table["answered"] = n_answered
    table["abandoned"] = n_abandoned
    table["callbacks"] = count(~on_line)
    table["answered_within_threshold"] = within
    with np.errstate(invalid="ignore", divide="ignore"):
        closed = n_answered + n_abandoned
        table["asa_s"] = wait_answered / n_answered
        table["service_level"] = within / closed
        table["service_level_of_answered"] = within / n_answered
        table["service_level_excl_short_abandons"] = within / (closed - short_abandons)
        table["abandon_rate"] = n_abandoned / closed
    keep = table["open"].to_numpy() | (offered > 0)
    return table[keep].reset_index(drop=True)


def _agent_tables(records: RunRecords, legs: pd.DataFrame, duty: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    calendar = records.calendar
    n_groups = len(records.group_names)
    horizon = calendar.length
    on = duty[duty["kind"] == "on_duty"]
    breaks = duty[duty["kind"] == "break"]
    # The legs an agent took, as a mask over the columns: a filtered copy of a long run's legs
    # would be the largest thing in memory while the tables are built.
    served = (legs["outcome"].astype(object) != "abandoned").to_numpy() & (legs["agent_id"].to_numpy() >= 0)
    group_code = legs["group"].cat.codes.to_numpy()[served]
    t_end = legs["t_end"].to_numpy()[served]
    busy_end = np.minimum(np.where(np.isfinite(t_end), t_end, horizon), horizon)
    busy_start = legs["t_answer"].to_numpy()[served]
    per_slot = dict(
        on_duty=time_per_slot(on["t_start"].to_numpy(), on["t_end"].to_numpy(), on["_group_code"].to_numpy(),
                              n_groups, calendar.interval, calendar.n_slots),
        on_break=time_per_slot(breaks["t_start"].to_numpy(), breaks["t_end"].to_numpy(),
                               breaks["_group_code"].to_numpy(), n_groups, calendar.interval, calendar.n_slots),
        busy=time_per_slot(busy_start, busy_end, group_code, n_groups, calendar.interval, calendar.n_slots),
    )
    table = pd.DataFrame(_slot_columns(calendar, n_groups))
    table.insert(4, "group", np.tile(records.group_names, calendar.n_slots))
    table["agents_on_duty"] = per_slot["on_duty"].T.ravel() / calendar.interval
    table["agents_on_break"] = per_slot["on_break"].T.ravel() / calendar.interval
    table["busy_s"] = per_slot["busy"].T.ravel()
    available = (per_slot["on_duty"] - per_slot["on_break"]).T.ravel()
    table["available_s"] = available
    with np.errstate(invalid="ignore", divide="ignore"):
        table["occupancy"] = np.where(available > 0, table["busy_s"] / available, np.nan)
    keep = table["open"].to_numpy() | (table["agents_on_duty"].to_numpy() > 0)
    group_intervals = table[keep].reset_index(drop=True)

    per_agent = pd.DataFrame({
        "agent_id": legs["agent_id"].to_numpy()[served],
        "talk_s": zero_if_missing(legs["talk_s"].to_numpy()[served]),
        "wrap_s": zero_if_missing(legs["wrap_s"].to_numpy()[served]),
    }).groupby("agent_id").agg(talk_s=("talk_s", "sum"), wrap_s=("wrap_s", "sum"), calls=("talk_s", "size"))
    on_time = (on["t_end"] - on["t_start"]).groupby(on["agent_id"]).sum().rename("duty_s")
    break_time = (breaks["t_end"] - breaks["t_start"]).groupby(breaks["agent_id"]).sum().rename("break_s")
    identity = duty.drop_duplicates("agent_id").set_index("agent_id")[["position", "group"]]
    agents = identity.join(on_time, how="outer").join(break_time).join(per_agent)
    agents[["duty_s", "break_s", "talk_s", "wrap_s"]] = agents[["duty_s", "break_s", "talk_s", "wrap_s"]].fillna(0.0)
    agents["calls"] = agents["calls"].fillna(0).astype("int64")
    agents["idle_s"] = (agents["duty_s"] - agents["break_s"] - agents["talk_s"] - agents["wrap_s"]).clip(lower=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        available_time = agents["duty_s"] - agents["break_s"]
        agents["occupancy"] = (agents["talk_s"] + agents["wrap_s"]) / available_time
        agents["calls_per_hour"] = agents["calls"] / (available_time / units.HOUR)
    return group_intervals, agents.reset_index()


def zero_if_missing(values: np.ndarray) -> np.ndarray:
    """``values`` with NaN (did not happen, e.g. a talk still open at the end) as 0."""
    return np.where(np.isnan(values), 0.0, values)
