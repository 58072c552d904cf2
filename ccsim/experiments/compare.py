"""Compare policies: run a baseline and its variants under common random numbers.

Every scenario runs replications ``0 .. N-1`` with the baseline's seed, so replication ``r`` of
every scenario sees the same fresh callers, talk times and patiences (the random streams are keyed
by ``(seed, r)``). The per-replication difference ``variant - baseline`` then cancels most of the
noise the two runs share, and its t-interval (a paired interval) is narrower than an interval that
treats the two samples as independent. Both are kept: the paired one to report, the unpaired one
to show what common random numbers bought.

Layout of the output folder ``DIR``::

    <slug>/            a normal results folder per scenario (see ccsim.results)
    comparison.json    baseline, variants, folders, and per-KPI paired differences
    comparison.csv     the same differences as a table (one row per variant and KPI)
    report.html        the HTML report (written by ccsim.report.build)

The file names and scenario labels live in :mod:`ccsim.results.names` and the
paired differences in :mod:`ccsim.metrics.paired`, which the report reads without importing this
module; they are re-exported here for callers of the comparison.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.config.scenario import Scenario
from ccsim.experiments.runner import Interrupted, ReplicationResult, run_tasks
from ccsim.metrics.paired import Difference, paired_differences
from ccsim.metrics.stats import CONFIDENCE, Estimate, summarise
from ccsim.results import atomic_write, write_json, write_results
from ccsim.results.names import COMPARISON_FILE, COMPARISON_TABLE, REPORT_FILE, unique_labels

__all__ = ["COMPARISON_FILE", "COMPARISON_TABLE", "REPORT_FILE", "Comparison", "Difference", "ScenarioRun",
           "common_scenarios", "compare", "crn_width_ratio", "paired_differences", "slugify", "unique_labels",
           "unique_slugs", "write_comparison"]

# Slugs stay short so that paths stay well under every file system's limit.
_SLUG_LENGTH = 48
# Names Windows refuses as file names, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def slugify(name: str) -> str:
    """A folder name for ``name``: lower-case ASCII letters, digits and dashes, never empty.

    Accents are folded ("Überlauf" -> "uberlauf"); anything else that is not a letter or digit
    becomes a dash, so separators and dots ("../x", "a/b") can never leave the output folder.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:_SLUG_LENGTH].strip("-")
    if not slug:
        return "scenario"
    return f"{slug}-scenario" if slug in _RESERVED else slug


def unique_slugs(names: Iterable[str]) -> list[str]:
    """:func:`slugify` each name, appending ``-2``, ``-3``, ... where two would collide."""
    taken: set[str] = set()
    slugs = []
    for name in names:
        base = slugify(name)
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


@dataclass
class ScenarioRun:
    """One scenario of a comparison: its label (unique), folder name, scenario and replications."""

    label: str
    slug: str
    scenario: Scenario
    results: list[ReplicationResult]
    estimates: dict[str, Estimate] = field(default_factory=dict)

    def kpi_frame(self) -> pd.DataFrame:
        """One row of KPIs per replication, indexed by replication number."""
        frame = pd.DataFrame([{"replication": r.replication, **r.kpis} for r in self.results])
        return frame.set_index("replication").sort_index() if len(frame) else frame


