"""`ccsim backtest`: replay a log's own dates with a scenario and compare, interval by interval."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ccsim import units
from ccsim.cli.app import UserError, app, commit_output, console, prepare_output, user_errors


@app.command()
def backtest(
    log: Path = typer.Argument(..., help="Call log (CSV, TSV or Parquet)."),
    scenario_file: Path = typer.Argument(..., help="Scenario (e.g. from ccsim calibrate)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for backtest.csv and summary.json."),
    replications: int = typer.Option(10, "--replications", "-r", min=2, help="Replications."),
    layout: str = typer.Option("technion", "--format", help="technion or calls."),
    columns: Path | None = typer.Option(None, "--columns", help="YAML map field: column name (calls layout)."),
    gap: str = typer.Option("30min", "--gap", help="Idle stretch after which an agent counts as off duty."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Allow writing into a non-empty folder."),
) -> None:
    """Simulate the log's dates with their observed volume and inferred agents; compare with the log."""
    from ccsim.calibrate.backtest import backtest as run_backtest
    from ccsim.calibrate.backtest import write_backtest
    from ccsim.calibrate.readers import LogError, read_log
    from ccsim.config.load import load_scenario

    with user_errors():
        try:
            idle = units.parse_duration(gap)
            table = read_log(log, layout, columns)
        except (ValueError, LogError) as exc:
            raise UserError(str(exc)) from None
        scenario = load_scenario(scenario_file, []).scenario
        folder = prepare_output(out, overwrite)
        frame, summary = run_backtest(table, scenario, replications, idle)
        write_backtest(folder.path, frame, summary)
        commit_output(folder)
        console.print(json.dumps(summary, indent=2))
