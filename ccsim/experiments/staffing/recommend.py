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

from ccsim.config.load import scenario_from_dict
from ccsim.config.scenario import Scenario
from ccsim.experiments.runner import ReplicationResult, replicate
from ccsim.experiments.staffing.analytic import Analytic, analytic_pass, configured_handle, mean_patience
from ccsim.experiments.staffing.check import (
    UNREACHABLE,
    CheckEstimates,
    check_counts,
    check_estimates,
    check_replications,
    classify,
)
from ccsim.experiments.staffing.layout import Layout, build_layout
from ccsim.experiments.staffing.measure import Observation, observe
from ccsim.experiments.staffing.roster import Roster, apply_roster, build_roster
from ccsim.experiments.staffing.scenarios import with_targets
from ccsim.experiments.staffing.search import search
from ccsim.experiments.staffing.shifts import ShiftPlan, cover_with_shifts, training_off_phone
from ccsim.experiments.staffing.targets import Targets
from ccsim.results import scenario_document

DEFAULT_REPLICATIONS = 4
DEFAULT_ITERATIONS = 12
# Replications of the final check. On the baseline (half-hour intervals of 100-700 calls) 20 give
# service-level 95 % half-widths of 0.9 points at the median interval and 11 at the widest (the
# intervals near the target, where the service level is steepest), narrow enough to tell most
# misses from noise, for the run time of 20 replications.
DEFAULT_CHECK_REPLICATIONS = 20


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
    roster: Roster  # the plan written and checked (see :mod:`ccsim.experiments.staffing.roster`)
    check_replications: range  # replication numbers (seed streams) of the final check
    final_check: dict[str, Any]  # :func:`ccsim.experiments.staffing.check.check_counts`
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
    check_replications_count: int = DEFAULT_CHECK_REPLICATIONS,
    jobs: int | None = None,
    max_agents: int | None = None,
    base_dir: str | Path = ".",
    on_stage: StageCallback | None = None,
    on_done: DoneCallback | None = None,
) -> StaffingResult:
    """Recommend agents per interval and group for ``targets`` (the passes: :mod:`ccsim.experiments.staffing`).

    Args:
        replications: replications per simulation of the search (the same seeds 0..R-1 in every
            iteration). At least 2.
        iterations: most simulations of candidate staffings before the search gives up.
        check_replications_count: replications of the final check of the written roster, on
            fresh seeds (:func:`ccsim.experiments.staffing.check.check_replications`). At least 2.
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
    if check_replications_count < 2:
        raise StaffingError("the final check needs at least 2 replications (a confidence interval needs two)")
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
    handles = {group: configured_handle(scenario, group) for group in layout.groups}
    analytic = analytic_pass(first, layout, targets, patience, handles)
    found = search(lambda label, candidate: run(label, candidate, seeds), data, layout, targets, patience, analytic,
                   iterations, max_agents, base_dir)
    staffing, outcomes, caps = found.staffing, found.outcomes, found.caps
    plans = {name: cover_with_shifts(staffing[name], list(scenario.groups[name].staffing.shifts), layout,
                                     training_off_phone(scenario, name))
             if scenario.groups[name].staffing.shifts else None for name in layout.groups}
    roster = build_roster(layout, staffing, plans)
    # The check simulates what is written: the roster (shifts with their breaks), not the net requirement.
    numbers = check_replications(check_replications_count)
    check = run("final check (written roster, fresh seeds)", checked_scenario(data, roster, base_dir), numbers)
    groups: dict[str, GroupPlan] = {}
    for name in layout.groups:
        spec = scenario.groups[name]
        estimates = check_estimates(check, name, layout)
        unreachable = outcomes[name].at_cap & (outcomes[name].staffing >= caps[name]) if outcomes else \
            np.zeros(layout.shape, dtype=bool)
        plan_shifts = plans[name]
        scheduled = plan_shifts.on_phones if plan_shifts is not None else \
            np.where(layout.open, staffing[name], 0).astype(float)
        groups[name] = GroupPlan(
            name=name, queues=layout.queues[name], hourly_cost=spec.hourly_cost, analytic=analytic[name],
            simulated=np.where(layout.open, staffing[name], 0), scheduled=scheduled, shifts=plan_shifts,
            check=estimates, status=classify(estimates, targets, layout, unreachable),
        )
    counts = check_counts([g.status for g in groups.values()], [g.check for g in groups.values()], len(numbers))
    return StaffingResult(scenario, targets, layout, groups, found.iterations, iterations, found.converged,
                          replications, found.history, time.perf_counter() - started, roster, numbers, counts,
                          str(base_dir))


def checked_scenario(data: dict[str, Any], roster: Roster, base_dir: str | Path = ".") -> Scenario:
    """The scenario the final check simulates: ``data`` (the scenario searched on) with the written roster."""
    return scenario_from_dict(apply_roster(data, roster), base_dir)
