"""The names a comparison folder shares between the run that writes it and the report that reads it.

Kept apart from :mod:`ccsim.experiments.compare` (which runs scenarios) so that the report can
read a comparison folder without importing the simulator, and the simulator can write the report
without the two modules importing each other.
"""

from __future__ import annotations

COMPARISON_FILE = "comparison.json"
"""Baseline, variants, their folders and the per-KPI paired differences."""
COMPARISON_TABLE = "comparison.csv"
"""The same differences as a table (one row per variant and KPI)."""
REPORT_FILE = "report.html"
"""The HTML report (written by :mod:`ccsim.report.build`)."""


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
