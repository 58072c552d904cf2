"""The whole recommendation: load, analytic pass, simulation search, final check and shifts.

:func:`recommend_staffing` runs the four passes described in :mod:`ccsim.experiments.staffing`
and returns a :class:`StaffingResult`: per group the Erlang C, Erlang A and simulated headcounts,
the schedule the shifts put on the phones, the final check and each interval's status.

Units: times in seconds; headcounts in net agents on the phones per interval (arrays
``[type, slot]``); run time in seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ccsim.config.scenario import Scenario
from ccsim.experiments.runner import ReplicationResult, replicate
from ccsim.experiments.staffing.analytic import Analytic, analytic_pass, mean_patience
from ccsim.experiments.staffing.check import UNREACHABLE, CheckEstimates, check_estimates, classify
from ccsim.experiments.staffing.layout import Layout, build_layout
from ccsim.experiments.staffing.measure import Observation, observe
from ccsim.experiments.staffing.scenarios import scenario_with_staffing, with_targets
from ccsim.experiments.staffing.search import search
from ccsim.experiments.staffing.shifts import ShiftPlan, cover_with_shifts, training_off_phone
from ccsim.experiments.staffing.targets import Targets
from ccsim.results import scenario_document

DEFAULT_REPLICATIONS = 4
DEFAULT_ITERATIONS = 12


class StaffingError(ValueError):
    """A scenario or option that leaves nothing to staff; the text is the whole message."""


@dataclass
class GroupPlan:
    """Everything recommended and measured for one group; arrays [type, slot]."""

    name: str
    queues: tuple[str, ...]
    hourly_cost: float
    analytic: Analytic
    simulated: np.ndarray
    scheduled: np.ndarray  # agents on the phones under the plan (shifts) or the headcount itself
    shifts: ShiftPlan | None
    check: CheckEstimates
    status: np.ndarray  # object [type, slot]: MET, WITHIN_CI, MISSED, UNREACHABLE, WARM_UP, NO_CALLS or ""


@dataclass
class StaffingResult:
    """The recommendation: per group plans, how the search went, and what it cost."""

    scenario: Scenario
    targets: Targets
    layout: Layout
    groups: dict[str, GroupPlan]
    iterations: int
    max_iterations: int
    converged: bool
    replications: int
    history: list[dict[str, Any]]
    run_time_s: float
    base_dir: str = "."

    def unreachable(self) -> list[tuple[str, str, str]]:
        """(group, weekday, time) of every interval whose targets the cap could not meet."""
        found = []
        for plan in self.groups.values():
            for index, slot in zip(*np.nonzero(plan.status == UNREACHABLE)):
                found.append((plan.name, self.layout.day_types[index], self.layout.time_of(int(slot))))
        return found


StageCallback = Callable[[str, int], None]
DoneCallback = Callable[[ReplicationResult], None]


def recommend_staffing(
    scenario: Scenario,
    targets: Targets,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    iterations: int = DEFAULT_ITERATIONS,
    jobs: int | None = None,
    max_agents: int | None = None,
    base_dir: str | Path = ".",
    on_stage: StageCallback | None = None,
    on_done: DoneCallback | None = None,
) -> StaffingResult:
    """Recommend agents per interval and group for ``targets`` (the passes: :mod:`ccsim.experiments.staffing`).

    Args:
        replications: replications per simulation (the same seeds 0..R-1 in every iteration;
            R..2R-1 for the final check). At least 2, for intervals.
        iterations: most simulations of candidate staffings before the search gives up.
        jobs: worker processes (None: all cores).
        max_agents: most agents one group may have in one interval; a target needing more is
            reported unreachable (default: 10 per Erlang of load plus 100).
        base_dir: folder of the scenario file (for files it refers to).
        on_stage: called with a label and the number of replications before each simulation.
        on_done: called after each replication.
    """
    if replications < 2:
        raise StaffingError("replications must be at least 2 (a confidence interval needs two)")
    if iterations < 1:
        raise StaffingError("iterations must be at least 1")
    started = time.perf_counter()
    scenario = with_targets(scenario, targets, base_dir)
    layout = build_layout(scenario)
    if not layout.groups:
        raise StaffingError("no group is the first choice of any queue: nothing to staff")
    if not layout.judged.any():
        raise StaffingError("horizon.warmup covers every open interval: nothing to judge the targets on")
    data = scenario_document(scenario)
    patience = mean_patience(scenario)
    seeds = range(replications)

    def run(label: str, candidate: Scenario, numbers: range) -> Observation:
        if on_stage:
            on_stage(label, len(numbers))
        return observe(replicate(candidate, replications=numbers, jobs=jobs, on_done=on_done), layout)

    first = run("load", scenario, seeds)
    analytic = analytic_pass(first, layout, targets, patience)
    found = search(lambda label, candidate: run(label, candidate, seeds), data, layout, targets, patience, analytic,
                   iterations, max_agents, base_dir)
    staffing, outcomes, caps = found.staffing, found.outcomes, found.caps
    recommended = scenario_with_staffing(data, layout, staffing, base_dir)
    check = run("final check (fresh seeds)", recommended, range(replications, 2 * replications))
    groups: dict[str, GroupPlan] = {}
    for name in layout.groups:
        spec = scenario.groups[name]
        estimates = check_estimates(check, name, layout)
        unreachable = outcomes[name].at_cap & (outcomes[name].staffing >= caps[name]) if outcomes else \
            np.zeros(layout.shape, dtype=bool)
        plan_shifts = None
        scheduled = np.where(layout.open, staffing[name], 0).astype(float)
        if spec.staffing.shifts:
            plan_shifts = cover_with_shifts(staffing[name], list(spec.staffing.shifts), layout,
                                            training_off_phone(scenario, name))
            scheduled = plan_shifts.on_phones
        groups[name] = GroupPlan(
            name=name, queues=layout.queues[name], hourly_cost=spec.hourly_cost, analytic=analytic[name],
            simulated=np.where(layout.open, staffing[name], 0), scheduled=scheduled, shifts=plan_shifts,
            check=estimates, status=classify(estimates, targets, layout, unreachable),
        )
    return StaffingResult(scenario, targets, layout, groups, found.iterations, iterations, found.converged,
                          replications, found.history, time.perf_counter() - started, str(base_dir))
