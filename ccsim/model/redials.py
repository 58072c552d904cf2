"""Whether and when a person tries again after a failed attempt (docs/background/model.md;
redial probabilities from the Anonymous Bank data, Brown et al. 2005, JASA 100(469)).

The probability after the k-th failure of a story is ``probability * decay**(k - 1)``; no story has
more than ``max_attempts`` attempts. A redial that would fall while the centre is closed comes at
the next opening instead, spread over ``closed_spread`` so that the morning is not one spike.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from ccsim import rng
from ccsim.config.journey import RedialRule, Redials
from ccsim.metrics import records as R
from ccsim.model.calendar import Calendar
from ccsim.model.callers import Call

# Why an attempt failed, as a key of the ``redials`` block.
REASON_OF_OUTCOME = {
    R.CALL_ABANDONED: "queue_abandon",
    R.CALL_IVR_ABANDONED: "ivr_abandon",
    R.CALL_UNRESOLVED: "unresolved",
    R.CALL_CUT_OFF: "cut_off",
    R.CALL_HUNG_UP: "hung_up",
}


class RedialModel:
    """Runtime form of the ``redials`` block."""

    def __init__(self, spec: Redials | None, calendar: Calendar):
        self.enabled = spec is not None and spec.enabled
        self.max_attempts = spec.max_attempts if spec else 1
        self.spread = spec.closed_spread if spec else 0.0
        # outcome -> (probability after the first failure, its decay per failure, delay sampler)
        self.rules: dict[int, tuple[float, float, Callable[[float], float]]] = {}
        self.back_to_queue_left: set[int] = set()  # outcomes whose redial returns to the queue left
        if spec is not None:
            for outcome, reason in REASON_OF_OUTCOME.items():
                rule: RedialRule | None = getattr(spec, reason)
                if rule is not None:
                    self.rules[outcome] = (rule.probability, rule.decay, rule.delay.sampler())
                    if rule.return_to == "queue_left":
                        self.back_to_queue_left.add(outcome)
        # The calendar as plain Python values: when_open() runs after every failed attempt.
        self._interval = float(calendar.interval)  # seconds per slot
        self._open: list[bool] = calendar.open_mask.tolist()  # by slot of the horizon
        self._open_starts: list[float] = [float(start) for start, _ in calendar.open_spans()]  # ascending
        self._length = float(calendar.length)  # seconds in the horizon

    def next_attempt_time(self, call: Call, outcome: int, now: float) -> float | None:
        """When the person calls again after this failed attempt, or None if they do not."""
        if not self.enabled or outcome not in self.rules:
            return None
        story = call.story
        if story.attempts >= self.max_attempts:
            return None
        first, decay, delay = self.rules[outcome]
        probability = first * decay ** (story.failures - 1)
        draws, attempt = story.draws, call.attempt  # call.attempt_u without the wrapper
        if draws.u_at(attempt, 0, rng.REDIAL) >= probability:
            return None
        return self.when_open(now + delay(draws.u_at(attempt, 0, rng.REDIAL_DELAY)),
                              draws.u_at(attempt, 0, rng.CALLBACK))

    def return_queue(self, call: Call, outcome: int) -> int:
        """The queue a redial after ``outcome`` goes to: the one the caller left, or -1 to start over."""
        return call.queue if outcome in self.back_to_queue_left else -1

    def when_open(self, t: float, u: float) -> float:
        """``t`` if the centre is open then, else the next opening plus a spread.

        With no opening left in the horizon the attempt falls after it: the story stays open.
        """
        slot = int(t // self._interval)
        if slot >= len(self._open) or self._open[slot]:
            return t
        later = bisect_right(self._open_starts, t)  # the first opening after t
        opening = self._open_starts[later] if later < len(self._open_starts) else self._length
        return opening + self.spread * u
