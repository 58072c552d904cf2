"""The scenario: everything one simulation run needs, validated and frozen.

A scenario file is YAML; :mod:`ccsim.config.load` resolves ``extends:`` and ``--set`` overrides
and then validates the result with :class:`Scenario`. Cross-field checks (shares summing to one,
every queue served by some group, ...) live here so that `ccsim validate` and every command that
runs a scenario report the same clear messages.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ccsim import units
from ccsim.config import limits as L
from ccsim.config.distributions import Distribution, constant
from ccsim.config.journey import CustomerBase, Difficulty, Ivr, Outcomes, Overflow, Redials, Transfers
from ccsim.config.policies import Costs, Policies
from ccsim.config.schedule import OpenSpan, StepFunction
from ccsim.config.types import Clock, Duration, Fraction, StrictModel
from ccsim.config.workforce import Shift, Workforce

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# A week: every weekday has been lived once before the first reported day (redials return within
# days; strain recovers overnight; see docs/background/model.md, "Warm start").
AUTO_WARMUP_DAYS = 7
ALLOWED_INTERVALS = (5 * 60, 10 * 60, 15 * 60, 20 * 60, 30 * 60, 60 * 60)

DEFAULT_OPENING_HOURS = {
    "mon": "08:00-20:00",
    "tue": "08:00-20:00",
    "wed": "08:00-20:00",
    "thu": "08:00-20:00",
    "fri": "08:00-20:00",
    "sat": "09:00-14:00",
    "sun": "closed",
}


class Horizon(StrictModel):
    """How long a run lasts and how its days are cut into planning intervals."""

    days: int = Field(le=L.MAX_DAYS, default=5, ge=1, description="Number of simulated days.")
    start_date: dt.date = Field(
        default=dt.date(2026, 1, 5),
        description="Calendar date of the first day; its weekday picks opening hours and weights.",
    )
    interval: Duration = Field(default=30 * 60, description="Planning interval (15min or 30min usual).")
    warmup: Duration = Field(
        default=0.0, ge=0, description="Calls arriving before this time of the first reported day are left out of KPIs."
    )
    warmup_days: Annotated[int, Field(ge=0, le=366)] | Literal["auto"] = Field(
        default="auto",
        description=(
            "Days simulated before start_date and left out of every table and measure, so the first "
            "reported day starts with callers waiting, redials pending, persons' histories and agents' "
            "strain as on any later day. auto: 7 when anything carries over from day to day (redials, "
            "a customer base, agents as people), else 0."
        ),
    )
    opening_hours: dict[Weekday, OpenSpan] = Field(
        default_factory=lambda: dict(DEFAULT_OPENING_HOURS),
        validate_default=True,
        description='Per weekday "HH:MM-HH:MM" or "closed"; days not listed are closed.',
    )

    @model_validator(mode="after")
    def _grid(self) -> Horizon:
        if self.interval not in ALLOWED_INTERVALS:
            allowed = ", ".join(units.format_duration(v) for v in ALLOWED_INTERVALS)
            raise ValueError(f"interval must be one of {allowed}; got {units.format_duration(self.interval)}")
        for day, span in self.opening_hours.items():
            if span is None:
                continue
            for edge in span:
                if edge % self.interval:
                    raise ValueError(
                        f"opening_hours.{day}: {units.format_clock(edge)} is not on the "
                        f"{units.format_duration(self.interval)} interval grid"
                    )
        if not any(span is not None for span in self.opening_hours.values()):
            raise ValueError("opening_hours: the centre is never open")
        if self.warmup >= self.length:
            raise ValueError(f"warmup: {units.format_duration(self.warmup)} leaves nothing of a horizon of "
                             f"{self.days} day(s); make it shorter than the horizon")
        return self

    @property
    def length(self) -> float:
        """Length of the horizon in seconds."""
        return self.days * units.DAY

    def weekday(self, day: int) -> int:
        """Weekday number (0 = Monday) of day ``day`` of the run."""
        return (self.start_date.weekday() + day) % 7

    def open_span(self, day: int) -> tuple[float, float] | None:
        """Opening hours of day ``day`` in seconds after that day's midnight, or None if closed."""
        return self.opening_hours.get(weekday_name(self.weekday(day)))


