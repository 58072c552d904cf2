"""`ccsim sweep`: run an experiment's grid of points, each replicated, in parallel and resumably."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from ccsim.cli.app import UserError, app, console, errors, prepare_output, progress_bar, user_errors
from ccsim.experiments.backends import BackendError, DaskBackend, LocalBackend, graceful_stop
from ccsim.experiments.runner import default_jobs
from ccsim.experiments.sweep import (
    MANIFEST_FILE,
    Plan,
    ResumeError,
    SweepFolder,
    SweepRun,
    TaskResult,
    estimates_of,
    load_experiment,
    missing_metrics,
    run_sweep,
    write_tables,
)
from ccsim.report import format_value, kpi_info

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def open_folder(out: Path, resume: bool, overwrite: bool) -> SweepFolder:
    """The output folder: new or empty; with --resume one started by a sweep; with --overwrite cleared."""
    if resume and overwrite:
        raise UserError("--resume and --overwrite contradict each other: resume keeps finished tasks, "
                        "overwrite discards them")
    if resume and out.is_dir() and any(out.iterdir()) and not (out / MANIFEST_FILE).exists():
        raise UserError(f"--out {out}: holds no sweep to resume (no {MANIFEST_FILE}); choose another folder")
    prepare_output(out, overwrite or resume)
    folder = SweepFolder(out)
    if overwrite:
        folder.clear()
    return folder


def make_backend(scheduler: str | None, jobs: int) -> LocalBackend | DaskBackend:
    if scheduler:
        try:
            return DaskBackend(scheduler)
        except BackendError as exc:
            raise UserError(str(exc)) from None
    return LocalBackend(jobs or default_jobs())


def points_table(plan: Plan, points: pd.DataFrame) -> Table:
    """One row per point: the experiment's metrics as mean ± half the 95 % interval."""
    table = Table(title=f"{plan.experiment.name}: {len(plan.points)} point(s) x {plan.replications} replication(s), "
                        "mean ± half the 95% interval", title_justify="left", show_edge=False, header_style="bold")
    table.add_column("point", overflow="fold")
    table.add_column("n", justify="right")
    metrics = [m for m in plan.experiment.metrics if f"{m}_mean" in points.columns]
    for metric in metrics:
        info = kpi_info(metric)
        table.add_column(f"{metric}" + (f" ({info.unit})" if info.unit else ""), justify="right", no_wrap=True)
    for _, row in points.iterrows():
        estimates = estimates_of(row)
        cells = [str(row["name"]), str(int(row["replications"]))]
        for metric in metrics:
            est = estimates.get(metric)
            if est is None or est.mean is None:
                cells.append("–")
            elif est.ci_low is None or est.ci_high is None:
                cells.append(format_value(est.mean, kpi_info(metric)))
            else:
                info = kpi_info(metric)
                cells.append(f"{format_value(est.mean, info)} ± {format_value((est.ci_high - est.ci_low) / 2, info)}")
        table.add_row(*cells)
    return table


def _progress_label(plan: Plan, failed: int) -> str:
    return plan.experiment.name + (f" ({failed} failed)" if failed else "")


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
    with user_errors():
        plan = load_experiment(experiment_file, replications)
        folder = open_folder(out, resume, overwrite)
        try:
            folder.start(plan, resume)
        except ResumeError as exc:
            raise UserError(f"--resume {out}: {exc}") from None
        if scheduler and jobs:
            errors.print("note: --jobs is ignored with --scheduler (the cluster's workers run the tasks)")
        backend = make_backend(scheduler, jobs)
    try:
        run = _run(plan, folder, backend)
    finally:
        close = getattr(backend, "close", None)
        if close:
            close()
    if run is None or run.interrupted:
        _interrupted(plan, folder)
    _finish(plan, folder, run, backend.description)


def _run(plan: Plan, folder: SweepFolder, backend: LocalBackend | DaskBackend) -> SweepRun | None:
    """Run the tasks left with a progress bar; None when abandoned by a second Ctrl-C."""
    finished = len(folder.finished(plan))
    total = len(plan.tasks())
    errors.print(f"{plan.experiment.name}: {len(plan.points)} point(s) x {plan.replications} replication(s) = "
                 f"{total} task(s)" + (f", {finished} already done" if finished else "") + f"; {backend.description}",
                 highlight=False)
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


def _interrupted(plan: Plan, folder: SweepFolder) -> None:
    done = len(folder.finished(plan))
    errors.print(f"interrupted: {done} of {len(plan.tasks())} task(s) are saved in {folder.root}/; "
                 f"finish with: ccsim sweep {plan.path} --out {folder.root} --resume", highlight=False)
    raise typer.Exit(EXIT_INTERRUPTED)


def _finish(plan: Plan, folder: SweepFolder, run: SweepRun, backend: str) -> None:
    """Tables, report, the terminal table and the exit code (1 when some task failed)."""
    details = {"backend": backend, "command": " ".join(["ccsim", *sys.argv[1:]])}
    points = write_tables(plan, folder, run, details)
    report = _report(folder)
    console.print(points_table(plan, points))
    missing = missing_metrics(plan, points)
    if missing:
        errors.print(f"warning: no point produced the metric(s) {', '.join(missing)}", highlight=False)
    failed = folder.errors(plan)
    where = f"tables in {folder.root}/" + (f", report {report}" if report else "")
    console.print(f"{run.done} task(s) run in {run.wall_s:.1f} s" + (f" (+{run.already} done before)"
                  if run.already else "") + f"; {where}", highlight=False)
    if failed:
        first = failed[0]
        errors.print(f"[bold red]{len(failed)} of {run.total} task(s) failed[/]; the others are in the tables. "
                     f"First: point {first['point']!r}, replication {first['replication']}: {first['error']} "
                     f"(details in {first['file']}). Fix the cause, then rerun the failed tasks with --resume.",
                     highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_FAILED)


def _report(folder: SweepFolder) -> Path | None:
    """Write report.html; a report that cannot be drawn costs a warning, never the results."""
    from ccsim.report.sweep_report import write_sweep_report  # plotly is heavy: load it only now

    try:
        return write_sweep_report(folder.root)
    except (OSError, ValueError, KeyError) as exc:
        errors.print(f"warning: the report could not be written ({type(exc).__name__}: {exc}); "
                     "the tables are complete", highlight=False)
        return None
