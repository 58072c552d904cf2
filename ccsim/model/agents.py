"""Agents as individuals: duty state, personal speed, and strain updated lazily by closed forms.

Strain S of an agent (docs/background/agents.md; its constants are assumptions) is piecewise: it
rises linearly while talking
(``S += slope * t``) and decays exponentially otherwise (``S *= exp(-t / tau)``, tau depending on
idle, wrap-up or break). Nothing ticks: :meth:`StrainModel.settle` brings an agent's strain up to
the present at each change of state, and accumulates, in closed form, the day's strain integral and
the time spent above the burnout threshold.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from ccsim.config.workforce import Stress

if TYPE_CHECKING:
    from ccsim.model.callers import Call
    from ccsim.model.routing import Group
    from ccsim.model.staffing import Position

MINUTE: Final = 60.0


class Agent:
    """One person in a rota position of a group.

    ``speed`` multiplies the agent's talk times (1 = average). ``draining``: the agent's duty ended
    at closing time and they answer the callers still waiting before going home.
    """

    __slots__ = (
        "id", "position", "group", "on_duty", "busy", "idle_since", "leave_after_call", "draining",
        "duty_start", "call", "speed", "base_speed", "resolve_shift",
        # breaks
        "on_break", "pending", "piece", "break_start", "duty_end",
        # strain state: value at strain_t, rising at ``slope`` per second when talking, else decaying with ``tau``
        "strain", "strain_t", "slope", "tau",
        # the day's accumulators (one row of the agent_days table)
        "day_strain_area", "day_duty", "day_above", "day_talk", "day_wrap", "day_break", "day_calls",
        "day_hostile", "day_longest_busy", "busy_since",
        # life over days
        "exhaustion", "hired_day", "training_left", "working_days_since_training", "sick_left",
        "stress_left", "status", "resigned",
    )

    def __init__(self, agent_id: int, position: Position, group: Group, speed: float = 1.0):
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
        self.speed = speed
        self.base_speed = speed
        self.resolve_shift = 0.0
        self.on_break = False
        # planned breaks and off-phone blocks due but not yet started, oldest first
        self.pending: list[tuple[float, float, int]] = []
        self.piece: tuple[float, float, int] = (0.0, 0.0, 0)  # the planned piece under way while on_break
        self.duty_end = 0.0  # end of the current duty span (run seconds); pieces are cut there
        self.break_start = 0.0
        self.strain = 0.0
        self.strain_t = 0.0
        self.slope = 0.0
        self.tau = 0.0  # 0: not on duty, strain frozen
        self.day_strain_area = 0.0
        self.day_duty = 0.0
        self.day_above = 0.0
        self.day_talk = 0.0
        self.day_wrap = 0.0
        self.day_break = 0.0
        self.day_calls = 0
        self.day_hostile = 0.0
        self.day_longest_busy = 0.0
        self.busy_since = math.nan
        self.exhaustion = 0.0
        self.hired_day = -1
        self.training_left = 0
        self.working_days_since_training = 0
        self.sick_left = 0
        self.stress_left = 0
        self.status = 0
        self.resigned = False

    def reset_day(self) -> None:
        self.day_strain_area = self.day_duty = self.day_above = 0.0
        self.day_talk = self.day_wrap = self.day_break = self.day_hostile = self.day_longest_busy = 0.0
        self.day_calls = 0


class StrainModel:
    """The strain equations with one scenario's constants; all times in seconds.

    Also keeps the day's accumulators of each agent (talk, wrap-up, breaks, calls, hostile talk,
    longest busy stretch) that the workforce model records at midnight.
    """

    enabled = True

    def __init__(self, spec: Stress, control_buffer: float = 0.0):
        per_second = spec.rate / MINUTE
        self.slope_normal = per_second * spec.weight_normal
        self.slope_difficult = per_second * spec.weight_difficult
        self.slope_abusive = per_second * spec.weight_abusive
        self.shock = spec.abuse_shock
        self.tau_idle = spec.recovery_idle
        self.tau_wrap = spec.recovery_wrap
        self.tau_break = spec.recovery_break
        self.carry = spec.overnight_carry
        self.threshold = spec.burnout_threshold
        self.control_buffer = control_buffer  # share of abuse strain a permission to hang up takes away

    def settle(self, agent: Agent, now: float) -> None:
        """Bring the agent's strain to ``now`` under its current state; add to the day's totals."""
        elapsed = now - agent.strain_t
        if elapsed <= 0.0:
            agent.strain_t = now
            return
        start = agent.strain
        threshold = self.threshold
        if agent.slope > 0.0:
            end = start + agent.slope * elapsed
            agent.day_strain_area += (start + end) * 0.5 * elapsed
            if end > threshold:
                agent.day_above += elapsed if start >= threshold else (end - threshold) / agent.slope
        elif agent.tau > 0.0:
            decay = math.exp(-elapsed / agent.tau)
            end = start * decay
            agent.day_strain_area += start * agent.tau * (1.0 - decay)
            if start > threshold:
                agent.day_above += min(elapsed, agent.tau * math.log(start / threshold))
        else:
            end = start  # off duty: overnight recovery is applied when the agent goes home
        agent.strain = end
        agent.strain_t = now

    def value(self, agent: Agent, now: float) -> float:
        """Strain at ``now`` without changing the agent (for snapshots)."""
        elapsed = now - agent.strain_t
        if agent.slope > 0.0:
            return agent.strain + agent.slope * elapsed
        if agent.tau > 0.0:
            return agent.strain * math.exp(-elapsed / agent.tau)
        return agent.strain

    def talk(self, agent: Agent, now: float, call: Call, resilience: float) -> None:
        """The agent starts talking to ``call``: strain rises at the call's slope."""
        if agent.busy_since != agent.busy_since:  # NaN: a busy stretch starts now
            agent.busy_since = now
        self.settle(agent, now)
        if call.abusive:
            slope = self.slope_abusive * (1.0 - self.control_buffer)
        elif call.difficult:
            slope = self.slope_difficult
        else:
            slope = self.slope_normal
        agent.slope = slope * (1.0 - resilience)
        agent.tau = 0.0

    def rest(self, agent: Agent, now: float, tau: float) -> None:
        self.settle(agent, now)
        agent.slope = 0.0
        agent.tau = tau

    def abuse(self, agent: Agent, now: float, resilience: float) -> None:
        self.settle(agent, now)
        agent.strain += self.shock * (1.0 - resilience) * (1.0 - self.control_buffer)

    def end_talk(self, agent: Agent, now: float, talked: float, busy_for: float, abusive: bool) -> None:
        """A conversation of ``talked`` seconds ended; ``busy_for`` seconds of handover and wrap-up follow."""
        agent.day_talk += talked
        agent.day_wrap += busy_for
        agent.day_calls += 1
        if abusive:
            agent.day_hostile += talked
        self.rest(agent, now, self.tau_wrap)

    def _end_busy_stretch(self, agent: Agent, now: float) -> None:
        if agent.busy_since == agent.busy_since:
            agent.day_longest_busy = max(agent.day_longest_busy, now - agent.busy_since)
            agent.busy_since = math.nan

    def idle(self, agent: Agent, now: float) -> None:
        """The agent waits for a caller."""
        self._end_busy_stretch(agent, now)
        self.rest(agent, now, self.tau_idle)

    def start_duty(self, agent: Agent, now: float) -> None:
        agent.strain_t = now  # strain stayed frozen while off duty
        self.rest(agent, now, self.tau_idle)

    def start_break(self, agent: Agent, now: float) -> None:
        self._end_busy_stretch(agent, now)
        self.rest(agent, now, self.tau_break)

    def end_break(self, agent: Agent, seconds: float) -> None:
        agent.day_break += seconds

    def go_home(self, agent: Agent, now: float) -> None:
        """Duty ends: the day's duty time is counted and strain carries over only in part."""
        self._end_busy_stretch(agent, now)
        agent.day_duty += now - agent.duty_start
        self.settle(agent, now)
        agent.strain *= self.carry
        agent.slope = 0.0
        agent.tau = 0.0