@dataclass
class Comparison:
    """A baseline and its variants, run under common random numbers, with paired differences."""

    baseline: ScenarioRun
    variants: list[ScenarioRun]
    replications: int
    seed: int
    confidence: float = CONFIDENCE
    differences: dict[str, dict[str, Difference]] = field(default_factory=dict)

    @property
    def runs(self) -> list[ScenarioRun]:
        return [self.baseline, *self.variants]

    def to_document(self) -> dict[str, Any]:
        """What ``comparison.json`` holds."""
        return {
            "baseline": self.baseline.label,
            "variants": [v.label for v in self.variants],
            "seed": self.seed,
            "replications": self.replications,
            "confidence": self.confidence,
            "method": "paired t-interval on per-replication differences (common random numbers)",
            "scenarios": [
                {"label": run.label, "name": run.scenario.name, "folder": run.slug,
                 "role": "baseline" if run is self.baseline else "variant"}
                for run in self.runs
            ],
            "differences": {
                label: {kpi: diff.to_dict() for kpi, diff in per_kpi.items()}
                for label, per_kpi in self.differences.items()
            },
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per variant and KPI: means, the paired interval, and the unpaired one."""
        rows = []
        for label, per_kpi in self.differences.items():
            for kpi, diff in per_kpi.items():
                rows.append({
                    "variant": label, "metric": kpi,
                    "baseline_mean": diff.baseline_mean, "variant_mean": diff.variant_mean,
                    "difference": diff.paired.mean, "se": diff.paired.se,
                    "ci_low": diff.paired.ci_low, "ci_high": diff.paired.ci_high, "n": diff.paired.n,
                    "excludes_zero": diff.paired.excludes_zero,
                    "unpaired_se": diff.unpaired.se, "unpaired_ci_low": diff.unpaired.ci_low,
                    "unpaired_ci_high": diff.unpaired.ci_high, "width_ratio": diff.width_ratio,
                })
        return pd.DataFrame(rows)


ComparisonProgress = Callable[[str, ReplicationResult], None]


def common_scenarios(baseline: Scenario, variants: list[Scenario], replications: int,
                     labels: list[str] | None = None) -> list[Scenario]:
    """The scenarios as they will run: the baseline's seed, ``replications`` each, unique names."""
    scenarios = [baseline, *variants]
    labels = labels or unique_labels([s.name for s in scenarios])
    # Scenarios are frozen; model_copy makes the changed copies without re-validating.
    return [s.model_copy(update={"seed": baseline.seed, "replications": replications, "name": label})
            for s, label in zip(scenarios, labels)]


def compare(
    baseline: Scenario,
    variants: list[Scenario],
    replications: int,
    jobs: int | None = None,
    on_done: ComparisonProgress | None = None,
    keep_tables: bool = True,
    labels: list[str] | None = None,
) -> Comparison:
    """Run ``baseline`` and ``variants`` with the same replication seeds and pair their KPIs.

    Each variant's seed is forced to the baseline's and each scenario runs replications
    ``0 .. replications-1``. ``labels`` (default: the scenario names, made unique) name the
    scenarios in results and reports; the baseline's label must differ from every variant's.
    ``on_done(label, result)`` is called as each replication finishes (for a progress bar).
    With ``jobs`` > 1 all replications of all scenarios share one process pool. On Ctrl-C an
    :class:`~ccsim.experiments.runner.Interrupted` is raised (nothing is paired then).
    """
    if not variants:
        raise ValueError("a comparison needs at least one variant")
    if replications < 1:
        raise ValueError("replications must be at least 1")
    scenarios = common_scenarios(baseline, variants, replications, labels)
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario labels must be unique, got {names}")
    slugs = unique_slugs(names)
    results = _run_all(scenarios, replications, jobs, on_done, keep_tables)
    runs = [ScenarioRun(s.name, slug, s, results[i]) for i, (s, slug) in enumerate(zip(scenarios, slugs))]
    for run in runs:
        run.estimates = summarise([r.kpis for r in run.results])
    comparison = Comparison(runs[0], runs[1:], replications, baseline.seed)
    base_frame = runs[0].kpi_frame()
    for run in comparison.variants:
        comparison.differences[run.label] = paired_differences(base_frame, run.kpi_frame())
    return comparison


def _run_all(scenarios: list[Scenario], replications: int, jobs: int | None,
             on_done: ComparisonProgress | None, keep_tables: bool) -> list[list[ReplicationResult]]:
    # Replication-major order: an interrupted comparison has whole replications of every scenario.
    tasks = [(index, number) for number in range(replications) for index in range(len(scenarios))]
    done: list[list[ReplicationResult]] = [[] for _ in scenarios]

    def finished(task: int, result: ReplicationResult) -> None:
        index = tasks[task][0]
        done[index].append(result)
        if on_done:
            on_done(scenarios[index].name, result)

    try:
        run_tasks([(scenarios[index], number) for index, number in tasks], jobs, keep_tables, finished)
    except KeyboardInterrupt:
        raise Interrupted([r for per_scenario in done for r in per_scenario]) from None
    return [sorted(per_scenario, key=lambda r: r.replication) for per_scenario in done]


def write_comparison(out: Path, comparison: Comparison, provenance: dict[str, Any],
                     write_tables: bool = True, report: bool = True,
                     progress: Callable[[str, int, int], None] | None = None) -> Path | None:
    """Write one results folder per scenario, ``comparison.json``/``.csv`` and the HTML report.

    Returns the path of the report (None when ``report`` is false). ``progress`` is told each step
    of building the report (see :func:`ccsim.report.build.write_report`).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for run in comparison.runs:
        write_results(out / run.slug, run.scenario, run.results,
                      {**provenance, "label": run.label}, write_tables=write_tables)
    write_json(out / COMPARISON_FILE, comparison.to_document())
    atomic_write(out / COMPARISON_TABLE, comparison.to_frame().to_csv(index=False).encode())
    if not report:
        return None
    from ccsim.report.build import write_report  # the report pulls in plotly; import it only when needed

    return write_report(out, out / REPORT_FILE, progress)


def crn_width_ratio(comparison: Comparison, kpi: str) -> dict[str, float | None]:
    """Paired / unpaired interval width on ``kpi`` for each variant (common random numbers at work)."""
    return {label: (per_kpi[kpi].width_ratio if kpi in per_kpi else None)
            for label, per_kpi in comparison.differences.items()}
