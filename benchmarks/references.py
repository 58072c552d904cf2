"""The two bare SimPy references of the benchmarks, on the M/M/c+M workload; imports nothing but SimPy.

* :func:`textbook`: one process per caller, a ``simpy.Resource`` for the agents and
  ``yield request | env.timeout(patience)`` for abandonment, keeping only running totals.
* :func:`callback_floor`: no processes and no ``Resource``; plain ``env.timeout`` events with
  callbacks, an integer count of free agents and a deque of waiting callers with lazy deletion.
  Nothing built on SimPy's scheduler does less per call.

Run as a script (``python benchmarks/references.py textbook 200000``) it is the textbook loop as a
whole process, what :mod:`whole_process` times against ``ccsim run``.
"""

from __future__ import annotations

import random
import sys
import time
from collections import deque

import simpy

RATE = 600 / 3600.0
TALK = 300.0
PATIENCE = 300.0
AGENTS = 53


def textbook(calls: int, seed: int = 1) -> dict[str, float]:
    """The bare SimPy loop; returns wall time and counts."""
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    rng = random.Random(seed)
    totals = {"answered": 0, "abandoned": 0, "wait": 0.0}

    def caller(env):
        arrived = env.now
        with agents.request() as request:
            patience = env.timeout(rng.expovariate(1 / PATIENCE))
            result = yield request | patience
            totals["wait"] += env.now - arrived
            if request in result:
                totals["answered"] += 1
                yield env.timeout(rng.expovariate(1 / TALK))
            else:
                totals["abandoned"] += 1

    def source(env):
        for _ in range(calls):
            yield env.timeout(rng.expovariate(RATE))
            env.process(caller(env))

    env.process(source(env))
    started = time.process_time()
    env.run()
    wall = time.process_time() - started
    return {"wall_s": wall, "calls": calls, "abandon_rate": totals["abandoned"] / calls}


def callback_floor(calls: int, seed: int = 1) -> dict[str, float]:
    """The least any SimPy model of this workload can do: timeouts with callbacks, counts, a deque."""
    env = simpy.Environment()
    rng = random.Random(seed)
    line: deque[list] = deque()  # waiting callers: [arrival time, still waiting]
    state = {"free": AGENTS, "arrived": 0, "answered": 0, "abandoned": 0, "wait": 0.0}

    def answer(caller: list) -> None:
        caller[1] = False
        state["answered"] += 1
        state["wait"] += env.now - caller[0]
        env.timeout(rng.expovariate(1 / TALK)).callbacks.append(done)

    def done(_event) -> None:
        while line:
            caller = line.popleft()
            if caller[1]:
                answer(caller)
                return
        state["free"] += 1

    def give_up(event) -> None:
        caller = event.value
        if caller[1]:
            caller[1] = False
            state["abandoned"] += 1

    def arrive(_event) -> None:
        state["arrived"] += 1
        if state["arrived"] < calls:
            env.timeout(rng.expovariate(RATE)).callbacks.append(arrive)
        caller = [env.now, True]
        if state["free"] > 0:
            state["free"] -= 1
            answer(caller)
        else:
            line.append(caller)
            env.timeout(rng.expovariate(1 / PATIENCE), caller).callbacks.append(give_up)

    env.timeout(rng.expovariate(RATE)).callbacks.append(arrive)
    started = time.process_time()
    env.run()
    wall = time.process_time() - started
    return {"wall_s": wall, "calls": calls, "abandon_rate": state["abandoned"] / calls}


if __name__ == "__main__":
    kind, calls = sys.argv[1], int(sys.argv[2])
    result = (textbook if kind == "textbook" else callback_floor)(calls)
    print(f"{kind}: {calls} calls, abandon rate {result['abandon_rate']:.4f}")
