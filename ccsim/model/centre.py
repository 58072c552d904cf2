"""The SimPy world of one replication: arrivals, queues, agents and the records they leave.

Events are SimPy timeouts with callbacks rather than one process per caller: a caller's
journey is a small state machine (arrive -> queue -> talk -> wrap-up -> leave), and callbacks
avoid a generator resumption and a condition event per step, which a profile shows dominate the
textbook ``yield request | timeout(patience)`` pattern. Abandonment timers are cancelled
lazily: a timer that fires for a caller no longer waiting on that leg does nothing.

This module does no I/O and never imports pandas: it returns plain record lists.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import simpy

from ccsim import rng
from ccsim.config.scenario import Scenario
from ccsim.metrics import records as R
from ccsim.model import arrivals as arrival_model
from ccsim.model.calendar import Calendar
from ccsim.model.staffing import DutySpan, headcount_grid, spans_from_grid

NAN = math.nan
WAITING, TALKING, DONE = 0, 1, 2


class Call:
    """One attempt by a caller, from dialling in to hanging up (possibly over several legs)."""

    __slots__ = (
        "id",
        "story",
        "person",
        "attempt",
        "segment",
        "draws",
        "t_arrive",
        "t_ivr_end",
        "queue",
        "first_queue",
        "leg",
        "t_enqueue",
        "state",
        "t_answer",
        "t_first_answer",
        "t_end_talk",
        "agent",
        "first_agent",
        "wait",
        "talk",
        "transfers",
    )

    def __init__(self, call_id: int, story: int, person: int, attempt: int, segment: int, draws: rng.Keyed, now: float):
        self.id = call_id
        self.story = story
        self.person = person
        self.attempt = attempt
        self.segment = segment
        self.draws = draws
        self.t_arrive = now
        self.t_ivr_end = now
        self.queue = -1
        self.first_queue = -1
        self.leg = -1
        self.t_enqueue = NAN
        self.state = WAITING
        self.t_answer = NAN
        self.t_first_answer = NAN
        self.t_end_talk = NAN
        self.agent: Agent | None = None
        self.first_agent = -1
        self.wait = 0.0
        self.talk = 0.0
        self.transfers = 0


class Agent:
    """One person in a rota position: on or off duty, idle or busy."""

    __slots__ = ("id", "position", "group", "on_duty", "busy", "idle_since", "leave_after_call", "draining",
                 "duty_start", "call", "speed")

    def __init__(self, agent_id: int, position: int, group: Group):
        self.id = agent_id
        self.position = position
        self.group = group
        self.on_duty = False
        self.busy = False
        self.idle_since = 0.0
        self.leave_after_call = False
        self.draining = False
        self.duty_start = 0.0
        self.call: Call | None = None
        self.speed = 1.0


class Queue:
    """A FIFO line; callers who hung up are skipped when they reach the head (lazy removal)."""

    __slots__ = ("index", "name", "line", "tiers", "waiting")

    def __init__(self, index: int, name: str):
        self.index = index
        self.name = name
        self.waiting = 0  # callers in the line who have not hung up
        self.line: deque[Call] = deque()
        self.tiers: list[list[Group]] = []  # groups serving this queue, by how highly they rank it

    def head(self) -> Call | None:
        line = self.line
        while line and line[0].state != WAITING:
            line.popleft()
        return line[0] if line else None


class Group:
    """Agents sharing skills; idle agents wait in a deque so the longest idle answers first."""

    __slots__ = ("index", "name", "serves", "idle", "agents", "wrap", "talk_factor")

    def __init__(self, index: int, name: str, wrap: Callable[[float], float], talk_factor: float):
        self.index = index
        self.name = name
        self.serves: list[Queue] = []
        self.idle: deque[Agent] = deque()
        self.agents: list[Agent] = []
        self.wrap = wrap
        self.talk_factor = talk_factor


@dataclass
class SegmentRuntime:
    name: str
    upper: float  # cumulative share: a uniform below this (and above the previous) picks it
    patience: Callable[[float], float] | None  # None: never hangs up while waiting
    talk: Callable[[float], float]
    queue: int


@dataclass
class RunRecords:
    """Everything one replication produced, as plain lists in the columns of :mod:`records`."""

    legs: list[tuple]
    calls: list[tuple]
    duty: list[tuple]
    expected_arrivals: np.ndarray
    busyness: np.ndarray
    calendar: Calendar
    queue_names: list[str]
    group_names: list[str]
    segment_names: list[str]


class ContactCentre:
    """Wires the parts of one replication and runs it. Use :meth:`run` once."""

    def __init__(self, scenario: Scenario, replication: int = 0):
        self.scenario = scenario
        self.replication = replication
        self.env = simpy.Environment()
        self.calendar = Calendar.from_horizon(scenario.horizon)
        self.legs: list[tuple] = []
        self.calls: list[tuple] = []
        self.duty: list[tuple] = []
        self.in_system: dict[int, Call] = {}
        self._next_call_id = 0
        self._story_base = rng.key64(scenario.seed, replication, "stories")

        self.queues = [Queue(i, name) for i, name in enumerate(scenario.queues)]
        queue_index = {q.name: q for q in self.queues}
        self.groups: list[Group] = []
        for index, (name, spec) in enumerate(scenario.groups.items()):
            group = Group(index, name, spec.wrap_up.sampler(), spec.talk_time_factor)
            group.serves = [queue_index[q] for q in spec.serves]
            self.groups.append(group)
        for queue in self.queues:
            ranks = sorted({g.serves.index(queue) for g in self.groups if queue in g.serves})
            queue.tiers = [[g for g in self.groups if queue in g.serves and g.serves.index(queue) == rank]
                           for rank in ranks]

        upper = 0.0
        self.segments: list[SegmentRuntime] = []
        for name, segment in scenario.segments.items():
            upper += segment.share
            patience = segment.patience.sampler() if segment.patience is not None else None
            self.segments.append(SegmentRuntime(name, upper, patience,
                                                segment.talk_time.sampler(),
                                                queue_index[scenario.segment_queue(name)].index))
        self.segments[-1].upper = 1.0

        self.expected = arrival_model.expected_counts(scenario.arrivals, self.calendar)
        self.busyness = arrival_model.busyness_factors(scenario.arrivals, self.calendar.days, scenario.seed,
                                                       replication)
        self._day_times = np.empty(0)
        self._day_index = 0
        self._day = 0
        self._agent_spans: list[tuple[Agent, list[DutySpan]]] = []
        self._build_agents()

    # ------------------------------------------------------------------ set-up

    def _build_agents(self) -> None:
        next_id = 0
        for group, spec in zip(self.groups, self.scenario.groups.values()):
            grid = headcount_grid(spec.staffing, self.calendar)
            for position, spans in enumerate(spans_from_grid(grid, self.calendar)):
                agent = Agent(next_id, position, group)
                next_id += 1
                group.agents.append(agent)
                self._agent_spans.append((agent, spans))

    def _at(self, delay: float, callback: Callable[[simpy.Event], None], value: object = None) -> None:
        self.env.timeout(delay, value).callbacks.append(callback)

    # ------------------------------------------------------------------ run

    def run(self) -> RunRecords:
        """Simulate the whole horizon and return the records."""
        env = self.env
        for day in range(self.calendar.days):
            self._at(day * 86400.0, self._on_day_start, day)
        for agent, spans in self._agent_spans:
            for span in spans:
                self._at(span.start, self._on_duty_start, (agent, span))
        env.run(until=self.calendar.length)
        self._close_books()
        return RunRecords(
            legs=self.legs,
            calls=self.calls,
            duty=self.duty,
            expected_arrivals=self.expected,
            busyness=self.busyness,
            calendar=self.calendar,
            queue_names=[q.name for q in self.queues],
            group_names=[g.name for g in self.groups],
            segment_names=[s.name for s in self.segments],
        )

    def _on_day_start(self, event: simpy.Event) -> None:
        day = event.value
        self._day = day
        self._day_times = arrival_model.day_arrival_times(
            self.expected, self.calendar, day, float(self.busyness[day]), self.scenario.seed, self.replication
        )
        self._day_index = 0
        if len(self._day_times):
            self._at(self._day_times[0] - self.env.now, self._on_fresh_arrival)

    # ------------------------------------------------------------------ callers

    def _on_fresh_arrival(self, event: simpy.Event) -> None:
        index = self._day_index
        self._day_index = index + 1
        if self._day_index < len(self._day_times):
            self._at(self._day_times[self._day_index] - self.env.now, self._on_fresh_arrival)
        story = (self._day << 24) | index
        draws = rng.Keyed(rng.mix64(self._story_base, story))
        u = draws.u(rng.slot(0, 0, rng.SEGMENT))
        segment = 0
        while u >= self.segments[segment].upper:
            segment += 1
        call = Call(self._next_call_id, story, story, 0, segment, draws, self.env.now)
        self._next_call_id += 1
        self.in_system[call.id] = call
        self._enqueue(call, self.queues[self.segments[segment].queue])

    def _enqueue(self, call: Call, queue: Queue) -> None:
        now = self.env.now
        call.leg += 1
        call.queue = queue.index
        if call.first_queue < 0:
            call.first_queue = queue.index
        call.t_enqueue = now
        call.state = WAITING
        agent = self._idle_agent_for(queue)
        if agent is not None:
            self._answer(agent, call)
            return
        queue.line.append(call)
        queue.waiting += 1
        patience = self.segments[call.segment].patience
        if patience is not None:
            self._at(patience(call.draws.u(rng.slot(call.attempt, call.leg, rng.PATIENCE))), self._on_patience_end,
                     (call, call.leg))

    def _idle_agent_for(self, queue: Queue) -> Agent | None:
        for tier in queue.tiers:
            best: Agent | None = None
            for group in tier:
                if group.idle and (best is None or group.idle[0].idle_since < best.idle_since):
                    best = group.idle[0]
            if best is not None:
                best.group.idle.popleft()
                return best
        return None

    def _on_patience_end(self, event: simpy.Event) -> None:
        call, leg = event.value
        if call.state != WAITING or call.leg != leg:
            return
        now = self.env.now
        call.state = DONE
        self.queues[call.queue].waiting -= 1
        call.wait += now - call.t_enqueue
        self.legs.append((call.id, leg, call.queue, call.t_enqueue, NAN, NAN, now, -1, -1,
                          R.LEG_ABANDONED, R.TALK_NONE, 0.0))
        self._finish_call(call, R.CALL_ABANDONED, now, -1)

    def _answer(self, agent: Agent, call: Call) -> None:
        now = self.env.now
        agent.busy = True
        agent.call = call
        call.state = TALKING
        call.agent = agent
        call.t_answer = now
        call.wait += now - call.t_enqueue
        if call.first_agent < 0:
            call.first_agent = agent.id
            call.t_first_answer = now
        group = agent.group
        talk = self.segments[call.segment].talk(call.draws.u(rng.slot(call.attempt, call.leg, rng.TALK)))
        talk *= group.talk_factor * agent.speed
        self._at(talk, self._on_talk_end, agent)

    def _on_talk_end(self, event: simpy.Event) -> None:
        agent = event.value
        call = agent.call
        now = self.env.now
        call.t_end_talk = now
        call.talk += now - call.t_answer
        wrap = agent.group.wrap(call.draws.u(rng.slot(call.attempt, call.leg, rng.WRAP)))
        self.legs.append((call.id, call.leg, call.queue, call.t_enqueue, call.t_answer, now, now + wrap,
                          agent.id, agent.group.index, R.LEG_ANSWERED, R.TALK_RESOLVED, 0.0))
        self._finish_call(call, R.CALL_RESOLVED, now, agent.group.index)
        if wrap > 0:
            self._at(wrap, self._on_wrap_end, agent)
        else:
            self._agent_free(agent)

    def _on_wrap_end(self, event: simpy.Event) -> None:
        self._agent_free(event.value)

    def _finish_call(self, call: Call, outcome: int, now: float, resolving_group: int) -> None:
        call.state = DONE
        del self.in_system[call.id]
        self.calls.append((call.id, call.story, call.person, call.attempt, call.segment, call.t_arrive,
                           call.t_ivr_end, call.first_queue, call.t_first_answer, now, call.leg + 1,
                           call.transfers, call.wait, call.talk, outcome, False, False, False, 0,
                           call.first_agent, resolving_group))

    # ------------------------------------------------------------------ agents

    def _agent_free(self, agent: Agent) -> None:
        agent.busy = False
        agent.call = None
        if agent.leave_after_call:
            self._go_off_duty(agent)
            return
        call = self._next_call_for(agent)
        if call is not None:
            self._answer(agent, call)
        elif agent.draining:
            self._go_off_duty(agent)
        else:
            agent.idle_since = self.env.now
            agent.group.idle.append(agent)

    def _next_call_for(self, agent: Agent) -> Call | None:
        for queue in agent.group.serves:
            call = queue.head()
            if call is not None:
                queue.line.popleft()
                queue.waiting -= 1
                return call
        return None

    def _on_duty_start(self, event: simpy.Event) -> None:
        agent, span = event.value
        self._at(span.end - span.start, self._on_duty_end, (agent, span))
        agent.leave_after_call = False
        agent.draining = False
        if agent.on_duty:
            # Still finishing the last call of the previous span: the two spans join up.
            return
        agent.on_duty = True
        agent.duty_start = self.env.now
        self._agent_free(agent)

    def _on_duty_end(self, event: simpy.Event) -> None:
        agent, span = event.value
        if not agent.on_duty:
            return
        if agent.busy:
            if span.drain:
                agent.draining = True
            else:
                agent.leave_after_call = True
            return
        agent.group.idle.remove(agent)
        self._go_off_duty(agent)

    def _go_off_duty(self, agent: Agent) -> None:
        agent.on_duty = False
        agent.leave_after_call = False
        agent.draining = False
        self.duty.append((agent.id, agent.position, agent.group.index, agent.duty_start, self.env.now, R.DUTY_ON))

    # ------------------------------------------------------------------ end of horizon

    def _close_books(self) -> None:
        """Record everyone still in the system when the horizon ends: counted, not dropped."""
        now = self.env.now
        for call in list(self.in_system.values()):
            if call.state == WAITING and call.leg >= 0:
                call.wait += now - call.t_enqueue
                self.legs.append((call.id, call.leg, call.queue, call.t_enqueue, NAN, NAN, NAN, -1, -1,
                                  R.LEG_OPEN, R.TALK_NONE, 0.0))
            elif call.state == TALKING:
                self.legs.append((call.id, call.leg, call.queue, call.t_enqueue, call.t_answer, NAN, NAN,
                                  call.agent.id, call.agent.group.index, R.LEG_OPEN, R.TALK_OPEN, 0.0))
            self._finish_call(call, R.CALL_OPEN, NAN, -1)
        for group in self.groups:
            for agent in group.agents:
                if agent.on_duty:
                    self.duty.append((agent.id, agent.position, group.index, agent.duty_start, now, R.DUTY_ON))
