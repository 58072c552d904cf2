"""The interval report planners load into workforce-management tools and spreadsheets.

``ccsim export`` turns a results folder (of ``ccsim run``) or a comparison folder (of ``ccsim
compare``) into three tables, one row per scenario, period and queue or group:

* ``intervals``: per planning interval, with its local start and end (``horizon.start_date``
  00:00 plus run seconds: wall-clock time, no time zone);
* ``days``: per calendar date;
* ``weeks``: per week, starting on Monday (ISO weeks).

Queue rows (``level = queue``) carry the calls: offered, handled (answered), abandoned, AHT (talk
plus wrap-up of the calls handled), ASA, service level (answered within the threshold / answered
plus abandoned, as the run's KPIs count it) and abandon rate. Group rows (``level = group``) carry
the agents: occupancy, agents scheduled (on duty, breaks included), on the phones (on duty less
breaks) and required (the simulated requirement of a ``ccsim staff`` run, when given). In the
interval table agents are mean headcounts over the interval; in the day and week tables they are
agent-hours.

Counts are means over the replications; rates and averages are ratios of those means (ASA is
total wait over total answered across replications), so a day's figure is exactly what its
intervals add up to. Intervals the run keeps (open, or with calls or agents) are all shown,
warm-up included.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ccsim import units
from ccsim.results import COMPARISON_FILE, SCENARIO_FILE, SavedRun, atomic_write, read_results

FORMATS = ("csv", "xlsx")
SHEETS = ("intervals", "days", "weeks")
REQUIREMENTS_FILE = "requirements.csv"

# Additive quantities per row, each the mean over replications; every reported figure derives from these.
_SUMS = ("offered", "handled", "abandoned", "within_threshold", "wait_s", "handle_s", "handled_timed",
         "scheduled_s", "on_phones_s", "busy_s", "available_s", "required_s")
_CALL_COLUMNS = ["offered", "handled", "abandoned", "aht_s", "asa_s", "service_level", "abandon_rate"]
_SHARE_COLUMNS = ("service_level", "abandon_rate", "occupancy")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ExportError(ValueError):
    """A folder or requirements file that cannot be exported, with what to do about it."""


@dataclass
class IntervalReport:
    """The three tables of the interval report and what they were made from (``about``: field, value)."""

    intervals: pd.DataFrame
    days: pd.DataFrame
    weeks: pd.DataFrame
    about: pd.DataFrame

    def sheets(self) -> dict[str, pd.DataFrame]:
        return {"intervals": self.intervals, "days": self.days, "weeks": self.weeks}


def interval_report(folder: Path, requirements: Path | None = None) -> IntervalReport:
    """Build the interval report of a results or comparison folder.

    ``requirements`` is the output folder of ``ccsim staff`` (or its ``requirements.csv``); its
    simulated headcount per weekday, interval and group fills ``agents_required``.
    """
    runs = _runs_in(Path(folder))
    required = _read_requirements(Path(requirements)) if requirements is not None else None
    sums = pd.concat([_run_sums(label, run, required) for label, run in runs], ignore_index=True)
    if required is not None and not sums["required_s"].notna().any():
        raise ExportError(f"{requirements}: no weekday, interval and group matches the run's "
                          f"(requirements for {', '.join(sorted(required['group'].unique()))}); "
                          "give the requirements of a staffing run of the same centre")
    first = runs[0][1]
    interval = float(first.validated.horizon.interval)
    if any(float(run.validated.horizon.interval) != interval for _, run in runs):
        raise ExportError(f"{folder}: the scenarios use different planning intervals; export them one by one")
    keys = ["scenario", "level", "name"]
    days = sums.groupby([*keys, "date"], sort=False, observed=True)[list(_SUMS)].sum(min_count=1).reset_index()
    days.insert(days.columns.get_loc("date") + 1, "weekday", [_WEEKDAYS[d.weekday()] for d in days["date"]])
    sums["week_start"] = sums["date"] - pd.to_timedelta(sums["date"].dt.day_of_week, unit="D")
    weeks = sums.groupby([*keys, "week_start"], sort=False, observed=True)[list(_SUMS)].sum(min_count=1)
    weeks = weeks.reset_index()
    order = {"ascending": [True, False, True], "kind": "stable"}
    days = days.sort_values(["date", "level", "name"], **order).sort_values("scenario", key=_in_order(runs),
                                                                             kind="stable")
    weeks = weeks.sort_values(["week_start", "level", "name"], **order).sort_values("scenario", key=_in_order(runs),
                                                                                    kind="stable")
    return IntervalReport(
        intervals=_figures(sums, ["scenario", "date", "interval_start", "interval_end", "weekday", "level", "name"],
                           agent_unit_s=interval, agents_prefix="agents"),
        days=_figures(days, ["scenario", "date", "weekday", "level", "name"], units.HOUR, "agent_hours"),
        weeks=_figures(weeks, ["scenario", "week_start", "level", "name"], units.HOUR, "agent_hours"),
        about=_about(folder, runs, requirements),
    )


def _in_order(runs: list[tuple[str, SavedRun]]):
    rank = {label: index for index, (label, _) in enumerate(runs)}
    return lambda column: column.map(rank)


def _runs_in(folder: Path) -> list[tuple[str, SavedRun]]:
    if (folder / SCENARIO_FILE).exists():
        run = read_results(folder)
        return [(run.validated.name, run)]
    comparison = folder / COMPARISON_FILE
    if comparison.exists():
        document = json.loads(comparison.read_text())
        return [(entry["label"], read_results(folder / entry["folder"])) for entry in document["scenarios"]]
    raise ExportError(f"{folder}: not a results folder of `ccsim run` or `ccsim compare` "
                      "(no scenario.yaml or comparison.json)")


def _read_requirements(path: Path) -> pd.DataFrame:
    file = path / REQUIREMENTS_FILE if path.is_dir() else path
    if not file.exists():
        raise ExportError(f"--requirements {path}: no {REQUIREMENTS_FILE} (the output folder of `ccsim staff`)")
    table = pd.read_csv(file)
    missing = [c for c in ("day", "time", "group", "simulated") if c not in table.columns]
    if missing:
        raise ExportError(f"--requirements {file}: not a requirements table of `ccsim staff` "
                          f"(missing column {', '.join(missing)})")
    return table[["day", "time", "group", "simulated"]]


def _run_sums(label: str, run: SavedRun, required: pd.DataFrame | None) -> pd.DataFrame:
    """Per interval and queue or group of one run: the additive quantities, means over replications."""
    horizon = run.validated.horizon
    interval = float(horizon.interval)
    intervals, groups, legs = run.table("intervals"), run.table("group_intervals"), run.table("legs")
    if intervals.empty or groups.empty:
        raise ExportError(f"{run.path}: holds no interval tables (run without --no-tables to export it)")
    n_slots = int(horizon.days * units.DAY // interval)
    replications = max(1, int(intervals["replication"].nunique()))

    # The interval table keeps ASA (a mean); total wait is what adds up across intervals and replications.
    wait = (intervals["asa_s"] * intervals["answered"]).where(intervals["answered"] > 0, 0.0)
    queue = intervals.assign(wait_s=wait).groupby(["slot", "queue"], observed=True).agg(
        offered=("offered", "sum"), handled=("answered", "sum"), abandoned=("abandoned", "sum"),
        within_threshold=("answered_within_threshold", "sum"), wait_s=("wait_s", "sum"),
    )
    handle = _handle_times(legs, interval, n_slots)
    queue = queue.join(handle, how="left").fillna({"handle_s": 0.0, "handled_timed": 0.0})
    queue = queue.reset_index().rename(columns={"queue": "name"})
    queue.insert(0, "level", "queue")

    group = groups.assign(scheduled_s=groups["agents_on_duty"] * interval).groupby(["slot", "group"], observed=True)
    group = group.agg(scheduled_s=("scheduled_s", "sum"), on_phones_s=("available_s", "sum"),
                      busy_s=("busy_s", "sum"), available_s=("available_s", "sum")).reset_index()
    group = group.rename(columns={"group": "name"})
    group.insert(0, "level", "group")

    rows = pd.concat([queue, group], ignore_index=True)
    rows["name"] = rows["name"].astype(str)
    for column in _SUMS:
        if column == "required_s":
            continue
        rows[column] = (rows[column].fillna(0.0).astype(float) if column in rows else 0.0) / replications
    # Unknown requirements stay empty, not zero: only a staffing run can say what is needed.
    rows["required_s"] = np.nan
    origin = pd.Timestamp(horizon.start_date)
    slots_per_day = int(units.DAY // interval)
    rows["interval_start"] = origin + pd.to_timedelta(rows["slot"] * interval, unit="s")
    rows["interval_end"] = rows["interval_start"] + pd.Timedelta(seconds=interval)
    rows["date"] = origin + pd.to_timedelta(rows["slot"] // slots_per_day, unit="D")
    rows["weekday"] = [_WEEKDAYS[d.weekday()] for d in rows["date"]]
    if required is not None:
        rows["required_s"] = _required_seconds(rows, required, interval)
    rows.insert(0, "scenario", label)
    # Queues (the calls) before groups (the agents) in each interval.
    return rows.sort_values(["slot", "level", "name"], ascending=[True, False, True], kind="stable").reset_index(
        drop=True)


def _handle_times(legs: pd.DataFrame, interval: float, n_slots: int) -> pd.DataFrame:
    """Talk plus wrap-up of the legs handled, by the interval they queued in (as the interval table counts)."""
    if legs.empty:
        return pd.DataFrame(columns=["handle_s", "handled_timed"])
    answered = legs[(legs["outcome"].astype(str) == "answered")]
    handle = (answered["talk_s"] + answered["wrap_s"]).to_numpy(dtype=float)
    finished = np.isfinite(handle)  # a call still in progress at the end of the horizon has no handle time
    slot = np.minimum(answered["t_enqueue"].to_numpy() // interval, n_slots - 1).astype(int)
    frame = pd.DataFrame({"slot": slot[finished], "queue": answered["queue"].astype(str).to_numpy()[finished],
                          "handle_s": handle[finished]})
    return frame.groupby(["slot", "queue"]).agg(handle_s=("handle_s", "sum"), handled_timed=("handle_s", "size"))


def _required_seconds(rows: pd.DataFrame, required: pd.DataFrame, interval: float) -> np.ndarray:
    """Agent-seconds required per row: the staffing run's headcount for the row's weekday, time and group."""
    lookup = {(str(r.day).lower()[:3], str(r.time), str(r.group)): float(r.simulated)
              for r in required.itertuples(index=False)}
    clock = [units.format_clock((s * interval) % units.DAY) for s in rows["slot"]]
    values = [lookup.get((w.lower(), t, n), np.nan) if level == "group" else np.nan
              for w, t, n, level in zip(rows["weekday"], clock, rows["name"], rows["level"])]
    return np.asarray(values, dtype=float) * interval


def _figures(sums: pd.DataFrame, keys: list[str], agent_unit_s: float, agents_prefix: str) -> pd.DataFrame:
    """The reported columns from the additive ones (``agent_unit_s``: seconds per reported agent unit)."""
    out = sums[keys].copy()
    is_queue = (sums["level"] == "queue").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        closed = sums["handled"] + sums["abandoned"]
        figures = {
            "offered": sums["offered"].round(2),
            "handled": sums["handled"].round(2),
            "abandoned": sums["abandoned"].round(2),
            "aht_s": (sums["handle_s"] / sums["handled_timed"]).round(1),
            "asa_s": (sums["wait_s"] / sums["handled"]).round(1),
            "service_level": (sums["within_threshold"] / closed).round(4),
            "abandon_rate": (sums["abandoned"] / closed).round(4),
        }
        for name, values in figures.items():
            out[name] = values.where(is_queue)
        out["occupancy"] = (sums["busy_s"] / sums["available_s"]).where(~is_queue).round(4)
        for part, column in (("scheduled", "scheduled_s"), ("on_phones", "on_phones_s"), ("required", "required_s")):
            values = sums[column].where(~is_queue & np.isfinite(sums[column])) / agent_unit_s
            out[f"{agents_prefix}_{part}"] = values.round(2)
    return out.replace([np.inf, -np.inf], np.nan).reset_index(drop=True)


def _about(folder: Path, runs: list[tuple[str, SavedRun]], requirements: Path | None) -> pd.DataFrame:
    from ccsim import __version__

    first = runs[0][1].validated
    rows = [
        ("source", str(folder)),
        ("scenarios", ", ".join(label for label, _ in runs)),
        ("replications", ", ".join(str(len(run.replications)) for _, run in runs)),
        ("first day", str(first.horizon.start_date)),
        ("interval", units.format_duration(float(first.horizon.interval))),
        ("service level", f"answered within {units.format_duration(float(first.service_level.threshold))} "
                          "/ (answered + abandoned)"),
        ("counts", "means over the replications"),
        ("times", "local wall-clock time from 00:00 of the first day (no time zone)"),
        ("agents", "intervals: mean headcount over the interval; days and weeks: agent-hours"),
        ("required", f"simulated requirement of {requirements}" if requirements else "not given (ccsim export "
                     "--requirements STAFF_DIR)"),
        ("ccsim", __version__),
    ]
    return pd.DataFrame(rows, columns=["field", "value"])


def default_output(folder: Path, fmt: str) -> Path:
    return Path(folder) / f"interval-report.{fmt}"


def csv_paths(path: Path) -> dict[str, Path]:
    """Where each table goes as CSV: ``FILE.csv`` (intervals), ``FILE-days.csv``, ``FILE-weeks.csv``."""
    path = Path(path)
    stem = path.with_suffix("")
    return {"intervals": path.with_suffix(".csv"), "days": Path(f"{stem}-days.csv"),
            "weeks": Path(f"{stem}-weeks.csv")}


def write_csv(report: IntervalReport, path: Path) -> list[Path]:
    """Write the three tables as CSV files (see :func:`csv_paths`); returns their paths."""
    written = []
    for name, target in csv_paths(path).items():
        frame = report.sheets()[name].copy()
        for column in [c for c in frame.columns if _number_format(c) == "yyyy-mm-dd"]:
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        atomic_write(target, frame.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S").encode())
        written.append(target)
    return written


def write_xlsx(report: IntervalReport, path: Path) -> Path:
    """Write one workbook: sheets ``intervals``, ``days``, ``weeks`` and ``about``, ready to filter."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in [*report.sheets().items(), ("about", report.about)]:
            frame.to_excel(writer, sheet_name=name, index=False)
            _format_sheet(writer.sheets[name], frame)
    atomic_write(Path(path), buffer.getvalue())
    return Path(path)


def _format_sheet(sheet, frame: pd.DataFrame) -> None:
    """Dates and times as Excel dates, shares as per cent, a frozen header and readable widths."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        number_format = _number_format(column)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
        width = max([len(str(column)), *(len(str(v)) for v in _sample(frame[column]))])
        sheet.column_dimensions[letter].width = min(60, max(10, width + 2))


def _number_format(column: str) -> str | None:
    if column in ("interval_start", "interval_end"):
        return "yyyy-mm-dd hh:mm"
    if column in ("date", "week_start"):
        return "yyyy-mm-dd"
    if column in _SHARE_COLUMNS:
        return "0.0%"
    return None


def _sample(values: Iterable) -> list:
    return list(pd.Series(values).head(200))
