"""The policies users come to test, as small blocks in a scenario's ``policies:`` section.

Every policy has ``enabled`` (default true when the block is present), so a variant can carry a
policy switched off and give exactly the baseline's results. Magnitudes are those of
docs/background/policies.md and docs/background/defaults.md; each states its source or says it is
an assumption.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from ccsim.config import limits as L
from ccsim.config.distributions import Distribution, Exponential, Lognormal
from ccsim.config.types import Duration, Fraction, StrictModel


class CallTimeLimit(StrictModel):
    """End calls at a maximum talk time (Shuto Expressway customer centre's 30-minute rule, 2023).

    Handle-time targets intensify work and raise stress (Taylor & Bain 1999, Industrial Relations
    Journal 30(2); Bain et al. 2002, New Technology, Work and Employment 17(3)); what a cut-off
    caller does next (a repeat contact) is an assumption.
    """

    enabled: bool = True
    """Whether the policy applies; false keeps the block but gives the baseline's results."""
    limit: Duration = Field(default=900.0, gt=0, description="Maximum talk time (test value 15 min).")
    groups: list[str] = Field(default_factory=list, description="Only these groups (default: all).")
    segments: list[str] = Field(default_factory=list, description="Only callers of these segments (default: all).")
    difficult_only: bool = Field(default=False, description="Only calls marked difficult.")
    warning: Duration | None = Field(
        default=None, ge=0, description="Warn the caller this long before the cut (a warned cut frustrates half)."
    )
    resolve_if_remaining_below: Duration = Field(
        default=120.0, ge=0,
        description="At the cut the problem is still solved if no more than this much talk was left (assumption).",
    )
    at_limit: Literal["end", "transfer", "callback"] = Field(
        default="end", description="end the call, transfer it to `transfer_to`, or promise a callback."
    )
    transfer_to: str | None = Field(default=None, description="Queue for `at_limit: transfer`.")
    callback_delay: Distribution = Field(
        default_factory=lambda: Lognormal(dist="lognormal", median=4 * 3600.0, log_sd=0.5),
        description="When the centre calls back after `at_limit: callback` (assumption: about 4 h).",
    )


class HangUpPermission(StrictModel):
    """Agents may end calls with abusive callers.

    Sources: United Steelworkers and TWU Local 1944, "Hang Up on Abuse" (Canada, 2016); Shuto
    Expressway customer centre's call-termination manual (Japan, May 2023). The warning time, the
    control buffer and the redial of a hung-up caller are assumptions.
    """

    enabled: bool = True
    """Whether the policy applies; false keeps the block but gives the baseline's results."""
    warning_time: Distribution = Field(
        default_factory=lambda: Exponential(dist="exponential", mean=120.0),
        description="From the onset of abuse to the disconnection (one warning first; mean 2 min assumption).",
    )
    terminable_share: Fraction = Field(
        default=0.01,
        description=(
            "Share of abusive calls severe enough to end under the protocol (threats, insults after a "
            "warning). Default from the Shuto Expressway record, about 3 terminations per 100,000 calls "
            "(33-34 in two years of about 1.25 million): 3e-5 / (abusive share of calls 0.75 % x the "
            "half of those where the warning ends before the call would) = 0.008, rounded to 1 %."
        ),
    )
    strain_level: float | None = Field(
        le=L.MAX_STRAIN, default=None, gt=0,
        description="Also end difficult calls when the agent's strain is above this level."
    )
    control_buffer: Fraction = Field(
        default=0.3, description="Share of abuse strain the permission itself takes away (a_ctrl; Grandey et al.)."
    )
    block_after: int | None = Field(
        le=L.MAX_COUNT, default=2, ge=1, description="Terminations after which a caller is blocked.",
    )
    blocked_route: str = Field(
        default="written",
        description='"written" (blocked callers get a written channel; the call ends) or a queue (e.g. complaints).',
    )
    deterrence: Fraction = Field(default=0.25, description="Drop of the abusive share once the policy is known.")
    deterrence_days: float = Field(
        le=L.MAX_DAYS, default=182.0, gt=0, description="Days until the deterrence is complete.",
    )


class PaidLine(StrictModel):
    """A premium-rate support line. Unlawful for existing customers in the EU and UK.

    EU Consumer Rights Directive 2011/83/EU, Art. 21, and CJEU C-568/15 (2017): post-contract calls
    at no more than the basic rate; in the UK, Consumer Contracts Regulations 2013 reg. 41 and FCA
    PS15/19 for financial services.

    A caller calls with probability exp(-elasticity x expected price of the call), where the price
    counts minutes beyond the month's free quota; callers who pay talk shorter.
    """

    enabled: bool = True
    """Whether the policy applies; false keeps the block but gives the baseline's results."""
    price_per_minute: float = Field(
        le=L.MAX_PRICE, default=0.50, ge=0, description="Currency units per minute (articles: 0.50 EUR).",
    )
    price_per_call: float = Field(le=L.MAX_PRICE, default=0.0, ge=0, description="Currency units per call.")
    free_minutes_per_month: float = Field(
        le=30 * 24 * 60, default=0.0, ge=0,
        description="Free minutes per customer per 30-day month (articles: 100 for a $10 client)."
    )
    elasticity: dict[str, float] = Field(
        default_factory=lambda: {"regular": 0.02, "priority": 0.01, "difficult": 0.3},
        description="Per segment, per currency unit of expected price (assumption; RAND N-1636: -15 % for "
        "discretionary callers at a 5-minute call's price).",
    )
    default_elasticity: float = Field(le=L.MAX_ELASTICITY, default=0.02, ge=0, description="For segments not listed.")
    talk_reduction: Fraction = Field(default=0.20, description="Shorter talk for those who pay (eta, assumption).")
    churn_if_deterred: Fraction = Field(
        default=0.10, description="Share of deterred callers who leave the company (assumption)."
    )


class Training(StrictModel):
    """Extra first-line training (De Grip & Sauermann 2012, Economic Journal 122(560): -10 % handle time).

    The other effects (resolution, transfers, resilience, quitting) are assumptions in the direction
    of Batt (2002) and SQM Group's tenure findings.

    The effects are stated for ``reference_hours_per_week``; at h hours they scale by
    (1 - exp(-h / h_ref)) / (1 - exp(-1)): none without training, a little more than half at half
    the hours, at most 1.58 times with much more (diminishing returns; assumption).
    """

    def dose(self) -> float:
        """How strongly the configured hours act, relative to the reference hours (0 to 1.58)."""
        return (1.0 - math.exp(-self.hours_per_week / self.reference_hours_per_week)) / (1.0 - math.exp(-1.0))


    enabled: bool = True
    """Whether the policy applies; false keeps the block but gives the baseline's results."""
    groups: list[str] = Field(default_factory=lambda: ["first_line"])
    """Agent groups that receive the training."""
    hours_per_week: Duration = Field(
        le=L.HOURS_PER_WEEK, default=7200.0, ge=0, description="Off-phone training per agent-week (2 h).",
    )
    talk_factor: float = Field(
        le=L.MAX_FACTOR, default=0.90, gt=0, description="Talk-time factor once trained ([evidence] 0.90).",
    )
    resolve_shift: float = Field(default=0.05, ge=-1, le=1, description="Added to P(resolve) (assumption).")
    transfer_factor: float = Field(
        le=L.MAX_FACTOR, default=0.75, ge=0, description="Multiplies transfer probabilities (assumption).",
    )
    misroute_handover_factor: float = Field(
        le=L.MAX_FACTOR, default=0.8, gt=0, description="Faster hand-over of misrouted callers.",
    )
    resilience: Fraction = Field(default=0.2, description="Strain resilience r (assumption).")
    quit_factor: float = Field(
        le=L.MAX_FACTOR, default=0.9, gt=0, description="Multiplies the resignation hazard (Batt 2002).",
    )
    reference_hours_per_week: Duration = Field(
        le=L.HOURS_PER_WEEK, default=7200.0, gt=0,
        description="Hours at which the effects above hold; other hours scale them with diminishing returns.",
    )
    ramp_weeks: float = Field(
        le=L.MAX_DAYS / 7, default=4.0, ge=0, description="Effects grow linearly to full over this many weeks.",
    )
    trainer_cost_per_hour: float = Field(
        le=L.MAX_HOURLY_COST, default=40.0, ge=0, description="Trainer cost per agent-hour of training.",
    )


class IvrRedesign(StrictModel):
    """A menu organised by the customer's words: fewer misroutes, fewer hang-ups.

    Misrouting of about 30 % is a vendor figure (Fonolo); one bank's IVR abandonment fell from over
    10 % to about 2.5 % after a redesign (an anecdote). The magnitudes are assumptions; the IVR as a
    queueing stage: Khudyakov, Feigin & Mandelbaum (2010), Queueing Systems 66:215-237.
    """

    enabled: bool = True
    """Whether the policy applies; false keeps the block but gives the baseline's results."""
    misroute_factor: float = Field(
        le=L.MAX_FACTOR, default=0.5, ge=0, description="Multiplies the misroute share (assumption).",
    )
    abandon_factor: float = Field(
        le=L.MAX_FACTOR, default=0.5, ge=0, description="Multiplies menu hang-ups ([anecdote] 10 % -> 2.5 %).",
    )
    time_factor: float = Field(le=L.MAX_FACTOR, default=1.0, gt=0, description="Multiplies the time in the menu.")


class WarmTransfers(StrictModel):
    """Transfer warmly: the caller keeps priority and the first agent stays until the hand-over."""

    enabled: bool = True
    """Whether the policy applies; false keeps the block but gives the baseline's results."""
    handover: Duration = Field(default=30.0, ge=0)


class DifficultTeam(StrictModel):
    """Send callers marked difficult to a dedicated queue with its own team."""

    enabled: bool = True
    """Whether the policy applies; false keeps the block but gives the baseline's results."""
    queue: str = Field(description="Queue of the dedicated team (define the queue and its group in the scenario).")


class CallbackOffer(StrictModel):
    """Offer a callback instead of waiting; the caller keeps their place while off the line."""

    enabled: bool = True
    """Whether the policy applies; false keeps the block but gives the baseline's results."""
    offer_after: Duration = Field(default=60.0, ge=0, description="Offer when a caller has waited this long.")
    acceptance: Fraction = Field(default=0.5, description="Share accepting the offer (assumption).")
    reach: Fraction = Field(default=0.9, description="Share reached when the agent calls back (assumption).")
    dial_time: Duration = Field(default=30.0, ge=0, description="Agent time to call back.")


class Policies(StrictModel):
    """Any combination of policies; each is consulted by the model at its decision point."""

    call_time_limit: CallTimeLimit | None = None
    """End calls at a maximum talk time."""
    hang_up: HangUpPermission | None = None
    """Let agents end calls with abusive callers."""
    paid_line: PaidLine | None = None
    """A premium-rate support line (unlawful for existing customers in the EU and UK)."""
    training: Training | None = None
    """Extra first-line training."""
    ivr_redesign: IvrRedesign | None = None
    """A menu organised by the customer's words."""
    warm_transfers: WarmTransfers | None = None
    """Transfers with the caller's context handed over."""
    difficult_team: DifficultTeam | None = None
    """A team for difficult callers."""
    callback: CallbackOffer | None = None
    """Offer waiting callers a call back."""

    def active(self, name: str):
        """The named policy if it is present and enabled, else None."""
        policy = getattr(self, name)
        return policy if policy is not None and policy.enabled else None


class Costs(StrictModel):
    """Money beyond agents' pay (which is each group's ``hourly_cost``)."""

    currency: str = Field(default="EUR", description="Label only.")
    telephony_per_minute: float = Field(
        le=L.MAX_PRICE, default=0.01, ge=0,
        description="Cost per minute a caller is connected (menu, queue, talk; assumption)."
    )
    lost_customer: float = Field(
        le=L.MAX_LUMP_COST, default=0.0, ge=0,
        description="Cost of a customer who leaves (acquiring one costs 4-5x keeping one)."
    )
