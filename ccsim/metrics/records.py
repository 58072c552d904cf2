"""The output schema in one place: every record kind's columns, the integer codes of its categorical
columns, and the one :class:`Recorder` that writes rows.

During a run the model writes rows in these column orders, packed into typed bytes as they come
(:class:`Recorder`); after the run :mod:`ccsim.metrics.tables` turns them into pandas DataFrames,
each code column a Categorical with its kind's labels. Times are run seconds from 00:00 of the
first day; durations are seconds; NaN means "did not happen" for times, a kind's ``NONE`` code
for outcomes, :data:`NO_ID` for ids.
This module imports nothing of ccsim: the model writes it and the measures read it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Final, Protocol

import numpy as np


class Code(IntEnum):
    """Integer codes of one categorical column; a member's label is its name in lower case.

    A ``NONE`` member, where a kind has one, says "did not happen" and is the last code: the
    tables show it as a missing label, never as a category.
    """

    @classmethod
    def labels(cls) -> tuple[str, ...]:
        """The column's category labels in code order (``NONE`` excluded)."""
        return tuple(m.name.lower() for m in sorted(cls, key=int) if m.name != "NONE")


class LegOutcome(Code):
    """Outcome of one queue visit (a leg)."""

    ANSWERED = 0
    ABANDONED = 1
    OPEN = 2  # still waiting or talking when the horizon ended


class CallOutcome(Code):
    """How one attempt (a call) ended."""

    RESOLVED = 0
    ABANDONED = 1  # hung up while waiting in a queue
    IVR_ABANDONED = 2
    SELF_SERVED = 3
    UNRESOLVED = 4  # talked, told to call back
    TRANSFER_CAP = 5  # lost at the transfer cap
    CUT_OFF = 6  # ended by a call-time limit without resolution
    HUNG_UP = 7  # agent ended an abusive call
    DETERRED = 8  # did not call at the paid line's price
    BLOCKED = 9  # repeat abuser sent to a written channel
    OPEN = 10  # still in the system at the end of the horizon
    CALLBACK_LOST = 11  # could not be reached for a promised callback


class TalkOutcome(Code):
    """How a conversation (an answered leg) ended, from the caller's side."""

    RESOLVED = 0
    TRANSFER_WARM = 1
    TRANSFER_COLD = 2
    UNRESOLVED = 3
    MISROUTE_TRANSFER = 4
    CUT_OFF = 5
    HUNG_UP = 6
    OPEN = 7
    NONE = 8  # no conversation: the caller hung up while waiting, or was still waiting at the end


class StoryOutcome(Code):
    """How one problem (a story, over all its attempts) ended."""

    OPEN = 0
    RESOLVED = 1
    LOST = 2
    DIVERTED = 3  # sent to a written channel (a blocked repeat abuser)


class DifficultCause(Code):
    """Why an attempt was difficult.

    ``failure``: the caller's earlier failures made it so (the keyed draw fell between the
    no-failure probability and the probability after the failures, so the same caller with no
    failures would not have been difficult); ``chance``: difficult even without failures;
    ``nature``: a segment difficult by nature; ``none``: not difficult (a category of its own).
    """

    NONE_ = 0
    NATURE = 1
    CHANCE = 2
    FAILURE = 3

    @classmethod
    def labels(cls) -> tuple[str, ...]:
        return ("none", "nature", "chance", "failure")


class DutyKind(Code):
    """What an agent's stretch of time (a row of ``duty``) or planned piece (``breaks``) is."""

    ON_DUTY = 0
    BREAK = 1
    OFF_PHONE = 2  # coaching, meetings: a shift's own off-phone share
    TRAINING = 3  # off-phone time the training policy adds


class BreakResult(Code):
    """What became of one planned break or off-phone block (one row of the ``breaks`` table)."""

    ON_TIME = 0  # started when planned (the agent was free)
    DEFERRED = 1  # started later (a call or an earlier break was still going), full length
    SHORTENED = 2  # started later and cut at the end of the agent's duty
    MISSED = 3  # could not start before the agent's duty ended
    OPEN = 4  # still pending or under way when the horizon ended


