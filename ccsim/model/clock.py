"""Scheduling a callback on SimPy's event queue at the least cost: the one place that knows SimPy's internals.

The model never waits on an event: it only wants ``callback(event)`` run at ``now + delay`` with a
value. ``env.timeout(delay, value).callbacks.append(callback)`` does that, but builds a full
:class:`simpy.Timeout` (an event that can fail, be waited on, be described) and goes through two
method calls; a profile puts that at about a fifth of the engine's time. :meth:`Clock.at` pushes
a small :class:`Due` object onto the same heap with the same key (time, ``NORMAL`` priority, the
environment's own event counter), so events are processed in exactly the order ``env.timeout``
would give them, and anything else scheduled on the environment (tests' probes) interleaves as
before. :meth:`simpy.Environment.step` needs only ``callbacks`` and ``_ok`` of what it pops.

Written against SimPy 4.1 (``Environment._queue``, ``_eid``, ``_now``); ``tests/test_clock.py``
checks the ordering against ``env.timeout``.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL


class Due:
    """A scheduled callback: what :meth:`simpy.Environment.step` pops and runs."""

    __slots__ = ("callbacks", "value")
    _ok = True  # never fails: step() checks this after the callbacks

    def __init__(self, callback: Callable[[Any], None], value: Any):
        self.callbacks: list[Callable[[Any], None]] | None = [callback]
        self.value: Any = value  # what the callback reads: a tuple of the objects it concerns


class Clock:
    """``at(delay, callback, value)`` on one SimPy environment."""

    __slots__ = ("env", "_queue", "_eid")

    def __init__(self, env: simpy.Environment):
        self.env = env
        self._queue: list[tuple[float, int, int, Any]] = env._queue  # type: ignore[assignment]
        self._eid = env._eid

    def at(self, delay: float, callback: Callable[[Any], None], value: Any = None) -> None:
        """Run ``callback(due)`` at ``now + delay`` seconds; ``due.value`` is ``value``."""
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        heappush(self._queue, (self.env._now + delay, NORMAL, next(self._eid), Due(callback, value)))
