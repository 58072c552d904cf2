"""Scenario parts for the caller journey: customer base, IVR, outcomes, transfers, redials, difficulty.

Every part is optional. Left out, the journey is the single-queue model: no menu, every answered
call resolved, nobody calls back, nobody turns difficult. Defaults of the parts themselves are
those of docs/background/defaults.md; each states its source or says it is an assumption.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ccsim.config import limits as L
from ccsim.config.distributions import Distribution, Exponential, Gamma, Lognormal, Mixture, MixtureComponent
from ccsim.config.types import Duration, Fraction, StrictModel


def _h3_redial_delay() -> Mixture:
    """Redial delay after abandoning: 3-phase hyperexponential fitted to Anonymous Bank data."""
    return Mixture(dist="mixture", components=(
        MixtureComponent(weight=0.34, distribution=Exponential(dist="exponential", mean=229.0)),
        MixtureComponent(weight=0.51, distribution=Exponential(dist="exponential", mean=2761.0)),
        MixtureComponent(weight=0.15, distribution=Exponential(dist="exponential", mean=37120.0)),
    ))


def _next_day_delay() -> Lognormal:
    """Repeat after an unresolved call: median one day (assumption; see docs/background/defaults.md)."""
    return Lognormal(dist="lognormal", median=86400.0, log_sd=0.5)


class CustomerBase(StrictModel):
    """A finite population whose members bring problems again over days and weeks.

    Fresh calls are generated as configured; each is then given to a member of its segment chosen
    in proportion to the member's contact propensity, so a few frequent callers and many rare ones
    emerge without changing the arrival process.
    """

    size: int = Field(le=L.MAX_CUSTOMERS, default=200_000, ge=1, description="Number of customers (persons).")
    segment_sizes: dict[str, int] = Field(
        default_factory=dict,
        description="Persons in particular segments (the rest of `size` is split by segment shares).",
    )
    propensity: Distribution = Field(
        default_factory=lambda: Gamma(dist="gamma", mean=1.0, cv=1.5),
        description="Relative contact propensity of a customer (unitless; heavy right tail = frequent callers).",
    )


class IvrOption(StrictModel):
    """One menu branch: the share of callers choosing it, where it routes, and how many it serves itself."""

    share: Fraction
    queue: str = Field(description="Queue this option routes to.")
    self_service: Fraction = Field(default=0.0, description="Share of callers the menu serves completely.")


class Ivr(StrictModel):
    """The voice menu in front of the queues (Khudyakov, Feigin & Mandelbaum 2010)."""

    enabled: bool = True
    """Whether callers pass the menu; false: every call goes straight to its queue."""
    time: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=60.0, log_sd=0.5),
        description="Time in the menu (assumption: 60 s; a routing-only VRU had 10.5 s [data]).",
    )
    abandon: Fraction = Field(default=0.05, description="Share hanging up in the menu ([data] 5.9 %).")
    options: dict[str, IvrOption] = Field(min_length=1)
    """Menu options by name: share of callers, self-service and where the rest are routed."""
    misroute: Fraction = Field(
        default=0.10, description="Share sent to a wrong queue (assumption; vendors claim up to 30 %)."
    )
    misroute_handover: Duration = Field(
        default=60.0, ge=0, description="First-agent time before transferring a misrouted caller ([vendor] ~65 s)."
    )

    @model_validator(mode="after")
    def _shares(self) -> Ivr:
        total = sum(option.share for option in self.options.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"ivr.options: shares must sum to 1, they sum to {total:g}")
        return self


class GroupOutcome(StrictModel):
    """How a group's conversations end: resolved, transferred to a queue, or unresolved (the rest)."""

    resolve: Fraction = Field(description="Probability the conversation resolves the caller's problem.")
    transfer: dict[str, Fraction] = Field(
        default_factory=dict, description="Probability of transferring to each named queue."
    )

    @model_validator(mode="after")
    def _total(self) -> GroupOutcome:
        total = self.resolve + sum(self.transfer.values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"resolve plus transfer probabilities exceed 1 ({total:g})")
        return self


class Outcomes(StrictModel):
    """Conversation outcomes per group, shifted for difficult, frustrated and particular callers."""

    groups: dict[str, GroupOutcome] = Field(description="Per agent group; groups not listed resolve every call.")
    difficult_resolve_shift: float = Field(
        default=-0.10, ge=-1, le=1, description="Added to P(resolve) for difficult callers (assumption)."
    )
    frustration_resolve_shift: float = Field(
        default=-0.02, ge=-1, le=1, description="Added to P(resolve) per point of frustration (assumption)."
    )
    segment_resolve_shift: dict[str, float] = Field(
        default_factory=dict, description="Added to P(resolve) for callers of a segment."
    )


