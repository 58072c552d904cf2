"""`ccsim compare` and `ccsim report`: policies side by side, and the HTML report from saved results."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ccsim.cli.common import (
    UserError,
    app,
    commit_output,
    console,
    elapsed,
    errors,
    prepare_output,
    print_warnings,
    progress_bar,
    unit_of,
    user_errors,
)
from ccsim.report import HEADLINE_KPIS, format_plus_minus, format_value, judgement, kpi_info

if TYPE_CHECKING:  # the library is imported when a command runs, not when the CLI starts
    from ccsim.experiments.compare import Comparison

_STYLE = {"better": "bold green", "worse": "bold red", "changed": "bold blue", "": "dim"}
# Width one variant takes in the side-by-side table: its value and "Δ ± half ▲".
_VARIANT_WIDTH = 30


def _difference_text(difference, info) -> Text:
    paired = difference.paired
    mark = ("▲" if (paired.mean or 0) > 0 else "▼") if paired.excludes_zero and paired.mean else " "
    verdict = judgement(paired.mean, paired.excludes_zero, info)
    return Text(f"{format_plus_minus(paired.mean, paired.ci_low, paired.ci_high, info)} {mark}",
                style=_STYLE[verdict])


def comparison_tables(comparison: Comparison, width: int) -> list[Table]:
    """Headline KPIs: the baseline, each variant's value and its paired difference (± half the 95 % interval).

    Side by side when the terminal is wide enough, else one table per variant.
    """
    present = [k for k in HEADLINE_KPIS if any(k in run.estimates for run in comparison.runs)]
    together = 36 + _VARIANT_WIDTH * len(comparison.variants) <= width
    groups = [comparison.variants] if together else [[run] for run in comparison.variants]
    tables = []
    for variants in groups:
        title = (f"{len(variants)} variant(s) against {comparison.baseline.label}" if together else
                 f"{variants[0].label} against {comparison.baseline.label}")
        table = Table(title=f"{title}: {comparison.replications} replication(s), common random numbers",
                      title_justify="left", show_edge=False, header_style="bold")
        # Metric names and numbers never wrap; long scenario labels in the header do.
        table.add_column("metric", no_wrap=True, min_width=12)
        table.add_column("unit", no_wrap=True)
        table.add_column(comparison.baseline.label, justify="right", min_width=8)
        for run in variants:
            table.add_column(run.label, justify="right", min_width=8)
            table.add_column("Δ ± 95% CI", justify="right", no_wrap=True)
        for name in present:
            info = kpi_info(name)
            base = comparison.baseline.estimates.get(name)
            unit = unit_of(info, comparison.baseline.scenario.costs.currency)
            cells: list[str | Text] = [name, unit, format_value(base.mean if base else None, info)]
            for run in variants:
                value = run.estimates.get(name)
                cells.append(format_value(value.mean if value else None, info))
                difference = comparison.differences[run.label].get(name)
                cells.append(_difference_text(difference, info) if difference else "–")
            table.add_row(*cells)
        tables.append(table)
    return tables


def _marks_legend() -> str:
    return ("▲/▼: the 95 % interval of the paired difference excludes zero (green better, red worse, blue "
            "changed); shares in %, their differences in percentage points.")


@contextmanager
def report_progress() -> Iterator[Callable[[str, int, int], None]]:
    """Progress of building the report on stderr: a bar on a terminal, else one line per step."""
    if not sys.stderr.isatty():
        def line(step: str, number: int, of: int) -> None:
            errors.print(f"report: step {number + 1} of {of}, {step}", highlight=False)

        yield line
        return
    with progress_bar() as progress:
        task = progress.add_task("report", total=None)

        def advance(step: str, number: int, of: int) -> None:
            progress.update(task, description=f"report: {escape(step)}", completed=number, total=of)

        yield advance
        progress.update(task, completed=progress.tasks[0].total)


@app.command(name="compare")
def compare_command(
    scenario_files: list[Path] = typer.Argument(..., help="BASELINE.yaml then one or more VARIANT.yaml files."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the results, comparison and report."),
    replications: int | None = typer.Option(None, "--replications", "-r", min=1,
                                            help="Replications per scenario (default: the baseline's)."),
    sets: list[str] = typer.Option([], "--set", help="Override a value in every scenario: dotted.path=value."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes (0 = all cores)."),
    tables: bool = typer.Option(True, "--tables/--no-tables", help="Write the per-call tables (needed for "
                                "the charts by time of day)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Allow writing into a non-empty folder."),
) -> None:
    """Run BASELINE and VARIANTS with the same random numbers; paired differences, tables and an HTML report."""
    from ccsim.config.load import load_scenario
    from ccsim.experiments.compare import compare, write_comparison
    from ccsim.experiments.runner import Interrupted, default_jobs
    from ccsim.results import REPORT_FILE
    from ccsim.results.names import unique_labels
    from ccsim.results.provenance import now, run_provenance

    with user_errors():
        if len(scenario_files) < 2:
            raise UserError("compare needs a baseline and at least one variant: ccsim compare BASELINE.yaml "
                            "VARIANT.yaml [...] --out DIR")
        loaded = [load_scenario(path, sets) for path in scenario_files]
        scenarios = [item.scenario for item in loaded]
        print_warnings(*scenarios)
        labels = unique_labels([s.name for s in scenarios], [path.stem for path in scenario_files])
        baseline = scenarios[0]
        count = replications or baseline.replications
        folder = prepare_output(out, overwrite)
        started_at = now()
        started = time.perf_counter()
        with progress_bar() as progress:
            tasks = {label: progress.add_task(escape(label), total=count) for label in labels}
            try:
                comparison = compare(baseline, scenarios[1:], count, jobs=jobs or default_jobs(),
                                     on_done=lambda label, _: progress.advance(tasks[label]), keep_tables=tables,
                                     labels=labels)
            except Interrupted as stop:
                errors.print(f"interrupted after {len(stop.results)} replication(s); nothing written "
                             "(a comparison needs every scenario's replications)")
                raise typer.Exit(130) from None
        provenance = run_provenance(folder.run_id, [source for item in loaded for source in item.sources],
                                    baseline.seed, count, list(range(count)), False, started_at,
                                    time.perf_counter() - started)
        write_comparison(folder.path, comparison, provenance, write_tables=tables, report=False)
        commit_output(folder)
        from ccsim.report.build import write_report  # plotly is heavy: load it only for reports

        with report_progress() as progress:
            report = write_report(out, out / REPORT_FILE, progress)
        for table in comparison_tables(comparison, console.width):
            console.print(table)
        console.print(_marks_legend(), style="dim", highlight=False)
        console.print(f"results in {out}/, report {report} ({elapsed(started)})", highlight=False)


@app.command(name="report")
def report_command(
    results: list[Path] = typer.Argument(..., help="A comparison folder, or results folders (the first is the "
                                                   "baseline)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="HTML file to write (default: "
                                                              "report.html in the first folder)."),
) -> None:
    """Rebuild the HTML report from saved results, without simulating again."""
    from ccsim.report.build import ReportError, write_report  # plotly is heavy: load it only for reports

    with user_errors():
        if out is not None and out.is_dir():
            raise UserError(f"--out {out}: is a folder; give the HTML file to write")
        started = time.perf_counter()
        try:
            with report_progress() as progress:
                path = write_report(results, out, progress)
        except ReportError as exc:
            raise UserError(str(exc)) from None
        except OSError as exc:
            raise UserError(f"cannot write the report: {exc}") from None
        console.print(f"report {path} ({elapsed(started)})", highlight=False)
