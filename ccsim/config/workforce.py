"""Scenario parts for agents as people: shifts and breaks, speed, strain, exhaustion, absence, attrition.

The strain / exhaustion model is described in docs/background/agents.md; its constants are
assumptions calibrated so that absence and attrition at normal load fall in the observed ranges
(sources there and in docs/background/defaults.md). Every constant is a knob for sensitivity
analysis.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ccsim.config import limits as L
from ccsim.config.distributions import Distribution, Uniform
from ccsim.config.types import Clock, Duration, Fraction, StrictModel

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WORKING_WEEK: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]


class Break(StrictModel):
    """A scheduled break inside a shift, from ``after`` the shift's start, lasting ``length``."""

    after: Duration = Field(ge=0)
    length: Duration = Field(gt=0)
    name: str = "break"
    """Name of the break (e.g. lunch)."""


class Shift(StrictModel):
    """A named shift type: when it runs, on which weekdays, how many agents, and their breaks.

    Breaks of the agents of one shift are staggered over ``break_stagger`` so the phones are never
    left empty. ``off_phone`` is other planned time off the phones (training, coaching, meetings) as
    a share of the shift, taken in one block placed differently for each agent.
    """

    name: str
    """Name of the shift."""
    start: Clock
    length: Duration = Field(gt=0, le=16 * 3600)
    weekdays: list[Weekday] = Field(default_factory=lambda: list(WORKING_WEEK), min_length=1)
    """Days the shift works (default: Monday to Friday)."""
    headcount: int | dict[Weekday, int] = Field(
        description="Agents on this shift (or per weekday); all shifts at most 10,000."
    )
    breaks: list[Break] = Field(default_factory=list)
    """Breaks within the shift, off the phones."""
    break_stagger: Duration = Field(default=1800.0, ge=0, description="Breaks spread over this window.")
    off_phone: Fraction = Field(default=0.0, description="Other planned off-phone share (assumption: 8 %).")

    @model_validator(mode="after")
    def _fits(self) -> Shift:
        for item in self.breaks:
            if item.after + item.length + self.break_stagger > self.length:
                raise ValueError(f"shift {self.name!r}: break {item.name!r} (with its stagger) ends after the shift")
        counts = self.headcount.values() if isinstance(self.headcount, dict) else [self.headcount]
        if any(count < 0 for count in counts):
            raise ValueError(f"shift {self.name!r}: headcount must be >= 0")
        return self

    def most_agents(self) -> int:
        """The most agents this shift has on any weekday."""
        return max(self.headcount.values(), default=0) if isinstance(self.headcount, dict) else self.headcount

    def count_on(self, weekday: str) -> int:
        if weekday not in self.weekdays:
            return 0
        if isinstance(self.headcount, dict):
            return self.headcount.get(weekday, 0)
        return self.headcount


class Stress(StrictModel):
    """Acute strain S >= 0 per agent (one unit ~ one minute of normal talk).

    Talking with a caller of class c for t minutes adds ``rate * weight_c * (1 - resilience) * t``;
    time not talking multiplies S by exp(-t / tau) with tau for idle, wrap-up or break; an abusive
    caller adds a shock; going home multiplies S by ``overnight_carry``.
    """

    rate: float = Field(
        le=L.MAX_STRAIN, default=1.3, ge=0, description="Strain units per talk minute (k; calibrated, see docs).",
    )
    weight_normal: float = Field(le=L.MAX_WEIGHT, default=1.0, ge=0)
    """Strain per talk minute with a normal caller, relative to rate (1: rate itself)."""
    weight_difficult: float = Field(le=L.MAX_WEIGHT, default=4.0, ge=0)
    """Strain per talk minute with a difficult caller, relative to rate."""
    weight_abusive: float = Field(le=L.MAX_WEIGHT, default=8.0, ge=0)
    """Strain per talk minute with an abusive caller, relative to rate."""
    abuse_shock: float = Field(le=L.MAX_STRAIN, default=15.0, ge=0, description="Strain added at the onset of abuse.")
    recovery_idle: Duration = Field(default=600.0, gt=0, description="Recovery time constant while idle.")
    recovery_wrap: Duration = Field(default=600.0, gt=0, description="Recovery time constant in wrap-up.")
    recovery_break: Duration = Field(default=300.0, gt=0, description="Recovery time constant on a break.")
    overnight_carry: Fraction = Field(default=0.1, description="Share of strain left after going home.")
    burnout_threshold: float = Field(
        le=L.MAX_STRAIN, default=45.0, gt=0, description="Strain above which agent time counts towards burnout_share."
    )


