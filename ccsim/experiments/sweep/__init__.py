"""Batch sweeps: a grid (or a list) of scenario points, each replicated, run unattended and resumable.

An experiment file names a base scenario and what to vary (see docs/sweeps.md)::

    name: headcount x call-time limit
    base: ../configs/policies/call_time_limit.yaml   # relative to the experiment file
    replications: 3
    set: {horizon.days: 2}                           # applied to every point
    factors:                                         # full grid: every combination
      groups.first_line.staffing.shifts.0.headcount: [29, 35, 41, 47]
      time_limit:                                    # a factor whose levels set several values
        label: Call-time limit
        levels:
          none: {policies.call_time_limit.enabled: false}
          10 min: {policies.call_time_limit.limit: 10min}
    metrics: [service_level, asa_s, burnout_share, cost_total]
    objectives: {service_level: max, abandon_rate: min, burnout_share: min, cost_total: min}
    reference: {headcount: 41, time_limit: none}      # paired differences against this point

or ``points: [{name: ..., set: {dotted.path: value}}]`` instead of ``factors``. Every point is
validated before anything runs; each (point, replication) is one task.

Common random numbers: every point keeps the same root seed (the base scenario's, or the
experiment's ``seed``) and replication ``r`` of every point uses the streams of ``(seed, r)``,
so points differ only by what they set, not by luck.

Layout of the output folder ``DIR``::

    experiment.yaml                   the experiment file as given
    sweep.json                        the expanded points, factors, seed, replications, fingerprint
    tasks/<point>/scenario.yaml       the point's resolved scenario (re-runnable with `ccsim run`)
    tasks/<point>/rep-<r>.parquet     a finished task: one row of KPIs, written atomically
    tasks/<point>/rep-<r>.error.json  a task that raised: its error and traceback (rerun by --resume)
    points.csv, points.parquet        one row per point: factor values, then for every KPI
                                      <kpi>_mean, <kpi>_se, <kpi>_ci_low, <kpi>_ci_high, <kpi>_n;
                                      for objectives and metrics the paired difference against
                                      the reference point: <kpi>_diff, _diff_se, _diff_ci_low,
                                      _diff_ci_high, _diff_n
    replications.parquet              one row per finished task: point, replication, KPIs
    summary.json                      tasks done / failed / not run, wall time, workers
    report.html                       the sweep report (ccsim.report.sweep_report)

``points.*`` and ``replications.parquet`` depend only on the experiment and the seed: the same
sweep gives identical files with one worker, many, or a Dask cluster.

The package, one job per module:

* :mod:`~ccsim.experiments.sweep.schema`: the experiment file's schema;
* :mod:`~ccsim.experiments.sweep.points`: expansion into factors and points;
* :mod:`~ccsim.experiments.sweep.objectives`: the objectives (with directions) and the reference point;
* :mod:`~ccsim.experiments.sweep.load`: reading an experiment and validating every point up front;
* :mod:`~ccsim.experiments.sweep.plan`: the validated plan, its tasks, fingerprint and manifest;
* :mod:`~ccsim.experiments.sweep.tasks`: one task and what running it gives back;
* :mod:`~ccsim.experiments.sweep.store`: the output folder, atomic per-task files and resume checks;
* :mod:`~ccsim.experiments.sweep.execute`: running the tasks left on a backend;
* :mod:`~ccsim.experiments.sweep.tables`: aggregation into the points table, and reading it back.
"""

from ccsim.experiments.sweep.execute import Backend, SweepRun, run_sweep
from ccsim.experiments.sweep.load import load_experiment
from ccsim.experiments.sweep.objectives import DEFAULT_OBJECTIVES, chosen_objectives, find_reference
from ccsim.experiments.sweep.plan import Plan
from ccsim.experiments.sweep.points import FactorInfo, Setting, SweepPoint, Where, short_names
from ccsim.experiments.sweep.schema import DEFAULT_METRICS, RESERVED_PATHS, Experiment, Factor, NamedPoint, Settings
from ccsim.experiments.sweep.store import (
    EXPERIMENT_COPY,
    MANIFEST_FILE,
    POINTS_CSV,
    POINTS_PARQUET,
    REPLICATIONS_PARQUET,
    SUMMARY_FILE,
    TASKS_DIR,
    ResumeError,
    SweepFolder,
)
from ccsim.experiments.sweep.tables import (
    DIFF_STATS,
    STATS,
    aggregate,
    compared_kpis,
    differences_of,
    estimates_of,
    missing_metrics,
    read_points,
    reference_differences,
    write_tables,
)
from ccsim.experiments.sweep.tasks import Task, TaskResult, last_line, run_task

__all__ = [
    "DEFAULT_METRICS",
    "DEFAULT_OBJECTIVES",
    "DIFF_STATS",
    "chosen_objectives",
    "compared_kpis",
    "differences_of",
    "find_reference",
    "reference_differences",
    "EXPERIMENT_COPY",
    "MANIFEST_FILE",
    "POINTS_CSV",
    "POINTS_PARQUET",
    "REPLICATIONS_PARQUET",
    "RESERVED_PATHS",
    "STATS",
    "SUMMARY_FILE",
    "TASKS_DIR",
    "Backend",
    "Experiment",
    "Factor",
    "FactorInfo",
    "NamedPoint",
    "Plan",
    "ResumeError",
    "Setting",
    "Settings",
    "SweepFolder",
    "SweepPoint",
    "SweepRun",
    "Task",
    "TaskResult",
    "Where",
    "aggregate",
    "estimates_of",
    "last_line",
    "load_experiment",
    "missing_metrics",
    "read_points",
    "run_sweep",
    "run_task",
    "short_names",
    "write_tables",
]
