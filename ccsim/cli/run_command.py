"""`ccsim run`: simulate a scenario and write a results folder."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import typer
from rich.markup import escape

from ccsim.cli.app import (
    app,
    console,
    elapsed,
    errors,
    estimate_table,
    prepare_output,
    print_warnings,
    progress_bar,
    user_errors,
)
from ccsim.config.load import load_scenario
from ccsim.experiments.results import write_results
from ccsim.experiments.runner import Interrupted, default_jobs, replicate

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
    with user_errors():
        loaded = load_scenario(scenario_file, overrides_with(sets, replications, seed))
        scenario = loaded.scenario
        prepare_output(out, overwrite)
        print_warnings(scenario)
        started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        started = time.perf_counter()
        interrupted = False
        with progress_bar() as progress:
            task = progress.add_task(escape(scenario.name), total=scenario.replications)
            try:
                results = replicate(scenario, jobs=jobs or default_jobs(),
                                    on_done=lambda _: progress.advance(task), keep_tables=tables)
            except Interrupted as stop:
                results, interrupted = stop.results, True
        provenance = {
            "command": " ".join(["ccsim", *sys.argv[1:]]),
            "sources": list(loaded.sources),
            "seed": scenario.seed,
            "replications_requested": scenario.replications,
            "replications_done": [r.replication for r in results],
            "interrupted": interrupted,
            "started": started_at,
            "wall_s": round(time.perf_counter() - started, 3),
        }
        if not results:
            errors.print("interrupted before any replication finished; nothing written")
            raise typer.Exit(130)
        estimates = write_results(out, scenario, results, provenance, write_tables=tables)
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
