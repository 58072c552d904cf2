"""The names of the files that ccsim's commands write: one list, read by every writer and reader.

A run's folder (``ccsim run``)::

    scenario.yaml        the resolved scenario (every default filled in): re-runnable as is
    provenance.json      version, seed, replications, source files, command, run id, start and wall time
    summary.json         {"metrics": {kpi: {"mean", "se", "ci_low", "ci_high", "n"}}}
    summary.csv          the same as a table
    replications.csv     one row of KPIs per replication
    tables/*.parquet     calls, legs, duty, intervals, group_intervals, agents (column `replication`)
    complete.json        written last: the run id and every file above with its size
    report.html          the HTML report (``ccsim run`` adds it; ``ccsim report DIR`` rebuilds it)

A comparison's folder (``ccsim compare``) holds one run's folder per scenario, ``comparison.json``
and ``comparison.csv`` (the paired differences), ``complete.json`` and ``report.html``.
"""

from __future__ import annotations

SCENARIO_FILE = "scenario.yaml"
PROVENANCE_FILE = "provenance.json"
SUMMARY_JSON = "summary.json"
SUMMARY_CSV = "summary.csv"
REPLICATIONS_CSV = "replications.csv"
TABLES_DIR = "tables"
COMPLETE_FILE = "complete.json"
"""Written last: the run id and the files of one finished run with their sizes. Without it a folder is incomplete."""
REPORT_FILE = "report.html"
COMPARISON_FILE = "comparison.json"
COMPARISON_TABLE = "comparison.csv"

RUN_FILES = (SCENARIO_FILE, SUMMARY_JSON, SUMMARY_CSV, REPLICATIONS_CSV, PROVENANCE_FILE)
"""What every run's folder holds besides its tables."""
WRITTEN_BY_CCSIM = (COMPLETE_FILE, PROVENANCE_FILE, SUMMARY_JSON, COMPARISON_FILE, "sweep.json", REPORT_FILE)
"""Files by which ``--overwrite`` knows a folder as ccsim's own, which it may replace."""


def unique_labels(names: list[str], hints: list[str] | None = None) -> list[str]:
    """Labels that tell scenarios apart: repeated names get a hint (e.g. the file stem) appended.

    ``["baseline", "baseline"]`` with hints ``["baseline", "more_agents"]`` gives
    ``["baseline", "baseline (more_agents)"]``; the first of a repeated name keeps it unchanged
    (it is usually the baseline). When the hint does not help either, a number is appended.
    """
    hints = hints if hints is not None else [f"{i + 1}" for i in range(len(names))]
    labels: list[str] = []
    for name, hint in zip(names, hints):
        label = name if name not in labels else f"{name} ({hint})"
        number = 2
        candidate = label
        while candidate in labels:
            candidate, number = f"{label} #{number}", number + 1
        labels.append(candidate)
    return labels
