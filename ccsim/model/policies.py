"""The policies at run time: small objects the model consults at its decision points.

* attempt start: is the caller blocked (hang-up policy), deterred by the price (paid line)?
* answering: how long will the conversation last (training, paid line), where does a call-time
  limit or an agent's permission to hang up end it?
* every day: how far has training progressed, how much has the policy deterred abuse?

Each method is a pure function of the policy, the call's keyed draws and the time, so the policy's
effect on one caller never shifts another caller's random numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ccsim import rng
from ccsim.config.scenario import Scenario
from ccsim.model.callers import Call
from ccsim.model.conversation import abuse_onset

DAY = 86400.0


@dataclass(frozen=True)
class TalkPlan:
    """How an answered conversation will go: its length and how it ends early, if it does."""

    talk: float  # seconds the agent talks
    cut_remaining: float  # talk a call-time limit cut away (0: not cut)
    hung_up: bool  # the agent ends an abusive call
    natural: float  # seconds the conversation would last if nothing ended it early


class PolicyRuntime:
    """Runtime form of a scenario's ``policies`` block."""

    def __init__(self, scenario: Scenario, queue_index: dict[str, int], group_names: list[str],
                 segment_names: list[str]):
        policies = scenario.policies
        self.limit = policies.active("call_time_limit")
        self.hang_up = policies.active("hang_up")
        self.paid = policies.active("paid_line")
        self.training = policies.active("training")
        self.callback = policies.active("callback")
        self.redesign = policies.active("ivr_redesign")
        self.warm = policies.active("warm_transfers")
        team = policies.active("difficult_team")
        self.difficult_queue = queue_index[team.queue] if team else -1
        self.control_buffer = self.hang_up.control_buffer if self.hang_up else 0.0
        self._limit_groups = {group_names.index(g) for g in self.limit.groups} if self.limit else set()
        self._limit_segments = {segment_names.index(s) for s in self.limit.segments} if self.limit else set()
        self.limit_transfer_queue = (queue_index[self.limit.transfer_to]
                                     if self.limit and self.limit.transfer_to else -1)
        self._limit_callback = self.limit.callback_delay.sampler() if self.limit else None
        self._warning = self.hang_up.warning_time.sampler() if self.hang_up else None
        self.blocked_queue = (queue_index.get(self.hang_up.blocked_route, -1) if self.hang_up else -1)
        self.trained_groups = ({group_names.index(g) for g in self.training.groups} if self.training else set())
        self._dose = self.training.dose() if self.training else 0.0
        self._elasticity: list[float] = []
        self._difficult_elasticity = 0.0
        if self.paid:
            self._elasticity = [self.paid.elasticity.get(s, self.paid.default_elasticity) for s in segment_names]
            self._difficult_elasticity = self.paid.elasticity.get("difficult", self.paid.default_elasticity)
        self.expected_talk = [s.talk_time.mean_value for s in scenario.segments.values()]
        difficulty = scenario.difficulty
        self.difficult_talk_factor = difficulty.talk_factor.mean_value if difficulty else 1.0
        self.minutes: dict[int, tuple[int, float]] = {}  # person -> (month, minutes used), paid line
        self.churned: set[int] = set()
        self.flags: dict[int, int] = {}  # person -> calls ended by agents under the hang-up policy

    # ------------------------------------------------------------------ attempt start

    def abusive_factor(self, now: float) -> float:
        """Deterrence: the abusive share falls linearly to (1 - deterrence) over the deterrence period."""
        if self.hang_up is None or self.hang_up.deterrence <= 0:
            return 1.0
        progress = min(1.0, now / (self.hang_up.deterrence_days * DAY))
        return 1.0 - self.hang_up.deterrence * progress

    def blocked(self, person: int) -> bool:
        block_after = self.hang_up.block_after if self.hang_up else None
        return block_after is not None and self.flags.get(person, 0) >= block_after

    def _free_minutes_left(self, person: int, now: float) -> float:
        month = int(now // (30 * DAY))
        used_month, used = self.minutes.get(person, (month, 0.0))
        return max(0.0, self.paid.free_minutes_per_month - (used if used_month == month else 0.0))

    def deterred(self, call: Call, now: float) -> bool:
        """Does the price put this caller off? P(still calling) = exp(-elasticity x expected price)."""
        paid = self.paid
        story = call.story
        talk = self.expected_talk[story.segment] * (self.difficult_talk_factor if call.difficult else 1.0)
        minutes = talk * (1.0 - paid.talk_reduction) / 60.0
        price = paid.price_per_call + paid.price_per_minute * max(0.0, minutes - self._free_minutes_left(
            story.person, now))
        elasticity = self._elasticity[story.segment]
        if call.difficult:
            elasticity = max(elasticity, self._difficult_elasticity)
        return call.attempt_u(rng.PAID_LINE) >= math.exp(-elasticity * price)

    def churns(self, call: Call) -> bool:
        return call.attempt_u(rng.CHURN) < self.paid.churn_if_deterred

    def paying(self, call: Call, now: float) -> bool:
        """Does this caller pay for the conversation (beyond the free quota, or a per-call price)?"""
        if self.paid is None:
            return False
        talk = self.expected_talk[call.story.segment] / 60.0
        return self.paid.price_per_call > 0 or self._free_minutes_left(call.story.person, now) < talk

    def charge(self, call: Call, talk: float, now: float) -> float:
        """Price of an answered conversation on the paid line, updating the month's minutes."""
        paid = self.paid
        person = call.story.person
        month = int(now // (30 * DAY))
        free_left = self._free_minutes_left(person, now)
        minutes = talk / 60.0
        used_month, used = self.minutes.get(person, (month, 0.0))
        self.minutes[person] = (month, (used if used_month == month else 0.0) + minutes)
        return paid.price_per_call + paid.price_per_minute * max(0.0, minutes - free_left)

    # ------------------------------------------------------------------ training

    def training_progress(self, group: int, now: float) -> float:
        """0 before training; its dose when the effects are complete (linear over ``ramp_weeks``)."""
        if group not in self.trained_groups:
            return 0.0
        ramp = self.training.ramp_weeks * 7 * DAY
        return self._dose * (1.0 if ramp <= 0 else min(1.0, now / ramp))

    def trained(self, value: float, full: float, progress: float) -> float:
        """A multiplier moving from 1 to ``full`` as training progresses."""
        return 1.0 - (1.0 - full) * progress

    # ------------------------------------------------------------------ conversations

    def plan_talk(self, call: Call, group: int, talk: float, agent_strain: float, paying: bool) -> TalkPlan:
        """Shorten a conversation for paying callers; find where a limit or a hang-up ends it.

        Abuse begins at :func:`~ccsim.model.conversation.abuse_onset` of the natural conversation,
        so the strain shock comes at the same point whether or not the agent may hang up.
        """
        if paying:
            talk *= 1.0 - self.paid.talk_reduction
        end = talk
        hung_up = False
        hang_up = self.hang_up
        if hang_up is not None:
            trigger = None
            if call.abusive and call.u(rng.HANG_UP_SEVERE) < hang_up.terminable_share:
                trigger = abuse_onset(call, talk)
            elif hang_up.strain_level is not None and call.difficult and agent_strain >= hang_up.strain_level:
                trigger = 0.0
            if trigger is not None:
                disconnect = trigger + self._warning(call.u(rng.HANG_UP_WARNING))
                if disconnect < end:
                    end, hung_up = disconnect, True
        cut = 0.0
        limit = self.limit
        if limit is not None and end > limit.limit and self._limit_applies(call, group):
            cut = talk - limit.limit
            end, hung_up = limit.limit, False
        return TalkPlan(end, cut, hung_up, talk)

    def _limit_applies(self, call: Call, group: int) -> bool:
        limit = self.limit
        if self._limit_groups and group not in self._limit_groups:
            return False
        if self._limit_segments and call.story.segment not in self._limit_segments:
            return False
        return call.difficult or not limit.difficult_only

    def limit_callback_delay(self, call: Call) -> float:
        return self._limit_callback(call.attempt_u(rng.CUT_CALLBACK))
