"""Queues, agent groups and the rules that match waiting callers with free agents.

* A queue holds callers by priority level (0 = warm transfers, then segment priorities), first come
  first served within a level. Callers who hung up stay in the deque until they reach its head
  (lazy removal keeps every operation O(1)).
* A group's idle agents wait in a deque, so the one idle longest answers first.
* A queue ranks the groups serving it by how high each group lists it; among the best-ranked
  groups with an idle agent, the agent idle longest answers.
* Overflow rules let a group also answer callers who have waited long enough in another queue.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final

from ccsim.config.distributions import Deterministic, Distribution
from ccsim.model.callers import WAITING, Call

if TYPE_CHECKING:
    from ccsim.model.agents import Agent

LEVELS: Final = 10


class Queue:
    """A waiting line with priority levels."""

    __slots__ = ("index", "name", "lines", "levels", "tiers", "waiting", "overflow")

    def __init__(self, index: int, name: str):
        self.index = index
        self.name = name
        self.lines: list[deque[Call]] = [deque() for _ in range(LEVELS)]
        self.levels: list[int] = []  # levels in use, in order
        self.tiers: list[list[Group]] = []  # groups serving this queue, by how highly they rank it
        self.waiting = 0  # callers in line who have not hung up
        self.overflow: list[tuple[Group, float]] = []  # (group, after seconds) allowed to answer here

    def push(self, call: Call) -> None:
        level = call.priority
        if level not in self.levels:
            self.levels.append(level)
            self.levels.sort()
        self.lines[level].append(call)
        self.waiting += 1

    def head(self) -> Call | None:
        """The caller to answer next (highest priority, longest waiting), or None."""
        for level in self.levels:
            line = self.lines[level]
            while line and line[0].state != WAITING:
                line.popleft()
            if line:
                return line[0]
        return None

    def pop(self) -> Call:
        """Remove and return the caller :meth:`head` returned."""
        for level in self.levels:
            line = self.lines[level]
            if line:
                self.waiting -= 1
                return line.popleft()
        raise IndexError("pop from an empty queue")


class Group:
    """Agents with the same skills; ``serves`` is in priority order."""

    __slots__ = ("index", "name", "serves", "idle", "agents", "wrap", "fixed_wrap", "talk_factor",
                 "overflow_from", "hourly_cost", "resilience", "quit_factor")

    def __init__(self, index: int, name: str, wrap_up: Distribution, talk_factor: float, hourly_cost: float):
        self.index = index
        self.name = name
        self.serves: list[Queue] = []
        self.idle: deque[Agent] = deque()
        self.agents: list[Agent] = []
        self.wrap = wrap_up.sampler()  # seconds of wrap-up from a uniform
        # The wrap-up when it is always the same (nothing to draw), else None.
        self.fixed_wrap = wrap_up.value if isinstance(wrap_up, Deterministic) else None
        self.talk_factor = talk_factor
        self.hourly_cost = hourly_cost
        self.resilience = 0.0  # share of strain a group's training shields its agents from
        self.quit_factor = 1.0  # multiplies the resignation hazard (training)
        self.overflow_from: list[tuple[Queue, float]] = []


def rank_groups(queues: list[Queue], groups: list[Group]) -> None:
    """Set each queue's tiers: groups serving it, grouped by the position of the queue in ``serves``."""
    for queue in queues:
        ranks = sorted({g.serves.index(queue) for g in groups if queue in g.serves})
        queue.tiers = [[g for g in groups if queue in g.serves and g.serves.index(queue) == rank] for rank in ranks]


def idle_agent_for(queue: Queue) -> Agent | None:
    """Take the longest-idle agent of the best-ranked groups serving ``queue`` (None if all busy)."""
    for tier in queue.tiers:
        best = None
        for group in tier:
            if group.idle and (best is None or group.idle[0].idle_since < best.idle_since):
                best = group.idle[0]
        if best is not None:
            best.group.idle.popleft()
            return best
    return None


def next_call_for(group: Group, now: float) -> Call | None:
    """The caller a free agent of ``group`` answers next: own queues first, then overflow queues."""
    for queue in group.serves:
        if queue.head() is not None:
            return queue.pop()
    for queue, after in group.overflow_from:
        call = queue.head()
        if call is not None and now - call.t_enqueue >= after:
            return queue.pop()
    return None
