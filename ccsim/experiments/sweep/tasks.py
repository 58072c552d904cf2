"""The unit of work of a sweep: one replication of one point, and what running it gives back.

:func:`run_task` is what every backend (:mod:`ccsim.experiments.backends`) runs; it is pure, so
a task's KPIs are the same on any worker, and a failure comes back as text rather than raising.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass

from ccsim.config.scenario import Scenario
from ccsim.experiments.runner import simulate


@dataclass(frozen=True)
class Task:
    """One replication of one point: what a worker runs."""

    point: str
    replication: int
    scenario: Scenario


@dataclass
class TaskResult:
    """What a task gives back: KPIs, or the error it raised (as text, so it always pickles)."""

    point: str
    replication: int
    kpis: dict[str, float] | None
    wall_s: float
    worker: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_task(task: Task) -> TaskResult:
    """Simulate one task; an exception becomes the result's ``error`` so the sweep goes on.

    Pure: the KPIs depend only on the task, so any worker anywhere gives the same numbers.
    """
    worker = f"{socket.gethostname()}:{os.getpid()}"
    started = time.perf_counter()
    try:
        result = simulate(task.scenario, task.replication, keep_tables=False)
    except Exception:  # noqa: BLE001 - any failure of the model is reported for this task only
        return TaskResult(task.point, task.replication, None, time.perf_counter() - started, worker,
                          traceback.format_exc())
    return TaskResult(task.point, task.replication, result.kpis, result.wall_s, worker)


def last_line(text: str) -> str:
    """The exception line of a traceback ("ValueError: lam value too large")."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""
