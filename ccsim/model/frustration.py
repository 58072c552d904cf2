"""Frustration and the difficult calls that failure makes (docs/background/model.md; the
direction follows Webb, Yu & Bretthauer, SSRN 3706565, and SQM's survey data).

* **Frustration**: each failed attempt (and each cold transfer) adds points to the person; a solved
  problem halves them (the caller calms down, though not all the way: an assumption). A person's
  points at the start of an attempt are the attempt's ``frustration``.
* **Difficulty**: an attempt is difficult by the nature of its segment, or by chance with
  probability ``min(cap, base)``, or because of the caller's failures: the keyed draw falls between
  the no-failure probability and ``min(cap, base * (1 + growth * points))``. A share of difficult
  calls is abusive (less once a hang-up policy deters abuse); difficult calls talk longer and may
  have their own patience.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from ccsim import rng
from ccsim.config.journey import Difficulty as DifficultySpec
from ccsim.metrics import records as R

if TYPE_CHECKING:
    from ccsim.model.callers import Call
    from ccsim.model.script import ScriptedCall

RESOLVED_CALMING: Final = 0.5  # share of frustration left after a solved problem (assumption)
COLD_TRANSFER_POINTS: Final = 1.0


class Frustration:
    """Points of failure per person (the population's memory between contacts)."""

    def __init__(self, points: dict[int, float]):
        self.points = points  # person -> points; shared with the population's records

    def of(self, person: int) -> float:
        return self.points.get(person, 0.0)

    def add(self, person: int, points: float) -> None:
        self.points[person] = self.points.get(person, 0.0) + points

    def calm(self, person: int) -> None:
        """A solved problem calms a caller down, though not all the way."""
        if person in self.points:
            self.points[person] *= RESOLVED_CALMING


class Difficulty:
    """Runtime form of the ``difficulty`` block; with none, no attempt is ever difficult."""

    def __init__(self, spec: DifficultySpec | None, abuse_factor: Callable[[float], float]):
        self.enabled = spec is not None
        self.abuse_factor = abuse_factor  # policies' deterrence of abuse, by time
        self._talk = spec.talk_factor.sampler() if spec else None
        self._patience = spec.patience.sampler() if spec and spec.patience else None
        # The block's numbers as plain floats: mark() reads them once per attempt.
        self._cap = spec.cap if spec else 0.0
        self._base = spec.base if spec else 0.0
        self._chance = min(self._cap, self._base)  # probability with no failures behind the call
        self._growth = spec.growth if spec else 0.0
        self._abusive_share = spec.abusive_share if spec else 0.0

    def mark(self, call: Call, by_nature: bool, forced: ScriptedCall | None, now: float) -> None:
        """Decide whether this attempt is difficult (and abusive); difficult calls last longer."""
        if not self.enabled:
            return
        if forced is not None and forced.difficult is not None:
            call.difficult_cause = R.DIFFICULT_NATURE if forced.difficult else R.DIFFICULT_NONE
        elif by_nature:
            call.difficult_cause = R.DIFFICULT_NATURE
        else:
            u = call.story.draws.u_at(call.attempt, 0, rng.DIFFICULT)  # call.attempt_u, once per attempt
            if u < self._chance:
                call.difficult_cause = R.DIFFICULT_CHANCE
            elif u < min(self._cap, self._base * (1.0 + self._growth * call.frustration)):
                call.difficult_cause = R.DIFFICULT_FAILURE
        if call.difficult_cause:
            call.difficult = True
            call.abusive = call.attempt_u(rng.ABUSE) < self._abusive_share * self.abuse_factor(now)
            if forced is not None and forced.abusive is not None:
                call.abusive = forced.abusive
            assert self._talk is not None
            call.talk_factor = self._talk(call.attempt_u(rng.DIFFICULT_FACTOR))
            call.patience_of = self._patience
            call.story.difficult_attempts += 1
