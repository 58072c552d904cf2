"""The hooks through which a policy changes a call, and the small values they pass.

A policy is an object with up to five hooks, each a no-op here:

* :meth:`Policy.at_attempt`: an attempt begins; the policy may end it or send it to a queue.
* :meth:`Policy.abuse_factor`: how the policy scales the abusive share of difficult calls.
* :meth:`Policy.plan_talk`: a conversation is answered; the policy may lengthen, shorten or end it.
* :meth:`Policy.at_talk_end`: the conversation is over; the policy may bill it or say how it ended.
* :meth:`Policy.at_day_start`: midnight; the policy may move its effects along.

:class:`~ccsim.model.policies.compose.PolicySet` calls only the hooks a policy overrides. Every hook
is a pure function of the policy, the call's keyed draws and the time, so a policy's effect on one
caller never shifts another caller's random numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ccsim.model.agents import Agent
    from ccsim.model.callers import Call
    from ccsim.model.routing import Group

DAY = 86400.0


class Detour(NamedTuple):
    """An attempt a policy takes out of the normal route: ended with ``outcome``, or sent to ``queue``."""

    outcome: int  # records.CALL_* when the attempt ends here
    queue: int = -1  # >= 0: the attempt goes straight to this queue instead


class TalkEnding(NamedTuple):
    """How a policy ended a conversation early (a call-time limit, an agent hanging up)."""

    outcome: int  # records.TALK_*
    target: int = -1  # queue of a transfer, else -1
    frustration: float = 1.0  # failure points the caller takes away
    callback_delay: float | None = None  # seconds until the centre calls back (None: no promise)


class TalkPlan:
    """An answered conversation as the policies shape it, before it starts.

    ``talk``: seconds the agent will talk; ``natural``: seconds the conversation would last if
    nothing ended it early; ``cut_remaining``: talk a call-time limit cut away (0: not cut);
    ``hung_up``: the agent ends an abusive call; ``resolve_shift`` and ``transfer_scale`` adjust the
    conversation's outcome probabilities. ``handover``: the agent only hands a misrouted caller on.
    """

    __slots__ = ("agent", "group", "now", "handover", "talk", "natural", "cut_remaining", "hung_up",
                 "resolve_shift", "transfer_scale")

    def __init__(self, agent: Agent, group: Group, now: float, talk: float, handover: bool):
        self.agent = agent
        self.group = group
        self.now = now
        self.handover = handover
        self.talk = talk
        self.natural = talk
        self.cut_remaining = 0.0
        self.hung_up = False
        self.resolve_shift = agent.resolve_shift
        self.transfer_scale = 1.0


class Policy:
    """A policy at run time. Subclasses override the hooks they need."""

    name = "policy"

    def at_attempt(self, call: Call, now: float) -> Detour | None:
        return None

    def abuse_factor(self, now: float) -> float:
        return 1.0

    def plan_talk(self, call: Call, plan: TalkPlan) -> None:
        return None

    def at_talk_end(self, call: Call, now: float) -> TalkEnding | None:
        return None

    def at_day_start(self, day: int, now: float, groups: list[Group]) -> None:
        return None
