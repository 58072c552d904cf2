"""Scheduling a callback on SimPy's event queue at the least cost: the one place that knows SimPy's internals.

The model never waits on an event: it only wants ``callback(event)`` run at ``now + delay`` with a
value. ``env.timeout(delay, value).callbacks.append(callback)`` does that, but builds a full
:class:`simpy.Timeout` (an event that can fail, be waited on, be described) and goes through two
method calls; a profile puts that at about a fifth of the engine's time. :meth:`Clock.at` pushes
a small :class:`Due` object onto the same heap with the same key (time, ``NORMAL`` priority, the
environment's own event counter), so events are processed in exactly the order ``env.timeout``
would give them, and anything else scheduled on the environment (tests' probes) interleaves as
before. :meth:`simpy.Environment.step` needs only ``callbacks`` and ``_ok`` of what it pops.

:meth:`Clock.run` is the engine's event loop: it pops the same heap in the same order as
:meth:`simpy.Environment.run` and runs a :class:`Due`'s callback directly, handing any other
event to :meth:`simpy.Environment.step`. Stepping costs a method call, a ``try`` block, a list of
callbacks and a failure check per event; the engine's events never fail and have one callback
each, and a profile put SimPy's loop at about a sixth of the engine's time.

While it runs, :meth:`Clock.run` pauses CPython's cyclic garbage collector (:func:`collector_paused`).
The engine allocates several tracked objects per call (the call, its story, heap entries) that
reference counting frees; the collector would still traverse every one that survives a while,
and every older object of the process (pandas' and pydantic's among them) at each full
collection: 10 to 25 % of the engine's time, measured with the command's imports loaded. The
few objects that do form cycles are collected once a simulated day (:func:`tidy`, called at
midnight) and by the collector once it runs again.

Written against SimPy 4.1 (``Environment._queue``, ``_eid``, ``_now``); ``tests/test_clock.py``
checks the ordering against ``env.timeout`` and the loop against ``env.run``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from heapq import heappop, heappush
from typing import Any, Final

import simpy
from simpy.events import NORMAL, URGENT

# Final: the compiled build holds these in C variables instead of looking each up by name per event.
_NORMAL: Final = NORMAL
_heappush: Final = heappush
_heappop: Final = heappop


class Due:
    """A scheduled callback: what :meth:`Clock.run` (or :meth:`simpy.Environment.step`) pops and runs."""

    __slots__ = ("callback", "value")
    _ok = True  # never fails: step() checks this after the callbacks

    def __init__(self, callback: Callable[[Any], None] | None, value: Any):
        self.callback = callback  # None once run
        self.value: Any = value  # what the callback reads: a tuple of the objects it concerns

    # simpy.Environment.step reads the callbacks as a list and sets them to None once it has run them.
    @property
    def callbacks(self) -> list[Callable[[Any], None]] | None:
        return [self.callback] if self.callback is not None else None

    @callbacks.setter
    def callbacks(self, callbacks: list[Callable[[Any], None]] | None) -> None:
        self.callback = callbacks[0] if callbacks else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause CPython's automatic cyclic garbage collection; restore it as it was afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def tidy() -> None:
    """Collect the cycles made since the last tidy: only the young generations, whose cost is today's survivors."""
    gc.collect(1)


class Clock:
    """``at(delay, callback, value)`` on one SimPy environment, and the loop that runs it."""

    __slots__ = ("env", "now", "_queue", "_next_eid")

    def __init__(self, env: simpy.Environment):
        self.env = env
        # The simulated time (seconds), kept with env.now while run() runs: a plain attribute that
        # the model's handlers read several times per call, where env.now is a Python property.
        self.now: float = env.now
        self._queue: list[tuple[float, int, int, Any]] = env._queue  # type: ignore[assignment]
        self._next_eid: Callable[[], int] = env._eid.__next__  # SimPy's own event counter

    def at(self, delay: float, callback: Callable[[Any], None], value: Any = None) -> None:
        """Run ``callback(due)`` at ``now + delay`` seconds; ``due.value`` is ``value``."""
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        _heappush(self._queue, (self.env._now + delay, _NORMAL, self._next_eid(), Due(callback, value)))

    def run(self, until: float) -> None:
        """Process events until simulated time ``until`` (seconds), as ``env.run(until=until)`` does.

        The stop is scheduled the way SimPy schedules it (``URGENT`` at ``until``), so the events
        processed, and their order, are exactly those of ``env.run(until=until)``.
        """
        env = self.env
        if until <= env._now:
            raise ValueError(f"until ({until}) must be greater than the current simulation time")
        stop = simpy.Event(env)
        stop._ok = True
        stop._value = None
        env.schedule(stop, URGENT, until - env._now)
        with collector_paused():
            self._loop(stop)

    def _loop(self, stop: simpy.Event) -> None:
        env = self.env
        queue = self._queue
        while True:
            entry = _heappop(queue)
            due = entry[3]
            if type(due) is Due:
                self.now = env._now = entry[0]
                due.callback(due)  # type: ignore[misc]  # a Due on the heap has not run yet
            elif due is stop:
                self.now = env._now = entry[0]
                return
            else:  # anything else on the environment: SimPy processes it as it would
                _heappush(queue, entry)
                env.step()
                self.now = env._now
