"""The voice menu: time in the menu, self-service, hanging up, and misrouting."""

from __future__ import annotations

from typing import Final, NamedTuple

from ccsim import rng
from ccsim.config.journey import Ivr
from ccsim.config.policies import IvrRedesign
from ccsim.model.callers import Call

IVR_ABANDONED: Final = 0
IVR_SELF_SERVED: Final = 1
IVR_ROUTED: Final = 2


class MenuResult(NamedTuple):
    """What the menu does with one attempt: how long it takes and where the caller ends up.

    A named tuple, not a frozen dataclass: one is made per attempt, and a frozen dataclass costs
    about five times as much to build.
    """

    kind: int
    duration: float
    option: int
    queue: int  # queue the caller is put in (may be wrong)
    correct_queue: int  # queue the caller's problem belongs in
    misrouted: bool

    def routed_to(self, queue: int) -> MenuResult:
        """The same menu visit, ending in ``queue`` and routed right (a redial that knows its queue)."""
        return self._replace(queue=queue, correct_queue=queue, misrouted=False)


class IvrMenu:
    """Runtime form of the ``ivr`` block; ``queue_index`` maps queue names to numbers."""

    def __init__(self, spec: Ivr, queue_index: dict[str, int], redesign: IvrRedesign | None = None):
        time = spec.time.sampler()
        time_factor = redesign.time_factor if redesign else 1.0
        self.time = (lambda u: time(u) * time_factor) if redesign else time
        self.abandon = spec.abandon * (redesign.abandon_factor if redesign else 1.0)
        self.misroute = spec.misroute * (redesign.misroute_factor if redesign else 1.0)
        self.handover = spec.misroute_handover
        self.names = list(spec.options)
        self.upper: list[float] = []
        total = 0.0
        for option in spec.options.values():
            total += option.share
            self.upper.append(total)
        self.upper[-1] = 1.0
        self.queues = [queue_index[o.queue] for o in spec.options.values()]
        self.self_service = [o.self_service for o in spec.options.values()]
        self.other_queues = {q: sorted({x for x in self.queues if x != q}) for q in set(self.queues)}

    def option_of(self, call: Call) -> int:
        """The menu option a problem belongs to: drawn once per story, so redials choose it again."""
        u = call.story.draws.u_at(0, 0, rng.IVR_OPTION)
        index = 0
        while u >= self.upper[index]:
            index += 1
        return index

    def run(self, call: Call) -> MenuResult:
        option = self.option_of(call)
        # call.attempt_u(purpose) without the wrapper: the menu runs once per attempt, five draws each.
        u_at, attempt = call.story.draws.u_at, call.attempt
        duration = self.time(u_at(attempt, 0, rng.IVR_TIME))
        correct = self.queues[option]
        if u_at(attempt, 0, rng.IVR_ABANDON) < self.abandon:
            # Hanging up happens part way through the menu.
            hung_up_after = duration * u_at(attempt, 0, rng.IVR_ABANDON_TIME)
            return MenuResult(IVR_ABANDONED, hung_up_after, option, -1, correct, False)
        if u_at(attempt, 0, rng.IVR_SELF_SERVICE) < self.self_service[option]:
            return MenuResult(IVR_SELF_SERVED, duration, option, -1, correct, False)
        others = self.other_queues[correct]
        if others and u_at(attempt, 0, rng.MISROUTE) < self.misroute:
            wrong = others[min(int(u_at(attempt, 0, rng.TRANSFER_TARGET) * len(others)), len(others) - 1)]
            return MenuResult(IVR_ROUTED, duration, option, wrong, correct, True)
        return MenuResult(IVR_ROUTED, duration, option, correct, correct, False)
