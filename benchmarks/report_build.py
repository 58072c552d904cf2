"""Time to build the HTML report of a comparison, step by step, against a target.

Runs the shipped baseline and policies (a short horizon) once through ``ccsim compare``'s own
functions into a temporary folder, then rebuilds the report from it ``--repeat`` times and prints
the best wall time of each step (reading, each section, writing) and of the whole. The target is
a report a user waits for without wondering: ``--target`` seconds for the whole (default 30 s for
eleven scenarios on one core); the script exits 1 when the best build misses it.

Other load on the machine distorts the figure; the best of the repeats is the one compared.

Usage: python benchmarks/report_build.py [--scenarios 11] [--days 1] [--replications 2] [--repeat 2] [--target 30]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from ccsim.config.load import load_scenario
from ccsim.experiments.compare import compare, write_comparison
from ccsim.report.build import write_report

ROOT = Path(__file__).resolve().parents[1]


def scenario_files(count: int) -> list[Path]:
    policies = sorted((ROOT / "configs" / "policies").glob("*.yaml"))
    return [ROOT / "configs" / "baseline.yaml", *policies[: max(1, count - 1)]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=11)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--target", type=float, default=30.0, help="seconds for the whole report")
    args = parser.parse_args()
    files = scenario_files(args.scenarios)
    # One warm-up day instead of the default week: the report, not the simulation, is what is timed.
    scenarios = [load_scenario(f, [f"horizon.days={args.days}", "horizon.warmup_days=1"]).scenario for f in files]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "cmp"
        started = time.perf_counter()
        comparison = compare(scenarios[0], scenarios[1:], args.replications, jobs=1)
        write_comparison(out, comparison, {"command": "benchmark"}, report=False)
        print(f"{len(files)} scenarios x {args.replications} replications simulated in "
              f"{time.perf_counter() - started:.1f} s")
        best: dict[str, float] = {}
        totals = []
        for _ in range(args.repeat):
            marks: list[tuple[str, float]] = []

            def mark(step: str, number: int, of: int, marks: list[tuple[str, float]] = marks) -> None:
                marks.append((step, time.perf_counter()))

            begun = time.perf_counter()
            write_report(out, out / "report.html", mark)
            ended = time.perf_counter()
            totals.append(ended - begun)
            for (step, at), (_, following) in zip(marks, [*marks[1:], ("end", ended)]):
                best[step] = min(best.get(step, float("inf")), following - at)
    for step, seconds in best.items():
        print(f"  {step:<22} {seconds:6.2f} s")
    total = min(totals)
    verdict = "meets" if total <= args.target else "MISSES"
    print(f"report built in {total:.2f} s (best of {args.repeat}); {verdict} the target of {args.target:g} s")
    return 0 if total <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
