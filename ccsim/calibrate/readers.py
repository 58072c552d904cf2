"""Call-log readers: the Technion layout and a generic per-call layout with a column map.

Both produce one table of calls with the same columns (times in seconds after the date's midnight):
``date``, ``arrive_s`` (joined the queue or reached an agent), ``wait_s``, ``outcome``
("answered", "abandoned", "ivr_abandoned"), ``talk_s``, ``agent``, ``caller``, ``priority``,
``call_type`` and ``ivr_s``. Rows that are odd but harmless are counted in ``LogTable.odd``, never
silently dropped; rows that cannot be read raise :class:`LogError` naming file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

CALL_FIELDS = ("arrive", "wait_s", "outcome", "talk_s", "agent", "caller", "priority", "call_type", "ivr_s")
REQUIRED = ("arrive", "wait_s", "outcome", "talk_s")
OUTCOME_WORDS = {"answered": "answered", "agent": "answered", "served": "answered",
                 "abandoned": "abandoned", "hang": "abandoned", "abandon": "abandoned"}


class LogError(Exception):
    """A log that cannot be read: one message naming the file, row and column."""


@dataclass
class LogTable:
    """The calls of a log in the common layout, and what was odd about it."""

    calls: pd.DataFrame
    source: str
    odd: dict[str, int] = field(default_factory=dict)


def read_table(path: Path) -> pd.DataFrame:
    """CSV, TSV (optionally gzipped) or Parquet, by the file's name."""
    if not path.exists():
        raise LogError(f"{path}: no such file")
    name = path.name.lower().removesuffix(".gz")
    try:
        if name.endswith(".parquet"):
            return pd.read_parquet(path)
        return pd.read_csv(path, sep="\t" if name.endswith((".tsv", ".txt")) else ",", dtype=str,
                           keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise LogError(f"{path}: cannot be read as a table ({exc})") from None


def _clock_seconds(values: pd.Series, path: Path, column: str) -> np.ndarray:
    """'H:MM:SS' -> seconds after midnight; names the first row that does not parse."""
    parts = values.astype(str).str.strip().str.split(":", expand=True)
    bad = parts.isna().any(axis=1) if parts.shape[1] == 3 else pd.Series(True, index=values.index)
    if parts.shape[1] == 3:
        numbers = parts.apply(pd.to_numeric, errors="coerce")
        bad |= numbers.isna().any(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise LogError(f"{path}: row {row + 2}, column {column}: time {values.iloc[row]!r} is not H:MM:SS")
    return (numbers[0] * 3600 + numbers[1] * 60 + numbers[2]).to_numpy(dtype=float)


def _numbers(values: pd.Series, path: Path, column: str, nonnegative: bool = True) -> np.ndarray:
    parsed = pd.to_numeric(values, errors="coerce")
    bad = parsed.isna() | ~np.isfinite(parsed)
    if nonnegative:
        bad |= parsed < 0
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        what = "a finite number >= 0" if nonnegative else "a number"
        raise LogError(f"{path}: row {row + 2}, column {column}: {values.iloc[row]!r} is not {what}")
    return parsed.to_numpy(dtype=float)


def _require(frame: pd.DataFrame, path: Path, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LogError(f"{path}: missing column(s) {', '.join(missing)}; the file has {', '.join(frame.columns)}")


def _check_abandons(table: LogTable, path: Path) -> LogTable:
    if len(table.calls) == 0:
        raise LogError(f"{path}: no calls")
    if not (table.calls["outcome"] == "abandoned").any():
        raise LogError(f"{path}: column outcome: no abandoned calls, so patience cannot be estimated")
    return table


def read_technion(path: Path) -> LogTable:
    """The Technion "Anonymous Bank" layout (see data/README.md): one row per call, PHANTOMs counted."""
    frame = read_table(path)
    _require(frame, path, ["date", "vru_exit", "q_start", "q_time", "outcome", "ser_start", "ser_time", "server",
                           "customer_id", "priority", "type", "vru_time"])
    frame = frame.astype(str)
    outcome = frame["outcome"].str.strip().str.upper()
    unknown = ~outcome.isin(["AGENT", "HANG", "PHANTOM"])
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise LogError(f"{path}: row {row + 2}, column outcome: {frame['outcome'].iloc[row]!r}; "
                       "allowed are AGENT, HANG, PHANTOM")
    dates = pd.to_datetime(frame["date"].str.strip(), format="%y%m%d", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise LogError(f"{path}: row {row + 2}, column date: {frame['date'].iloc[row]!r} is not YYMMDD")
    wait = _numbers(frame["q_time"], path, "q_time")
    talk = _numbers(frame["ser_time"], path, "ser_time")
    ivr = _numbers(frame["vru_time"], path, "vru_time", nonnegative=False)
    vru_exit = _clock_seconds(frame["vru_exit"], path, "vru_exit")
    queued = frame["q_start"].str.strip() != "0:00:00"
    q_start = _clock_seconds(frame["q_start"], path, "q_start")
    arrive = np.where(queued, q_start, vru_exit)
    served = outcome == "AGENT"
    result = np.where(served, "answered", np.where(queued, "abandoned", "ivr_abandoned"))
    calls = pd.DataFrame({
        "date": dates.dt.date, "arrive_s": arrive, "wait_s": wait, "outcome": result,
        "talk_s": np.where(served, talk, 0),
        "agent": frame["server"].str.strip().where(served & (frame["server"].str.strip() != "NO_SERVER"), ""),
        "caller": frame["customer_id"].str.strip().replace({"0": ""}),
        "priority": pd.to_numeric(frame["priority"], errors="coerce").fillna(0).astype(int),
        "call_type": frame["type"].str.strip(), "ivr_s": np.where(ivr >= 0, ivr, np.nan),
    })
    phantom = (outcome == "PHANTOM").to_numpy()
    odd = {"phantom (left no trace in the queue; not used)": int(phantom.sum()),
           "served with no agent named (NO_SERVER)": int((served & (frame["server"].str.strip() == "NO_SERVER")).sum()),
           "served with zero talk time": int((served & (talk == 0)).sum()),
           "hung up in the voice menu before queueing": int((result == "ivr_abandoned").sum()),
           "negative voice-menu time (clock wrap at midnight; menu time left unknown)": int((ivr < 0).sum())}
    return _check_abandons(LogTable(calls[~phantom].reset_index(drop=True), str(path), odd), path)


def load_column_map(path: Path | None) -> dict[str, str]:
    """The ``calls`` layout's column names: {field: column in the export}; fields default to their own name."""
    return _column_map(path, CALL_FIELDS)


def _column_map(path: Path | None, fields: tuple[str, ...]) -> dict[str, str]:
    mapping = {name: name for name in fields}
    if path is None:
        return mapping
    try:
        given = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise LogError(f"{path}: cannot be read as YAML ({exc})") from None
    if not isinstance(given, dict):
        raise LogError(f"{path}: expected a mapping of field: column name")
    for key, value in given.items():
        if key not in fields:
            raise LogError(f"{path}: unknown field {key!r}; fields are {', '.join(fields)}")
        mapping[key] = str(value)
    return mapping


def read_calls(path: Path, columns: dict[str, str]) -> LogTable:
    """The generic per-call layout: ``arrive`` is an ISO timestamp, durations in seconds."""
    frame = read_table(path)
    _require(frame, path, [columns[name] for name in REQUIRED])
    stamps = pd.to_datetime(frame[columns["arrive"]], errors="coerce")
    if stamps.isna().any():
        row = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise LogError(f"{path}: row {row + 2}, column {columns['arrive']}: "
                       f"{frame[columns['arrive']].iloc[row]!r} is not a timestamp (e.g. 2026-01-05 08:03:12)")
    words = frame[columns["outcome"]].astype(str).str.strip().str.lower()
    outcome = words.map(OUTCOME_WORDS)
    if outcome.isna().any():
        row = int(np.flatnonzero(outcome.isna().to_numpy())[0])
        raise LogError(f"{path}: row {row + 2}, column {columns['outcome']}: {frame[columns['outcome']].iloc[row]!r}; "
                       f"allowed are {', '.join(sorted(OUTCOME_WORDS))}")
    wait = _numbers(frame[columns["wait_s"]], path, columns["wait_s"])
    talk = _numbers(frame[columns["talk_s"]], path, columns["talk_s"])

    def optional(name: str, default: object) -> pd.Series:
        column = columns[name]
        return frame[column] if column in frame.columns else pd.Series(default, index=frame.index)

    ivr = _numbers(optional("ivr_s", 0).astype(str), path, columns["ivr_s"])
    served = (outcome == "answered").to_numpy()
    calls = pd.DataFrame({
        "date": stamps.dt.date, "arrive_s": (stamps - stamps.dt.normalize()).dt.total_seconds().to_numpy(),
        "wait_s": wait, "outcome": outcome.to_numpy(), "talk_s": np.where(served, talk, 0.0),
        "agent": optional("agent", "").astype(str).str.strip().where(served, ""),
        "caller": optional("caller", "").astype(str).str.strip().replace({"0": ""}),
        "priority": pd.to_numeric(optional("priority", 0), errors="coerce").fillna(0).astype(int),
        "call_type": optional("call_type", "all").astype(str), "ivr_s": ivr,
    })
    odd = {"served with zero talk time": int((served & (talk == 0)).sum()),
           "served with no agent named": int((served & (calls["agent"] == "")).sum())}
    return _check_abandons(LogTable(calls, str(path), odd), path)


INTERVAL_FIELDS = ("date", "interval_start", "offered", "answered", "abandoned", "aht_s", "asa_s", "service_level",
                   "agents")
INTERVAL_REQUIRED = INTERVAL_FIELDS[:7]


@dataclass
class IntervalReport:
    """A half-hourly (or other) ACD interval report in the layout of :func:`observed_intervals`."""

    intervals: pd.DataFrame
    source: str
    interval: float
    has_agents: bool
    odd: dict[str, int] = field(default_factory=dict)


def read_intervals(path: Path, columns: dict[str, str], interval: float) -> IntervalReport:
    """An interval report: one row per date and interval with offered, answered, abandoned, AHT and ASA
    (seconds), optionally service level (share or percent) and agents. ``interval_start`` is HH:MM."""
    frame = read_table(path)
    _require(frame, path, [columns[name] for name in INTERVAL_REQUIRED])
    dates = pd.to_datetime(frame[columns["date"]].astype(str).str.strip(), errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise LogError(f"{path}: row {row + 2}, column {columns['date']}: {frame[columns['date']].iloc[row]!r} "
                       "is not a date (e.g. 1999-02-01)")
    start_text = frame[columns["interval_start"]].astype(str).str.strip()
    start = _clock_seconds(start_text.where(start_text.str.count(":") == 2, start_text + ":00"), path,
                           columns["interval_start"])
    off_grid = (start % interval != 0) | (start >= 86400)
    if off_grid.any():
        row = int(np.flatnonzero(off_grid)[0])
        raise LogError(f"{path}: row {row + 2}, column {columns['interval_start']}: {start_text.iloc[row]!r} is not "
                       f"the start of a {int(interval // 60)}-minute interval (give --interval to match the report)")
    counts = {name: _numbers(frame[columns[name]], path, columns[name]) for name in ("offered", "answered",
                                                                                     "abandoned")}
    blank = {name: frame[columns[name]].astype(str).str.strip() == "" for name in ("aht_s", "asa_s")}
    means = {name: _numbers(frame[columns[name]].where(~blank[name], "0"), path, columns[name])
             for name in ("aht_s", "asa_s")}
    over = counts["answered"] + counts["abandoned"] > counts["offered"] + 1e-9
    if over.any():
        row = int(np.flatnonzero(over)[0])
        raise LogError(f"{path}: row {row + 2}, columns {columns['answered']}/{columns['abandoned']}: answered + "
                       f"abandoned exceed offered ({columns['offered']})")
    table = pd.DataFrame({"date": dates.dt.date, "slot": (start // interval).astype(int), **counts})
    table["time"] = [f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}" for s in start]
    answered = table["answered"] > 0
    table["aht_s"] = np.where(answered, means["aht_s"], np.nan)
    table["asa_s"] = np.where(answered, means["asa_s"], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["abandon_rate"] = table["abandoned"] / table["offered"]
    if columns["service_level"] in frame.columns:
        raw = frame[columns["service_level"]].astype(str).str.strip()
        level = _numbers(raw.where(raw != "", "0"), path, columns["service_level"])  # blank: no calls to measure
        level = np.where(raw == "", np.nan, level)
        table["service_level"] = level / 100.0 if np.nanmax(level, initial=0) > 1 else level
    else:
        table["service_level"] = np.nan
    has_agents = columns["agents"] in frame.columns
    table["agents"] = _numbers(frame[columns["agents"]], path, columns["agents"]) if has_agents else np.nan
    table["occupancy"] = np.where(table["agents"] > 0, table["answered"] * table["aht_s"].fillna(0)
                                  / (interval * table["agents"].where(table["agents"] > 0)), np.nan)
    table["busy_s"] = table["answered"] * table["aht_s"].fillna(0)
    table["duty_s"] = table["agents"] * interval
    duplicated = table.duplicated(["date", "slot"])
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise LogError(f"{path}: row {row + 2}: a second row for {table['date'].iloc[row]} {table['time'].iloc[row]}")
    if table["offered"].sum() == 0:
        raise LogError(f"{path}: no calls offered")
    if table["abandoned"].sum() == 0:
        raise LogError(f"{path}: column {columns['abandoned']}: no abandoned calls, so patience cannot be estimated")
    odd = {"intervals with calls offered but none answered (no AHT or ASA)":
           int(((table["offered"] > 0) & ~answered).sum())}
    columns_out = ["date", "time", "slot", "offered", "answered", "abandoned", "abandon_rate", "asa_s",
                   "service_level", "aht_s", "agents", "occupancy", "busy_s", "duty_s"]
    return IntervalReport(table[columns_out].sort_values(["date", "slot"]).reset_index(drop=True), str(path),
                          interval, has_agents, odd)


def load_interval_map(path: Path | None) -> dict[str, str]:
    return _column_map(path, INTERVAL_FIELDS)


LAYOUTS = ("technion", "calls", "intervals")


def read_log(path: Path, layout: str, column_map: Path | None = None) -> LogTable:
    """A per-call log (``technion`` or ``calls``); interval reports are read by :func:`read_intervals`."""
    if layout == "technion":
        return read_technion(path)
    if layout == "calls":
        return read_calls(path, load_column_map(column_map))
    raise LogError(f"--format {layout}: allowed are {', '.join(LAYOUTS)}")
