"""`ccsim calibrate`: turn a call log into a runnable scenario with every estimate."""

from __future__ import annotations

from pathlib import Path

import typer

from ccsim import units
from ccsim.cli.app import UserError, app, commit_output, console, prepare_output, user_errors


@app.command()
def calibrate(
    log: Path = typer.Argument(..., help="Call log (CSV, TSV or Parquet)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write scenario.yaml, calibration.json, ..."),
    layout: str = typer.Option("technion", "--format", help="technion or calls."),
    columns: Path | None = typer.Option(None, "--columns", help="YAML map field: column name (calls layout)."),
    interval: str = typer.Option("30min", "--interval", help="Planning interval."),
    gap: str = typer.Option("30min", "--gap", help="Idle stretch after which an agent counts as off duty."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Allow writing into a non-empty folder."),
) -> None:
    """Estimate arrivals, talk time, patience, redials and agents on duty from LOG."""
    from ccsim.calibrate.calibrate import calibrate as run_calibration
    from ccsim.calibrate.calibrate import write_calibration
    from ccsim.calibrate.readers import LogError, read_log

    with user_errors():
        try:
            step, idle = units.parse_duration(interval), units.parse_duration(gap)
        except ValueError as exc:
            raise UserError(f"--interval/--gap: {exc}") from None
        folder = prepare_output(out, overwrite)
        try:
            table = read_log(log, layout, columns)
        except LogError as exc:
            raise UserError(str(exc)) from None
        scenario, record, observed = run_calibration(table, step, idle)
        write_calibration(folder.path, scenario, record, observed)
        commit_output(folder)
        for what, count in table.odd.items():
            if count:
                console.print(f"{count} rows: {what}")
        console.print(f"wrote {out}/scenario.yaml, calibration.json, observed_intervals.csv")
