"""Build the HTML report from saved results: one results folder, several, or a comparison folder.

The page is assembled here from its sections (:mod:`ccsim.report.sections`, one module each),
which read a shared :class:`~ccsim.report.context.ReportContext` built from the saved results
(:mod:`ccsim.report.loading`). Tables are optional: a run with ``--no-tables`` has only KPIs, and
the report then shows the KPI tables and bar charts and says which charts need the tables.
Measures that a run does not carry (agent strain, costs, revenue) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ccsim.report import page as P
from ccsim.report.changes import document_changes, paid_line_enabled, show_value
from ccsim.report.context import ReportContext
from ccsim.report.loading import Loaded, ReportError, load
from ccsim.report.measures import measure_of
from ccsim.report.sections import burnout, callers, difficult, headline, money, tradeoff, waiting, what_changed
from ccsim.report.sections import load as agent_load
from ccsim.results import atomic_write
from ccsim.results.names import REPORT_FILE

__all__ = ["LEGAL_NOTE", "SECTIONS", "Loaded", "ReportContext", "ReportError", "build_page", "build_report",
           "document_changes", "load", "measure_of", "paid_line_enabled", "show_value", "write_report"]

LEGAL_NOTE = (
    "Charging existing customers more than the basic rate to call about a contract they already have is "
    "unlawful in the EU (Consumer Rights Directive 2011/83/EU, art. 21; CJEU case C-568/15, 2 March 2017) "
    "and in the UK (Consumer Contracts Regulations 2013, reg. 41; FCA PS15/19 for financial services). "
    "Read the results of {names} as a what-if, not as an option to adopt."
)
SECTIONS = [("headline", headline.section), ("what changed", what_changed.section),
            ("trade-off", tradeoff.section), ("waiting", waiting.section), ("agent load", agent_load.section),
            ("burnout", burnout.section), ("callers", callers.section), ("difficult callers", difficult.section),
            ("money", money.section)]
"""The sections in page order, each with the name progress messages give it."""
STEPS_AROUND = 2
"""Steps besides the sections: reading the results, and writing the page."""

Progress = Callable[[str, int, int], None]
"""Told ``(step, number, of)`` as each step of building the report starts (numbers from 0)."""


def warnings(ctx: ReportContext) -> list[tuple[str, str]]:
    notes = scenario_warnings(ctx)
    paid = [item.label for item in ctx.loaded if paid_line_enabled(item.doc)]
    if paid:
        notes.append(("Legal note: premium-rate line for existing customers",
                      LEGAL_NOTE.format(names=", ".join(paid))))
    return notes


def scenario_warnings(ctx: ReportContext) -> list[tuple[str, str]]:
    """What the runs cannot answer (a horizon shorter than a time constant, an unstable queue),
    the same sentences the terminal printed, once each with the scenarios they concern."""
    from ccsim.config.load import ScenarioError, scenario_from_dict
    from ccsim.experiments.advice import scenario_warnings

    by_text: dict[str, list[str]] = {}
    for item in ctx.loaded:
        try:
            scenario = scenario_from_dict(item.doc)
        except ScenarioError:
            continue  # a folder from an older version: its scenario no longer validates
        for line in scenario_warnings(scenario):
            by_text.setdefault(line, []).append(item.label)
    every = len(ctx.loaded) > 1
    return [("Warning: " + ("every scenario" if every and len(names) == len(ctx.loaded) else ", ".join(names)),
             line[0].upper() + line[1:] + ".") for line, names in by_text.items()]


def footer(ctx: ReportContext) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for item in ctx.loaded:
        provenance = item.run.provenance
        environment = provenance.get("environment", {})
        parts = [f"folder {item.run.path}", f"seed {item.doc.get('seed')}",
                 f"{ctx.run_replications(item)} replication(s)"]
        if environment.get("ccsim"):
            parts.append(f"ccsim {environment['ccsim']}")
        if provenance.get("started"):
            parts.append(f"started {provenance['started']}")
        if provenance.get("command"):
            parts.append(f"command: {provenance['command']}")
        if provenance.get("interrupted"):
            parts.append("interrupted before all replications finished")
        rows.append((item.label, "; ".join(parts)))
    return rows


def _section(ctx: ReportContext, name: str, build) -> P.Section | None:
    """One section; if its data are beyond what this version understands, say so there and go on."""
    try:
        return build(ctx)
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        return P.Section(name.replace(" ", "-"), name.capitalize(), "", [P.Block(
            note=f"This section could not be drawn from these results ({type(exc).__name__}: {exc}).")])


def build_page(ctx: ReportContext, progress: Progress | None = None) -> P.Page:
    """The page of a baseline and its variants, section by section."""
    doc = ctx.baseline.doc
    horizon = doc.get("horizon", {})
    replications = ctx.run_replications(ctx.baseline)
    if ctx.variants:
        title = f"Policy comparison: {ctx.baseline.label} and {len(ctx.variants)} variant(s)"
    else:
        title = f"Simulation report: {ctx.baseline.label}"
    subtitle = (f"{len(ctx.loaded)} scenario(s) · {replications} replication(s) each · "
                f"{horizon.get('days', '?')} day(s) from {horizon.get('start_date', '?')} · "
                f"seed {doc.get('seed', '?')} · 95 % confidence intervals")
    sections = []
    for number, (name, build) in enumerate(SECTIONS, start=1):
        if progress:
            progress(name, number, len(SECTIONS) + STEPS_AROUND)
        section = _section(ctx, name, build)
        if section is not None:
            sections.append(section)
    return P.Page(title, subtitle, ctx.cards(), sections, warnings(ctx), footer(ctx))


def build_report(paths: Sequence[Path] | Path, progress: Progress | None = None) -> str:
    """The report's HTML for a comparison folder or results folders (the first is the baseline)."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    steps = len(SECTIONS) + STEPS_AROUND
    if progress:
        progress("reading the results", 0, steps)
    loaded, comparison = load(paths)
    page = build_page(ReportContext(loaded, comparison), progress)
    if progress:
        progress("writing the page", steps - 1, steps)
    return P.render(page)


def write_report(paths: Sequence[Path] | Path, out: Path | None = None, progress: Progress | None = None) -> Path:
    """Build the report and write it to ``out`` (default: ``report.html`` in the first folder)."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out = Path(out) if out is not None else Path(paths[0]) / REPORT_FILE
    atomic_write(out, build_report(paths, progress).encode("utf-8"))
    return out
