"""Where sweep tasks run: a local process pool, or an existing Dask distributed cluster.

Both take the same pure task function and yield results in the order they finish, so progress
and the atomic writes of results happen in the calling process. A task's result depends only on
the task (its scenario and replication number), never on the worker, so both backends give
identical numbers.

Ctrl-C (see :func:`graceful_stop`): the first press stops handing out tasks and lets the ones
already running finish and be kept; a second press abandons those too. Either way everything
finished is already on disk and a resume runs the rest. A task handed to the local pool but not
yet started when the stop comes never starts: the pool's workers see the stop through a shared
event before they begin each task (the pool queues a few tasks ahead, beyond the reach of
``Future.cancel``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from ccsim.experiments.sweep import Task, TaskResult, last_line
from ccsim.experiments.workers import watch_parent

# Tasks handed to workers ahead of need, per worker: enough that no worker waits for the next
# task, few enough that a Ctrl-C has little queued work to drop.
_AHEAD = 2


class BackendError(RuntimeError):
    """A backend that cannot start (Dask missing, scheduler unreachable, workers mismatched)."""


@dataclass
class Stop:
    """Set by the first Ctrl-C: hand out no more tasks, and start none of those handed out."""

    requested: bool = False
    listeners: list[Callable[[], None]] = field(default_factory=list)

    def request(self) -> None:
        """Ask for the stop and tell every listener (a running pool's workers) at once."""
        self.requested = True
        for listener in list(self.listeners):
            listener()


STOP = Stop()


@contextlib.contextmanager
def graceful_stop(on_first: Callable[[], None] = lambda: None) -> Iterator[Stop]:
    """While inside: the first Ctrl-C sets the returned flag (and calls ``on_first``), the second raises
    KeyboardInterrupt. Outside the main thread signals cannot be caught, and Ctrl-C stops at once."""
    STOP.requested = False
    if threading.current_thread() is not threading.main_thread():
        yield STOP
        return

    def handler(signum: int, frame: Any) -> None:
        if STOP.requested:
            raise KeyboardInterrupt
        STOP.request()
        on_first()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield STOP
    finally:
        signal.signal(signal.SIGINT, previous)
        STOP.requested = False


def _failure(task: Task, exc: BaseException) -> TaskResult:
    """A task whose worker failed outside the task function (a process died, data did not arrive)."""
    text = f"{type(exc).__name__}: {exc}"
    return TaskResult(task.point, task.replication, None, 0.0, "?", text)


# In a pool worker: set by the parent on a stop; a task that finds it set does not start.
_stopped: Any = None


def _start_worker(stopped: Any) -> None:
    """Set up a pool worker: Ctrl-C is the parent's business, and the worker dies with its parent."""
    global _stopped
    # Workers leave Ctrl-C to the parent, which decides what to keep; otherwise every worker would
    # die with a traceback of its own and take its finished task with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent()
    _stopped = stopped


def _unless_stopped(function: Callable[[Task], TaskResult], task: Task) -> TaskResult | None:
    """Run ``task`` in a pool worker, or nothing (None) when a stop came before it started."""
    if _stopped is not None and _stopped.is_set():
        return None
    return function(task)


class LocalBackend:
    """``jobs`` worker processes on this machine (one job: in this process, no pool)."""

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self.description = f"local, {self.jobs} worker process(es)" if self.jobs > 1 else "local, 1 process"

    def run(self, tasks: list[Task], function: Callable[[Task], TaskResult]) -> Iterator[TaskResult]:
        if self.jobs == 1 or len(tasks) <= 1:
            for task in tasks:
                if STOP.requested:
                    return
                yield function(task)
            return
        queue = deque(tasks)
        # A worker that dies (killed for memory, say) breaks the whole pool: its tasks in flight are
        # recorded as failed, and a new pool takes the rest.
        while (yield from self._pool(queue, function, min(self.jobs, len(tasks)))):
            pass

    def _pool(self, queue: deque[Task], function: Callable[[Task], TaskResult], workers: int
              ) -> Generator[TaskResult, None, bool]:
        """Run tasks from ``queue`` until it is empty or a stop is asked; True if the pool broke first."""
        pending: dict[Future, Task] = {}
        context = multiprocessing.get_context()
        stopped = context.Event()
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                   initargs=(stopped,))
        STOP.listeners.append(stopped.set)
        broken = False

        def top_up() -> None:
            nonlocal broken
            while queue and not (STOP.requested or broken) and len(pending) < _AHEAD * workers:
                task = queue.popleft()
                try:
                    pending[pool.submit(_unless_stopped, function, task)] = task
                except BrokenProcessPool:  # the pool broke since the last result: the next pool runs it
                    queue.appendleft(task)
                    broken = True

        try:
            top_up()
            while pending:
                ready, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in ready:
                    task = pending.pop(future)
                    if future.cancelled():
                        continue
                    try:
                        result = future.result()
                    except BrokenProcessPool as exc:
                        broken = True
                        yield _failure(task, exc)
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                        yield _failure(task, exc)
                    else:
                        if result is not None:  # None: not started because of a stop; a resume runs it
                            yield result
                if STOP.requested:
                    stopped.set()
                    for future in pending:
                        future.cancel()  # only those not started yet; running ones finish and are kept
                else:
                    top_up()
        except BaseException:
            # Abandoned (a second Ctrl-C, or the caller stopped reading): drop the queue, end the workers now.
            pool.shutdown(wait=False, cancel_futures=True)
            _terminate(pool)
            raise
        finally:
            STOP.listeners.remove(stopped.set)
        pool.shutdown(wait=True)
        return broken and bool(queue) and not STOP.requested


