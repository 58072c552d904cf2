"""The people behind the calls: the customer base, problem stories and attempts.

* A **person** is a customer. With a customer base, persons are a finite population; a fresh
  call (a new problem) is given to a member of its segment in proportion to the member's contact
  propensity, so the arrival process stays exactly as configured while frequent callers emerge.
  Without one, every problem belongs to a new person.
* A **story** is one problem with all its attempts (redials, repeats) until it is resolved, lost
  or still open when the horizon ends. Its random draws are keyed by story, see :mod:`ccsim.rng`.
* A **call** is one attempt: dialling in, the menu, one or more queue visits (legs), hanging up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import numpy as np

from ccsim import rng
from ccsim.config.journey import CustomerBase
from ccsim.metrics import records as R

if TYPE_CHECKING:
    from ccsim.model.agents import Agent

NAN: Final = math.nan

# Call states.
IN_IVR: Final = 0
WAITING: Final = 1
TALKING: Final = 2
DONE: Final = 3


class Population:
    """Persons by segment with their contact propensities, and what persists across their contacts."""

    def __init__(self, base: CustomerBase | None, segments: dict[str, float], seed: int, replication: int):
        self.enabled = base is not None
        self.frustration: dict[int, float] = {}  # person -> points of failure (see model.frustration)
        self.left: set[int] = set()  # persons who left the company (a paid line's churn)
        self.offsets: list[int] = []
        self.cumulative: list[np.ndarray] = []  # float64 arrays: searched in place, faster than a list
        self.propensity = np.empty(0)
        if base is None:
            return
        generator = rng.stream(seed, replication, "population")
        fixed = base.segment_sizes
        rest_share = sum(share for name, share in segments.items() if name not in fixed)
        rest_size = max(base.size - sum(fixed.values()), 0)
        sizes = [fixed[name] if name in fixed else max(1, round(rest_size * share / rest_share))
                 for name, share in segments.items()]
        propensities = []
        offset = 0
        for size in sizes:
            values = np.maximum(base.propensity.quantiles(generator.random(size)), 1e-12)
            propensities.append(values)
            cumulative = np.cumsum(values)
            self.cumulative.append(cumulative / cumulative[-1])
            self.offsets.append(offset)
            offset += size
        self.propensity = np.concatenate(propensities)

    def pick_block(self, segments: np.ndarray, u: np.ndarray) -> list[int]:
        """:meth:`pick` for a block of fresh stories at once: their segments and their ``u_at(0, 0, PERSON)``.

        One search per segment instead of one numpy call per caller (a few microseconds each, most
        of it the call itself); the persons are the ones :meth:`pick` gives, one for one.
        """
        persons = np.zeros(len(u), dtype=np.int64)
        for segment, cumulative in enumerate(self.cumulative):
            mine = segments == segment
            if mine.any():
                places = np.minimum(cumulative.searchsorted(u[mine], "right"), len(cumulative) - 1)
                persons[mine] = self.offsets[segment] + places
        return persons.tolist()  # Python ints: numpy integers would leak into the records

    def pick(self, segment: int, draws: rng.Keyed, story_id: int) -> int:
        """The person who has this problem: by propensity within the segment, or a new person.

        With no customer base each story is a new person, and nothing is drawn.
        """
        if not self.enabled:
            return story_id
        u = draws.u_at(0, 0, rng.PERSON)
        cumulative = self.cumulative[segment]
        # searchsorted(side="right") is bisect_right; int() keeps numpy integers out of the records.
        return self.offsets[segment] + min(int(cumulative.searchsorted(u, "right")), len(cumulative) - 1)


class Story:
    """One problem of one person, over all its attempts."""

    __slots__ = ("id", "person", "segment", "draws", "option", "attempts", "failures", "t_first", "t_end",
                 "wait", "talk", "ivr", "transfers", "outcome", "resolved_attempt", "resolving_group",
                 "difficult_attempts", "return_queue")

    def __init__(self, story_id: int, person: int, segment: int, draws: rng.Keyed, now: float):
        self.id = story_id
        self.person = person
        self.segment = segment
        self.draws = draws
        self.option = -1
        self.attempts = 0
        self.failures = 0
        self.t_first = now
        self.t_end = NAN
        self.wait = 0.0
        self.talk = 0.0
        self.ivr = 0.0
        self.transfers = 0
        self.outcome = R.STORY_OPEN
        self.resolved_attempt = NAN  # attempt number (from 0) that resolved it
        self.resolving_group = -1
        self.difficult_attempts = 0
        self.return_queue = -1  # the next attempt goes straight to this queue (after the menu); -1: start over


class Call:
    """One attempt by a caller, from dialling in to hanging up (possibly over several legs)."""

    __slots__ = ("id", "story", "attempt", "trigger", "frustration", "t_arrive", "t_ivr_end", "queue",
                 "first_queue", "correct_queue", "misrouted", "priority", "leg", "t_enqueue", "state",
                 "t_answer", "t_first_answer", "agent", "first_agent", "wait", "talk", "transfers",
                 "difficult", "abusive", "talk_factor", "patience_of", "talk_outcome", "target",
                 "virtual", "reached", "paying", "price", "cut_remaining", "hung_up", "difficult_cause", "callback")

    def __init__(self, call_id: int, story: Story, trigger: int, frustration: float, now: float):
        self.id = call_id
        self.story = story
        self.attempt = story.attempts
        self.trigger = trigger
        self.frustration = frustration
        self.t_arrive = now
        self.t_ivr_end = now
        self.queue = -1
        self.first_queue = -1
        self.correct_queue = -1
        self.misrouted = False
        self.priority = 1
        self.leg = -1
        self.t_enqueue = NAN
        self.state = IN_IVR
        self.t_answer = NAN
        self.t_first_answer = NAN
        self.agent: Agent | None = None
        self.first_agent = -1
        self.wait = 0.0
        self.talk = 0.0
        self.transfers = 0
        self.difficult = False
        self.difficult_cause = 0  # records.DIFFICULT_*
        self.abusive = False
        self.talk_factor = 1.0
        self.patience_of: Callable[[float], float] | None = None  # difficult callers' own patience
        self.talk_outcome = R.TALK_NONE
        self.target = -1
        self.virtual = False  # accepted a callback: off the line, keeping the place in the queue
        self.callback = False  # the current leg is a callback: the agent dialled out to the caller
        self.reached = True
        self.paying = False
        self.price = 0.0
        self.cut_remaining = 0.0
        self.hung_up = False

    def u(self, purpose: int) -> float:
        """The keyed uniform of ``purpose`` on this attempt's current leg."""
        leg = self.leg
        return self.story.draws.u_at(self.attempt, leg if leg > 0 else 0, purpose)

    def attempt_u(self, purpose: int) -> float:
        """The keyed uniform of ``purpose`` for the attempt as a whole (whatever leg it is on)."""
        return self.story.draws.u_at(self.attempt, 0, purpose)
