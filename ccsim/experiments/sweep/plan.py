"""A validated experiment ready to run: its points and their scenarios, the tasks they make,
and the fingerprint and manifest (``sweep.json``) that let a later run resume it.

Plans are made by :func:`ccsim.experiments.sweep.load.load_experiment`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccsim.config.scenario import Scenario
from ccsim.experiments.sweep.points import FactorInfo, SweepPoint
from ccsim.experiments.sweep.schema import Experiment
from ccsim.experiments.sweep.tasks import Task
from ccsim.results import scenario_document


@dataclass
class Plan:
    """A validated experiment: its points with their scenarios, ready to run."""

    experiment: Experiment
    path: Path
    base: Path
    factors: list[FactorInfo]
    points: list[SweepPoint]
    scenarios: dict[str, Scenario]  # point id -> scenario
    seed: int
    replications: int
    text: str  # the experiment file as written
    objectives: dict[str, str] = field(default_factory=dict)  # KPI -> "min" or "max": the trade-off front's
    reference: str = ""  # id of the point the others are compared with (paired differences)

    @property
    def currency(self) -> str:
        """The currency of money measures (the base scenario's; a point cannot change it alone)."""
        return next(iter(self.scenarios.values())).costs.currency if self.scenarios else ""

    @property
    def grid(self) -> bool:
        return bool(self.experiment.factors)

    def tasks(self) -> list[Task]:
        """Replication-major, so an interrupted sweep has covered every point about equally."""
        return [Task(p.id, r, self.scenarios[p.id]) for r in range(self.replications) for p in self.points]

    def fingerprint(self) -> str:
        """Hash of every point's resolved scenario (replications left out: adding some is allowed)."""
        document = [{"id": p.id, "name": p.name, "scenario": scenario_document(self.scenarios[p.id])}
                    for p in self.points]
        return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()

    def manifest(self) -> dict[str, Any]:
        """What ``sweep.json`` holds: enough to rebuild the report and to check a resume.

        Values YAML reads as something JSON lacks (a date) are kept as their text.
        """
        return json.loads(json.dumps({
            "name": self.experiment.name,
            "description": self.experiment.description,
            "experiment": str(self.path),
            "base": os.path.normpath(self.base),
            "seed": self.seed,
            "replications": self.replications,
            "layout": "grid" if self.grid else "points",
            "factors": [f.to_dict() for f in self.factors],
            "metrics": list(self.experiment.metrics),
            "objectives": dict(self.objectives),
            "reference": self.reference,
            "currency": self.currency,
            "points": [{"id": p.id, "name": p.name, "values": p.values,
                        "set": {s.path: s.value for s in p.settings}} for p in self.points],
            "fingerprint": self.fingerprint(),
        }, default=str))
