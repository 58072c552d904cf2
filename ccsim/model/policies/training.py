"""Training: trained groups spend time off the phones and get better at it (policies.training).

Effects grow linearly over ``ramp_weeks`` to the training's dose (hours per week against the
reference hours): shorter talk, more resolution, fewer transfers, quicker misroute handovers, strain
resilience and a lower resignation hazard. The off-phone time itself is planned into the trained
groups' shifts when the model is built (:meth:`Training.off_phone_share`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.config.policies import Training as TrainingSpec
from ccsim.model.policies.base import DAY, Policy, TalkPlan

if TYPE_CHECKING:
    from ccsim.model.callers import Call
    from ccsim.model.routing import Group

WEEK_HOURS = 40 * 3600.0


class Training(Policy):
    name = "training"

    def __init__(self, spec: TrainingSpec, group_names: list[str]):
        self.spec = spec
        self.groups = {group_names.index(g) for g in spec.groups}
        self._dose = spec.dose()

    def off_phone_share(self, group: int) -> float:
        """Share of a trained group's shift spent in training (0 for other groups)."""
        return self.spec.hours_per_week / WEEK_HOURS if group in self.groups else 0.0

    def progress(self, group: int, now: float) -> float:
        """0 before training; its dose when the effects are complete (linear over ``ramp_weeks``)."""
        if group not in self.groups:
            return 0.0
        ramp = self.spec.ramp_weeks * 7 * DAY
        return self._dose * (1.0 if ramp <= 0 else min(1.0, now / ramp))

    @staticmethod
    def trained(full: float, progress: float) -> float:
        """A multiplier moving from 1 to ``full`` as training progresses."""
        return 1.0 - (1.0 - full) * progress

    def plan_talk(self, call: Call, plan: TalkPlan) -> None:
        progress = self.progress(plan.group.index, plan.now)
        if not progress:
            return
        spec = self.spec
        if plan.handover:
            plan.talk *= self.trained(spec.misroute_handover_factor, progress)
        else:
            plan.talk *= self.trained(spec.talk_factor, progress)
            plan.resolve_shift += spec.resolve_shift * progress
            plan.transfer_scale = self.trained(spec.transfer_factor, progress)
        plan.natural = plan.talk

    def at_day_start(self, day: int, now: float, groups: list[Group]) -> None:
        for group in groups:
            progress = self.progress(group.index, now)
            if progress > 0:
                group.resilience = self.spec.resilience * progress
                group.quit_factor = self.trained(self.spec.quit_factor, progress)
