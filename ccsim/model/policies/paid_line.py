"""Paid line: callers pay per call or per minute beyond a monthly free quota (policies.paid_line).

* At each attempt the expected price may put the caller off: P(still calling) = exp(-elasticity x
  expected price), the difficult callers' elasticity at least that of ``difficult``. A deterred
  caller may leave the company (``churn_if_deterred``): their later problems never reach the centre.
* Those who pay talk shorter (``talk_reduction``).
* Every conversation counts against the person's free minutes of the (30-day) month; the rest is
  billed, into the run's revenue and billed minutes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ccsim import rng
from ccsim.config.policies import PaidLine as PaidLineSpec
from ccsim.metrics import records as R
from ccsim.model.policies.base import DAY, Detour, Policy, TalkEnding, TalkPlan

if TYPE_CHECKING:
    from ccsim.model.callers import Call, Population

MONTH = 30 * DAY


class PaidLine(Policy):
    name = "paid_line"

    def __init__(self, spec: PaidLineSpec, segment_names: list[str], expected_talk: list[float],
                 difficult_talk_factor: float, population: Population, counters: dict[str, float]):
        self.spec = spec
        self._elasticity = [spec.elasticity.get(s, spec.default_elasticity) for s in segment_names]
        self._difficult_elasticity = spec.elasticity.get("difficult", spec.default_elasticity)
        self.expected_talk = expected_talk  # mean talk seconds per segment
        self.difficult_talk_factor = difficult_talk_factor
        self.population = population
        self.counters = counters
        self.minutes: dict[int, tuple[int, float]] = {}  # person -> (month, minutes used)

    def _free_minutes_left(self, person: int, now: float) -> float:
        month = int(now // MONTH)
        used_month, used = self.minutes.get(person, (month, 0.0))
        return max(0.0, self.spec.free_minutes_per_month - (used if used_month == month else 0.0))

    def deterred(self, call: Call, now: float) -> bool:
        """Does the expected price put this caller off?"""
        spec = self.spec
        story = call.story
        talk = self.expected_talk[story.segment] * (self.difficult_talk_factor if call.difficult else 1.0)
        minutes = talk * (1.0 - spec.talk_reduction) / 60.0
        price = spec.price_per_call + spec.price_per_minute * max(0.0, minutes - self._free_minutes_left(
            story.person, now))
        elasticity = self._elasticity[story.segment]
        if call.difficult:
            elasticity = max(elasticity, self._difficult_elasticity)
        return call.attempt_u(rng.PAID_LINE) >= math.exp(-elasticity * price)

    def at_attempt(self, call: Call, now: float) -> Detour | None:
        if not self.deterred(call, now):
            return None
        if call.attempt_u(rng.CHURN) < self.spec.churn_if_deterred:
            self.population.left.add(call.story.person)
            self.counters["customers_lost"] += 1
        return Detour(R.CALL_DETERRED)

    def paying(self, call: Call, now: float) -> bool:
        """Does this caller pay for the conversation (beyond the free quota, or a per-call price)?"""
        talk = self.expected_talk[call.story.segment] / 60.0
        return self.spec.price_per_call > 0 or self._free_minutes_left(call.story.person, now) < talk

    def plan_talk(self, call: Call, plan: TalkPlan) -> None:
        if plan.handover:
            return
        call.paying = self.paying(call, plan.now)
        if call.paying:
            plan.talk *= 1.0 - self.spec.talk_reduction
            plan.natural = plan.talk

    def charge(self, call: Call, talk: float, now: float) -> float:
        """Price of an answered conversation of ``talk`` seconds, updating the month's minutes."""
        spec = self.spec
        person = call.story.person
        month = int(now // MONTH)
        free_left = self._free_minutes_left(person, now)
        minutes = talk / 60.0
        used_month, used = self.minutes.get(person, (month, 0.0))
        self.minutes[person] = (month, (used if used_month == month else 0.0) + minutes)
        return spec.price_per_call + spec.price_per_minute * max(0.0, minutes - free_left)

    def at_talk_end(self, call: Call, now: float) -> TalkEnding | None:
        if call.reached:
            talked = now - call.t_answer
            price = self.charge(call, talked, now)
            if price > 0:
                call.price += price
                self.counters["revenue"] += price
                self.counters["billed_minutes"] += talked / 60.0
        return None
