"""Agents coming on and off the phones: duty spans, breaks, and strain snapshots per interval.

A mixin of :class:`ccsim.model.centre.ContactCentre`: these handlers share the centre's clock,
records and strain model, and hand a free agent back to the centre (``_agent_free``) to pick the
next caller. An agent whose duty ends while busy finishes the call in hand (or, at closing time,
answers the callers still waiting); a break that falls due during a call starts when it ends.
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
        agent.break_pending = None
        self.duty.append((agent.id, agent.position.index, agent.group.index, agent.duty_start, now, R.DUTY_ON))
        if self.strain is not None:
            self._end_busy_stretch(agent, now)
            agent.day_duty += now - agent.duty_start
            self.strain.go_home(agent, now)

    def _on_break_due(self, event: simpy.Event) -> None:
        """A scheduled break (or off-phone block): now if idle, else as soon as the call in hand ends."""
        agent, piece = event.value
        if not agent.on_duty or agent.leave_after_call or agent.on_break:
            return
        agent.break_pending = piece
        if not agent.busy:
            agent.group.idle.remove(agent)
            self._start_break(agent)

    def _start_break(self, agent: Agent) -> None:
        start, end, kind = agent.break_pending
        agent.break_pending = None
        agent.on_break = True
        agent.break_start = self.env.now
        if self.strain is not None:
            self._end_busy_stretch(agent, self.env.now)
            self.strain.rest(agent, self.env.now, self.strain.tau_break)
        self._at(end - start, self._on_break_end, (agent, kind))

    def _on_break_end(self, event: simpy.Event) -> None:
        agent, kind = event.value
        now = self.env.now
        agent.on_break = False
        self.duty.append((agent.id, agent.position.index, agent.group.index, agent.break_start, now, kind))
        if self.strain is not None:
            agent.day_break += now - agent.break_start
        self._agent_free(agent)

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
