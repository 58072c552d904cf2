"""The results folder: what a run writes and how a report reads it back.

Layout of ``DIR``::

    scenario.yaml        the resolved scenario (every default filled in): re-runnable as is
    provenance.json      version, seed, replications, source files, command, start time, wall time
    summary.json         {"metrics": {kpi: {"mean", "se", "ci_low", "ci_high", "n"}}}
    summary.csv          the same as a table
    replications.csv     one row of KPIs per replication
    tables/*.parquet     calls, legs, duty, intervals, group_intervals, agents (column `replication`)

    report.html          the HTML report (``ccsim run`` writes it; ``ccsim report DIR`` rebuilds it)

Everything but ``provenance.json`` and the report (which shows the provenance: start time, folder,
command) is byte-identical for the same scenario and seed.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ccsim.config.scenario import Scenario
from ccsim.experiments.runner import ReplicationResult
from ccsim.metrics.stats import INTERVAL_METHOD, Estimate, summarise
from ccsim.metrics.tables import RunTables

TABLE_NAMES = tuple(f.name for f in fields(RunTables))
COMPLETE_FILE = "complete.json"
"""Written last: the files of one finished run with their sizes. A folder without it is incomplete."""
WRITTEN_BY_CCSIM = (COMPLETE_FILE, "provenance.json", "summary.json", "comparison.json", "sweep.json", "report.html")
"""Files by which ``--overwrite`` knows a folder as ccsim's own, which it may replace."""


class IncompleteResults(ValueError):
    """A results folder that a run did not finish writing, or that mixes files of two runs."""


def is_results_folder(path: Path) -> bool:
    """Whether ``path`` holds what a ccsim command wrote (so that ``--overwrite`` may replace it)."""
    return any((path / name).exists() for name in WRITTEN_BY_CCSIM) or any(
        (child / name).exists() for child in path.iterdir() if child.is_dir() for name in WRITTEN_BY_CCSIM)


def scenario_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data with every default filled in (seconds for durations).

    An explicit ``null`` (a part switched off, such as ``redials.ivr_abandon: null``) is kept, so
    the document reads back as the same scenario; inside a distribution block a missing parameter
    is simply left out.
    """
    return _without_unset_parameters(scenario.model_dump(mode="json"))


def _without_unset_parameters(value: Any) -> Any:
    if isinstance(value, dict):
        in_distribution = "dist" in value
        return {k: _without_unset_parameters(v) for k, v in value.items() if not (in_distribution and v is None)}
    if isinstance(value, list):
        return [_without_unset_parameters(v) for v in value]
    return value


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that readers never see half of it (write aside, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes files private; results are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _json_ready(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    return value


def write_json(path: Path, document: dict[str, Any]) -> None:
    atomic_write(path, (json.dumps(_json_ready(document), indent=2, sort_keys=False) + "\n").encode())


def environment() -> dict[str, str]:
    """Versions that determine the numbers."""
    import numpy
    import simpy

    from ccsim import __version__

    return {
        "ccsim": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "simpy": simpy.__version__,
        "pandas": pd.__version__,
        "platform": sys.platform,
    }


def combined_tables(results: list[ReplicationResult]) -> dict[str, pd.DataFrame]:
    """Each table over all replications, with a leading ``replication`` column."""
    combined = {}
    for name in TABLE_NAMES:
        frames = []
        for result in results:
            frame = getattr(result.tables, name)
            frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
            frame.insert(0, "replication", result.replication)
            frames.append(frame)
        combined[name] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return combined


def summary_document(scenario: Scenario, estimates: dict[str, Estimate]) -> dict[str, Any]:
    return {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "replications": max((e.n for e in estimates.values()), default=0),
        "interval_method": INTERVAL_METHOD,
        "metrics": {name: e.to_dict() for name, e in estimates.items()},
    }


def write_results(
    out: Path,
    scenario: Scenario,
    results: list[ReplicationResult],
    provenance: dict[str, Any],
    write_tables: bool = True,
) -> dict[str, Estimate]:
    """Write the results folder for one scenario; returns the KPI estimates."""
    out.mkdir(parents=True, exist_ok=True)
    (out / COMPLETE_FILE).unlink(missing_ok=True)
    estimates = summarise([r.kpis for r in results])
    atomic_write(out / "scenario.yaml", yaml.safe_dump(scenario_document(scenario), sort_keys=False).encode())
    write_json(out / "summary.json", summary_document(scenario, estimates))
    summary = pd.DataFrame([{"metric": k, **e.to_dict()} for k, e in estimates.items()])
    atomic_write(out / "summary.csv", summary.to_csv(index=False).encode())
    per_replication = pd.DataFrame([{"replication": r.replication, **r.kpis} for r in results])
    atomic_write(out / "replications.csv", per_replication.to_csv(index=False).encode())
    if write_tables:
        for name, frame in combined_tables(results).items():
            path = out / "tables" / f"{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".parquet.tmp")
            frame.to_parquet(temporary, index=False)
            os.replace(temporary, path)
    write_json(out / "provenance.json", {**provenance, "environment": environment()})
    written = ["scenario.yaml", "summary.json", "summary.csv", "replications.csv", "provenance.json"]
    written += [f"tables/{name}.parquet" for name in TABLE_NAMES] if write_tables else []
    mark_complete(out, written)
    return estimates


def mark_complete(out: Path, files: list[str]) -> None:
    """Record that ``files`` (paths inside ``out``) form one finished run; written last."""
    write_json(out / COMPLETE_FILE, {"files": {name: (out / name).stat().st_size for name in files}})


@dataclass
class SavedRun:
    """A results folder read back."""

    path: Path
    scenario: dict[str, Any]
    summary: dict[str, Any]
    replications: pd.DataFrame
    provenance: dict[str, Any]

    def table(self, name: str) -> pd.DataFrame:
        path = self.path / "tables" / f"{name}.parquet"
        return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def check_complete(path: Path) -> None:
    """Refuse a folder whose run stopped while writing, or whose files are not all of one run."""
    try:
        listed = json.loads((path / COMPLETE_FILE).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise IncompleteResults(f"{path}: incomplete results folder (the run stopped while writing it); "
                                "run it again with --overwrite") from None
    # Sizes are recorded for provenance but not compared: tools may rewrite a table in place.
    changed = [name for name in listed if not (path / name).is_file()]
    tables = path / "tables"
    extra = [f"tables/{p.name}" for p in tables.glob("*.parquet")] if tables.is_dir() else []
    changed += [name for name in extra if name not in listed]
    if changed:
        raise IncompleteResults(f"{path}: files of different runs are mixed ({', '.join(sorted(changed)[:5])}); "
                                "run it again into an empty folder or with --overwrite")


def read_results(path: Path) -> SavedRun:
    """Read a results folder written by :func:`write_results`."""
    path = Path(path)
    missing = [n for n in ("scenario.yaml", "summary.json", "replications.csv") if not (path / n).exists()]
    if missing:
        raise FileNotFoundError(f"{path}: not a ccsim results folder (missing {', '.join(missing)})")
    check_complete(path)
    return SavedRun(
        path=path,
        scenario=yaml.safe_load((path / "scenario.yaml").read_text()),
        summary=json.loads((path / "summary.json").read_text()),
        replications=pd.read_csv(path / "replications.csv"),
        provenance=json.loads((path / "provenance.json").read_text()) if (path / "provenance.json").exists() else {},
    )
