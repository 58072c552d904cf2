"""Agents as individuals: who is on duty, idle or busy, and how fast each one works."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccsim.model.callers import Call
    from ccsim.model.routing import Group


class Agent:
    """One person in a rota position of a group.

    ``speed`` multiplies the agent's talk times (1 = average). ``draining``: the agent's duty ended
    at closing time and they answer the callers still waiting before going home.
    """

    __slots__ = ("id", "position", "group", "on_duty", "busy", "idle_since", "leave_after_call", "draining",
                 "duty_start", "call", "speed")

    def __init__(self, agent_id: int, position: int, group: Group, speed: float = 1.0):
        self.id = agent_id
        self.position = position
        self.group = group
        self.on_duty = False
        self.busy = False
        self.idle_since = 0.0
        self.leave_after_call = False
        self.draining = False
        self.duty_start = 0.0
        self.call: Call | None = None
        self.speed = speed
