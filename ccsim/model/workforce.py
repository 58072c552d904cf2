"""Agents' lives over days: who fills each rota seat, absence, exhaustion, resignation and hiring.

Once a day, at midnight, :meth:`WorkforceModel.close_day` records each seat's day (one row of the
``agent_days`` table) and updates each agent's exhaustion from the day's mean strain on duty
(docs/background/agents.md):

    working day:   E <- E exp(-1 / tau_E) + alpha (1 - E) max(0, S_mean - S_0) / S_0
    other days:    E <- E exp(-1 / tau_E)

Then :meth:`WorkforceModel.open_day` decides, for every seat scheduled that day, whether its agent
works: any day an agent may resign (q_0 M^E per working day of a five-day week, applied per calendar
day so part-timers are not spared), and on each scheduled working day start long stress leave
(when E >= 0.8) or fall sick (p_0 M^E, a spell of 1 + geometric working days). A vacancy is filled after
the hiring lag by a new hire who first trains off the phones, then ramps up (slower talk, lower
resolution for a while). Exhausted agents talk longer and resolve less (optional coupling).

Random draws are keyed by agent and day, so the same agent meets the same luck in every scenario
(common random numbers) until the scenarios' histories make their exhaustion differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from ccsim import rng
from ccsim.config.workforce import Workforce
from ccsim.metrics import records as R
from ccsim.model.agents import Agent, StrainModel
from ccsim.model.routing import Group
from ccsim.model.staffing import DutySpan, Position

SICK, SICK_LENGTH, STRESS_LEAVE, STRESS_LENGTH, RESIGN, SPEED = 0, 1, 2, 3, 4, 5
WORKING_DAYS_PER_DAY = 5.0 / 7.0  # converts the per-working-day resignation hazard to calendar days


@dataclass
class Seat:
    """A rota position at run time: the agent filling it, or the day a new hire will."""

    group: Group
    position: Position
    agent: Agent | None
    hire_day: int = -1


class WorkforceModel:
    """Daily decisions for every seat; with no ``workforce`` block, agents simply work their rota."""

    def __init__(self, spec: Workforce | None, seats: list[Seat], strain: StrainModel, seed: int,
                 replication: int, first_new_id: int):
        self.spec = spec
        self.seats = seats
        self.strain = strain
        self.next_id = first_new_id
        self.key = rng.key64(seed, replication, "workforce")
        self.speed_key = rng.key64(seed, replication, "agents")
        self.rows: list[tuple] = []
        self.hires = 0
        self.leavers = 0
        if spec is not None:
            for seat in seats:
                if seat.agent is not None:
                    seat.agent.exhaustion = spec.initial_exhaustion
                    self._personalise(seat.agent)

    @property
    def life(self) -> Workforce:
        """The ``workforce`` block; only the daily decisions that exist with one ask for it."""
        if self.spec is None:
            raise RuntimeError("no workforce block: agents simply work their rota")
        return self.spec

    # ------------------------------------------------------------------ people

    def _draw(self, agent: Agent, day: int, purpose: int) -> float:
        return rng.Keyed(rng.mix64(self.key, agent.id)).u(rng.slot(day, 0, purpose))

    def _personalise(self, agent: Agent) -> None:
        """Give an agent a personal speed: lognormal with mean 1 (Gans et al. 2010 heterogeneity)."""
        sigma = self.life.speed_log_sd
        if sigma > 0:
            u = rng.Keyed(rng.mix64(self.speed_key, agent.id)).u(SPEED)
            agent.base_speed = math.exp(-sigma * sigma / 2.0 + sigma * NormalDist().inv_cdf(u))
        agent.speed = agent.base_speed

    def _hire(self, seat: Seat, day: int) -> Agent:
        agent = Agent(self.next_id, seat.position, seat.group)
        self.next_id += 1
        agent.hired_day = day
        agent.training_left = self.life.hiring.training_days
        self._personalise(agent)
        seat.agent = agent
        seat.group.agents.append(agent)
        self.hires += 1
        return agent

    def _refresh_performance(self, agent: Agent, day: int) -> None:
        """Speed and resolution shift for today: learning curve of new hires and exhaustion coupling."""
        spec = self.life
        factor = 1.0
        shift = 0.0
        if agent.hired_day >= 0:
            hiring = spec.hiring
            factor *= 1.0 + (hiring.ramp_aht_factor - 1.0) * math.exp(
                -agent.working_days_since_training / hiring.ramp_days)
            if day - agent.hired_day < hiring.new_hire_days:
                shift += hiring.new_hire_resolve_shift
        if spec.coupling is not None:
            factor *= 1.0 + spec.coupling.talk_per_exhaustion * agent.exhaustion
            shift += spec.coupling.resolve_per_exhaustion * agent.exhaustion
        agent.speed = agent.base_speed * factor
        agent.resolve_shift = shift

    # ------------------------------------------------------------------ the day

    def open_day(self, day: int) -> list[tuple[Agent, DutySpan]]:
        """Decide each seat's status for ``day``; return the spans to put on duty."""
        on_duty: list[tuple[Agent, DutySpan]] = []
        for seat in self.seats:
            spans = seat.position.spans.get(day, [])
            agent = seat.agent
            if self.spec is None:
                if agent is not None:
                    on_duty.extend((agent, span) for span in spans)
                continue
            if agent is None and 0 <= seat.hire_day <= day:
                agent = self._hire(seat, day)
            if agent is None:
                continue
            agent.status = self._status(agent, day, bool(spans))
            if agent.resigned:
                self._record(seat, agent, day, math.nan)
                seat.agent = None
                seat.hire_day = day + math.ceil(self.life.hiring.lag_days)
                self.leavers += 1
                continue
            if agent.status == R.STATUS_WORKING:
                self._refresh_performance(agent, day)
                on_duty.extend((agent, span) for span in spans)
        return on_duty

    def _status(self, agent: Agent, day: int, scheduled: bool) -> int:
        absence = self.life.absence
        if absence is not None and self._draw(agent, day, RESIGN) < (
                absence.resignation_base * WORKING_DAYS_PER_DAY * agent.group.quit_factor
                * absence.resignation_multiplier**agent.exhaustion):
            # Resigning is a calendar-day hazard, so part-timers leave as often as full-timers do.
            agent.resigned = True
            return R.STATUS_VACANT
        if not scheduled:
            return R.STATUS_OFF
        if agent.stress_left > 0:
            agent.stress_left -= 1
            return R.STATUS_STRESS_LEAVE
        if agent.sick_left > 0:
            agent.sick_left -= 1
            return R.STATUS_SICK
        if agent.training_left > 0:
            agent.training_left -= 1
            return R.STATUS_TRAINING
        if absence is None:
            agent.working_days_since_training += 1
            return R.STATUS_WORKING
        exhaustion = agent.exhaustion
        if (exhaustion >= absence.stress_leave_exhaustion
                and self._draw(agent, day, STRESS_LEAVE) < absence.stress_leave_probability):
            length = absence.stress_leave_days.sampler()(self._draw(agent, day, STRESS_LENGTH))
            agent.stress_left = max(int(round(length)) - 1, 0)
            return R.STATUS_STRESS_LEAVE
        if self._draw(agent, day, SICK) < absence.sickness_base * absence.sickness_multiplier**exhaustion:
            # 1 + geometric working days with the configured mean.
            p = 1.0 / absence.sickness_mean_days
            extra = int(math.log(1.0 - self._draw(agent, day, SICK_LENGTH)) / math.log(1.0 - p)) if p < 1 else 0
            agent.sick_left = extra
            return R.STATUS_SICK
        agent.working_days_since_training += 1
        return R.STATUS_WORKING

    def close_day(self, day: int, now: float) -> None:
        """Record every seat's day and update exhaustion (called at the midnight that ends ``day``)."""
        if self.spec is None:
            return
        spec = self.spec
        exhaustion_spec = spec.exhaustion
        decay = math.exp(-1.0 / exhaustion_spec.decay_days)
        for seat in self.seats:
            agent = seat.agent
            if agent is None:
                # Vacant all day (the day a person resigns has its own row, recorded at the start).
                scheduled = seat.position.scheduled_seconds(day)
                if scheduled > 0 and seat.hire_day - math.ceil(spec.hiring.lag_days) != day:
                    self.rows.append((-1, seat.position.index, seat.group.index, day, R.STATUS_VACANT, scheduled,
                                      0.0, 0.0, 0.0, 0.0, 0, 0.0, 0.0, math.nan, math.nan, 0.0, math.nan,
                                      math.nan, False, False))
                continue
            if agent.on_duty:
                self.strain.settle(agent, now)
                agent.day_duty += now - agent.duty_start
                agent.duty_start = now
            worked = agent.day_duty > 0
            mean = agent.day_strain_area / agent.day_duty if worked else math.nan
            excess = max(0.0, mean - exhaustion_spec.sustainable_strain) if worked else 0.0
            agent.exhaustion = min(1.0, agent.exhaustion * decay + exhaustion_spec.gain * (1.0 - agent.exhaustion)
                                   * excess / exhaustion_spec.sustainable_strain)
            self._record(seat, agent, day, mean, self.strain.value(agent, now))
            agent.reset_day()
            agent.status = R.STATUS_OFF

    def _record(self, seat: Seat, agent: Agent, day: int, mean: float, end: float = math.nan) -> None:
        status = R.STATUS_VACANT if agent.resigned else agent.status
        self.rows.append((agent.id, seat.position.index, seat.group.index, day, status,
                          seat.position.scheduled_seconds(day), agent.day_duty, agent.day_talk, agent.day_wrap,
                          agent.day_break, agent.day_calls, agent.day_hostile, agent.day_longest_busy, mean, end,
                          agent.day_above, agent.exhaustion, agent.speed, agent.hired_day == day, agent.resigned))
