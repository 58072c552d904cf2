"""Read saved results for the report: one results folder, several, or a comparison folder.

Inputs are what ``ccsim run`` and ``ccsim compare`` write (see :mod:`ccsim.results`
and :mod:`ccsim.results.names`), so a report can be rebuilt at any time without
simulating again. The first scenario is the baseline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import yaml

from ccsim.metrics.stats import Estimate
from ccsim.results import SavedRun, read_results
from ccsim.results.names import COMPARISON_FILE, unique_labels


class ReportError(ValueError):
    """Saved results that cannot make a report (not a results folder, unreadable files)."""

@dataclass
class Loaded:
    """A saved scenario as the report uses it."""

    label: str
    run: SavedRun
    colour: str = ""

    @property
    def doc(self) -> dict[str, Any]:
        return self.run.scenario

    @property
    def warmup(self) -> float:
        return float(self.doc.get("horizon", {}).get("warmup", 0.0) or 0.0)

    def estimates(self) -> dict[str, Estimate]:
        return {name: Estimate(**{k: m.get(k) for k in ("mean", "se", "ci_low", "ci_high", "n")})
                for name, m in self.run.summary.get("metrics", {}).items()}

    def per_replication(self) -> pd.DataFrame:
        frame = self.run.replications
        return frame.set_index("replication").sort_index() if "replication" in frame.columns else frame

    def read_table(self, name: str, columns: Sequence[str], optional: Sequence[str] = ()) -> pd.DataFrame | None:
        """The columns of a saved table that exist; None when the table was not saved, is empty, or
        lacks a column outside ``optional`` (results of an older simulator)."""
        path = self.run.path / "tables" / f"{name}.parquet"
        if not path.exists():
            return None
        available = set(pq.read_schema(path).names)
        if any(c not in available for c in columns if c not in optional):
            return None
        frame = pd.read_parquet(path, columns=[c for c in columns if c in available])
        return frame if len(frame) else None

def load(paths: Sequence[Path]) -> tuple[list[Loaded], dict[str, Any] | None]:
    """Read a comparison folder or results folders (the first is the baseline)."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise ReportError("no results folder given")
    for path in paths:
        if not path.exists():
            raise ReportError(f"{path}: no such folder")
        if not path.is_dir():
            raise ReportError(f"{path}: not a folder (give a results folder or a comparison folder)")
    if len(paths) == 1 and (paths[0] / COMPARISON_FILE).exists():
        return _load_comparison(paths[0])
    runs = []
    for path in paths:
        if (path / COMPARISON_FILE).exists():
            raise ReportError(f"{path}: a comparison folder; give it alone to rebuild its report")
        runs.append(_read(path))
    names = [str(r.summary.get("scenario") or r.scenario.get("name") or r.path.name) for r in runs]
    labels = unique_labels(names, [r.path.name for r in runs])
    return [Loaded(label, run) for label, run in zip(labels, runs)], None

def _read(path: Path) -> SavedRun:
    try:
        return read_results(path)
    except FileNotFoundError as exc:
        raise ReportError(str(exc)) from None
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ReportError(f"{path}: cannot read results ({exc})") from None

def _load_comparison(path: Path) -> tuple[list[Loaded], dict[str, Any]]:
    try:
        document = json.loads((path / COMPARISON_FILE).read_text())
        scenarios = document["scenarios"]
        entries = [(str(s["label"]), str(s["folder"])) for s in scenarios]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReportError(f"{path / COMPARISON_FILE}: unreadable comparison file ({exc})") from None
    loaded = []
    for label, folder in entries:
        # Folder names come from a file a user could edit: never follow one out of the comparison.
        if Path(folder).name != folder or folder in ("", ".", ".."):
            raise ReportError(f"{path / COMPARISON_FILE}: invalid folder name {folder!r}")
        loaded.append(Loaded(label, _read(path / folder)))
    return loaded, document


def concat_tables(loaded: Sequence[Loaded], table: str, columns: Sequence[str], time_column: str | None = "t_start",
            optional: Sequence[str] = ("open", "required")) -> tuple[pd.DataFrame, list[str]]:
    """A table over all scenarios (column ``scenario``) after each one's warm-up; and who lacks it."""
    frames, missing = [], []
    for item in loaded:
        frame = item.read_table(table, columns, optional)
        if frame is None:
            missing.append(item.label)
            continue
        if time_column and time_column in frame.columns and item.warmup > 0:
            frame = frame[frame[time_column] >= item.warmup]
        if "open" in frame.columns:
            # Intervals after closing hold only stragglers (a transfer, the last calls in hand); their
            # ratios swing wildly on a handful of calls and would dwarf the day in the charts.
            frame = frame[frame["open"].astype(bool)]
        frames.append(frame.assign(scenario=item.label))
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), missing
