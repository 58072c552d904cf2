"""Running a sweep: hand the tasks without a result to a backend and store each result as it arrives.

Backends (:mod:`ccsim.experiments.backends`) decide where tasks run; this module only needs them
to yield results in the order they finish, and records what one invocation did.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from ccsim.experiments.sweep.plan import Plan
from ccsim.experiments.sweep.store import SweepFolder
from ccsim.experiments.sweep.tasks import Task, TaskResult, run_task


class Backend(Protocol):
    """Runs tasks somewhere and yields their results in the order they finish."""

    description: str

    def run(self, tasks: list[Task], function: Callable[[Task], TaskResult]) -> Iterator[TaskResult]: ...


@dataclass
class SweepRun:
    """What one invocation did."""

    total: int  # tasks of the experiment
    already: int  # finished before this invocation (resume)
    done: int = 0  # finished now
    failed: int = 0  # raised now
    interrupted: bool = False
    wall_s: float = 0.0
    started: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    @property
    def remaining(self) -> int:
        return self.total - self.already - self.done


def run_sweep(plan: Plan, folder: SweepFolder, backend: Backend,
              on_result: Callable[[TaskResult], None] | None = None,
              function: Callable[[Task], TaskResult] = run_task) -> SweepRun:
    """Run every task without a result in ``folder``, writing each as it arrives.

    The backend stops early on Ctrl-C (see :mod:`ccsim.experiments.backends`); what finished is on
    disk and ``interrupted`` is set. ``function`` is the task function (tests swap it).
    """
    started = time.perf_counter()
    finished = folder.finished(plan)
    todo = [t for t in plan.tasks() if (t.point, t.replication) not in finished]
    run = SweepRun(total=len(plan.tasks()), already=len(finished))
    try:
        for result in backend.run(todo, function):
            folder.write(result)
            if result.ok:
                run.done += 1
            else:
                run.failed += 1
            if on_result:
                on_result(result)
    finally:
        run.wall_s = time.perf_counter() - started
    run.interrupted = run.done + run.failed < len(todo)
    return run
