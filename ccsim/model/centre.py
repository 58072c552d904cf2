"""The SimPy world of one replication: the event state machine of callers, menu, queues and agents.

This module only moves calls from event to event; each rule lives in its own module
(``docs/architecture.md`` has the table): policies in :mod:`ccsim.model.policies`, frustration and
difficulty in :mod:`ccsim.model.frustration`, talk outcomes in :mod:`ccsim.model.conversation`,
duty and breaks in :mod:`ccsim.model.duty`, strain in :mod:`ccsim.model.agents`, redials in
:mod:`ccsim.model.redials`, routing in :mod:`ccsim.model.routing`.

Events are SimPy timeouts with callbacks rather than one process per caller. A caller's journey
is a small state machine (arrive -> menu -> queue -> talk -> transfer or leave -> maybe call
again), and callbacks avoid a generator resumption and a condition event per step, which a
profile shows dominate the textbook ``yield request | timeout(patience)`` pattern. Abandonment
timers are cancelled lazily: a timer that fires for a caller no longer waiting on that leg does
nothing.

Handlers declare the types of what they unpack from ``event.value`` (``Any``) and of ``now``
(SimPy's ``int | float``): the compiled build (``setup.py``) then reads the call's and the
agent's fields directly instead of looking each one up by name.

This module does no I/O and never imports pandas: it returns plain record lists.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import simpy

from ccsim import rng
from ccsim.config.scenario import Scenario
from ccsim.metrics import records as R
from ccsim.metrics.records import RunRecords
from ccsim.model import arrivals as arrival_model
from ccsim.model.agents import Agent, NoStrain, StrainModel
from ccsim.model.calendar import Calendar
from ccsim.model.callers import (
    DONE,
    IN_IVR,
    TALKING,
    WAITING,
    Call,
    Population,
    Story,
)
from ccsim.model.clock import Clock, Due, tidy
from ccsim.model.conversation import OutcomeModel, abuse_onset
from ccsim.model.duty import Roster
from ccsim.model.frustration import COLD_TRANSFER_POINTS, Difficulty, Frustration
from ccsim.model.ivr import IVR_ABANDONED, IVR_ROUTED, IVR_SELF_SERVED, IvrMenu, MenuResult
from ccsim.model.policies import TalkPlan, build_policies
from ccsim.model.policies.warm_transfers import transfer_rules
from ccsim.model.redials import RedialModel
from ccsim.model.routing import Group, Queue, idle_agent_for, next_call_for, rank_groups
from ccsim.model.script import Script, ScriptedCall
from ccsim.model.staffing import build_positions
from ccsim.model.window import cut_to_window
from ccsim.model.workforce import Seat, WorkforceModel

NAN: Final = math.nan
WARM_PRIORITY: Final = 0
PRIMED_BLOCK: Final = 1024  # fresh stories whose first-leg draws are made in one vectorised pass


@dataclass
class SegmentRuntime:
    name: str
    upper: float  # cumulative share: a uniform below this (and above the previous) picks it
    patience: Callable[[float], float] | None  # None: never hangs up while waiting
    talk: Callable[[float], float]
    queue: int
    difficult: bool
    priority: int


class ContactCentre:
    """Wires the parts of one replication and runs it. Use :meth:`run` once."""

    def __init__(self, scenario: Scenario, replication: int = 0, script: Script | None = None):
        self.scenario = scenario
        self.replication = replication
        self.script = script
        self._day_script: list[ScriptedCall] = []
        self.forced: dict[int, ScriptedCall] = {}  # story id -> what its script forces
        self.env = simpy.Environment()
        self.clock = Clock(self.env)
        self.calendar = Calendar.from_horizon(scenario.horizon, scenario.lead_days)
        self.recorder = R.Recorder()
        self.in_system: dict[int, Call] = {}
        self.open_stories: dict[int, Story] = {}
        self._next_call_id = 0
        self.pending_redials = 0  # redials and promised callbacks scheduled but not yet made
        self._primer = rng.Primer(rng.key64(scenario.seed, replication, "stories"))

        self.queues = [Queue(i, name) for i, name in enumerate(scenario.queues)]
        queue_index = {q.name: q.index for q in self.queues}
        self.groups: list[Group] = []
        for index, (name, spec) in enumerate(scenario.groups.items()):
            group = Group(index, name, spec.wrap_up, spec.talk_time_factor, spec.hourly_cost)
            group.serves = [self.queues[queue_index[q]] for q in spec.serves]
            self.groups.append(group)
        rank_groups(self.queues, self.groups)
        group_index = {g.name: g for g in self.groups}
        for rule in scenario.overflow:
            queue, group = self.queues[queue_index[rule.queue]], group_index[rule.group]
            queue.overflow.append((group, rule.after))
            group.overflow_from.append((queue, rule.after))

        upper = 0.0
        self.segments: list[SegmentRuntime] = []
        for name, segment in scenario.segments.items():
            upper += segment.share
            patience = segment.patience.sampler() if segment.patience is not None else None
            self.segments.append(SegmentRuntime(
                name, upper, patience, segment.talk_time.sampler(), queue_index[scenario.segment_queue(name)],
                segment.difficult, segment.priority))
        self.segments[-1].upper = 1.0
        # Kept sorted even if rounding lifts a share's cumulative sum above the last one's 1.0.
        self._segment_uppers = np.minimum.accumulate([s.upper for s in self.segments][::-1])[::-1]
        self._segment_index = {s.name: i for i, s in enumerate(self.segments)}

        self.population = Population(scenario.customer_base, {n: s.share for n, s in scenario.segments.items()},
                                     scenario.seed, replication)
        self.frustration = Frustration(self.population.frustration)
        self.counters: dict[str, float] = {"churned_contacts": 0.0, "customers_lost": 0.0, "revenue": 0.0,
                                           "billed_minutes": 0.0}
        workforce = scenario.workforce
        hang_up = scenario.policies.active("hang_up")
        self.strain: StrainModel = (StrainModel(workforce.stress, hang_up.control_buffer if hang_up else 0.0)
                                    if workforce is not None else NoStrain())
        self.policies = build_policies(scenario, queue_index, [g.name for g in self.groups], self.population,
                                       self.counters, self.strain)
        self.callback = self.policies.callback
        self.ivr = (IvrMenu(scenario.ivr, queue_index, scenario.policies.active("ivr_redesign"))
                    if scenario.ivr is not None and scenario.ivr.enabled else None)
        self.outcomes = OutcomeModel(scenario.outcomes, [g.name for g in self.groups], list(scenario.segments),
                                     queue_index)
        self.redials = RedialModel(scenario.redials, self.calendar)
        self.transfers = transfer_rules(scenario.transfers, scenario.policies.active("warm_transfers"))
        self.difficulty = Difficulty(scenario.difficulty, self.policies.abuse_factor)

        self.expected = arrival_model.expected_counts(scenario.arrivals, self.calendar)
        self.busyness = arrival_model.busyness_factors(scenario.arrivals, self.calendar.days, scenario.seed,
                                                       replication)
        self._day_times: list[float] = []
        self._day_index = 0
        self._primed: list[rng.PrimedKeyed] = []  # draws of the day's stories from index _primed_from on
        self._primed_segments: list[int] = []  # their segments
        self._primed_persons: list[int] = []  # their persons (with a customer base)
        self._primed_from = 0
        self._day = 0
        self.roster = Roster(self.clock, self.recorder, self.strain, self.groups, self.calendar,
                             self._agent_free)
        # The handlers the clock calls back, bound once: `self._on_talk_end` as a value makes a new
        # bound method each time, several per call.
        self._fresh_arrival_handler: Callable[[Due], None] = self._on_fresh_arrival
        self._menu_end_handler: Callable[[Due], None] = self._on_menu_end
        self._overflow_due_handler: Callable[[Due], None] = self._on_overflow_due
        self._callback_offer_handler: Callable[[Due], None] = self._on_callback_offer
        self._patience_end_handler: Callable[[Due], None] = self._on_patience_end
        self._abuse_handler: Callable[[Due], None] = self._on_abuse
        self._talk_end_handler: Callable[[Due], None] = self._on_talk_end
        self._wrap_end_handler: Callable[[Due], None] = self._on_wrap_end
        self._redial_handler: Callable[[Due], None] = self._on_redial
        self.workforce = self._build_workforce()

    # ------------------------------------------------------------------ set-up

    def _build_workforce(self) -> WorkforceModel:
        seats: list[Seat] = []
        training = self.policies.training
        for group, spec in zip(self.groups, self.scenario.groups.values()):
            # Training time takes trained agents off the phones (on shifts; a net headcount stays on).
            extra = training.off_phone_share(group.index) if training is not None else 0.0
            for position in build_positions(spec.staffing, self.calendar, training=extra):
                agent = Agent(len(seats), position, group)
                group.agents.append(agent)
                seats.append(Seat(group, position, agent))
        return WorkforceModel(self.scenario.workforce, seats, self.strain, self.scenario.seed, self.replication,
                              first_new_id=len(seats))


    # ------------------------------------------------------------------ run

    def run(self) -> RunRecords:
        """Simulate the whole horizon and return the records."""
        for day in range(self.calendar.days):
            self.clock.at(day * 86400.0, self._on_day_start, day)
        self.roster.start_snapshots()
        counters_at_start: dict[str, float] = {}
        if self.calendar.lead_days:
            self.clock.at(self.calendar.lead, lambda _: counters_at_start.update(self.counters))
        self.clock.run(until=self.calendar.length)
        self._close_books()
        rows = self.recorder.finish()
        agent_days = self.workforce.rows
        records = RunRecords(
            legs=rows["legs"],
            calls=rows["calls"],
            stories=rows["stories"],
            duty=rows["duty"],
            breaks=rows["breaks"],
            agent_days=R.typed_rows("agent_days", agent_days),
            strain_intervals=rows["strain_intervals"],
            expected_arrivals=self.expected,
            busyness=self.busyness,
            calendar=self.calendar,
            queue_names=[q.name for q in self.queues],
            group_names=[g.name for g in self.groups],
            segment_names=[s.name for s in self.segments],
            option_names=self.ivr.names if self.ivr else [],
            person_propensity=self.population.propensity,
            person_frustration=self.population.frustration,
            counters=self.counters,
        )
        return cut_to_window(records, Calendar.from_horizon(self.scenario.horizon), counters_at_start)

    def _on_day_start(self, event: Due) -> None:
        day: int = event.value
        self._day = day
        now: float = self.clock.now
        tidy()  # the cyclic collector is paused while the clock runs
        if day > 0:
            self.workforce.close_day(day - 1, now)
        self.policies.at_day_start(day, now, self.groups)
        self.roster.open_day(self.workforce.open_day(day))
        if self.script is not None:
            scripted = self.script.on_day(day, self.calendar.lead)
            self._day_times = [t for t, _ in scripted]
            self._day_script = [call for _, call in scripted]
        else:
            # Python floats: numpy scalars would leak into the clock and every record.
            self._day_times = arrival_model.day_arrival_times(
                self.expected, self.calendar, day, float(self.busyness[day]), self.scenario.seed, self.replication
            ).tolist()
        self._day_index = 0
        self._primed, self._primed_from = [], 0
        if self._day_times:
            self.clock.at(self._day_times[0] - now, self._fresh_arrival_handler)

    # ------------------------------------------------------------------ callers arrive

    def _on_fresh_arrival(self, event: Due) -> None:
        index = self._day_index
        self._day_index = index + 1
        now: float = self.clock.now
        if self._day_index < len(self._day_times):
            self.clock.at(self._day_times[self._day_index] - now, self._fresh_arrival_handler)
        story_id = (self._day << 24) | index
        offset = index - self._primed_from
        if offset >= len(self._primed):
            self._prime(index)
            offset = 0
        draws = self._primed[offset]
        segment = self._primed_segments[offset]
        population = self.population
        person = self._primed_persons[offset] if population.enabled else story_id
        forced = self._day_script[index] if self.script is not None else None
        if forced is not None and forced.segment is not None:
            segment = self._segment_index[forced.segment]
            person = population.pick(segment, draws, story_id)
        if forced is not None:
            if forced.person is not None:
                person = forced.person
            self.forced[story_id] = forced
        if person in population.left:
            self.counters["churned_contacts"] += 1  # this customer has left the company
            return
        story = Story(story_id, person, segment, draws, now)
        self.open_stories[story_id] = story
        self._start_attempt(story, R.TRIGGER_FRESH)

    def _prime(self, index: int) -> None:
        """Draw the first legs of the day's next block of stories, from story ``index`` on.

        In blocks rather than all at once, so the drawn values held stay small on a busy day.
        """
        end = min(index + PRIMED_BLOCK, len(self._day_times))
        story_ids = np.arange(index, end, dtype=np.uint64) | np.uint64(self._day << 24)
        primer = self._primer
        self._primed = primer.block(story_ids)
        self._primed_from = index
        # A story's segment is the first whose cumulative share exceeds its uniform; its person,
        # by propensity within the segment (Population.pick). Chosen for the block at once.
        segments = self._segment_uppers.searchsorted(primer.column(story_ids, rng.SEGMENT), "right")
        self._primed_segments = segments.tolist()
        if self.population.enabled:
            self._primed_persons = self.population.pick_block(segments, primer.column(story_ids, rng.PERSON))

    def _on_redial(self, event: Due) -> None:
        story: Story
        trigger: int
        story, trigger = event.value
        self.pending_redials -= 1
        self._start_attempt(story, trigger)

    def _start_attempt(self, story: Story, trigger: int) -> None:
        now: float = self.clock.now
        call = Call(self._next_call_id, story, trigger, self.frustration.of(story.person), now)
        self._next_call_id += 1
        story.attempts += 1
        self.in_system[call.id] = call
        segment = self.segments[story.segment]
        call.priority = segment.priority
        if self.difficulty.enabled:
            self.difficulty.mark(call, segment.difficult, self.forced.get(story.id) if self.forced else None, now)
        detour = self.policies.at_attempt(call, now) if self.policies.acts_at_attempt else None
        if detour is not None:
            if detour.queue >= 0:
                call.correct_queue = detour.queue
                self._enqueue(call, self.queues[detour.queue])
            else:
                self._end_attempt(call, detour.outcome, now, -1)
            return
        if self.ivr is None:
            queue = self.policies.team_queue(call, story.return_queue if story.return_queue >= 0 else segment.queue)
            call.correct_queue = queue
            self._enqueue(call, self.queues[queue])
            return
        menu = self.ivr.run(call)
        story.option = menu.option
        if story.return_queue >= 0 and menu.kind == IVR_ROUTED:
            # Back to the queue the caller left: they know where they need to go now.
            menu = menu.routed_to(story.return_queue)
        call.correct_queue = menu.correct_queue
        call.misrouted = menu.misrouted
        self.clock.at(menu.duration, self._menu_end_handler, (call, menu))

    def _on_menu_end(self, event: Due) -> None:
        call: Call
        menu: MenuResult
        call, menu = event.value
        now: float = self.clock.now
        call.t_ivr_end = now
        call.story.ivr += now - call.t_arrive
        if menu.kind == IVR_ABANDONED:
            self._end_attempt(call, R.CALL_IVR_ABANDONED, now, -1)
        elif menu.kind == IVR_SELF_SERVED:
            self._end_attempt(call, R.CALL_SELF_SERVED, now, -1)
        else:
            queue = self.policies.team_queue(call, menu.queue)
            if queue != menu.queue:
                call.correct_queue, call.misrouted = queue, False
            self._enqueue(call, self.queues[queue])

    # ------------------------------------------------------------------ queues

    def _enqueue(self, call: Call, queue: Queue, warm: bool = False) -> None:
        now: float = self.clock.now
        call.leg += 1
        call.queue = queue.index
        if call.first_queue < 0:
            call.first_queue = queue.index
        call.t_enqueue = now
        call.state = WAITING
        agent = idle_agent_for(queue)
        if agent is not None:
            self._answer(agent, call)
            return
        call.priority = WARM_PRIORITY if warm else self.segments[call.story.segment].priority
        queue.push(call)
        for group, after in queue.overflow:
            self.clock.at(after, self._overflow_due_handler, (call, call.leg, group))
        if warm:
            return  # the first agent stays on the line: a warm-transferred caller is never lost
        if self.callback is not None:
            self.clock.at(self.callback.offer_after, self._callback_offer_handler, (call, call.leg))
        patience = call.patience_of or self.segments[call.story.segment].patience
        if patience is not None:
            self.clock.at(patience(call.u(rng.PATIENCE)), self._patience_end_handler, (call, call.leg))

    def _on_overflow_due(self, event: Due) -> None:
        """The caller has waited long enough for ``group`` to answer too: take an idle agent of it."""
        call: Call
        leg: int
        group: Group
        call, leg, group = event.value
        if call.state != WAITING or call.leg != leg or not group.idle:
            return
        queue = self.queues[call.queue]
        if queue.head() is call:  # otherwise someone before this caller is still waiting their turn
            queue.pop()
            self._answer(group.idle.popleft(), call)

    def _on_callback_offer(self, event: Due) -> None:
        """Offer a waiting caller a callback: who accepts hangs up but keeps their place in line."""
        call: Call
        leg: int
        call, leg = event.value
        if call.state == WAITING and call.leg == leg and not call.virtual and self.callback is not None:
            call.virtual = self.callback.accepts(call)

    def _on_patience_end(self, event: Due) -> None:
        call: Call
        leg: int
        call, leg = event.value
        if call.state != WAITING or call.leg != leg or call.virtual:
            return
        now: float = self.clock.now
        call.state = DONE
        self.queues[call.queue].waiting -= 1
        call.wait += now - call.t_enqueue
        self.recorder.leg(call.id, leg, call.queue, call.t_enqueue, NAN, NAN, now, -1, -1, R.LEG_ABANDONED,
                          R.TALK_NONE, 0.0, False)
        self._end_attempt(call, R.CALL_ABANDONED, now, -1)

    # ------------------------------------------------------------------ conversations

    def _answer(self, agent: Agent, call: Call) -> None:
        now: float = self.clock.now
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
        policies = self.policies
        dial = 0.0
        call.callback = call.virtual
        call.cut_remaining, call.hung_up = 0.0, False
        if call.virtual:
            # A callback: the agent dials first, and does not always reach the caller. Once reached
            # the caller is on the line like anyone else (a transfer queues them on the line).
            assert self.callback is not None
            dial = self.callback.dial_time
            call.reached = self.callback.reaches(call)
            call.virtual = False
        if not call.reached:
            talk = 0.0
            call.talk_outcome, call.target = R.TALK_UNRESOLVED, -1
        elif call.misrouted and call.queue != call.correct_queue:
            # The agent finds out the caller is in the wrong queue and hands them over.
            assert self.ivr is not None
            talk = self.ivr.handover
            if policies.shapes_talk:
                talk = policies.plan_talk(call, TalkPlan(agent, group, now, talk, handover=True)).talk
            call.talk_outcome, call.target = R.TALK_MISROUTE, call.correct_queue
        else:
            talk = self.segments[call.story.segment].talk(call.u(rng.TALK))
            talk *= group.talk_factor * agent.speed * call.talk_factor
            natural = talk
            if policies.shapes_talk:
                plan = policies.plan_talk(call, TalkPlan(agent, group, now, talk, handover=False))
                talk, natural = plan.talk, plan.natural
                call.cut_remaining, call.hung_up = plan.cut_remaining, plan.hung_up
                call.talk_outcome, call.target = self.outcomes.decide(call, group.index, plan.resolve_shift,
                                                                      plan.transfer_scale)
            else:
                call.talk_outcome, call.target = self.outcomes.decide(call, group.index, agent.resolve_shift)
            if call.abusive and self.strain.enabled:
                onset = abuse_onset(call, natural)
                if onset <= talk:  # abuse begins before the call ends (a limit may cut it first)
                    self.clock.at(dial + onset, self._abuse_handler, (agent, call))
        if self.strain.enabled:  # NoStrain's methods do nothing: skip the calls on the hot path
            self.strain.talk(agent, now, call, group.resilience)
        self.clock.at(talk + dial, self._talk_end_handler, agent)

    def _on_abuse(self, event: Due) -> None:
        agent: Agent
        call: Call
        agent, call = event.value
        if agent.call is call and call.state == TALKING:
            self.strain.abuse(agent, self.clock.now, agent.group.resilience)

    def _on_talk_end(self, event: Due) -> None:
        agent: Agent = event.value
        call = agent.call
        assert call is not None  # the agent is talking to the call whose end this is
        now: float = self.clock.now
        talked = now - call.t_answer
        call.talk += talked
        outcome, target = call.talk_outcome, call.target
        ending = self.policies.at_talk_end(call, now) if self.policies.acts_at_talk_end else None
        if ending is not None:
            outcome, target = ending.outcome, ending.target
        handover = 0.0
        transfers = self.transfers
        at_cap = target >= 0 and call.transfers >= transfers.max_transfers
        if at_cap:
            # At the cap the chain stops: the last group resolves the call, or the caller is lost.
            outcome, target = R.TALK_RESOLVED if transfers.resolve_at_cap else R.TALK_UNRESOLVED, -1
            at_cap = not transfers.resolve_at_cap
        warm = target >= 0 and transfers.warm
        if warm:
            handover = transfers.handover
            if outcome == R.TALK_TRANSFER_COLD:
                outcome = R.TALK_TRANSFER_WARM
        group = agent.group
        wrap = group.fixed_wrap if group.fixed_wrap is not None else group.wrap(call.u(rng.WRAP))
        self.recorder.leg(call.id, call.leg, call.queue, call.t_enqueue, call.t_answer, now, now + handover + wrap,
                          agent.id, group.index, R.LEG_ANSWERED, outcome, handover, call.callback)
        if target >= 0:
            call.transfers += 1
            call.story.transfers += 1
            if not warm:
                self.frustration.add(call.story.person, COLD_TRANSFER_POINTS)
            self._enqueue(call, self.queues[target], warm=warm)
        elif at_cap:
            self._end_attempt(call, R.CALL_TRANSFER_CAP, now, -1)
        elif outcome == R.TALK_HUNG_UP:
            self._end_attempt(call, R.CALL_HUNG_UP, now, -1)
        elif outcome == R.TALK_CUT_OFF:
            assert ending is not None
            if ending.callback_delay is not None:  # a promised callback instead of a redial decision
                self._end_attempt(call, R.CALL_CUT_OFF, now, -1, frustration=ending.frustration,
                                  redial_at=self.redials.when_open(now + ending.callback_delay,
                                                                   call.attempt_u(rng.CALLBACK)))
            else:
                self._end_attempt(call, R.CALL_CUT_OFF, now, -1, frustration=ending.frustration)
        elif not call.reached:
            self._end_attempt(call, R.CALL_CALLBACK_LOST, now, -1)
        elif outcome == R.TALK_RESOLVED:
            self._end_attempt(call, R.CALL_RESOLVED, now, group.index)
        else:
            self._end_attempt(call, R.CALL_UNRESOLVED, now, -1)
        busy_for = handover + wrap
        if self.strain.enabled:
            self.strain.end_talk(agent, now, talked, busy_for, call.abusive)
        if busy_for > 0:
            self.clock.at(busy_for, self._wrap_end_handler, agent)
        else:
            self._agent_free(agent)

    def _on_wrap_end(self, event: Due) -> None:
        self._agent_free(event.value)

    # ------------------------------------------------------------------ attempts and stories end

    def _end_attempt(self, call: Call, outcome: int, now: float, resolving_group: int, frustration: float = 1.0,
                     redial_at: float | None = None) -> None:
        """Record the attempt; resolve or lose the story, or schedule the person's next attempt.

        ``frustration``: points this failure adds; ``redial_at``: the centre promised to call back
        then (a callback after a call-time limit) instead of the person deciding whether to redial.
        """
        self._record_call(call, outcome, now, resolving_group, call.t_ivr_end)
        story = call.story
        if outcome == R.CALL_RESOLVED or outcome == R.CALL_SELF_SERVED:
            story.resolved_attempt = float(call.attempt)  # a float column: NaN while unresolved
            story.resolving_group = resolving_group if outcome == R.CALL_RESOLVED else len(self.groups)
            self._end_story(story, R.STORY_RESOLVED, now)
            self.frustration.calm(story.person)
            return
        if outcome == R.CALL_BLOCKED:
            self._end_story(story, R.STORY_DIVERTED, now)
            return
        story.failures += 1
        if frustration:
            self.frustration.add(story.person, frustration)
        if redial_at is not None and story.attempts < self.redials.max_attempts:
            when: float | None = redial_at
        elif outcome == R.CALL_TRANSFER_CAP or outcome == R.CALL_DETERRED:
            when = None
        else:
            when = self.redials.next_attempt_time(call, outcome, now)
        if when is None:
            story.return_queue = -1
            self._end_story(story, R.STORY_LOST, now)
        else:
            story.return_queue = self.redials.return_queue(call, outcome)
            self.pending_redials += 1
            self.clock.at(when - now, self._redial_handler, (story, outcome))

    def _record_call(self, call: Call, outcome: int, t_end: float, resolving_group: int, t_ivr_end: float) -> None:
        """Close the attempt's books: add its time to its story and append its row."""
        call.state = DONE
        del self.in_system[call.id]
        story = call.story
        story.wait += call.wait
        story.talk += call.talk
        self.recorder.call(call.id, story.id, story.person, call.attempt, story.segment, call.t_arrive, t_ivr_end,
                           story.option, call.first_queue, call.t_first_answer, t_end, call.leg + 1, call.transfers,
                           call.wait, call.talk, outcome, call.difficult, call.abusive, call.misrouted,
                           call.frustration, call.first_agent, resolving_group, call.trigger, call.price,
                           call.difficult_cause)

    def _end_story(self, story: Story, outcome: int, now: float) -> None:
        story.outcome = outcome
        story.t_end = now
        del self.open_stories[story.id]
        self._record_story(story)

    def _record_story(self, story: Story) -> None:
        self.recorder.story(story.id, story.person, story.segment, story.option, story.t_first, story.t_end,
                            story.attempts, story.transfers, story.outcome, story.resolved_attempt,
                            story.resolving_group, story.wait, story.talk, story.ivr, story.difficult_attempts)

    # ------------------------------------------------------------------ agents

    def _agent_free(self, agent: Agent) -> None:
        """The agent has nothing in hand: go home, take a due break, answer the next caller, or wait."""
        agent.busy = False
        agent.call = None
        now: float = self.clock.now
        if agent.leave_after_call:
            self.roster.go_off_duty(agent)
            return
        if agent.pending and self.roster.take_pending_break(agent):
            return
        call = next_call_for(agent.group, now)
        if call is not None:
            self._answer(agent, call)
        elif agent.draining:
            self.roster.go_off_duty(agent)
        else:
            agent.idle_since = now
            agent.group.idle.append(agent)
            if self.strain.enabled:
                self.strain.idle(agent, now)

    # ------------------------------------------------------------------ end of horizon

    def _close_books(self) -> None:
        """Record everyone still in the system when the horizon ends: counted, not dropped."""
        now: float = self.clock.now
        for call in list(self.in_system.values()):
            t_ivr_end = NAN if call.state == IN_IVR else call.t_ivr_end
            if call.state == WAITING:
                call.wait += now - call.t_enqueue
                self.recorder.leg(call.id, call.leg, call.queue, call.t_enqueue, NAN, NAN, NAN, -1, -1, R.LEG_OPEN,
                                  R.TALK_NONE, 0.0, call.virtual)
            elif call.state == TALKING:
                agent = call.agent
                assert agent is not None
                self.recorder.leg(call.id, call.leg, call.queue, call.t_enqueue, call.t_answer, NAN, NAN,
                                  agent.id, agent.group.index, R.LEG_OPEN, R.TALK_OPEN, 0.0, call.callback)
            elif call.state == IN_IVR:
                call.story.ivr += now - call.t_arrive
            self._record_call(call, R.CALL_OPEN, NAN, -1, t_ivr_end)
        for story in self.open_stories.values():
            self._record_story(story)
        # A state at the end, not a running total (the warm-up cut subtracts nothing from it).
        self.counters["pending_redials"] = float(self.pending_redials)
        self.roster.close(now)
        self.workforce.close_day(self.calendar.days - 1, now)
