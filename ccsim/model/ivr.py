"""The voice menu: time in the menu, self-service, hanging up, and misrouting."""

from __future__ import annotations

from typing import Final

from ccsim import rng
from ccsim.config.journey import Ivr
from ccsim.config.policies import IvrRedesign
from ccsim.model.callers import Call

IVR_ABANDONED: Final = 0
IVR_SELF_SERVED: Final = 1
IVR_ROUTED: Final = 2


class MenuResult:
    """What the menu does with one attempt: how long it takes and where the caller ends up.

    A plain class with slots (one is made per attempt): a frozen dataclass costs about five times
    as much to build, and a named tuple is built by interpreted code even in the compiled build.
    Nothing changes one once it is made.
    """

    __slots__ = ("kind", "duration", "option", "queue", "correct_queue", "misrouted")

    def __init__(self, kind: int, duration: float, option: int, queue: int, correct_queue: int, misrouted: bool):
        self.kind = kind  # IVR_ABANDONED, IVR_SELF_SERVED or IVR_ROUTED
        self.duration = duration  # seconds in the menu (to the hang-up when abandoned)
        self.option = option
        self.queue = queue  # queue the caller is put in (may be wrong); -1 unless routed
        self.correct_queue = correct_queue  # queue the caller's problem belongs in
        self.misrouted = misrouted

    def routed_to(self, queue: int) -> MenuResult:
        """The same menu visit, ending in ``queue`` and routed right (a redial that knows its queue)."""
        return MenuResult(self.kind, self.duration, self.option, queue, queue, False)


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
        draws, attempt = call.story.draws, call.attempt
        duration = self.time(draws.u_at(attempt, 0, rng.IVR_TIME))
        correct = self.queues[option]
        if draws.u_at(attempt, 0, rng.IVR_ABANDON) < self.abandon:
            # Hanging up happens part way through the menu.
            hung_up_after = duration * draws.u_at(attempt, 0, rng.IVR_ABANDON_TIME)
            return MenuResult(IVR_ABANDONED, hung_up_after, option, -1, correct, False)
        if draws.u_at(attempt, 0, rng.IVR_SELF_SERVICE) < self.self_service[option]:
            return MenuResult(IVR_SELF_SERVED, duration, option, -1, correct, False)
        others = self.other_queues[correct]
        if others and draws.u_at(attempt, 0, rng.MISROUTE) < self.misroute:
            wrong = others[min(int(draws.u_at(attempt, 0, rng.TRANSFER_TARGET) * len(others)), len(others) - 1)]
            return MenuResult(IVR_ROUTED, duration, option, wrong, correct, True)
        return MenuResult(IVR_ROUTED, duration, option, correct, correct, False)
