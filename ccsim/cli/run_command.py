"""`ccsim run`: simulate a scenario and write a results folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from ccsim.cli.common import (
    app,
    commit_output,
    console,
    elapsed,
    errors,
    estimate_table,
    prepare_output,
    print_warnings,
    progress_bar,
    user_errors,
)

if TYPE_CHECKING:  # the library is imported when the command runs, not when the CLI starts
    from ccsim.config.load import LoadedScenario
    from ccsim.experiments.runner import ReplicationResult
    from ccsim.metrics.stats import Estimate
    from ccsim.results import OutputFolder

HEADLINE = [
    "offered", "answered", "abandon_rate", "asa_s", "wait_p90_s", "service_level", "service_level_of_answered",
    "service_level_excl_short_abandons", "occupancy", "agent_hours", "cost_total",
]


def overrides_with(sets: list[str], replications: int | None, seed: int | None) -> list[str]:
    extra = list(sets)
    if replications is not None:
        extra.append(f"replications={replications}")
    if seed is not None:
        extra.append(f"seed={seed}")
    return extra


@app.command()
def run(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML file."),
    out: Path = typer.Option(..., "--out", "-o", help="Results folder to write."),
    replications: int | None = typer.Option(None, "--replications", "-r", min=1, help="Override replications."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Override the root seed."),
    sets: list[str] = typer.Option([], "--set", help="Override a value: dotted.path=value (repeatable)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes (0 = all cores)."),
    tables: bool = typer.Option(True, "--tables/--no-tables", help="Write the per-call tables."),
    report: bool = typer.Option(True, "--report/--no-report", help="Write report.html (needs the tables)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Allow writing into a non-empty folder."),
) -> None:
    """Simulate SCENARIO_FILE and write tables, a summary and provenance to --out."""
    from ccsim.config.load import load_scenario

    with user_errors():
        loaded = load_scenario(scenario_file, overrides_with(sets, replications, seed))
        scenario = loaded.scenario
        started = time.perf_counter()
        folder = prepare_output(out, overwrite)
        print_warnings(scenario)
        estimates, results, interrupted = _simulate(loaded, folder, jobs, tables)
        commit_output(folder)
        console.print(estimate_table(f"{scenario.name}: {len(results)} replication(s)", estimates, HEADLINE,
                                     currency=scenario.costs.currency))
        where = f"results in {out}/"
        if report and tables:
            from ccsim.report.build import write_report  # plotly is heavy: load it only for reports

            where += f", report {write_report(out)}"
        console.print(f"{where} ({elapsed(started)})", soft_wrap=True)
        if interrupted:
            errors.print(f"interrupted: {len(results)} of {scenario.replications} replications saved")
            raise typer.Exit(130)


def _simulate(loaded: LoadedScenario, folder: OutputFolder, jobs: int, tables: bool
              ) -> tuple[dict[str, Estimate], list[ReplicationResult], bool]:
    """Replicate with a progress bar and write the results into ``folder``; Ctrl-C keeps what finished."""
    from ccsim.experiments.runner import Interrupted, default_jobs, replicate
    from ccsim.results import write_results
    from ccsim.results.parts import TableParts
    from ccsim.results.provenance import now, run_provenance

    scenario = loaded.scenario
    started_at = now()
    started = time.perf_counter()
    interrupted = False
    with progress_bar() as progress:
        task = progress.add_task(escape(scenario.name), total=scenario.replications)
        try:
            # Each worker saves its replication's tables into the folder: this process holds none of them.
            parts = TableParts(folder.path, scenario.horizon.start_date) if tables else None
            results = replicate(scenario, jobs=jobs or default_jobs(), on_done=lambda _: progress.advance(task),
                                keep_tables=tables, save_tables=parts)
        except Interrupted as stop:
            results, interrupted = stop.results, True
    if not results:
        errors.print("interrupted before any replication finished; nothing written")
        raise typer.Exit(130)
    provenance = run_provenance(folder.run_id, list(loaded.sources), scenario.seed, scenario.replications,
                                [r.replication for r in results], interrupted, started_at,
                                time.perf_counter() - started)
    estimates = write_results(folder.path, scenario, results, provenance, write_tables=tables)
    return estimates, results, interrupted