class NoStrain(StrainModel):
    """Strain when the scenario has no ``workforce`` block: nothing is tracked, every value is 0."""

    enabled = False

    def __init__(self) -> None:
        self.slope_normal = self.slope_difficult = self.slope_abusive = self.shock = 0.0
        self.tau_idle = self.tau_wrap = self.tau_break = 0.0
        self.carry = 1.0
        self.threshold = math.inf
        self.control_buffer = 0.0

    def settle(self, agent: Agent, now: float) -> None:
        return None

    def value(self, agent: Agent, now: float) -> float:
        return 0.0

    def talk(self, agent: Agent, now: float, call: Call, resilience: float) -> None:
        return None

    def rest(self, agent: Agent, now: float, tau: float) -> None:
        return None

    def abuse(self, agent: Agent, now: float, resilience: float) -> None:
        return None

    def end_talk(self, agent: Agent, now: float, talked: float, busy_for: float, abusive: bool) -> None:
        return None

    def idle(self, agent: Agent, now: float) -> None:
        return None

    def start_duty(self, agent: Agent, now: float) -> None:
        return None

    def start_break(self, agent: Agent, now: float) -> None:
        return None

    def end_break(self, agent: Agent, seconds: float) -> None:
        return None

    def go_home(self, agent: Agent, now: float) -> None:
        return None