class Status(Code):
    """Status of an agent's rota position on a day."""

    OFF = 0  # not scheduled
    WORKING = 1
    SICK = 2
    STRESS_LEAVE = 3
    TRAINING = 4
    VACANT = 5


# Plain ints for the engine's hot path (an enum member costs more to compare and to pickle).
LEG_ANSWERED: Final = int(LegOutcome.ANSWERED)
LEG_ABANDONED: Final = int(LegOutcome.ABANDONED)
LEG_OPEN: Final = int(LegOutcome.OPEN)
LEG_OUTCOMES = LegOutcome.labels()

CALL_RESOLVED: Final = int(CallOutcome.RESOLVED)
CALL_ABANDONED: Final = int(CallOutcome.ABANDONED)
CALL_IVR_ABANDONED: Final = int(CallOutcome.IVR_ABANDONED)
CALL_SELF_SERVED: Final = int(CallOutcome.SELF_SERVED)
CALL_UNRESOLVED: Final = int(CallOutcome.UNRESOLVED)
CALL_TRANSFER_CAP: Final = int(CallOutcome.TRANSFER_CAP)
CALL_CUT_OFF: Final = int(CallOutcome.CUT_OFF)
CALL_HUNG_UP: Final = int(CallOutcome.HUNG_UP)
CALL_DETERRED: Final = int(CallOutcome.DETERRED)
CALL_BLOCKED: Final = int(CallOutcome.BLOCKED)
CALL_OPEN: Final = int(CallOutcome.OPEN)
CALL_CALLBACK_LOST: Final = int(CallOutcome.CALLBACK_LOST)
CALL_OUTCOMES = CallOutcome.labels()
# An attempt's ``trigger``: the CallOutcome of the attempt before it, or this code for a new problem.
TRIGGER_FRESH: Final = len(CallOutcome)

TALK_RESOLVED: Final = int(TalkOutcome.RESOLVED)
TALK_TRANSFER_WARM: Final = int(TalkOutcome.TRANSFER_WARM)
TALK_TRANSFER_COLD: Final = int(TalkOutcome.TRANSFER_COLD)
TALK_UNRESOLVED: Final = int(TalkOutcome.UNRESOLVED)
TALK_MISROUTE: Final = int(TalkOutcome.MISROUTE_TRANSFER)
TALK_CUT_OFF: Final = int(TalkOutcome.CUT_OFF)
TALK_HUNG_UP: Final = int(TalkOutcome.HUNG_UP)
TALK_OPEN: Final = int(TalkOutcome.OPEN)
TALK_NONE: Final = int(TalkOutcome.NONE)
TALK_OUTCOMES = TalkOutcome.labels()

STORY_OPEN: Final = int(StoryOutcome.OPEN)
STORY_RESOLVED: Final = int(StoryOutcome.RESOLVED)
STORY_LOST: Final = int(StoryOutcome.LOST)
STORY_DIVERTED: Final = int(StoryOutcome.DIVERTED)
STORY_OUTCOMES = StoryOutcome.labels()

DIFFICULT_NONE: Final = int(DifficultCause.NONE_)
DIFFICULT_NATURE: Final = int(DifficultCause.NATURE)
DIFFICULT_CHANCE: Final = int(DifficultCause.CHANCE)
DIFFICULT_FAILURE: Final = int(DifficultCause.FAILURE)
DIFFICULT_CAUSES = DifficultCause.labels()

# Ids (agent, group, queue, menu option, person): -1 means "none" (no agent answered, no option chosen).
NO_ID: Final = -1

LEG_COLUMNS = (
    "call_id",
    "leg",
    "queue",
    "t_enqueue",
    "t_answer",
    "t_end_talk",
    "t_end",
    "agent_id",
    "group",
    "outcome",
    "talk_outcome",
    "handover_s",
    "callback",
)

CALL_COLUMNS = (
    "call_id",
    "story_id",
    "person_id",
    "attempt",
    "segment",
    "t_arrive",
    "t_ivr_end",
    "ivr_option",
    "first_queue",
    "t_first_answer",
    "t_end",
    "legs",
    "transfers",
    "wait_s",
    "talk_s",
    "outcome",
    "difficult",
    "abusive",
    "misrouted",
    "frustration",
    "first_agent_id",
    "resolving_group",
    "trigger",
    "price_paid",
    "difficult_cause",
)

