"""Print the validation table: simulated KPIs (mean, SE) against exact Erlang C / Erlang A values.

Uses the cases of ``tests/test_validation.py``. Usage (from the repository root):
    python benchmarks/validation_table.py [--replications 400]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ccsim.experiments.runner import replicate  # noqa: E402
from ccsim.metrics.stats import summarise  # noqa: E402
from tests.test_validation import CASES, mmn  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=None, help="default: each case's slow-test count")
    args = parser.parse_args()
    print("| case | KPI | exact | simulated | SE | z | calls simulated |")
    print("|---|---|---|---|---|---|---|")
    for case in CASES:
        replications = args.replications or case.slow_replications
        scenario = mmn(rate_per_hour=case.rate_per_hour, mean_talk=case.mean_talk, agents=case.agents,
                       mean_patience=case.mean_patience, days=case.days_per_replication(), warmup=3600,
                       seed=20261124, replications=replications)
        started = time.perf_counter()
        results = replicate(scenario, keep_tables=False)
        wall = time.perf_counter() - started
        estimates = summarise([r.kpis for r in results])
        calls = sum(r.kpis["offered"] for r in results)
        for name, exact in case.exact().items():
            e = estimates[name]
            print(f"| {case.name} | {name} | {exact:.4f} | {e.mean:.4f} | {e.se:.4f} | {(e.mean - exact) / e.se:+.2f} "
                  f"| {calls:,.0f} ({wall:.0f} s) |")


if __name__ == "__main__":
    main()
