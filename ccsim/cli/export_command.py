"""`ccsim export`: a results folder as the interval, day and week report planners' tools read."""

from __future__ import annotations

from pathlib import Path

import typer

from ccsim.cli.common import UserError, app, console, user_errors


@app.command()
def export(
    folder: Path = typer.Argument(..., help="Results folder of `ccsim run` or `ccsim compare`."),
    fmt: str = typer.Option("xlsx", "--format", "-f", help="csv (three files) or xlsx (one workbook)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="File to write (default FOLDER/interval-report.FORMAT)."),
    requirements: Path | None = typer.Option(None, "--requirements", help="Output folder of `ccsim staff` (or its "
                                             "requirements.csv): fills agents_required."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace files that exist."),
) -> None:
    """Write the interval report (per interval, day and week; queues and groups) as CSV or Excel."""
    from ccsim.experiments.export import (  # here, not at start-up: see ccsim.cli.common
        FORMATS,
        ExportError,
        csv_paths,
        default_output,
        interval_report,
        write_csv,
        write_xlsx,
    )

    with user_errors():
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise UserError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
        if not folder.is_dir():
            raise UserError(f"{folder}: no such folder (give the --out folder of `ccsim run` or `ccsim compare`)")
        target = out or default_output(folder, fmt)
        if target.is_dir():
            raise UserError(f"--out {target}: is a folder; give the file to write")
        targets = list(csv_paths(target).values()) if fmt == "csv" else [target]
        existing = [str(t) for t in targets if t.exists()]
        if existing and not overwrite:
            raise UserError(f"--out {', '.join(existing)}: exists; choose another file or pass --overwrite")
        try:
            report = interval_report(folder, requirements)
        except (ExportError, FileNotFoundError) as problem:
            raise UserError(str(problem)) from None
        try:
            written = write_csv(report, target) if fmt == "csv" else [write_xlsx(report, target)]
        except OSError as exc:
            raise UserError(f"--out {target}: cannot write the file ({exc.strerror or exc})") from None
        rows = len(report.intervals)
        console.print(f"{rows:,} interval rows, {len(report.days):,} day rows, {len(report.weeks):,} week rows: "
                      f"{', '.join(str(p) for p in written)}", highlight=False, soft_wrap=True)
