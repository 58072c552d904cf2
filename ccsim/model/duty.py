"""Agents coming on and off the phones: duty spans, breaks, and strain snapshots per interval.

The :class:`Roster` shares the centre's clock, records and strain model, and hands a free agent
back to the centre (``agent_free``) to pick the next caller. An agent whose duty ends while busy
finishes the call in hand (or, at closing time, answers the callers still waiting).

Breaks and off-phone blocks are deferred, never dropped: one that falls due during a call, or
during an earlier break that started late, waits in the agent's queue of pending pieces and starts
(at its full length) as soon as the agent is free. A piece is cut only by the end of the agent's
duty, and one that cannot start before then is recorded as missed. Every planned piece leaves one
row in ``breaks`` saying what became of it, so planned and delivered off-phone time can be compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ccsim.metrics import records as R
from ccsim.model.agents import Agent, StrainModel
from ccsim.model.clock import Clock, Due

if TYPE_CHECKING:
    from ccsim.model.calendar import Calendar
    from ccsim.model.routing import Group
    from ccsim.model.staffing import DutySpan

Piece = tuple[float, float, int]  # planned (start, end, records.DUTY_* kind)


class Roster:
    """Duty and break events of every agent of one replication."""

    def __init__(self, clock: Clock,
                 recorder: R.Recorder, strain: StrainModel, groups: list[Group], calendar: Calendar,
                 agent_free: Callable[[Agent], None]):
        self.clock = clock
        self.recorder = recorder
        self.strain = strain
        self.groups = groups
        self.calendar = calendar
        self.agent_free = agent_free

    def open_day(self, spans: Iterable[tuple[Agent, DutySpan]]) -> None:
        """Schedule the duty spans of the day that starts now."""
        now: float = self.clock.now
        for agent, span in spans:
            self.clock.at(span.start - now, self._on_duty_start, (agent, span))

    def start_snapshots(self) -> None:
        """Snapshot strain at the start of every planning interval (with a strain model)."""
        if self.strain.enabled:
            self.clock.at(0.0, self._on_slot_tick, 0)

    def _on_duty_start(self, event: Due) -> None:
        agent: Agent
        span: DutySpan
        agent, span = event.value
        now: float = self.clock.now
        self.clock.at(span.end - span.start, self._on_duty_end, (agent, span))
        for piece in span.breaks:
            self.clock.at(piece[0] - now, self._on_break_due, (agent, piece))
        agent.leave_after_call = False
        agent.draining = False
        agent.duty_end = span.end
        if agent.on_duty:
            # Still finishing the last call of the previous span: the two spans join up.
            return
        agent.on_duty = True
        agent.duty_start = now
        self.strain.start_duty(agent, now)
        self.agent_free(agent)

    def _on_duty_end(self, event: Due) -> None:
        agent: Agent
        span: DutySpan
        agent, span = event.value
        if not agent.on_duty:
            return
        if agent.busy or agent.on_break:
            if span.drain:
                agent.draining = True
            else:
                agent.leave_after_call = True
            return
        agent.group.idle.remove(agent)
        self.go_off_duty(agent)

    def go_off_duty(self, agent: Agent) -> None:
        now: float = self.clock.now
        agent.on_duty = False
        agent.leave_after_call = False
        agent.draining = False
        for piece in agent.pending:
            self._record_break(agent, piece, math.nan, 0.0, R.BREAK_MISSED)
        agent.pending.clear()
        self.recorder.duty_stretch(agent.id, agent.position.index, agent.group.index, agent.duty_start, now,
                                   R.DUTY_ON)
        self.strain.go_home(agent, now)

    def _on_break_due(self, event: Due) -> None:
        """A planned break or off-phone block falls due: start it if the agent is free, else defer it."""
        agent: Agent
        piece: Piece
        agent, piece = event.value
        if not agent.on_duty or agent.leave_after_call or agent.draining:
            self._record_break(agent, piece, math.nan, 0.0, R.BREAK_MISSED)
            return
        agent.pending.append(piece)
        if not agent.busy and not agent.on_break:
            agent.group.idle.remove(agent)
            if not self.take_pending_break(agent):
                self.agent_free(agent)

    def take_pending_break(self, agent: Agent) -> bool:
        """Start the agent's oldest pending piece (cut at the end of duty); False if none can start."""
        now: float = self.clock.now
        while agent.pending:
            piece = agent.pending.pop(0)
            start, end, _ = piece
            finish = min(now + (end - start), agent.duty_end)
            if finish <= now:
                self._record_break(agent, piece, math.nan, 0.0, R.BREAK_MISSED)
                continue
            if finish < now + (end - start):
                result = R.BREAK_SHORTENED
            else:
                result = R.BREAK_ON_TIME if now <= start else R.BREAK_DEFERRED
            agent.on_break = True
            agent.piece = piece
            agent.break_start = now
            self.strain.start_break(agent, now)
            self.clock.at(finish - now, self._on_break_end, (agent, result))
            return True
        return False

    def _on_break_end(self, event: Due) -> None:
        agent: Agent
        result: int
        agent, result = event.value
        piece = agent.piece
        now: float = self.clock.now
        agent.on_break = False
        self.recorder.duty_stretch(agent.id, agent.position.index, agent.group.index, agent.break_start, now,
                                   piece[2])
        self._record_break(agent, piece, agent.break_start, now - agent.break_start, result)
        self.strain.end_break(agent, now - agent.break_start)
        self.agent_free(agent)

    def _record_break(self, agent: Agent, piece: Piece, t_start: float, delivered: float, result: int) -> None:
        start, end, kind = piece
        self.recorder.break_piece(agent.id, agent.position.index, agent.group.index, kind, start, end - start,
                                     t_start, delivered, result)

    def _on_slot_tick(self, event: Due) -> None:
        """Snapshot of every on-duty agent's strain at the start of each planning interval."""
        slot = event.value
        now: float = self.clock.now
        for group in self.groups:
            values = [self.strain.value(a, now) for a in group.agents if a.on_duty]
            if values:
                ordered = sorted(values)
                p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
                self.recorder.strain_interval(slot, group.index, len(values), sum(values) / len(values),
                                                       p90, ordered[-1])
        if slot + 1 < self.calendar.n_slots:
            self.clock.at(self.calendar.interval, self._on_slot_tick, slot + 1)

    def close(self, now: float) -> None:
        """Record the duty stretches, breaks and pending pieces still open when the horizon ends."""
        for group in self.groups:
            for agent in group.agents:
                if agent.on_break:
                    self.recorder.duty_stretch(agent.id, agent.position.index, group.index, agent.break_start,
                                               now, agent.piece[2])
                    self._record_break(agent, agent.piece, agent.break_start, now - agent.break_start,
                                       R.BREAK_OPEN)
                for piece in agent.pending:
                    self._record_break(agent, piece, math.nan, 0.0, R.BREAK_OPEN)
                if agent.on_duty:
                    self.recorder.duty_stretch(agent.id, agent.position.index, group.index, agent.duty_start,
                                               now, R.DUTY_ON)
