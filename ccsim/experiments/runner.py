"""Run replications of a scenario, in this process or across a process pool.

Replication ``r`` of a scenario always uses the seed streams of ``(scenario.seed, r)``, whichever
worker runs it and in whatever order, so results are identical with one job or many, and two
scenarios with the same seed see the same callers (common random numbers).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from ccsim.config.scenario import Scenario
from ccsim.experiments.workers import watch_parent
from ccsim.metrics.kpis import run_kpis
from ccsim.metrics.tables import RunTables, build_tables
from ccsim.model.centre import ContactCentre
from ccsim.model.script import Script


@dataclass
class ReplicationResult:
    """One replication: its tables, its KPIs and what it cost.

    ``tables_saved``: the tables went to disk where they were computed (``save_tables``), and
    ``tables`` holds them without rows.
    """

    replication: int
    tables: RunTables
    kpis: dict[str, float]
    wall_s: float
    tables_saved: bool = False


TableSink = Callable[[int, RunTables], None]
"""Saves one replication's tables where it was simulated (e.g. :class:`ccsim.results.parts.TableParts`)."""


def simulate(scenario: Scenario, replication: int = 0, keep_tables: bool = True,
             script: Script | None = None, save_tables: TableSink | None = None) -> ReplicationResult:
    """Simulate one replication of ``scenario`` (with ``script``: its fresh calls, see :mod:`ccsim.model.script`).

    With ``save_tables`` the tables are handed to it and not returned (only their columns), so
    that whoever collects the replications never holds all their tables.
    """
    started = time.perf_counter()
    records = ContactCentre(scenario, replication, script).run()
    tables = build_tables(records, scenario, release=True)
    del records  # a long run's records are as large as its tables: never hold both
    kpis = run_kpis(tables, scenario)
    if save_tables is not None:
        save_tables(replication, tables)
    if not keep_tables or save_tables is not None:
        tables = RunTables(*(frame.iloc[0:0] for frame in vars(tables).values()))
    return ReplicationResult(replication, tables, kpis, time.perf_counter() - started, save_tables is not None)


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


ProgressCallback = Callable[[ReplicationResult], None]


def run_tasks(
    tasks: list[tuple[Scenario, int]],
    jobs: int | None,
    keep_tables: bool,
    on_done: Callable[[int, ReplicationResult], None],
    save_tables: TableSink | None = None,
) -> None:
    """Run (scenario, replication) tasks, in a process pool when ``jobs`` > 1.

    ``on_done(index, result)`` is called in this process as each task finishes, in completion
    order. Ctrl-C cancels what has not started and propagates ``KeyboardInterrupt``.
    """
    jobs = max(1, min(jobs or default_jobs(), len(tasks)))
    if jobs == 1:
        for index, (scenario, number) in enumerate(tasks):
            on_done(index, simulate(scenario, number, keep_tables, save_tables=save_tables))
        return
    # Workers die with this process even when it is killed outright (run, compare and staff all come here).
    with ProcessPoolExecutor(max_workers=jobs, initializer=watch_parent) as pool:
        pending: dict[Future, int] = {
            pool.submit(simulate, scenario, number, keep_tables, None, save_tables): index
            for index, (scenario, number) in enumerate(tasks)
        }
        try:
            while pending:
                ready, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in ready:
                    on_done(pending.pop(future), future.result())
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            raise


def replicate(
    scenario: Scenario,
    replications: Iterable[int] | None = None,
    jobs: int | None = None,
    on_done: ProgressCallback | None = None,
    keep_tables: bool = True,
    save_tables: TableSink | None = None,
) -> list[ReplicationResult]:
    """Run the given replications (default: ``range(scenario.replications)``), sorted by number.

    With ``jobs`` > 1 replications run in a process pool. With ``save_tables`` each replication's
    tables are saved by the process that simulated it (see :func:`simulate`). If interrupted (Ctrl-C), the finished
    replications are returned in a :class:`Interrupted` exception so nothing computed is lost.
    """
    numbers = list(range(scenario.replications) if replications is None else replications)
    done: list[ReplicationResult] = []

    def finished(_: int, result: ReplicationResult) -> None:
        done.append(result)
        if on_done:
            on_done(result)

    try:
        run_tasks([(scenario, number) for number in numbers], jobs, keep_tables, finished, save_tables)
    except KeyboardInterrupt:
        raise Interrupted(sorted(done, key=lambda r: r.replication)) from None
    return sorted(done, key=lambda r: r.replication)


class Interrupted(Exception):
    """Raised on Ctrl-C; ``results`` holds the replications that finished."""

    def __init__(self, results: list[ReplicationResult]):
        super().__init__(f"interrupted after {len(results)} replications")
        self.results = results