STORY_COLUMNS = (
    "story_id",
    "person_id",
    "segment",
    "ivr_option",
    "t_first",
    "t_end",
    "attempts",
    "transfers",
    "outcome",
    "resolved_attempt",
    "resolving_group",
    "wait_s",
    "talk_s",
    "ivr_s",
    "difficult_attempts",
)

DUTY_COLUMNS = ("agent_id", "position", "group", "t_start", "t_end", "kind")
DUTY_ON: Final = int(DutyKind.ON_DUTY)
DUTY_BREAK: Final = int(DutyKind.BREAK)
DUTY_OFF_PHONE: Final = int(DutyKind.OFF_PHONE)
DUTY_TRAINING: Final = int(DutyKind.TRAINING)
DUTY_KINDS = DutyKind.labels()

BREAK_ON_TIME: Final = int(BreakResult.ON_TIME)
BREAK_DEFERRED: Final = int(BreakResult.DEFERRED)
BREAK_SHORTENED: Final = int(BreakResult.SHORTENED)
BREAK_MISSED: Final = int(BreakResult.MISSED)
BREAK_OPEN: Final = int(BreakResult.OPEN)
BREAK_RESULTS = BreakResult.labels()

BREAK_COLUMNS = (
    "agent_id",
    "position",
    "group",
    "kind",
    "t_planned",
    "planned_s",
    "t_start",
    "delivered_s",
    "result",
)

STATUS_OFF: Final = int(Status.OFF)
STATUS_WORKING: Final = int(Status.WORKING)
STATUS_SICK: Final = int(Status.SICK)
STATUS_STRESS_LEAVE: Final = int(Status.STRESS_LEAVE)
STATUS_TRAINING: Final = int(Status.TRAINING)
STATUS_VACANT: Final = int(Status.VACANT)
STATUSES = Status.labels()

AGENT_DAY_COLUMNS = (
    "agent_id",
    "position",
    "group",
    "day",
    "status",
    "scheduled_s",
    "duty_s",
    "talk_s",
    "wrap_s",
    "break_s",
    "calls",
    "hostile_s",
    "longest_busy_s",
    "strain_mean",
    "strain_end",
    "above_threshold_s",
    "exhaustion",
    "speed",
    "hired",
    "resigned",
)

STRAIN_INTERVAL_COLUMNS = ("slot", "group", "agents", "strain_mean", "strain_p90", "strain_max")


# Column types. Every column not named below is float64 (times in run seconds, durations, NaN
# for "did not happen"). Ids of calls, stories and persons take 64 bits (a story id carries its
# day in its upper bits); agents and rota positions 32; queues, groups, segments, menu options and
# per-attempt counts 16; outcome codes 8. A float64 block holds every row twice over: typed,
# a long run's records take about half the memory.
_ID, _AGENT, _INDEX, _CODE, _FLAG = "i8", "i4", "i2", "i1", "?"
COLUMN_TYPES: dict[str, dict[str, str]] = {
    "legs": {"call_id": _ID, "leg": _INDEX, "queue": _INDEX, "agent_id": _AGENT, "group": _INDEX,
             "outcome": _CODE, "talk_outcome": _CODE, "callback": _FLAG},
    "calls": {"call_id": _ID, "story_id": _ID, "person_id": _ID, "attempt": _INDEX, "segment": _INDEX,
              "ivr_option": _INDEX, "first_queue": _INDEX, "legs": _INDEX, "transfers": _INDEX, "outcome": _CODE,
              "difficult": _FLAG, "abusive": _FLAG, "misrouted": _FLAG, "first_agent_id": _AGENT,
              "resolving_group": _INDEX, "trigger": _CODE, "difficult_cause": _CODE},
    "stories": {"story_id": _ID, "person_id": _ID, "segment": _INDEX, "ivr_option": _INDEX, "attempts": _INDEX,
                "transfers": _INDEX, "outcome": _CODE, "resolving_group": _INDEX, "difficult_attempts": _INDEX},
    "duty": {"agent_id": _AGENT, "position": _AGENT, "group": _INDEX, "kind": _CODE},
    "breaks": {"agent_id": _AGENT, "position": _AGENT, "group": _INDEX, "kind": _CODE, "result": _CODE},
    "agent_days": {"agent_id": _AGENT, "position": _AGENT, "group": _INDEX, "day": _AGENT, "status": _CODE,
                   "calls": _AGENT, "hired": _FLAG, "resigned": _FLAG},
    "strain_intervals": {"slot": _AGENT, "group": _INDEX, "agents": _AGENT},
}


