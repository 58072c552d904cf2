"""Throughput of ccsim against two bare SimPy references on the same M/M/c+M workload.

The references (:mod:`references`) are the **textbook loop** (a process per caller, ``yield
request | timeout``) and the **callback floor** (timeouts with callbacks, a count of free agents
and a deque; nothing built on SimPy's scheduler does less). ccsim runs the same workload (600
calls/h, 300 s exponential talk, 300 s exponential patience, 53 agents, about 200,000 calls)
keeping every record. All run in this process, one after the other, and the report is their
ratio, so the machine's speed cancels out. Times are CPU seconds of this process
(``time.process_time``), which a machine shared with other work disturbs less than wall time.
See :mod:`whole_process` for the same comparison as whole processes, start-up included.

Run with an environment's own interpreter to measure its build of the engine (the first line
names it): ``.venv/bin/python`` for the pure build, ``.venv-compiled/bin/python`` after ``make compiled``.

Usage: python benchmarks/throughput.py [--calls 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from references import AGENTS, PATIENCE, RATE, TALK, callback_floor, textbook  # noqa: E402

from ccsim.config.load import scenario_from_dict  # noqa: E402
from ccsim.metrics.kpis import run_kpis  # noqa: E402
from ccsim.metrics.tables import build_tables  # noqa: E402
from ccsim.model.centre import ContactCentre  # noqa: E402


def engine_build() -> str:
    """Which build of the engine this interpreter imports: ``compiled (mypyc)`` or ``pure Python`` (setup.py)."""
    from ccsim.model import centre

    return "compiled (mypyc)" if not centre.__file__.endswith(".py") else "pure Python"


def scenario_data(calls: int) -> dict:
    """The M/M/53+M workload as a scenario file's content: about ``calls`` calls, open around the clock."""
    days = max(1, math.ceil(calls / (RATE * 86400)))
    always = {d: "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return {
        "name": "benchmark",
        "seed": 1,
        "horizon": {"days": days, "interval": "30min", "opening_hours": always},
        "arrivals": {"rates_per_hour": RATE * 3600},
        "segments": {"all": {"share": 1, "patience": {"dist": "exponential", "mean": PATIENCE},
                             "talk_time": {"dist": "exponential", "mean": TALK}}},
        "groups": {"agents": {"serves": ["main"], "staffing": {"headcount": AGENTS}}},
    }


def ccsim_scenario(calls: int):
    return scenario_from_dict(scenario_data(calls))


def ccsim_run(calls: int) -> dict[str, float]:
    scenario = ccsim_scenario(calls)
    started = time.process_time()
    records = ContactCentre(scenario, 0).run()
    engine = time.process_time() - started
    tables = build_tables(records, scenario)
    kpis = run_kpis(tables, scenario)
    total = time.process_time() - started
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
    print(f"workload: M/M/{AGENTS}+M, {RATE * 3600:.0f} calls/h, talk {TALK:.0f} s, patience {PATIENCE:.0f} s; "
          f"engine: {engine_build()}")
    print(f"textbook SimPy loop : {bare['calls']:>9,} calls in {bare['wall_s']:6.2f} CPU s = {bare_rate:>9,.0f} calls/s"
          f"  (abandon {bare['abandon_rate']:.3f})")
    print(f"SimPy callback floor: {floor['calls']:>9,} calls in {floor['wall_s']:6.2f} CPU s = {floor_rate:>9,.0f} "
          f"calls/s  (abandon {floor['abandon_rate']:.3f})")
    print(f"ccsim engine+records: {ours['calls']:>9,} calls in {ours['wall_s']:6.2f} CPU s = {engine_rate:>9,.0f} "
          f"calls/s  (abandon {ours['abandon_rate']:.3f})")
    print(f"ccsim incl. tables  : {ours['calls']:>9,} calls in {ours['total_s']:6.2f} CPU s = {total_rate:>9,.0f} "
          "calls/s")
    print(f"ratio ccsim/textbook: engine+records {engine_rate / bare_rate:.2f}x, "
          f"incl. tables {total_rate / bare_rate:.2f}x")
    print(f"ratio ccsim/floor   : engine+records {engine_rate / floor_rate:.2f}x, "
          f"incl. tables {total_rate / floor_rate:.2f}x")
    print(f"ccsim peak memory   : {per_call:,.0f} bytes per call; a month of a 10,000-call/day centre "
          f"({month_calls:,} calls) needs about {per_call * month_calls / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
