"""Scheduling callbacks at the least cost, and the loop that runs them: the one place that knows SimPy's internals.

The model never waits on an event: it only wants ``callback(event)`` run at ``now + delay`` with a
value. ``env.timeout(delay, value).callbacks.append(callback)`` does that, but builds a full
:class:`simpy.Timeout` (an event that can fail, be waited on, be described) and goes through two
method calls; a profile put that at about a fifth of the engine's time. :meth:`Clock.at` makes a
small :class:`Due` object instead and numbers it with the environment's own event counter, so
that it takes exactly the place ``env.timeout`` would have given it among SimPy's own events
(key: time, ``NORMAL`` priority, that number).

The callbacks wait in a heap of their distinct times, each time with its callbacks in the order
they were scheduled, beside SimPy's heap (which keeps SimPy's own events: the stop of
:meth:`Clock.run`, tests' processes). A heap of plain floats, because a pop compares entries
about a dozen times down the heap, and comparing SimPy's (time, priority, number, event) tuples
cost a fifth to a quarter of the engine's instructions; callbacks at the same time, which the
roster's round times make common, keep their scheduling order in their time's list.

:meth:`Clock.run` is the engine's event loop: it takes whichever of the two heads comes first in
SimPy's order and runs a :class:`Due`'s callback directly, handing SimPy's own events to
:meth:`simpy.Environment.step`. Stepping costs a method call, a ``try`` block, a list of
callbacks and a failure check per event; the engine's events never fail and have one callback
each, and a profile put SimPy's loop at about a sixth of the engine's time. The clock drives the
environment: callbacks run only in :meth:`Clock.run`, not in ``env.run()``.

While it runs, :meth:`Clock.run` pauses CPython's cyclic garbage collector (:func:`collector_paused`).
The engine allocates several tracked objects per call (the call, its story, scheduled callbacks)
that reference counting frees; the collector would still traverse every one that survives a while,
and every older object of the process (pandas' and pydantic's among them) at each full
collection: 10 to 25 % of the engine's time, measured with the command's imports loaded. The
few objects that do form cycles are collected once a simulated day (:func:`tidy`, called at
midnight) and by the collector once it runs again.

Written against SimPy 4.1 (``Environment._queue``, ``_eid``, ``_now``); ``tests/test_clock.py``
checks the order against ``env.timeout`` and the stop against ``env.run``.
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
    """A scheduled callback: what :meth:`Clock.run` runs."""

    __slots__ = ("callback", "value", "eid")

    def __init__(self, callback: Callable[[Any], None], value: Any, eid: int):
        self.callback = callback
        self.value: Any = value  # what the callback reads: a tuple of the objects it concerns
        self.eid = eid  # SimPy's event number when scheduled: its place among events at the same time


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

    __slots__ = ("env", "now", "_queue", "_times", "_due", "_next_eid")

    def __init__(self, env: simpy.Environment):
        self.env = env
        # The simulated time (seconds), kept with env.now while run() runs: a plain attribute that
        # the model's handlers read several times per call, where env.now is a Python property.
        self.now: float = env.now
        self._queue: list[tuple[float, int, int, Any]] = env._queue  # type: ignore[assignment]  # SimPy's own
        self._times: list[float] = []  # a heap of the distinct times at which callbacks are due
        self._due: dict[float, list[Due]] = {}  # time -> its callbacks, in the order they were scheduled
        self._next_eid: Callable[[], int] = env._eid.__next__  # SimPy's own event counter

    def at(self, delay: float, callback: Callable[[Any], None], value: Any = None) -> None:
        """Run ``callback(due)`` at ``now + delay`` seconds; ``due.value`` is ``value``."""
        if not delay >= 0:  # negative, or NaN (which no heap can order)
            raise ValueError(f"delay must be a number of seconds >= 0, not {delay}")
        t = self.now + delay
        due = Due(callback, value, self._next_eid())
        waiting = self._due.get(t)
        if waiting is None:
            self._due[t] = [due]
            _heappush(self._times, t)
        else:
            waiting.append(due)

    def run(self, until: float) -> None:
        """Process events until simulated time ``until`` (seconds), as ``env.run(until=until)`` does.

        The stop is scheduled the way SimPy schedules it (``URGENT`` at ``until``), so the events
        processed, and their order, are exactly those of ``env.run(until=until)`` had every
        callback been an ``env.timeout``.
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
        queue = self._queue  # never empty here: the stop waits in it
        times = self._times
        due_at = self._due
        while True:
            head = queue[0]
            if times and (times[0] < head[0] or (times[0] == head[0] and self._due_first(head))):
                t = times[0]
                waiting = due_at[t]
                if len(waiting) == 1:
                    del due_at[t]
                    _heappop(times)
                    due = waiting[0]
                else:
                    due = waiting.pop(0)
                self.now = env._now = t
                due.callback(due)
            elif head[3] is stop:
                _heappop(queue)
                self.now = env._now = head[0]
                return
            else:  # SimPy's own event: SimPy processes it as it would
                self.now = head[0]  # its callbacks may schedule ours
                env.step()

    def _due_first(self, head: tuple[float, int, int, Any]) -> bool:
        """At the time of SimPy's ``head``: does the first callback due then come first (by priority, then number)?"""
        return head[1] > _NORMAL or (head[1] == _NORMAL and self._due[head[0]][0].eid < head[2])