class Arrivals(StrictModel):
    """Fresh demand: a daily volume spread by an intraday profile, or explicit hourly rates.

    The rate in each planning interval is constant (nonhomogeneous Poisson, piecewise constant),
    scaled by the weekday weight and by a daily busyness factor Z ~ Gamma(mean 1, cv), which makes
    daily totals overdispersed as in real centres (Avramidis et al. 2004; CV 0.10-0.12 in the
    Anonymous Bank data).
    """

    daily_volume: float | None = Field(
        le=L.MAX_CALLS_PER_DAY, default=None, gt=0,
        description="Fresh calls on a day of weight 1 over its opening hours."
    )
    intraday_profile: StepFunction | None = Field(
        default=None,
        description="Relative volume from each time of day on; rescaled to the open hours of each day.",
    )
    rates_per_hour: StepFunction | None = Field(
        default=None, description="Explicit arrival rates (calls per hour) from each time of day on."
    )
    day_of_week: dict[Weekday, float] = Field(
        default_factory=dict, description="Volume multiplier per weekday (default 1)."
    )
    busyness_cv: float = Field(
        default=0.0, ge=0, le=1, description="CV of the daily gamma busyness factor (0 = off)."
    )
    rates_by_date: dict[dt.date, StepFunction] = Field(
        default_factory=dict,
        description="Arrival rates (calls per hour) on particular dates, replacing the usual volume "
        "(a backtest replays a log's own days with these).",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Arrivals:
        if (self.daily_volume is None) == (self.rates_per_hour is None):
            raise ValueError("give either daily_volume (with intraday_profile) or rates_per_hour")
        if self.rates_per_hour is not None and self.intraday_profile is not None:
            raise ValueError("intraday_profile applies to daily_volume; rates_per_hour needs none")
        for day, weight in self.day_of_week.items():
            if not 0 <= weight <= L.MAX_WEIGHT:
                raise ValueError(f"day_of_week.{day}: weight must be between 0 and {L.MAX_WEIGHT:g}, got {weight:g}")
        if self.intraday_profile is not None and not any(value > 0 for _, value in self.intraday_profile):
            raise ValueError("intraday_profile: every weight is 0, so no call would arrive")
        steps = self.rates_per_hour or ()
        for at, rate in steps:
            if rate > L.MAX_RATE_PER_HOUR:
                raise ValueError(f"rates_per_hour: {rate:g} calls per hour at {units.format_clock(at)} is more than "
                                 f"{L.MAX_RATE_PER_HOUR:g}")
        _check_dated("rates_by_date", self.rates_by_date, whole=False)
        return self

    def most_calls_per_day(self) -> float:
        """An upper bound of the expected fresh calls on any one day (before busyness), for bounds on work."""
        weight = max([1.0, *self.day_of_week.values()])
        if self.daily_volume is not None:
            return self.daily_volume * weight
        return max(rate for _, rate in self.rates_per_hour or ((0.0, 0.0),)) * 24 * weight


def _check_dated(field: str, series: dict[dt.date, tuple[tuple[float, float], ...]], whole: bool) -> None:
    """Dated step functions: finite values, whole agents where ``whole``; one message naming the date."""
    for date, steps in series.items():
        for at, value in steps:
            where = f"{field}.{date.isoformat()} at {units.format_clock(at)}"
            if not math.isfinite(value):
                raise ValueError(f"{where}: must be a finite number >= 0, got {value}")
            if whole and value != int(value):
                raise ValueError(f"{where}: headcount must be whole agents, got {value}")


class Segment(StrictModel):
    """A kind of caller: share of fresh calls, patience in the queue, talk time with an agent."""

    share: Fraction = Field(description="Share of fresh calls (all segments sum to 1).")
    patience: Distribution | None = Field(
        default=None, description="Time a caller waits in a queue before hanging up (omit: waits forever)."
    )
    talk_time: Distribution = Field(description="Talk time with a first-line agent.")
    queue: str | None = Field(
        default=None, description="Queue the segment joins when there is no IVR (default: the first)."
    )
    difficult: bool = Field(default=False, description="Callers of this segment are difficult on every attempt.")
    priority: int = Field(default=1, ge=1, le=9, description="Queue priority (1 = highest after warm transfers).")


class Queue(StrictModel):
    """A waiting line. Callers are served first come, first served."""

    description: str = ""
    """Free text shown in the report."""


class Staffing(StrictModel):
    """Agents on duty: a headcount by time of day (net, on the phones), or named shifts with breaks."""

    headcount: StepFunction = Field(
        default=((0.0, 0.0),),
        description='Agents on duty: a number, or {"08:00": 40, "12:00": 35, ...} by time of day.',
    )
    headcount_by_weekday: dict[Weekday, StepFunction] = Field(
        default_factory=dict, description="Headcount for particular weekdays, replacing headcount."
    )
    headcount_by_date: dict[dt.date, StepFunction] = Field(
        default_factory=dict, description="Headcount on particular dates, replacing the weekday's."
    )
    shifts: list[Shift] = Field(default_factory=list, description="Named shifts (instead of a headcount).")

    @model_validator(mode="after")
    def _whole_agents(self) -> Staffing:
        if self.shifts and (self.headcount != ((0.0, 0.0),) or self.headcount_by_weekday or self.headcount_by_date):
            raise ValueError("give either shifts or a headcount, not both")
        names = [shift.name for shift in self.shifts]
        if len(set(names)) != len(names):
            raise ValueError(f"shift names must be unique, got {names}")
        for steps in [self.headcount, *self.headcount_by_weekday.values()]:
            for _, value in steps:
                if value != int(value):
                    raise ValueError(f"headcount must be whole agents, got {value}")
        _check_dated("headcount_by_date", self.headcount_by_date, whole=True)
        return self

    def most_agents(self) -> int:
        """The most agents this staffing can have on its books on any one day."""
        steps = [self.headcount, *self.headcount_by_weekday.values()]
        by_steps = max(value for step in steps for _, value in step)
        return int(by_steps) + sum(shift.most_agents() for shift in self.shifts)


class AgentGroup(StrictModel):
    """Agents with the same skills and staffing."""

    serves: list[str] = Field(min_length=1, description="Queues this group answers, highest priority first.")
    staffing: Staffing = Field(default_factory=Staffing)
    """Agents on duty: a headcount (fixed, per time of day or per interval) or shifts."""
    wrap_up: Distribution = Field(default_factory=lambda: constant(0.0), description="After-call work.")
    talk_time_factor: float = Field(
        le=L.MAX_FACTOR, default=1.0, gt=0, description="Talk-time multiplier for this group.",
    )
    hourly_cost: float = Field(le=L.MAX_HOURLY_COST, default=0.0, ge=0, description="Paid cost per agent-hour on duty.")


class ServiceLevel(StrictModel):
    """The service-level definition and targets the reports measure against."""

    threshold: Duration = Field(default=20.0, gt=0, description="Answer within this time (80/20: 20s).")
    target: Fraction = Field(default=0.80, description="Target share answered within the threshold.")
    short_abandon: Duration = Field(
        default=5.0, ge=0, description="Abandons within this time are left out of one SL definition."
    )
    max_abandon: Fraction = Field(default=0.05, description="Abandonment target.")


class Scenario(StrictModel):
    """A complete contact-centre scenario."""

    name: str = Field(default="scenario", description="Short name shown in tables and reports.")
    description: str = ""
    """Free text shown in the report beside the scenario's name."""
    seed: int = Field(le=L.MAX_SEED, default=12345, ge=0, description="Root seed of all randomness.")
    replications: int = Field(default=1, ge=1, le=100000)
    """Independent replications to run; replication r uses the random streams of (seed, r)."""
    horizon: Horizon = Field(default_factory=Horizon)
    """Days simulated, the first date, warm-up, planning interval and opening hours."""
    arrivals: Arrivals
    """Fresh calls: daily volume or hourly rates, intraday profile, weekday weights, day-to-day variation."""
    segments: dict[str, Segment] = Field(min_length=1)
    """Caller segments by name: share of calls, talk time, patience and behaviour."""
    queues: dict[str, Queue] = Field(default_factory=lambda: {"main": Queue()}, min_length=1)
    """Queues by name (default: one queue, main)."""
    groups: dict[str, AgentGroup] = Field(min_length=1)
    """Agent groups by name: the queues they serve, staffing, wrap-up and cost."""
    service_level: ServiceLevel = Field(default_factory=ServiceLevel)
    """Service-level target and threshold, and how short abandons count."""
    customer_base: CustomerBase | None = Field(
        default=None, description="Persons who call again (off: each problem is a new person)."
    )
    ivr: Ivr | None = Field(default=None, description="Voice menu before the queues (off: straight to a queue).")
    outcomes: Outcomes | None = Field(default=None, description="How conversations end (off: all resolved).")
    transfers: Transfers = Field(default_factory=Transfers)
    """Transfers between queues after the first agent's talk."""
    redials: Redials | None = Field(default=None, description="Calling again after a failure (off: nobody does).")
    difficulty: Difficulty | None = Field(default=None, description="Difficult and abusive callers (off: none).")
    overflow: list[Overflow] = Field(default_factory=list, description="Overflow rules between queues and groups.")
    workforce: Workforce | None = Field(
        default=None, description="Agents as people: speed, strain, exhaustion, absence, attrition (off: none)."
    )
    policies: Policies = Field(default_factory=Policies, description="Policies under test (none: the baseline).")
    costs: Costs = Field(default_factory=Costs, description="Telephony and other costs beyond agents' pay.")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        total = sum(segment.share for segment in self.segments.values())
        if abs(total - 1.0) > 1e-6:
            shares = ", ".join(f"{name}={s.share:g}" for name, s in self.segments.items())
            raise ValueError(f"segments: shares must sum to 1, they sum to {total:g} ({shares})")
        queue_names = list(self.queues)
        for name, segment in self.segments.items():
            if segment.queue is not None and segment.queue not in self.queues:
                raise ValueError(
                    f"segments.{name}.queue: unknown queue {segment.queue!r}; queues are {queue_names}"
                )
        served: set[str] = set()
        for name, group in self.groups.items():
            for queue in group.serves:
                if queue not in self.queues:
                    raise ValueError(
                        f"groups.{name}.serves: unknown queue {queue!r}; queues are {queue_names}"
                    )
            served.update(group.serves)
        self._check_journey(queue_names)
        self._check_dates_in_horizon()
        self._check_work()
        unserved = [q for q in self.queues if q not in served]
        if unserved:
            raise ValueError(
                f"queues.{unserved[0]}: served by no agent group (add it to a group's serves)"
                + (f"; nor are {', '.join(unserved[1:])}" if len(unserved) > 1 else "")
            )
        return self

    def _check_dates_in_horizon(self) -> None:
        """Dated series must fall inside the horizon: a date outside it would silently do nothing."""
        first = self.horizon.start_date
        last = first + dt.timedelta(days=self.horizon.days - 1)
        dated = [("arrivals.rates_by_date", self.arrivals.rates_by_date)] + [
            (f"groups.{name}.staffing.headcount_by_date", group.staffing.headcount_by_date)
            for name, group in self.groups.items()
        ]
        for where, series in dated:
            for date in series:
                if not first <= date <= last:
                    raise ValueError(f"{where}.{date.isoformat()}: outside the horizon "
                                     f"{first.isoformat()} to {last.isoformat()}")

    def _check_work(self) -> None:
        """Bound what one replication may ask for, so that a typing slip cannot run for hours."""
        agents = sum(group.staffing.most_agents() for group in self.groups.values())
        if agents > L.MAX_AGENTS:
            raise ValueError(f"groups: the staffing asks for up to {agents:,} agents; one scenario may have at most "
                             f"{L.MAX_AGENTS:,} (see Bounds in docs/scenario-format.md)")
        days = self.horizon.days + self.lead_days  # the warm-up days are simulated too
        calls = self.arrivals.most_calls_per_day() * days
        if calls > L.MAX_CALLS_PER_RUN:
            raise ValueError(f"arrivals: up to {calls:,.0f} fresh calls in one replication of {days} simulated "
                             f"day(s), warm-up included; at most {L.MAX_CALLS_PER_RUN:,.0f} (shorten the horizon "
                             "or lower the volume)")

    def _check_journey(self, queue_names: list[str]) -> None:
        def known(kind: str, names, where: str, value: str) -> None:
            if value not in names:
                raise ValueError(f"{where}: unknown {kind} {value!r}; {kind}s are {list(names)}")

        if self.ivr is not None:
            for name, option in self.ivr.options.items():
                known("queue", queue_names, f"ivr.options.{name}.queue", option.queue)
        if self.outcomes is not None:
            for group, outcome in self.outcomes.groups.items():
                known("group", list(self.groups), f"outcomes.groups.{group}", group)
                for target in outcome.transfer:
                    known("queue", queue_names, f"outcomes.groups.{group}.transfer.{target}", target)
            for segment in self.outcomes.segment_resolve_shift:
                known("segment", list(self.segments), f"outcomes.segment_resolve_shift.{segment}", segment)
        if self.customer_base is not None:
            base = self.customer_base
            for segment, size in base.segment_sizes.items():
                known("segment", list(self.segments), f"customer_base.segment_sizes.{segment}", segment)
                if not 1 <= size <= L.MAX_CUSTOMERS:
                    raise ValueError(
                        f"customer_base.segment_sizes.{segment}: must be between 1 and {L.MAX_CUSTOMERS:,}"
                    )
            fixed = sum(base.segment_sizes.values())
            rest = [name for name in self.segments if name not in base.segment_sizes]
            if fixed > base.size or (rest and fixed >= base.size):
                raise ValueError(f"customer_base.size: {base.size:,} persons leave none for the other segments after "
                                 f"segment_sizes ({fixed:,})" if rest else
                                 f"customer_base.size: {base.size:,} is smaller than its segment_sizes ({fixed:,})")
        self._check_policies(queue_names)
        for index, rule in enumerate(self.overflow):
            known("queue", queue_names, f"overflow.{index}.queue", rule.queue)
            known("group", list(self.groups), f"overflow.{index}.group", rule.group)

    def _check_policies(self, queue_names: list[str]) -> None:
        policies = self.policies
        groups, segments = list(self.groups), list(self.segments)

        def known(kind: str, names: list[str], where: str, value: str) -> None:
            if value not in names:
                raise ValueError(f"{where}: unknown {kind} {value!r}; {kind}s are {names}")

        limit = policies.call_time_limit
        if limit is not None:
            for group in limit.groups:
                known("group", groups, "policies.call_time_limit.groups", group)
            for segment in limit.segments:
                known("segment", segments, "policies.call_time_limit.segments", segment)
            if limit.at_limit == "transfer" and limit.transfer_to is None:
                raise ValueError("policies.call_time_limit.transfer_to: needed with at_limit: transfer")
            if limit.transfer_to is not None:
                known("queue", queue_names, "policies.call_time_limit.transfer_to", limit.transfer_to)
        hang_up = policies.hang_up
        if hang_up is not None and hang_up.blocked_route != "written":
            known("queue", queue_names + ["written"], "policies.hang_up.blocked_route", hang_up.blocked_route)
        if policies.training is not None:
            for group in policies.training.groups:
                known("group", groups, "policies.training.groups", group)
        if policies.difficult_team is not None:
            known("queue", queue_names, "policies.difficult_team.queue", policies.difficult_team.queue)
        paid = policies.paid_line
        if paid is not None and "elasticity" in paid.model_fields_set:
            # "difficult" prices difficult callers of any segment (see the paid-line model).
            for segment in paid.elasticity:
                known("segment", [*segments, "difficult"], f"policies.paid_line.elasticity.{segment}", segment)
        if paid is not None:
            for segment, value in paid.elasticity.items():
                if not 0 <= value <= L.MAX_ELASTICITY:
                    raise ValueError(f"policies.paid_line.elasticity.{segment}: must be between 0 and "
                                     f"{L.MAX_ELASTICITY:g}, got {value:g}")
        redesign = policies.ivr_redesign
        if redesign is not None and self.ivr is not None:
            for name, base, factor in (("misroute", self.ivr.misroute, redesign.misroute_factor),
                                       ("abandon", self.ivr.abandon, redesign.abandon_factor)):
                if base * factor > 1:
                    raise ValueError(f"policies.ivr_redesign.{name}_factor: {factor:g} x ivr.{name} {base:g} "
                                     f"is a probability above 1")

    @property
    def lead_days(self) -> int:
        """Days simulated before the reported window (``horizon.warmup_days`` with auto resolved)."""
        days = self.horizon.warmup_days
        if days != "auto":
            return int(days)
        carries = (self.redials is not None and self.redials.enabled) or self.customer_base is not None \
            or self.workforce is not None
        return AUTO_WARMUP_DAYS if carries else 0

    def segment_queue(self, segment: str) -> str:
        """The queue a segment's fresh calls join."""
        return self.segments[segment].queue or next(iter(self.queues))


def weekday_name(number: int) -> Weekday:
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[number]


__all__ = ["Scenario", "Horizon", "Arrivals", "Segment", "Queue", "AgentGroup", "Staffing", "ServiceLevel",
           "Clock", "weekday_name"]
