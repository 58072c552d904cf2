"""`ccsim calibrate`: turn a call log (or an interval report) into a runnable scenario with every estimate."""

from __future__ import annotations

from pathlib import Path

import typer

from ccsim import units
from ccsim.cli.common import UserError, app, commit_output, console, prepare_output, user_errors


@app.command()
def calibrate(
    log: Path = typer.Argument(..., help="Call log or interval report (CSV, TSV or Parquet)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write scenario.yaml, calibration.json, ..."),
    layout: str = typer.Option("technion", "--format", help="technion, calls (one row per call) or intervals "
                                                            "(an ACD interval report)."),
    columns: Path | None = typer.Option(None, "--columns", help="YAML map field: column name (calls, intervals)."),
    interval: str = typer.Option("30min", "--interval", help="Planning interval (an interval report's own)."),
    gap: str = typer.Option("30min", "--gap", help="Idle stretch after which an agent counts as off duty."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Allow writing into a non-empty folder."),
) -> None:
    """Estimate arrivals, talk time, patience, redials and agents on duty from LOG."""
    from ccsim.calibrate.calibrate import calibrate as run_calibration
    from ccsim.calibrate.calibrate import calibrate_intervals, write_calibration
    from ccsim.calibrate.readers import LogError, load_interval_map, read_intervals, read_log
    from ccsim.report.calibration_report import write_calibration_report

    with user_errors():
        try:
            step, idle = units.parse_duration(interval), units.parse_duration(gap)
        except ValueError as exc:
            raise UserError(f"--interval/--gap: {exc}") from None
        if step <= 0 or 86400 % step:
            raise UserError(f"--interval {interval}: must divide a day (e.g. 15min, 30min, 1h)")
        folder = prepare_output(out, overwrite)
        try:
            if layout == "intervals":
                report = read_intervals(log, load_interval_map(columns), step)
                odd, calls = report.odd, None
                scenario, record, observed = calibrate_intervals(report, step)
            else:
                table = read_log(log, layout, columns)
                odd, calls = table.odd, table.calls
                scenario, record, observed = run_calibration(table, step, idle)
        except LogError as exc:
            raise UserError(str(exc)) from None
        write_calibration(folder.path, scenario, record, observed)
        write_calibration_report(folder.path / "report.html", record, observed, scenario, calls)
        commit_output(folder)
        for what, count in odd.items():
            if count:
                console.print(f"{count} rows: {what}")
        console.print(f"wrote {out}/scenario.yaml, calibration.json, observed_intervals.csv, report.html")
