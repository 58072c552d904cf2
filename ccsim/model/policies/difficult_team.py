"""Difficult team: difficult callers go to a dedicated team's queue (policies.difficult_team)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.config.policies import DifficultTeam as DifficultTeamSpec
from ccsim.model.policies.base import Policy

if TYPE_CHECKING:
    from ccsim.model.callers import Call


class DifficultTeam(Policy):
    name = "difficult_team"

    def __init__(self, spec: DifficultTeamSpec, queue_index: dict[str, int]):
        self.queue = queue_index[spec.queue]

    def queue_for(self, call: Call, queue: int) -> int:
        """The team's queue for a difficult caller, else ``queue``."""
        return self.queue if call.difficult else queue
