"""`ccsim sweep`: run an experiment's grid of points, each replicated, in parallel and resumably."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from ccsim.cli.common import UserError, app, console, errors, progress_bar, unit_of, user_errors
from ccsim.report import KpiInfo, format_value, kpi_info

if TYPE_CHECKING:  # the library (pandas, the sweep runner) is imported when the command runs
    import pandas as pd

    from ccsim.experiments.backends import DaskBackend, LocalBackend
    from ccsim.experiments.sweep import Plan, SweepFolder, SweepRun, TaskResult
    from ccsim.metrics.stats import Estimate

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def check_output(out: Path, resume: bool, overwrite: bool, plan: Plan) -> SweepFolder:
    """Refuse a folder the sweep must not write to, before anything is written or started.

    New or empty: fine. Non-empty: only with --overwrite, or with --resume when it holds a sweep of
    the same points.
    """
    from ccsim.experiments.sweep import MANIFEST_FILE, ResumeError, SweepFolder

    if resume and overwrite:
        raise UserError("--resume and --overwrite contradict each other: resume keeps finished tasks, "
                        "overwrite discards them")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    folder = SweepFolder(out)
    if not out.exists() or not any(out.iterdir()) or overwrite:
        return folder
    if not resume:
        raise UserError(f"--out {out}: folder is not empty; resume the sweep in it with --resume, discard it with "
                        "--overwrite, or choose another folder")
    if not (out / MANIFEST_FILE).exists():
        raise UserError(f"--out {out}: holds no sweep to resume (no {MANIFEST_FILE}); choose another folder")
    try:
        folder.check(plan)
    except ResumeError as exc:
        raise UserError(f"--resume {out}: {exc}") from None
    return folder


def make_backend(scheduler: str | None, jobs: int) -> LocalBackend | DaskBackend:
    from ccsim.experiments.backends import BackendError, DaskBackend, LocalBackend
    from ccsim.experiments.runner import default_jobs

    if scheduler:
        try:
            return DaskBackend(scheduler)
        except BackendError as exc:
            raise UserError(str(exc)) from None
    return LocalBackend(jobs or default_jobs())


# Width a metric takes in the terminal table: "79.8 ± 3.12" and the gaps around it.
_METRIC_WIDTH = 16


def points_tables(plan: Plan, points: pd.DataFrame, width: int) -> list[Table]:
    """One row per point: the experiment's metrics as mean ± half the 95 % interval.

    Split into several tables of a few metrics each when the terminal is too narrow for all.
    """
    from ccsim.experiments.sweep import estimates_of

    metrics = [m for m in plan.experiment.metrics if f"{m}_mean" in points.columns]
    names = [str(n) for n in points["name"]]
    name_width = min(max((len(n) for n in names), default=8), 40)
    per_table = max(1, (width - name_width - 8) // _METRIC_WIDTH)
    groups = [metrics[i:i + per_table] for i in range(0, len(metrics), per_table)] or [[]]
    estimates = [estimates_of(row) for _, row in points.iterrows()]
    tables = []
    for number, group in enumerate(groups, start=1):
        part = f" ({number}/{len(groups)})" if len(groups) > 1 else ""
        table = Table(title=f"{plan.experiment.name}: {len(plan.points)} point(s) x {plan.replications} "
                            f"replication(s), mean ± half the 95% interval{part}",
                      title_justify="left", show_edge=False, header_style="bold")
        table.add_column("point", min_width=min(name_width, 24), overflow="fold")
        table.add_column("n", justify="right", no_wrap=True)
        for metric in group:
            unit = unit_of(kpi_info(metric), plan.currency)
            table.add_column(metric + (f" ({unit})" if unit else ""), justify="right", no_wrap=True)
        for name, row, point_estimates in zip(names, points.itertuples(), estimates):
            cells = [name, f"{row.replications:.0f}"]  # a count; pandas may hold it as a float
            cells += [_estimate_text(point_estimates.get(metric), kpi_info(metric)) for metric in group]
            table.add_row(*cells)
        tables.append(table)
    return tables


def objectives_line(plan: Plan) -> str:
    """Which objectives the trade-off front uses and which point the paired differences are against."""
    chosen = ", ".join(f"{kpi} ({direction})" for kpi, direction in plan.objectives.items())
    source = "" if plan.experiment.objectives else " (the defaults)"
    reference = next((p.name for p in plan.points if p.id == plan.reference), plan.reference)
    return (f"trade-off front on {chosen}{source}; paired differences against {reference!r} in points.csv "
            "(<kpi>_diff, _diff_ci_low, _diff_ci_high) and the report")


def _estimate_text(estimate: Estimate | None, info: KpiInfo) -> str:
    if estimate is None or estimate.mean is None:
        return "–"
    if estimate.ci_low is None or estimate.ci_high is None:
        return format_value(estimate.mean, info)
    return f"{format_value(estimate.mean, info)} ± {format_value((estimate.ci_high - estimate.ci_low) / 2, info)}"


def _progress_label(plan: Plan, failed: int) -> str:
    return escape(plan.experiment.name) + (f" [red]({failed} failed)[/]" if failed else "")


@app.command(name="sweep")
def sweep_command(
    experiment_file: Path = typer.Argument(..., help="Experiment YAML file (see docs/sweeps.md)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for task results, tables and the report."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes on this machine (0 = all cores)."),
    resume: bool = typer.Option(False, "--resume", help="Keep the finished tasks in --out and run the rest."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Run on a Dask cluster: the scheduler's "
                                                                     "address, e.g. tcp://10.0.0.5:8786."),
    replications: int | None = typer.Option(None, "--replications", "-r", min=1,
                                            help="Replications per point (default: the experiment's)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Discard an earlier sweep in --out and start again."),
) -> None:
    """Run every point of EXPERIMENT_FILE, replicated with common random numbers; write tables and a report."""
    from ccsim.experiments.sweep import load_experiment

    with user_errors():
        plan = load_experiment(experiment_file, replications)
        folder = check_output(out, resume, overwrite, plan)
        if scheduler and jobs:
            errors.print("note: --jobs is ignored with --scheduler (the cluster's workers run the tasks)")
        backend = make_backend(scheduler, jobs)
    try:
        with user_errors():
            try:
                out.mkdir(parents=True, exist_ok=True)
                if overwrite:
                    folder.clear()
                folder.start(plan)
            except OSError as exc:
                raise UserError(f"--out {out}: cannot create the folder ({exc.strerror or exc})") from None
        run = _run(plan, folder, backend)
    finally:
        close = getattr(backend, "close", None)
        if close:
            close()
    if run is None or run.interrupted:
        _interrupted(plan, folder, replications)
    _finish(plan, folder, run, backend.description)


def _run(plan: Plan, folder: SweepFolder, backend: LocalBackend | DaskBackend) -> SweepRun | None:
    """Run the tasks left with a progress bar; None when abandoned by a second Ctrl-C."""
    from ccsim.experiments.backends import graceful_stop
    from ccsim.experiments.sweep import run_sweep

    finished = len(folder.finished(plan))
    total = len(plan.tasks())
    errors.print(f"{plan.experiment.name}: {len(plan.points)} point(s) x {plan.replications} replication(s) = "
                 f"{total} task(s)" + (f", {finished} already done" if finished else "") + f"; {backend.description}",
                 highlight=False, markup=False)
    failed = 0

    def stopping() -> None:
        errors.print("stopping: no new tasks; waiting for the running ones (Ctrl-C again to abandon them)")

    with progress_bar() as progress, graceful_stop(stopping):
        bar = progress.add_task(_progress_label(plan, 0), total=total, completed=finished)

        def done(result: TaskResult) -> None:
            nonlocal failed
            if not result.ok:
                failed += 1
                progress.update(bar, description=_progress_label(plan, failed))
            progress.advance(bar)

        try:
            return run_sweep(plan, folder, backend, on_result=done)
        except KeyboardInterrupt:
            return None


def _interrupted(plan: Plan, folder: SweepFolder, replications: int | None) -> NoReturn:
    done = len(folder.finished(plan))
    again = f"ccsim sweep {plan.path} --out {folder.root} --resume" + (f" -r {replications}" if replications else "")
    errors.print(f"interrupted: {done} of {len(plan.tasks())} task(s) are saved in {folder.root}/; finish with: "
                 f"{again}", highlight=False, markup=False)
    raise typer.Exit(EXIT_INTERRUPTED)


def _finish(plan: Plan, folder: SweepFolder, run: SweepRun, backend: str) -> None:
    """Tables, report, the terminal table and the exit code (1 when some task failed)."""
    from ccsim.experiments.sweep import missing_metrics, write_tables

    details = {"backend": backend, "command": " ".join(["ccsim", *sys.argv[1:]])}
    try:
        points = write_tables(plan, folder, run, details)
    except OSError as exc:
        errors.print(f"error: cannot write the tables ({exc}); every finished task is kept in {folder.root}/tasks/, "
                     "and --resume writes the tables again without rerunning them", highlight=False, markup=False)
        raise typer.Exit(EXIT_FAILED) from None
    report = _report(folder)
    for table in points_tables(plan, points, console.width):
        console.print(table)
    console.print(objectives_line(plan), highlight=False, markup=False)
    missing = missing_metrics(plan, points)
    if missing:
        errors.print(f"warning: no point produced the metric(s) {', '.join(missing)}", highlight=False, markup=False)
    failed = folder.errors(plan)
    where = f"tables in {folder.root}/" + (f", report {report}" if report else "")
    console.print(f"{run.done} task(s) run in {run.wall_s:.1f} s" + (f" (+{run.already} done before)"
                  if run.already else "") + f"; {where}", highlight=False, markup=False)
    if failed:
        first = failed[0]
        errors.print(f"[bold red]{len(failed)} of {run.total} task(s) failed[/]; the others are in the tables. "
                     + escape(f"First: point {first['point']!r}, replication {first['replication']}: "
                              f"{first['error']} (details in {first['file']}). Fix the cause, then rerun the "
                              "failed tasks with --resume."), highlight=False, soft_wrap=True, markup=True)
        raise typer.Exit(EXIT_FAILED)


def _report(folder: SweepFolder) -> Path | None:
    """Write report.html; a report that cannot be drawn costs a warning, never the results."""
    from ccsim.report.sweep_report import write_sweep_report  # plotly is heavy: load it only now

    try:
        return write_sweep_report(folder.root)
    except (OSError, ValueError, KeyError) as exc:
        errors.print(f"warning: the report could not be written ({type(exc).__name__}: {exc}); "
                     "the tables are complete", highlight=False, markup=False)
        return None
