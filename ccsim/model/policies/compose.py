"""The scenario's policies composed once, when the model is built, into the hooks the centre calls.

Hooks run in a fixed order, the order of :data:`ORDER`: training changes how long a conversation
is, a paid line shortens it for those who pay, an agent's permission to hang up may end it, and a
call-time limit cuts whatever is left. At an attempt the order is :data:`ATTEMPT_ORDER`. Each hook
list holds only the policies that override it, so a scenario without policies pays for none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.model.policies.base import Detour, Policy, TalkEnding, TalkPlan
from ccsim.model.policies.call_time_limit import CallTimeLimit
from ccsim.model.policies.callback import CallbackOffer
from ccsim.model.policies.difficult_team import DifficultTeam
from ccsim.model.policies.hang_up import HangUpPermission
from ccsim.model.policies.paid_line import PaidLine
from ccsim.model.policies.training import Training

if TYPE_CHECKING:
    from ccsim.config.scenario import Scenario
    from ccsim.model.agents import StrainModel
    from ccsim.model.callers import Call, Population
    from ccsim.model.routing import Group

ORDER = ("training", "paid_line", "hang_up", "call_time_limit", "difficult_team", "callback")
# At an attempt a blocked repeat abuser is turned away before any price is quoted.
ATTEMPT_ORDER = ("hang_up", "paid_line")


def _overrides(policy: Policy, hook: str) -> bool:
    return getattr(type(policy), hook) is not getattr(Policy, hook)


class PolicySet:
    """The active policies of one replication and their hooks, in :data:`ORDER`."""

    def __init__(self, policies: list[Policy]):
        rank = {name: i for i, name in enumerate(ORDER)}
        self.policies = sorted(policies, key=lambda p: rank[p.name])
        by_name = {p.name: p for p in self.policies}
        training = by_name.get("training")
        callback = by_name.get("callback")
        team = by_name.get("difficult_team")
        self.training: Training | None = training if isinstance(training, Training) else None
        self.callback: CallbackOffer | None = callback if isinstance(callback, CallbackOffer) else None
        self.team: DifficultTeam | None = team if isinstance(team, DifficultTeam) else None
        attempt_rank = {name: i for i, name in enumerate(ATTEMPT_ORDER)}
        self._attempt = [p.at_attempt for p in sorted(self.policies, key=lambda p: attempt_rank.get(p.name, 99))
                         if _overrides(p, "at_attempt")]
        self._abuse = [p.abuse_factor for p in self.policies if _overrides(p, "abuse_factor")]
        self._talk = [p.plan_talk for p in self.policies if _overrides(p, "plan_talk")]
        self._talk_end = [p.at_talk_end for p in self.policies if _overrides(p, "at_talk_end")]
        self._day = [p.at_day_start for p in self.policies if _overrides(p, "at_day_start")]
        # False: the centre skips the hook (and building a TalkPlan) in its hot path
        self.acts_at_attempt = bool(self._attempt)
        self.shapes_talk = bool(self._talk)
        self.acts_at_talk_end = bool(self._talk_end)

    def at_attempt(self, call: Call, now: float) -> Detour | None:
        for hook in self._attempt:
            detour = hook(call, now)
            if detour is not None:
                return detour
        return None

    def abuse_factor(self, now: float) -> float:
        factor = 1.0
        for hook in self._abuse:
            factor *= hook(now)
        return factor

    def plan_talk(self, call: Call, plan: TalkPlan) -> TalkPlan:
        for hook in self._talk:
            hook(call, plan)
        return plan

    def at_talk_end(self, call: Call, now: float) -> TalkEnding | None:
        ending = None
        for hook in self._talk_end:  # every hook runs (a paid line bills even a call cut short)
            result = hook(call, now)
            if ending is None:
                ending = result
        return ending

    def at_day_start(self, day: int, now: float, groups: list[Group]) -> None:
        for hook in self._day:
            hook(day, now, groups)

    def team_queue(self, call: Call, queue: int) -> int:
        """The queue a caller routed to ``queue`` goes to (a difficult team may take them)."""
        return self.team.queue_for(call, queue) if self.team is not None else queue


def build_policies(scenario: Scenario, queue_index: dict[str, int], group_names: list[str],
                   population: Population, counters: dict[str, float], strain: StrainModel) -> PolicySet:
    """The runtime policies of ``scenario``'s ``policies`` block (IVR redesign and warm transfers are
    applied where the menu and the transfer rules are built)."""
    spec = scenario.policies
    segment_names = list(scenario.segments)
    active: list[Policy] = []
    if (limit := spec.active("call_time_limit")) is not None:
        active.append(CallTimeLimit(limit, queue_index, group_names, segment_names))
    if (hang_up := spec.active("hang_up")) is not None:
        active.append(HangUpPermission(hang_up, queue_index, strain))
    if (paid := spec.active("paid_line")) is not None:
        difficulty = scenario.difficulty
        active.append(PaidLine(paid, segment_names, [s.talk_time.mean_value for s in scenario.segments.values()],
                               difficulty.talk_factor.mean_value if difficulty else 1.0, population, counters))
    if (training := spec.active("training")) is not None:
        active.append(Training(training, group_names))
    if (team := spec.active("difficult_team")) is not None:
        active.append(DifficultTeam(team, queue_index))
    if (callback := spec.active("callback")) is not None:
        active.append(CallbackOffer(callback))
    return PolicySet(active)
