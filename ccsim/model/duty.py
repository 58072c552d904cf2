"""Agents coming on and off the phones: duty spans, breaks, and strain snapshots per interval.

A mixin of :class:`ccsim.model.centre.ContactCentre`: these handlers share the centre's clock,
records and strain model, and hand a free agent back to the centre (``_agent_free``) to pick the
next caller. An agent whose duty ends while busy finishes the call in hand (or, at closing time,
answers the callers still waiting).

Breaks and off-phone blocks are deferred, never dropped: one that falls due during a call, or
during an earlier break that started late, waits in the agent's queue of pending pieces and starts
(at its full length) as soon as the agent is free. A piece is cut only by the end of the agent's
duty, and one that cannot start before then is recorded as missed. Every planned piece leaves one
row in ``breaks`` saying what became of it, so planned and delivered off-phone time can be compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import simpy

from ccsim.metrics import records as R
from ccsim.model.agents import Agent, StrainModel

if TYPE_CHECKING:
    from ccsim.model.calendar import Calendar
    from ccsim.model.routing import Group


class DutyEvents:
    """Duty and break handlers; the host provides the attributes annotated below."""

    env: simpy.Environment
    duty: list[tuple]
    breaks: list[tuple]
    strain: StrainModel | None
    strain_snapshots: list[tuple]
    groups: list[Group]
    calendar: Calendar
    _at: Callable[..., None]
    _agent_free: Callable[[Agent], None]

    def _end_busy_stretch(self, agent: Agent, now: float) -> None:
        if agent.busy_since == agent.busy_since:
            agent.day_longest_busy = max(agent.day_longest_busy, now - agent.busy_since)
            agent.busy_since = math.nan

    def _on_duty_start(self, event: simpy.Event) -> None:
        agent, span = event.value
        now = self.env.now
        self._at(span.end - span.start, self._on_duty_end, (agent, span))
        for piece in span.breaks:
            self._at(piece[0] - now, self._on_break_due, (agent, piece))
        agent.leave_after_call = False
        agent.draining = False
        agent.duty_end = span.end
        if agent.on_duty:
            # Still finishing the last call of the previous span: the two spans join up.
            return
        agent.on_duty = True
        agent.duty_start = now
        if self.strain is not None:
            agent.strain_t = now  # strain stayed frozen while off duty
            self.strain.rest(agent, now, self.strain.tau_idle)
        self._agent_free(agent)

    def _on_duty_end(self, event: simpy.Event) -> None:
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
        self._go_off_duty(agent)

    def _go_off_duty(self, agent: Agent) -> None:
        now = self.env.now
        agent.on_duty = False
        agent.leave_after_call = False
        agent.draining = False
        for piece in agent.pending:
            self._record_break(agent, piece, math.nan, 0.0, R.BREAK_MISSED)
        agent.pending.clear()
        self.duty.append((agent.id, agent.position.index, agent.group.index, agent.duty_start, now, R.DUTY_ON))
        if self.strain is not None:
            self._end_busy_stretch(agent, now)
            agent.day_duty += now - agent.duty_start
            self.strain.go_home(agent, now)

    def _on_break_due(self, event: simpy.Event) -> None:
        """A planned break or off-phone block falls due: start it if the agent is free, else defer it."""
        agent, piece = event.value
        if not agent.on_duty or agent.leave_after_call or agent.draining:
            self._record_break(agent, piece, math.nan, 0.0, R.BREAK_MISSED)
            return
        agent.pending.append(piece)
        if not agent.busy and not agent.on_break:
            agent.group.idle.remove(agent)
            if not self._take_pending_break(agent):
                self._agent_free(agent)

    def _take_pending_break(self, agent: Agent) -> bool:
        """Start the agent's oldest pending piece (cut at the end of duty); False if none can start."""
        now = self.env.now
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
            if self.strain is not None:
                self._end_busy_stretch(agent, now)
                self.strain.rest(agent, now, self.strain.tau_break)
            self._at(finish - now, self._on_break_end, (agent, result))
            return True
        return False

    def _on_break_end(self, event: simpy.Event) -> None:
        agent, result = event.value
        piece = agent.piece
        now = self.env.now
        agent.on_break = False
        self.duty.append((agent.id, agent.position.index, agent.group.index, agent.break_start, now, piece[2]))
        self._record_break(agent, piece, agent.break_start, now - agent.break_start, result)
        if self.strain is not None:
            agent.day_break += now - agent.break_start
        self._agent_free(agent)

    def _record_break(self, agent: Agent, piece: tuple[float, float, int], t_start: float, delivered: float,
                      result: int) -> None:
        start, end, kind = piece
        self.breaks.append((agent.id, agent.position.index, agent.group.index, kind, start, end - start, t_start,
                            delivered, result))

    def _on_slot_tick(self, event: simpy.Event) -> None:
        """Snapshot of every on-duty agent's strain at the start of each planning interval."""
        slot = event.value
        now = self.env.now
        for group in self.groups:
            values = [self.strain.value(a, now) for a in group.agents if a.on_duty]
            if values:
                ordered = sorted(values)
                p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
                self.strain_snapshots.append((slot, group.index, len(values), sum(values) / len(values), p90,
                                              ordered[-1]))
        if slot + 1 < self.calendar.n_slots:
            self._at(self.calendar.interval, self._on_slot_tick, slot + 1)
