"""Recommended staffing: agents per planning interval and group that meet service targets.

``ccsim staff`` answers the planner's question the other way round from ``ccsim run``: not "what
happens with this headcount?" but "which headcount meets 80/20?". Four passes (docs/staffing.md):

1. **Load.** The scenario is simulated as given. Per group, day type (weekday) and interval it
   gives the queue visits (legs) offered to the group's queues, the group's mean handle time
   (talk + wrap-up of answered legs) and, from the segments, the callers' patience.
2. **Analytic pass.** Per interval, the smallest headcount meeting the targets under Erlang C and
   Erlang A, each interval stationary, with rates lagged by one mean handle time (lagged SIPP,
   Green, Kolesar & Whitt 2007).
3. **Simulation pass.** Starting from Erlang A, the full model is simulated with the same seeds
   (common random numbers) in every iteration, so a change in a result comes from the staffing.
   Each interval's expected service level (and abandonment) is estimated with Erlang A as a
   control variate (the simulated share minus Erlang A at the replication's own load, plus Erlang
   A averaged over the load's known spread), the model's error pooled with the neighbouring
   intervals'. The estimate moves the interval by the agents Erlang A needs between it and the
   target. A per-interval bracket (the highest headcount seen to miss, the lowest seen to meet)
   and damped steps stop oscillation; in the second half of the iteration budget intervals are
   only raised. The search stops when an iteration changes nothing (with the same seeds the next
   would be identical).
4. **Shifts and the final check.** Groups with shift types get the per-weekday agents per shift at
   the fewest paid hours that cover the requirement on the phones
   (:func:`ccsim.analytic.rostering.cover_requirement`). The roster written (shifts, or headcount
   step functions) is simulated with fresh seeds (:mod:`.check`): every interval's measures with
   95 % t-intervals; a mean below target is a miss; an interval at the headcount cap that still
   misses is unreachable.

The headcount of the simulation pass is the engine's *net* form: agents on the phones, no breaks.
Day types are weekdays: ``headcount_by_weekday`` applies one step function to every date with that
weekday, so intervals are judged on the measures pooled over the horizon's days of that weekday.


Modules, one job each:

- :mod:`.targets`: the targets and reading them from the command line;
- :mod:`.layout`: day types, intervals and which groups answer for which queues;
- :mod:`.scenarios`: the scenarios simulated (targets set, headcounts as step functions);
- :mod:`.measure`: replications aggregated per group, day type and interval;
- :mod:`.analytic`: the Erlang C / Erlang A pass;
- :mod:`.requirement`: the requirement a simulation implies (Erlang A as control variate);
- :mod:`.search`: the iterative search and its stopping and damping rules;
- :mod:`.check`: the final check with fresh seeds, each interval's status and the counts;
- :mod:`.shifts`: covering the requirement with shift types;
- :mod:`.roster`: the roster written and checked, applied to scenario data;
- :mod:`.recommend`: the four passes put together;
- :mod:`.output`: table, summary, scenario copy and interval ranges for messages.

Units: times in seconds, rates per second, staffing in agents, hours in agent-hours over the horizon.
"""

from __future__ import annotations

from ccsim.experiments.staffing.analytic import (
    Analytic,
    analytic_pass,
    configured_handle,
    erlang_a_need,
    erlang_c_need,
    lagged_rates,
    mean_patience,
)
from ccsim.experiments.staffing.check import (
    CHECK_FIRST_REPLICATION,
    JUDGED_STATUSES,
    MET,
    MISSED,
    MISSED_SIGNIFICANTLY,
    MISSES,
    NO_CALLS,
    UNREACHABLE,
    WARM_UP,
    CheckEstimates,
    check_counts,
    check_estimates,
    check_line,
    check_replications,
    classify,
)
from ccsim.experiments.staffing.layout import (
    WEEKDAYS,
    Layout,
    build_layout,
    first_choice_groups,
)
from ccsim.experiments.staffing.measure import (
    Observation,
    observe,
)
from ccsim.experiments.staffing.output import (
    REQUIREMENTS_FILE,
    SUMMARY_FILE,
    describe_intervals,
    group_totals,
    human_scenario_document,
    requirements_table,
    scenario_yaml,
    staffed_scenario_document,
    summary_document,
    write_outputs,
    write_scenario,
)
from ccsim.experiments.staffing.recommend import (
    DEFAULT_CHECK_REPLICATIONS,
    DEFAULT_ITERATIONS,
    DEFAULT_REPLICATIONS,
    DoneCallback,
    GroupPlan,
    StaffingError,
    StaffingResult,
    StageCallback,
    checked_scenario,
    recommend_staffing,
)
from ccsim.experiments.staffing.requirement import (
    POOL_HALF_WIDTH,
    CellModel,
    SpreadModel,
    crossing,
    erlang_shift,
    implied_requirements,
    load_variance,
    pooled,
)
from ccsim.experiments.staffing.roster import Roster, apply_roster, build_roster
from ccsim.experiments.staffing.scenarios import (
    scenario_with_staffing,
    step_function,
    with_targets,
)
from ccsim.experiments.staffing.search import (
    MAX_LOWER_SHARE,
    MAX_RAISE_SHARE,
    Bracket,
    StepOutcome,
    lowering_iterations,
    next_headcount,
    search_step,
)
from ccsim.experiments.staffing.shifts import (
    ShiftPlan,
    cover_with_shifts,
    training_off_phone,
)
from ccsim.experiments.staffing.targets import (
    TargetError,
    Targets,
    parse_service_target,
    parse_share,
)

__all__ = [
    "WEEKDAYS",
    "DEFAULT_REPLICATIONS",
    "DEFAULT_ITERATIONS",
    "DEFAULT_CHECK_REPLICATIONS",
    "CHECK_FIRST_REPLICATION",
    "JUDGED_STATUSES",
    "MISSES",
    "MISSED_SIGNIFICANTLY",
    "check_counts",
    "check_line",
    "check_replications",
    "checked_scenario",
    "configured_handle",
    "Roster",
    "apply_roster",
    "build_roster",
    "human_scenario_document",
    "scenario_yaml",
    "MAX_RAISE_SHARE",
    "MAX_LOWER_SHARE",
    "MET",
    "MISSED",
    "UNREACHABLE",
    "WARM_UP",
    "NO_CALLS",
    "TargetError",
    "StaffingError",
    "Targets",
    "parse_service_target",
    "parse_share",
    "Layout",
    "first_choice_groups",
    "build_layout",
    "mean_patience",
    "with_targets",
    "step_function",
    "scenario_with_staffing",
    "Observation",
    "observe",
    "Analytic",
    "lagged_rates",
    "analytic_pass",
    "erlang_c_need",
    "erlang_a_need",
    "CellModel",
    "SpreadModel",
    "load_variance",
    "crossing",
    "erlang_shift",
    "pooled",
    "Bracket",
    "next_headcount",
    "StepOutcome",
    "POOL_HALF_WIDTH",
    "implied_requirements",
    "search_step",
    "ShiftPlan",
    "training_off_phone",
    "cover_with_shifts",
    "CheckEstimates",
    "GroupPlan",
    "StaffingResult",
    "StageCallback",
    "DoneCallback",
    "lowering_iterations",
    "check_estimates",
    "classify",
    "describe_intervals",
    "recommend_staffing",
    "requirements_table",
    "group_totals",
    "summary_document",
    "staffed_scenario_document",
    "REQUIREMENTS_FILE",
    "SUMMARY_FILE",
    "write_outputs",
    "write_scenario",
]
