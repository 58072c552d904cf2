"""Permission to hang up: agents may end abusive calls, and repeat abusers are blocked (policies.hang_up).

* An abusive caller whose abuse is severe enough (``terminable_share``) is warned when the abuse
  begins and disconnected after ``warning_time``; with ``strain_level``, an agent under that much
  strain may do the same with any difficult call from its start.
* A person whose calls were ended ``block_after`` times is sent to ``blocked_route`` (a queue, or a
  written channel if that is no queue).
* Once the policy is known the abusive share falls linearly by ``deterrence`` over
  ``deterrence_days``. Its ``control_buffer`` (the share of abuse strain that control takes away)
  is read by the strain model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim import rng
from ccsim.config.policies import HangUpPermission as HangUpSpec
from ccsim.metrics import records as R
from ccsim.model.conversation import abuse_onset
from ccsim.model.policies.base import DAY, Detour, Policy, TalkEnding, TalkPlan

if TYPE_CHECKING:
    from ccsim.model.agents import StrainModel
    from ccsim.model.callers import Call


class HangUpPermission(Policy):
    name = "hang_up"

    def __init__(self, spec: HangUpSpec, queue_index: dict[str, int], strain: StrainModel):
        self.spec = spec
        self.strain = strain
        self._warning = spec.warning_time.sampler()
        self.blocked_queue = queue_index.get(spec.blocked_route, -1)
        self.flags: dict[int, int] = {}  # person -> calls ended by agents

    def at_attempt(self, call: Call, now: float) -> Detour | None:
        block_after = self.spec.block_after
        if block_after is None or self.flags.get(call.story.person, 0) < block_after:
            return None
        if self.blocked_queue < 0:
            return Detour(R.CALL_BLOCKED)  # sent to a written channel
        return Detour(R.CALL_BLOCKED, self.blocked_queue)

    def abuse_factor(self, now: float) -> float:
        """The abusive share falls linearly to (1 - deterrence) over the deterrence period."""
        if self.spec.deterrence <= 0:
            return 1.0
        progress = min(1.0, now / (self.spec.deterrence_days * DAY))
        return 1.0 - self.spec.deterrence * progress

    def plan_talk(self, call: Call, plan: TalkPlan) -> None:
        # Abuse begins at abuse_onset of the natural conversation, so the strain shock comes at the
        # same point whether or not the agent may hang up.
        if plan.handover:
            return
        spec = self.spec
        trigger = None
        if call.abusive and call.u(rng.HANG_UP_SEVERE) < spec.terminable_share:
            trigger = abuse_onset(call, plan.natural)
        elif (spec.strain_level is not None and call.difficult
              and self.strain.value(plan.agent, plan.now) >= spec.strain_level):
            trigger = 0.0
        if trigger is not None:
            disconnect = trigger + self._warning(call.u(rng.HANG_UP_WARNING))
            if disconnect < plan.talk:
                plan.talk, plan.hung_up = disconnect, True

    def at_talk_end(self, call: Call, now: float) -> TalkEnding | None:
        if not call.hung_up:
            return None
        person = call.story.person
        self.flags[person] = self.flags.get(person, 0) + 1
        return TalkEnding(R.TALK_HUNG_UP)
