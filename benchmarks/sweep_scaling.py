"""Speed-up of a sweep with two worker processes against one, on this machine.

Runs the same sweep twice into fresh folders (one worker process, then ``--jobs`` workers; default
two), prints the task count, wall times and the speed-up, and checks that both runs gave
identical tables. The sweep is the shipped baseline (one simulated day) over a small grid of
first-line headcounts, every point replicated: about 1 s of work per task, so pool start-up and
the per-task writes in the parent are part of what is measured, as in real use.

Other load on the machine distorts the figure. The runs alternate (one worker, two, one, two, ...)
and the best wall time of each is compared; each run also reports the CPU it used in cores
(CPU seconds of this process and its workers / wall seconds), which shows when the workers did
not get the cores they asked for.

Usage: python benchmarks/sweep_scaling.py [--points 6] [--replications 4] [--jobs 2] [--days 1] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import pandas as pd

from ccsim.experiments.backends import LocalBackend
from ccsim.experiments.sweep import (
    POINTS_PARQUET,
    REPLICATIONS_PARQUET,
    SweepFolder,
    load_experiment,
    run_sweep,
    write_tables,
)

ROOT = Path(__file__).resolve().parents[1]


def experiment_file(folder: Path, points: int, replications: int, days: int) -> Path:
    headcounts = [35 + 3 * i for i in range(points)]
    path = folder / "scaling.yaml"
    path.write_text(textwrap.dedent(f"""\
        name: sweep scaling
        base: {ROOT / "configs" / "baseline.yaml"}
        replications: {replications}
        set: {{horizon.days: {days}}}
        factors:
          groups.first_line.staffing.shifts.0.headcount: {headcounts}
        """))
    return path


def cpu_seconds() -> float:
    """CPU time of this process and of the finished child processes (the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_sweep(experiment: Path, out: Path, jobs: int) -> tuple[float, float, int]:
    """Wall time of one whole sweep (tasks and tables), the cores it kept busy, and its task count."""
    shutil.rmtree(out, ignore_errors=True)
    started, cpu = time.perf_counter(), cpu_seconds()
    plan = load_experiment(experiment)
    folder = SweepFolder(out)
    folder.start(plan)
    run = run_sweep(plan, folder, LocalBackend(jobs))
    write_tables(plan, folder, run, {})
    wall = time.perf_counter() - started
    if run.failed or run.interrupted:
        raise SystemExit(f"the sweep with {jobs} worker(s) did not finish cleanly")
    return wall, (cpu_seconds() - cpu) / wall, run.total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=6)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best wall time counts")
    args = parser.parse_args()
    walls: dict[int, list[float]] = {1: [], args.jobs: []}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        experiment = experiment_file(scratch, args.points, args.replications, args.days)
        print(f"cores available: {len(os.sched_getaffinity(0))}")
        for attempt in range(args.repeat):
            for jobs in (1, args.jobs):
                load = " ".join(f"{v:.2f}" for v in os.getloadavg())
                wall, cores, tasks = timed_sweep(experiment, scratch / f"jobs-{jobs}", jobs)
                walls[jobs].append(wall)
                print(f"run {attempt + 1}, {jobs} worker(s): {wall:6.2f} s, {cores:.2f} cores busy "
                      f"(load average before: {load})")
        same = all(pd.read_parquet(scratch / "jobs-1" / name).equals(pd.read_parquet(scratch / f"jobs-{args.jobs}"
                                                                                      / name))
                   for name in (POINTS_PARQUET, REPLICATIONS_PARQUET))
    serial, parallel = min(walls[1]), min(walls[args.jobs])
    print(f"tasks: {tasks} ({args.points} points x {args.replications} replications, baseline, "
          f"{args.days} day(s) each)")
    print(f"1 worker:  {serial:7.2f} s  ({serial / tasks:.2f} s per task; best of {args.repeat})")
    print(f"{args.jobs} workers: {parallel:7.2f} s  (best of {args.repeat})")
    print(f"speed-up:  {serial / parallel:.2f}x (ideal {args.jobs}x)")
    print(f"identical tables: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