class Transfers(StrictModel):
    """How transfers are made and how long a chain may grow."""

    mode: Literal["warm", "cold"] = Field(
        default="cold",
        description="warm: caller keeps priority, cannot be lost, agent stays for the handover; "
        "cold: caller queues again at the back with fresh patience.",
    )
    handover: Duration = Field(default=30.0, ge=0, description="Agent time on a warm transfer (assumption).")
    # At most 15: a call's legs (transfers + 1) each have their own keyed random numbers, and
    # ccsim.rng keeps room for 16 legs per attempt (more would reuse the next attempt's numbers).
    max_transfers: int = Field(default=5, ge=0, le=15, description="Transfers allowed within one call (0-15).")
    at_cap: Literal["resolve", "lose"] = Field(
        default="resolve", description="At the cap the last group resolves the call, or the caller is lost."
    )


class RedialRule(StrictModel):
    """Whether and when a person calls again after one kind of failure."""

    probability: Fraction = Field(description="Probability of calling again after the first such failure.")
    decay: float = Field(default=1.0, gt=0, le=1, description="Multiplies the probability per earlier failure.")
    delay: Distribution = Field(default_factory=_h3_redial_delay, description="Time until the next attempt.")
    return_to: Literal["queue_left", "start"] = Field(
        default="start",
        description="Where the redial goes: back to the queue the caller left (after the menu, with no "
        "misrouting) or the start of the journey (the menu routes it as a fresh call).",
    )


class Redials(StrictModel):
    """Redials and repeat calls.

    After abandoning in the queue 0.65, computed from the public Technion "Anonymous Bank" call log
    (February 1999: 0.666 redial within 24 h), with an assumed decay per further failure; the other
    probabilities and the repeat delay are assumptions. Retrials as a model: Aguir, Karaesmen,
    Akşin & Chauvet (2004), OR Spectrum 26(3):353-376.
    """

    enabled: bool = True
    """Whether anyone calls again; false: every failed attempt is the caller's last."""
    max_attempts: int = Field(le=L.MAX_COUNT, default=5, ge=1, description="Attempts per problem at most.")
    queue_abandon: RedialRule | None = Field(
        default_factory=lambda: RedialRule(probability=0.65, decay=0.85, return_to="queue_left"),
        description="After hanging up in a queue ([data] 0.666 within 24 h; decay assumption); back to the "
        "queue left: a caller who gave up in the experts' queue after a transfer asks for the experts again.",
    )
    ivr_abandon: RedialRule | None = Field(
        default_factory=lambda: RedialRule(probability=0.5, decay=0.85),
        description="After hanging up in the menu (assumption).",
    )
    unresolved: RedialRule | None = Field(
        default_factory=lambda: RedialRule(probability=0.8, delay=_next_day_delay()),
        description="After an unresolved conversation (assumption; SQM 1 - FCR ~ 30 %).",
    )
    cut_off: RedialRule | None = Field(
        default_factory=lambda: RedialRule(probability=0.8, delay=_next_day_delay(), return_to="queue_left"),
        description="After a call ended by a call-time limit without resolution (assumption); back to the "
        "queue left, where the unfinished work is.",
    )
    hung_up: RedialRule | None = Field(
        default_factory=lambda: RedialRule(probability=0.5),
        description="After an agent ended an abusive call (assumption).",
    )
    closed_spread: Duration = Field(
        default=3600.0, ge=0,
        description="A redial falling in closed hours comes at the next opening, spread over this time.",
    )


class Difficulty(StrictModel):
    """Difficult callers: some start so (segments with ``difficult: true``), others become so by failing.

    On each attempt a caller who is not difficult by nature is difficult with probability
    ``min(cap, base * (1 + growth * k))`` for k points of frustration. The form and its constants
    are assumptions; the direction (failure makes callers harder to serve) follows Webb, Yu &
    Bretthauer (longer service after waits beyond expectations) and SQM Group's finding that
    satisfaction falls about 15 % with each further call.
    """

    base: Fraction = Field(default=0.005, description="P(difficult) on an attempt with no frustration (assumption).")
    growth: float = Field(
        le=100.0, default=20.0, ge=0,  # up to +50 points per failure at base 0.5 %
        description="Relative growth per point of frustration: 20 adds 10 points per failure (assumption, "
        "set so that failure makes most difficult calls, as the articles define them).",
    )
    cap: Fraction = Field(default=0.40, description="Upper limit of the probability (assumption).")
    talk_factor: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", mean=2.5, log_sd=0.5),
        description="Talk-time multiplier of difficult calls (unitless; assumption, mean 2.5x).",
    )
    patience: Distribution | None = Field(
        default=None, description="Patience of difficult callers (default: their segment's)."
    )
    abusive_share: Fraction = Field(default=0.15, description="Share of difficult calls that are abusive (assumption).")


class Overflow(StrictModel):
    """A named rule: callers waiting at least ``after`` in ``queue`` may also be answered by ``group``."""

    name: str
    """Name of the rule."""
    queue: str
    """Queue whose waiting callers the rule concerns."""
    group: str
    """Agent group that may take them after the delay."""
    after: Duration = Field(ge=0)