def record_dtype(kind: str) -> np.dtype:
    """The structured dtype of one record kind: its columns in order, each with its type."""
    types = COLUMN_TYPES[kind]
    return np.dtype([(name, types.get(name, "f8")) for name in ALL_COLUMNS[kind]])


def typed_rows(kind: str, rows: Iterable[tuple]) -> np.ndarray:
    """Rows of ``kind`` (tuples in column order) as one structured array of :func:`record_dtype`."""
    return np.fromiter(rows, dtype=record_dtype(kind))


# struct's code of each column type a record dtype uses, by numpy kind and size in bytes.
_STRUCT_CODES = {("i", 8): "q", ("i", 4): "i", ("i", 2): "h", ("i", 1): "b", ("b", 1): "?", ("f", 8): "d"}


def row_struct(kind: str) -> struct.Struct:
    """Packs one row of ``kind`` into the bytes of one :func:`record_dtype` element.

    Little-endian standard sizes with no padding: the layout of numpy's packed structured dtype.
    A value out of its column's range raises :class:`struct.error`.
    """
    dtype = record_dtype(kind)
    fields = (dtype[name] for name in ALL_COLUMNS[kind])
    return struct.Struct("<" + "".join(_STRUCT_CODES[(field.kind, field.itemsize)] for field in fields))


class Recorder:
    """The one writer of a replication's rows, in the column orders above.

    Each row is packed as it is written (:func:`row_struct`) onto its kind's growing byte buffer:
    one C call and a few bytes a field, where a tuple of boxed numbers took some 35 bytes a field
    and a numpy pass later to pack. :meth:`finish` hands each buffer over, without copying, as a
    structured array (:func:`record_dtype`) with a typed column per field: the form the tables are
    built from. (A large buffer grows by remapping its pages, so it is never held twice.)
    The engine and its roster call these methods; ``tests/test_records.py`` checks that each
    method's parameters are its columns, in order.
    """

    __slots__ = ("_legs", "_calls", "_stories", "_duty", "_breaks", "_strain_intervals")

    def __init__(self) -> None:
        self._legs = bytearray()
        self._calls = bytearray()
        self._stories = bytearray()
        self._duty = bytearray()
        self._breaks = bytearray()
        self._strain_intervals = bytearray()

    def finish(self) -> dict[str, np.ndarray]:
        """Every kind's rows as one structured array (:func:`record_dtype`); the recorder is emptied."""
        out = {}
        for kind in RECORD_KINDS:
            rows: bytearray = getattr(self, "_" + kind)
            out[kind] = np.frombuffer(rows, dtype=record_dtype(kind))  # shares the buffer: no copy
            setattr(self, "_" + kind, bytearray())
        return out

    def leg(self, call_id: int, leg: int, queue: int, t_enqueue: float, t_answer: float, t_end_talk: float,
            t_end: float, agent_id: int, group: int, outcome: int, talk_outcome: int, handover_s: float,
            callback: bool) -> None:
        self._legs += _PACK_LEG(call_id, leg, queue, t_enqueue, t_answer, t_end_talk, t_end, agent_id, group,
                                outcome, talk_outcome, handover_s, callback)

    def call(self, call_id: int, story_id: int, person_id: int, attempt: int, segment: int, t_arrive: float,
             t_ivr_end: float, ivr_option: int, first_queue: int, t_first_answer: float, t_end: float, legs: int,
             transfers: int, wait_s: float, talk_s: float, outcome: int, difficult: bool, abusive: bool,
             misrouted: bool, frustration: float, first_agent_id: int, resolving_group: int, trigger: int,
             price_paid: float, difficult_cause: int) -> None:
        self._calls += _PACK_CALL(call_id, story_id, person_id, attempt, segment, t_arrive, t_ivr_end, ivr_option,
                                  first_queue, t_first_answer, t_end, legs, transfers, wait_s, talk_s, outcome,
                                  difficult, abusive, misrouted, frustration, first_agent_id, resolving_group,
                                  trigger, price_paid, difficult_cause)

    def story(self, story_id: int, person_id: int, segment: int, ivr_option: int, t_first: float, t_end: float,
              attempts: int, transfers: int, outcome: int, resolved_attempt: float, resolving_group: int,
              wait_s: float, talk_s: float, ivr_s: float, difficult_attempts: int) -> None:
        self._stories += _PACK_STORY(story_id, person_id, segment, ivr_option, t_first, t_end, attempts, transfers,
                                     outcome, resolved_attempt, resolving_group, wait_s, talk_s, ivr_s,
                                     difficult_attempts)

    def duty_stretch(self, agent_id: int, position: int, group: int, t_start: float, t_end: float,
                     kind: int) -> None:
        self._duty += _PACK_DUTY(agent_id, position, group, t_start, t_end, kind)

    def break_piece(self, agent_id: int, position: int, group: int, kind: int, t_planned: float, planned_s: float,
                    t_start: float, delivered_s: float, result: int) -> None:
        self._breaks += _PACK_BREAK(agent_id, position, group, kind, t_planned, planned_s, t_start, delivered_s,
                                    result)

    def strain_interval(self, slot: int, group: int, agents: int, strain_mean: float, strain_p90: float,
                        strain_max: float) -> None:
        self._strain_intervals += _PACK_STRAIN_INTERVAL(slot, group, agents, strain_mean, strain_p90, strain_max)


