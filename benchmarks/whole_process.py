"""``ccsim run`` as a whole process against the textbook SimPy loop as a whole process.

Both run the same M/M/53+M workload (600 calls/h, 300 s talk and patience, about 200,000 calls):
``python benchmarks/references.py textbook N`` and ``ccsim run`` of that workload's scenario with
one replication, one worker, the tables written and no report. Each is timed from start to exit,
interpreter start-up and imports included, in wall seconds and in the CPU seconds the process used
(``os.wait4``), which a machine shared with other work disturbs less. The best of ``--repeat`` runs
of each is reported, with the ratio of their throughputs (above 1: ccsim is faster).

Run with an environment's own interpreter to measure its build of the engine (the first line
names it): ``.venv/bin/python`` for the pure build, ``.venv-compiled/bin/python`` after ``make compiled``.

Usage: python benchmarks/whole_process.py [--calls 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from throughput import engine_build, scenario_data  # noqa: E402


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``command`` to its exit."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ccsim = str(Path(sys.executable).with_name("ccsim"))
    with tempfile.TemporaryDirectory() as folder:
        scenario = Path(folder) / "mm53.yaml"
        scenario.write_text(yaml.safe_dump(scenario_data(args.calls), sort_keys=False))
        textbook_command = [sys.executable, str(HERE / "references.py"), "textbook", str(args.calls)]
        ccsim_command = [ccsim, "run", str(scenario), "-r", "1", "--jobs", "1", "--no-report",
                         "--out", str(Path(folder) / "out"), "--overwrite"]
        textbook_runs, ccsim_runs = [], []
        for _ in range(args.repeat):  # alternate, so that a change in the machine's load hits both
            textbook_runs.append(timed(textbook_command))
            ccsim_runs.append(timed(ccsim_command))
    calls = args.calls
    print(f"workload: M/M/53+M, 600 calls/h, talk 300 s, patience 300 s, {calls:,} calls; best of {args.repeat}; "
          f"engine: {engine_build()} ({ccsim})")
    for label, runs in (("textbook loop (process)", textbook_runs), ("ccsim run (process)    ", ccsim_runs)):
        wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
        print(f"{label}: {wall:6.2f} s wall = {calls / wall:>8,.0f} calls/s; {cpu:6.2f} CPU s = "
              f"{calls / cpu:>8,.0f} calls/s")
    wall_ratio = min(r[0] for r in textbook_runs) / min(r[0] for r in ccsim_runs)
    cpu_ratio = min(r[1] for r in textbook_runs) / min(r[1] for r in ccsim_runs)
    print(f"ratio ccsim run / textbook loop, as whole processes: {wall_ratio:.2f}x (wall), {cpu_ratio:.2f}x (CPU)")


if __name__ == "__main__":
    main()