class Exhaustion(StrictModel):
    """Chronic exhaustion E in [0, 1], updated each day from the day's mean strain on duty."""

    sustainable_strain: float = Field(
        le=L.MAX_STRAIN, default=45.0, gt=0, description="S_0: mean strain an agent sustains.",
    )
    gain: float = Field(le=L.MAX_FACTOR, default=0.10, ge=0, description="alpha, per day.")
    decay_days: float = Field(le=L.MAX_DAYS, default=30.0, gt=0, description="tau_E, days.")


class Absence(StrictModel):
    """Daily hazards on scheduled working days, growing with exhaustion as multiplier**E."""

    sickness_base: Fraction = Field(default=0.012, description="p_0: P(sick spell starts) per working day.")
    sickness_multiplier: float = Field(le=L.MAX_WEIGHT, default=5.0, ge=1)
    """How many times more likely a sick spell is at full exhaustion (the hazard is sickness_base x multiplier**E)."""
    sickness_mean_days: float = Field(
        le=L.MAX_DAYS, default=2.5, ge=1, description="Mean spell, working days (1 + geometric).",
    )
    stress_leave_exhaustion: Fraction = Field(default=0.8, description="Exhaustion from which long leave may start.")
    stress_leave_probability: Fraction = Field(default=0.01, description="P(long stress leave) per working day.")
    stress_leave_days: Distribution = Field(
        default_factory=lambda: Uniform(dist="uniform", low=20.0, high=60.0),
        description="Length of long stress leave in working days (numbers, unitless).",
    )
    resignation_base: Fraction = Field(
        default=0.0009, description="q_0: P(resigns) per working day of a five-day week (x 5/7 per calendar day)."
    )
    resignation_multiplier: float = Field(le=L.MAX_WEIGHT, default=5.0, ge=1)
    """How many times more likely resigning is at full exhaustion (the hazard is resignation_base x multiplier**E)."""


class Hiring(StrictModel):
    """Vacancies are refilled after a lag by new hires who train off the phones, then ramp up."""

    lag_days: float = Field(
        le=L.MAX_DAYS, default=30.0, ge=0, description="Days from resignation to the new hire's start.",
    )
    training_days: int = Field(le=L.MAX_DAYS, default=20, ge=0, description="Working days of classroom training.")
    hire_cost: float = Field(
        le=L.MAX_LUMP_COST, default=7500.0, ge=0, description="Recruiting cost per hire ([vendor] SQM $7,500).",
    )
    ramp_aht_factor: float = Field(
        le=L.MAX_FACTOR, default=1.3, ge=1, description="New hires' talk-time factor after training.",
    )
    ramp_days: float = Field(
        le=L.MAX_DAYS, default=30.0, gt=0, description="Time constant of the learning curve, working days.",
    )
    new_hire_resolve_shift: float = Field(default=-0.05, ge=-1, le=0, description="FCR shift for new hires.")
    new_hire_days: float = Field(le=L.MAX_DAYS, default=365.0, ge=0, description="How long the FCR shift lasts, days.")


class Coupling(StrictModel):
    """Exhausted agents work more slowly and resolve less (KC & Terwiesch 2009; Dong et al. 2015)."""

    talk_per_exhaustion: float = Field(
        le=L.MAX_FACTOR, default=0.10, ge=0, description="Talk-time factor 1 + this x E.",
    )
    resolve_per_exhaustion: float = Field(default=-0.05, ge=-1, le=0, description="P(resolve) shift per unit E.")


class Workforce(StrictModel):
    """Agents as people. Omit the block for the pure queueing model (no stress, no absence)."""

    speed_log_sd: float = Field(
        default=0.2, ge=0, le=1, description="Spread of agents' personal talk-time factors (lognormal, mean 1)."
    )
    stress: Stress = Field(default_factory=Stress)
    """Acute strain while talking and recovery off the phones."""
    exhaustion: Exhaustion = Field(default_factory=Exhaustion)
    """Chronic exhaustion built from each day's strain."""
    absence: Absence | None = Field(default_factory=Absence, description="Sickness, stress leave, resignation.")
    hiring: Hiring = Field(default_factory=Hiring)
    """Refilling vacancies: lag, training and ramp-up of new hires."""
    coupling: Coupling | None = Field(default_factory=Coupling)
    """How exhaustion slows agents and strain shortens patience with callers (null: no effect)."""
    initial_exhaustion: Fraction = Field(default=0.05, description="Exhaustion of every agent on day 0.")
