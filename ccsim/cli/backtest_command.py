"""`ccsim backtest`: replay a log's own dates with a scenario and compare, interval by interval."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ccsim import units
from ccsim.cli.common import UserError, app, commit_output, console, prepare_output, progress_bar, user_errors


@app.command()
def backtest(
    log: Path = typer.Argument(..., help="Call log or interval report (CSV, TSV or Parquet)."),
    scenario_file: Path = typer.Argument(..., help="Scenario (e.g. from ccsim calibrate)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for backtest.csv, summary.json and report.html."),
    replications: int = typer.Option(10, "--replications", "-r", min=2, help="Replications."),
    layout: str = typer.Option("technion", "--format", help="technion, calls or intervals."),
    columns: Path | None = typer.Option(None, "--columns", help="YAML map field: column name (calls, intervals)."),
    gap: str = typer.Option("30min", "--gap", help="Idle stretch after which an agent counts as off duty."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Allow writing into a non-empty folder."),
) -> None:
    """Simulate the log's dates with their observed volume and inferred agents; compare with the log."""
    from ccsim.calibrate.backtest import backtest as run_backtest
    from ccsim.calibrate.backtest import write_backtest
    from ccsim.calibrate.observed import observed_intervals
    from ccsim.calibrate.readers import LogError, load_interval_map, read_intervals, read_log
    from ccsim.config.load import load_scenario
    from ccsim.report.calibration_report import write_backtest_report

    with user_errors():
        scenario = load_scenario(scenario_file, []).scenario
        step = float(scenario.horizon.interval)
        try:
            idle = units.parse_duration(gap)
            if layout == "intervals":
                report = read_intervals(log, load_interval_map(columns), step)
                if not report.has_agents:
                    raise UserError(f"{log}: a backtest replays the agents on duty; the report has no agents column")
                observed = report.intervals
            else:
                observed = observed_intervals(read_log(log, layout, columns).calls, step, idle)
        except (ValueError, LogError) as exc:
            raise UserError(str(exc)) from None
        folder = prepare_output(out, overwrite)
        with progress_bar() as progress:
            task = progress.add_task("backtest", total=replications)
            frame, summary = run_backtest(observed, scenario, replications, progress=lambda _: progress.advance(task))
        summary["source"] = str(log)
        summary["scenario"] = str(scenario_file)
        write_backtest(folder.path, frame, summary)
        write_backtest_report(folder.path / "report.html", frame, summary)
        commit_output(folder)
        console.print(json.dumps({k: summary[k] for k in ("whole_log", "per_interval")}, indent=2))