RECORD_KINDS = {
    "legs": LEG_COLUMNS,
    "calls": CALL_COLUMNS,
    "stories": STORY_COLUMNS,
    "duty": DUTY_COLUMNS,
    "breaks": BREAK_COLUMNS,
    "strain_intervals": STRAIN_INTERVAL_COLUMNS,
}
"""The kinds the :class:`Recorder` writes, with their columns."""
ALL_COLUMNS = {**RECORD_KINDS, "agent_days": AGENT_DAY_COLUMNS}
"""Every record kind, the workforce's agent-days included."""

# The recorder's row packers (Final: the compiled build reads each as a constant, not by name, once per row).
_PACK_LEG: Final = row_struct("legs").pack
_PACK_CALL: Final = row_struct("calls").pack
_PACK_STORY: Final = row_struct("stories").pack
_PACK_DUTY: Final = row_struct("duty").pack
_PACK_BREAK: Final = row_struct("breaks").pack
_PACK_STRAIN_INTERVAL: Final = row_struct("strain_intervals").pack


class Grid(Protocol):
    """The time grid the records are on (the model's calendar): what the tables need of it."""

    @property
    def days(self) -> int: ...
    @property
    def interval(self) -> float: ...  # seconds per planning interval
    @property
    def slots_per_day(self) -> int: ...
    @property
    def n_slots(self) -> int: ...
    @property
    def length(self) -> float: ...  # seconds of the whole grid
    @property
    def open_mask(self) -> np.ndarray: ...  # per slot: the centre is open
    @property
    def lead_days(self) -> int: ...  # warm-up days before the reported window
    @property
    def lead(self) -> float: ...  # seconds of warm-up


@dataclass
class RunRecords:
    """Everything one replication produced: each record kind a structured array (:func:`record_dtype`)."""

    legs: np.ndarray
    calls: np.ndarray
    stories: np.ndarray
    duty: np.ndarray
    breaks: np.ndarray
    agent_days: np.ndarray
    strain_intervals: np.ndarray
    expected_arrivals: np.ndarray
    busyness: np.ndarray
    calendar: Grid
    queue_names: list[str]
    group_names: list[str]
    segment_names: list[str]
    option_names: list[str]
    person_propensity: np.ndarray
    person_frustration: dict[int, float] = field(default_factory=dict)
    counters: dict[str, float] = field(default_factory=dict)
