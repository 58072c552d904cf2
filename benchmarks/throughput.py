"""Throughput of ccsim against two bare SimPy references on the same M/M/c+M workload.

* The **textbook loop**: one process per caller, a ``simpy.Resource`` for the agents and
  ``yield request | env.timeout(patience)`` for abandonment, keeping only running totals.
* The **callback floor**: no processes and no ``Resource``; plain ``env.timeout`` events with
  callbacks, an integer count of free agents and a deque of waiting callers with lazy deletion.
  Nothing built on SimPy's scheduler does less per call.
 ccsim runs the same workload (600 calls/h, 300 s exponential talk, 300 s exponential
patience, 53 agents, about 200,000 calls) keeping every record. Both run in this process, one
after the other, and the report is their ratio, so the machine's speed cancels out.

Usage: python benchmarks/throughput.py [--calls 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import time
import tracemalloc
from collections import deque

import simpy

from ccsim.config.load import scenario_from_dict
from ccsim.metrics.kpis import run_kpis
from ccsim.metrics.tables import build_tables
from ccsim.model.centre import ContactCentre

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
    started = time.perf_counter()
    env.run()
    wall = time.perf_counter() - started
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
    started = time.perf_counter()
    env.run()
    wall = time.perf_counter() - started
    return {"wall_s": wall, "calls": calls, "abandon_rate": state["abandoned"] / calls}


def ccsim_scenario(calls: int):
    days = max(1, math.ceil(calls / (RATE * 86400)))
    always = {d: "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return scenario_from_dict({
        "name": "benchmark",
        "seed": 1,
        "horizon": {"days": days, "interval": "30min", "opening_hours": always},
        "arrivals": {"rates_per_hour": RATE * 3600},
        "segments": {"all": {"share": 1, "patience": {"dist": "exponential", "mean": PATIENCE},
                             "talk_time": {"dist": "exponential", "mean": TALK}}},
        "groups": {"agents": {"serves": ["main"], "staffing": {"headcount": AGENTS}}},
    })


def ccsim_run(calls: int) -> dict[str, float]:
    scenario = ccsim_scenario(calls)
    started = time.perf_counter()
    records = ContactCentre(scenario, 0).run()
    engine = time.perf_counter() - started
    tables = build_tables(records, scenario)
    kpis = run_kpis(tables, scenario)
    total = time.perf_counter() - started
    return {"wall_s": engine, "total_s": total, "calls": len(records.calls), "abandon_rate": kpis["abandon_rate"]}


def ccsim_memory(calls: int) -> float:
    """Peak traced memory of a ccsim run (engine and records), in bytes per call."""
    scenario = ccsim_scenario(calls)
    gc.collect()
    tracemalloc.start()
    records = ContactCentre(scenario, 0).run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / len(records.calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bare = min((textbook(args.calls, seed) for seed in range(args.repeat)), key=lambda r: r["wall_s"])
    floor = min((callback_floor(args.calls, seed) for seed in range(args.repeat)), key=lambda r: r["wall_s"])
    floor_rate = floor["calls"] / floor["wall_s"]
    ours = min((ccsim_run(args.calls) for _ in range(args.repeat)), key=lambda r: r["wall_s"])
    bare_rate = bare["calls"] / bare["wall_s"]
    engine_rate = ours["calls"] / ours["wall_s"]
    total_rate = ours["calls"] / ours["total_s"]
    per_call = ccsim_memory(min(args.calls, 100_000))
    month_calls = 10_000 * 26
    print(f"workload: M/M/{AGENTS}+M, {RATE * 3600:.0f} calls/h, talk {TALK:.0f} s, patience {PATIENCE:.0f} s")
    print(f"textbook SimPy loop : {bare['calls']:>9,} calls in {bare['wall_s']:6.2f} s = {bare_rate:>9,.0f} calls/s"
          f"  (abandon {bare['abandon_rate']:.3f})")
    print(f"SimPy callback floor: {floor['calls']:>9,} calls in {floor['wall_s']:6.2f} s = {floor_rate:>9,.0f} "
          f"calls/s  (abandon {floor['abandon_rate']:.3f})")
    print(f"ccsim engine+records: {ours['calls']:>9,} calls in {ours['wall_s']:6.2f} s = {engine_rate:>9,.0f} calls/s"
          f"  (abandon {ours['abandon_rate']:.3f})")
    print(f"ccsim incl. tables  : {ours['calls']:>9,} calls in {ours['total_s']:6.2f} s = {total_rate:>9,.0f} calls/s")
    print(f"ratio ccsim/textbook: engine+records {engine_rate / bare_rate:.2f}x, "
          f"incl. tables {total_rate / bare_rate:.2f}x")
    print(f"ratio ccsim/floor   : engine+records {engine_rate / floor_rate:.2f}x, "
          f"incl. tables {total_rate / floor_rate:.2f}x")
    print(f"ccsim peak memory   : {per_call:,.0f} bytes per call; a month of a 10,000-call/day centre "
          f"({month_calls:,} calls) needs about {per_call * month_calls / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