def _terminate(pool: ProcessPoolExecutor) -> None:
    """End the pool's worker processes without waiting for their tasks."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    # Before 3.14 the executor keeps its processes in a private mapping; a missing one just means
    # the interpreter waits for the running tasks on exit.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


# Versions that determine the numbers: workers must match this machine for identical results.
_PINNED = ("ccsim", "numpy", "simpy", "pandas", "scipy")


def worker_versions() -> dict[str, str]:
    """Versions of the packages that determine results, as installed where this runs."""
    import numpy
    import pandas
    import scipy
    import simpy

    from ccsim import __version__

    return {"ccsim": __version__, "numpy": numpy.__version__, "simpy": simpy.__version__,
            "pandas": pandas.__version__, "scipy": scipy.__version__}


class DaskBackend:
    """The tasks on an existing Dask distributed cluster (``dask scheduler`` + ``dask worker``)."""

    def __init__(self, address: str, timeout: float = 10.0):
        try:
            from distributed import Client
        except ImportError:
            raise BackendError("--scheduler needs Dask: pip install 'ccsim[distributed]' "
                               "(or pip install 'dask[distributed]')") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise BackendError(f"cannot reach the Dask scheduler at {address}: {last_line(str(exc)) or exc}") from None
        try:
            self._check_workers(address)
        except BaseException:
            self.client.close()
            raise
        threads = sum(self.client.nthreads().values())
        self.slots = max(1, threads)
        self.description = f"Dask at {address}, {len(self.client.nthreads())} worker(s), {threads} thread(s)"

    def _check_workers(self, address: str) -> None:
        if not self.client.nthreads():
            raise BackendError(f"the Dask scheduler at {address} has no workers; start some with "
                               f"`dask worker {address} --nthreads 1 --nworkers N`")
        here = worker_versions()
        try:
            there = self.client.run(worker_versions)
        except Exception as exc:  # noqa: BLE001 - e.g. ccsim not importable on a worker
            raise BackendError(f"the Dask workers cannot run ccsim ({last_line(str(exc)) or type(exc).__name__}); "
                               "install the same ccsim on every worker") from None
        for worker, versions in there.items():
            different = [f"{name} {versions.get(name)} (here {here[name]})" for name in _PINNED
                         if versions.get(name) != here[name]]
            if different:
                raise BackendError(f"Dask worker {worker} has {', '.join(different)}; results would differ "
                                   "from a local run. Install the same versions on every worker.")

    def run(self, tasks: list[Task], function: Callable[[Task], TaskResult]) -> Iterator[TaskResult]:
        from distributed import as_completed

        queue = iter(tasks)
        pending: dict[Any, Task] = {}

        def submit() -> Any | None:
            task = next(queue, None)
            if task is None:
                return None
            # pure=False: never reuse another sweep's result held by the cluster under the same key.
            future = self.client.submit(function, task, pure=False)
            pending[future] = task
            return future

        first = [f for f in (submit() for _ in range(_AHEAD * self.slots)) if f is not None]
        completed = as_completed(first, loop=self.client.loop)
        try:
            for future in completed:
                task = pending.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - lost worker, unpicklable result: this task failed
                    yield _failure(task, exc)
                if not STOP.requested:
                    new = submit()
                    if new is not None:
                        completed.add(new)
        except BaseException:
            self.client.cancel(list(pending))
            raise

    def close(self) -> None:
        self.client.close()
