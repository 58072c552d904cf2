"""How a conversation ends: resolved, transferred to another queue, or unresolved.

Probabilities come from the ``outcomes`` block for the answering group, shifted for difficult
callers, for frustration (points of failed attempts) and per segment, then clipped to [0, 1]; if
resolution plus transfers would exceed 1, the transfers shrink to fit.
"""

from __future__ import annotations

from ccsim import rng
from ccsim.config.journey import Outcomes
from ccsim.metrics import records as R
from ccsim.model.callers import Call


def abuse_onset(call: Call, talk: float) -> float:
    """Seconds into the conversation at which an abusive caller turns abusive.

    A fixed share (the call's ABUSE_ONSET draw) of ``talk``, the conversation as it would run if
    nothing ended it early (after a paid line has shortened it, before a call-time limit or an
    agent's hang-up). Both the strain shock and the hang-up trigger use this one moment, so an agent
    never hangs up on abuse that has not begun.
    """
    return talk * call.u(rng.ABUSE_ONSET)


class OutcomeModel:
    """Runtime form of the ``outcomes`` block."""

    def __init__(self, spec: Outcomes | None, group_names: list[str], segment_names: list[str],
                 queue_index: dict[str, int]):
        self.enabled = spec is not None
        # per group: (resolve, [(queue, probability)], sum of those probabilities), or None
        self.groups: list[tuple[float, list[tuple[int, float]], float] | None] = []
        self.difficult_shift = spec.difficult_resolve_shift if spec else 0.0
        self.frustration_shift = spec.frustration_resolve_shift if spec else 0.0
        self.segment_shift = [spec.segment_resolve_shift.get(s, 0.0) if spec else 0.0 for s in segment_names]
        for name in group_names:
            outcome = spec.groups.get(name) if spec else None
            if outcome is None:
                self.groups.append(None)
            else:
                transfers = [(queue_index[q], p) for q, p in outcome.transfer.items() if p > 0]
                self.groups.append((outcome.resolve, transfers, sum(p for _, p in transfers)))

    def decide(self, call: Call, group: int, resolve_shift: float = 0.0, transfer_scale: float = 1.0
               ) -> tuple[int, int]:
        """(talk outcome code, target queue or -1) for the conversation on the call's current leg."""
        spec = self.groups[group]
        if spec is None:
            return R.TALK_RESOLVED, -1
        resolve, transfers, total_transfer = spec
        resolve += self.segment_shift[call.story.segment] + self.frustration_shift * call.frustration
        resolve += resolve_shift
        if call.difficult:
            resolve += self.difficult_shift
        resolve = min(max(resolve, 0.0), 1.0)
        total_transfer *= transfer_scale
        scale = transfer_scale * min(1.0, (1.0 - resolve) / total_transfer) if total_transfer > 0 else 0.0
        u = call.u(rng.OUTCOME)
        if u < resolve:
            return R.TALK_RESOLVED, -1
        u -= resolve
        for queue, probability in transfers:
            probability *= scale
            if u < probability:
                return R.TALK_TRANSFER_COLD, queue
            u -= probability
        return R.TALK_UNRESOLVED, -1
