"""Call-time limit: a conversation longer than the limit is cut there (policies.call_time_limit).

The limit applies to the groups and segments listed (all if none), and to difficult calls only if
``difficult_only``. A cut conversation with little left (``resolve_if_remaining_below``) is still
resolved; otherwise the caller is transferred (``at_limit: transfer``), promised a callback
(``callback``: no frustration, the centre calls back after ``callback_delay``), or cut off
(``end``: a full failure point, half with a warning before the limit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim import rng
from ccsim.config.policies import CallTimeLimit as CallTimeLimitSpec
from ccsim.metrics import records as R
from ccsim.model.policies.base import Policy, TalkEnding, TalkPlan

if TYPE_CHECKING:
    from ccsim.model.callers import Call


class CallTimeLimit(Policy):
    name = "call_time_limit"

    def __init__(self, spec: CallTimeLimitSpec, queue_index: dict[str, int], group_names: list[str],
                 segment_names: list[str]):
        self.spec = spec
        self.limit = spec.limit
        self._groups = {group_names.index(g) for g in spec.groups}
        self._segments = {segment_names.index(s) for s in spec.segments}
        self.transfer_queue = queue_index[spec.transfer_to] if spec.transfer_to else -1
        self._callback_delay = spec.callback_delay.sampler()

    def applies(self, call: Call, group: int) -> bool:
        """Whether the limit covers this conversation (its group, segment and difficulty)."""
        if self._groups and group not in self._groups:
            return False
        if self._segments and call.story.segment not in self._segments:
            return False
        return call.difficult or not self.spec.difficult_only

    def plan_talk(self, call: Call, plan: TalkPlan) -> None:
        # Runs last: the limit cuts whatever the other policies planned, a hang-up included.
        if plan.handover or plan.talk <= self.limit or not self.applies(call, plan.group.index):
            return
        plan.cut_remaining = plan.natural - self.limit
        plan.talk, plan.hung_up = self.limit, False

    def at_talk_end(self, call: Call, now: float) -> TalkEnding | None:
        remaining = call.cut_remaining
        if remaining <= 0 or remaining <= self.spec.resolve_if_remaining_below:
            return None  # not cut, or little was left: the agent still wrapped the problem up
        if self.spec.at_limit == "transfer" and self.transfer_queue != call.queue:
            return TalkEnding(R.TALK_TRANSFER_COLD, self.transfer_queue)
        if self.spec.at_limit == "callback":
            return TalkEnding(R.TALK_CUT_OFF, -1, 0.0, self._callback_delay(call.attempt_u(rng.CUT_CALLBACK)))
        return TalkEnding(R.TALK_CUT_OFF, -1, 0.5 if self.spec.warning else 1.0)
