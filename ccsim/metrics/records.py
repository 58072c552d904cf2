"""The output schema in one place: the columns of every record kind and the outcome codes.

During a run the model appends plain tuples in these column orders (cheap); after the run
:mod:`ccsim.metrics.tables` turns them into pandas DataFrames. Times are run seconds from 00:00
of the first day; durations are seconds; NaN (or -1 for ids) means "did not happen".
"""

from __future__ import annotations

# Outcome of one queue visit (a leg).
LEG_ANSWERED = 0
LEG_ABANDONED = 1
LEG_OPEN = 2  # still waiting or talking when the horizon ended
LEG_OUTCOMES = ("answered", "abandoned", "open")

# How one attempt (a call) ended.
CALL_RESOLVED = 0
CALL_ABANDONED = 1  # hung up while waiting in a queue
CALL_IVR_ABANDONED = 2
CALL_SELF_SERVED = 3
CALL_UNRESOLVED = 4  # talked, told to call back
CALL_TRANSFER_CAP = 5  # lost at the transfer cap
CALL_CUT_OFF = 6  # ended by a call-time limit without resolution
CALL_HUNG_UP = 7  # agent ended an abusive call
CALL_DETERRED = 8  # did not call at the paid line's price
CALL_BLOCKED = 9  # repeat abuser sent to a written channel
CALL_OPEN = 10  # still in the system at the end of the horizon
CALL_CALLBACK_LOST = 11  # could not be reached for a promised callback
CALL_OUTCOMES = (
    "resolved",
    "abandoned",
    "ivr_abandoned",
    "self_served",
    "unresolved",
    "transfer_cap",
    "cut_off",
    "hung_up",
    "deterred",
    "blocked",
    "open",
    "callback_lost",
)

# How a conversation (an answered leg) ended, from the caller's side.
TALK_NONE = -1
TALK_RESOLVED = 0
TALK_TRANSFER_WARM = 1
TALK_TRANSFER_COLD = 2
TALK_UNRESOLVED = 3
TALK_MISROUTE = 4
TALK_CUT_OFF = 5
TALK_HUNG_UP = 6
TALK_OPEN = 7
TALK_OUTCOMES = (
    "resolved",
    "transfer_warm",
    "transfer_cold",
    "unresolved",
    "misroute_transfer",
    "cut_off",
    "hung_up",
    "open",
)

# Why an attempt was difficult. ``failure``: the caller's earlier failures made it so (the keyed
# draw fell between the no-failure probability and the probability after the failures, so the
# same caller with no failures would not have been difficult); ``chance``: difficult even
# without failures; ``nature``: a segment difficult by nature.
DIFFICULT_NONE = 0
DIFFICULT_NATURE = 1
DIFFICULT_CHANCE = 2
DIFFICULT_FAILURE = 3
DIFFICULT_CAUSES = ("none", "nature", "chance", "failure")

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
DUTY_ON = 0
DUTY_BREAK = 1
DUTY_OFF_PHONE = 2  # coaching, meetings: a shift's own off-phone share
DUTY_TRAINING = 3  # off-phone time the training policy adds
DUTY_KINDS = ("on_duty", "break", "off_phone", "training")

# What became of one planned break or off-phone block (one row of the ``breaks`` table).
BREAK_ON_TIME = 0  # started when planned (the agent was free)
BREAK_DEFERRED = 1  # started later (a call or an earlier break was still going), full length
BREAK_SHORTENED = 2  # started later and cut at the end of the agent's duty
BREAK_MISSED = 3  # could not start before the agent's duty ended
BREAK_OPEN = 4  # still pending or under way when the horizon ended
BREAK_RESULTS = ("on_time", "deferred", "shortened", "missed", "open")

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

# Status of an agent's rota position on a day.
STATUS_OFF = 0  # not scheduled
STATUS_WORKING = 1
STATUS_SICK = 2
STATUS_STRESS_LEAVE = 3
STATUS_TRAINING = 4
STATUS_VACANT = 5
STATUSES = ("off", "working", "sick", "stress_leave", "training", "vacant")

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


class Recorder:
    """The one writer of a replication's rows: plain tuples in the column orders above (cheap to append).

    The engine and its roster call these methods; :mod:`ccsim.metrics.tables` reads the lists.
    ``tests/test_records.py`` checks that each method's parameters are its columns, in order.
    """

    __slots__ = ("legs", "calls", "stories", "duty", "breaks", "strain_intervals")

    def __init__(self) -> None:
        self.legs: list[tuple] = []
        self.calls: list[tuple] = []
        self.stories: list[tuple] = []
        self.duty: list[tuple] = []
        self.breaks: list[tuple] = []
        self.strain_intervals: list[tuple] = []

    def leg(self, call_id: int, leg: int, queue: int, t_enqueue: float, t_answer: float, t_end_talk: float,
            t_end: float, agent_id: int, group: int, outcome: int, talk_outcome: int, handover_s: float,
            callback: bool) -> None:
        self.legs.append((call_id, leg, queue, t_enqueue, t_answer, t_end_talk, t_end, agent_id, group, outcome,
                          talk_outcome, handover_s, callback))

    def call(self, call_id: int, story_id: int, person_id: int, attempt: int, segment: int, t_arrive: float,
             t_ivr_end: float, ivr_option: int, first_queue: int, t_first_answer: float, t_end: float, legs: int,
             transfers: int, wait_s: float, talk_s: float, outcome: int, difficult: bool, abusive: bool,
             misrouted: bool, frustration: float, first_agent_id: int, resolving_group: int, trigger: int,
             price_paid: float, difficult_cause: int) -> None:
        self.calls.append((call_id, story_id, person_id, attempt, segment, t_arrive, t_ivr_end, ivr_option,
                           first_queue, t_first_answer, t_end, legs, transfers, wait_s, talk_s, outcome, difficult,
                           abusive, misrouted, frustration, first_agent_id, resolving_group, trigger, price_paid,
                           difficult_cause))

    def story(self, story_id: int, person_id: int, segment: int, ivr_option: int, t_first: float, t_end: float,
              attempts: int, transfers: int, outcome: int, resolved_attempt: int, resolving_group: int,
              wait_s: float, talk_s: float, ivr_s: float, difficult_attempts: int) -> None:
        self.stories.append((story_id, person_id, segment, ivr_option, t_first, t_end, attempts, transfers, outcome,
                             resolved_attempt, resolving_group, wait_s, talk_s, ivr_s, difficult_attempts))

    def duty_stretch(self, agent_id: int, position: int, group: int, t_start: float, t_end: float,
                     kind: int) -> None:
        self.duty.append((agent_id, position, group, t_start, t_end, kind))

    def break_piece(self, agent_id: int, position: int, group: int, kind: int, t_planned: float, planned_s: float,
                    t_start: float, delivered_s: float, result: int) -> None:
        self.breaks.append((agent_id, position, group, kind, t_planned, planned_s, t_start, delivered_s, result))

    def strain_interval(self, slot: int, group: int, agents: int, strain_mean: float, strain_p90: float,
                        strain_max: float) -> None:
        self.strain_intervals.append((slot, group, agents, strain_mean, strain_p90, strain_max))
