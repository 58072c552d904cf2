"""The typer application and what every command shares: errors, output and progress."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

# Every command module imports this one to register itself, so ``ccsim --help`` and argument
# parsing pay for whatever it imports: the library (pandas, scipy, the report) is imported only
# inside the functions that a running command calls.
if TYPE_CHECKING:
    from ccsim.report import KpiInfo
    from ccsim.results import OutputFolder

app = typer.Typer(
    name="ccsim",
    help="Contact-centre staffing simulator: waits, agent load and burnout under staffing and policies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped or captured output has no terminal width; rich would assume 80 columns and cut scenario
# names in table headers. A file or a pager can take wide lines (COLUMNS still wins when set).
# Markup and emoji codes are off: scenario names, file names and values are printed as they are
# ("[/]" or ":x:" in a name stays text). Output that styles itself passes markup=True and escapes
# every user string in it.
console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160, markup=False, emoji=False)
errors = Console(stderr=True, markup=False, emoji=False)


def _print_version(value: bool) -> None:
    if value:
        from ccsim import __version__

        console.print(f"ccsim {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Contact-centre staffing simulator: waits, agent load and burnout under staffing and policies."""


class UserError(Exception):
    """A problem the user can fix; printed as one message, exit code 2."""


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn problems the user can fix into one message and exit code 2 (never a traceback).

    Output folders prepared inside and not committed are removed on the way out.
    """
    from ccsim.config.load import ScenarioError

    started_with = len(_unfinished)
    try:
        yield
    except ScenarioError as exc:
        for line in exc.problems:
            errors.print(f"[bold red]error:[/] {escape(line)}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(2) from None
    except UserError as exc:
        errors.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        while len(_unfinished) > started_with:
            _unfinished.pop().discard()


# Output folders of the command running now that are not yet moved into place; the command's
# user_errors() block removes them however it ends, so a failed or interrupted command leaves
# any old results as they were.
_unfinished: list[OutputFolder] = []


def prepare_output(out: Path, overwrite: bool) -> OutputFolder:
    """A results folder to fill (its ``path``) before any work starts; :func:`commit_output` moves it into place.

    Refused at once, with one message, when ``out`` cannot be written (see
    :class:`~ccsim.results.folder.OutputFolder` for the rules).
    """
    from ccsim.results import OutputError, OutputFolder

    try:
        folder = OutputFolder(out, overwrite)
    except OutputError as exc:
        raise UserError(str(exc)) from None
    _unfinished.append(folder)
    return folder


def commit_output(folder: OutputFolder) -> Path:
    """Mark ``folder`` complete and move it into place; returns where it now is."""
    from ccsim.results import OutputError

    try:
        return folder.commit()
    except OutputError as exc:
        raise UserError(str(exc)) from None


def progress_bar() -> Progress:
    """Done/total with elapsed and remaining time, on stderr so stdout stays clean.

    Task descriptions are markup: escape user strings in them (:func:`rich.markup.escape`).
    """
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=errors,
        transient=False,
        disable=not sys.stderr.isatty(),
    )


def unit_of(info: KpiInfo, currency: str = "") -> str:
    """The unit shown in a terminal table: the scenario's currency for money, else the KPI's unit."""
    return currency if info.kind == "money" and currency else info.unit


def estimate_table(title: str, estimates: dict, names: list[str] | None = None, currency: str = "") -> Table:
    """KPIs with their units (shares in per cent, money in ``currency``), means and 95 % t-intervals."""
    from ccsim.report import format_interval, format_value, kpi_info

    table = Table(title=title, title_justify="left", show_edge=False, header_style="bold")
    table.add_column("metric")
    table.add_column("unit")
    table.add_column("mean", justify="right")
    table.add_column("95% interval", justify="right")
    table.add_column("n", justify="right")
    for name in names or list(estimates):
        if name not in estimates:
            continue
        e = estimates[name]
        info = kpi_info(name)
        table.add_row(name, unit_of(info, currency), format_value(e.mean, info),
                      format_interval(e.ci_low, e.ci_high, info), str(e.n))
    return table


def elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def print_warnings(*scenarios) -> None:
    """Say, before running, what the scenarios cannot answer (short horizon, unstable queue).

    A warning that holds for several scenarios is printed once, with their names.
    """
    from ccsim.experiments.advice import scenario_warnings

    by_text: dict[str, list[str]] = {}
    for scenario in scenarios:
        for line in scenario_warnings(scenario):
            by_text.setdefault(line, []).append(scenario.name)
    for line, names in by_text.items():
        who = "every scenario" if len(names) == len(scenarios) > 1 else ", ".join(names)
        errors.print(f"[bold yellow]warning:[/] {escape(who)}: {escape(line)}", highlight=False, soft_wrap=True,
                     markup=True)
