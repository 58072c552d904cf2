"""One run's results folder: writing it from replications and reading it back as a validated scenario.

The layout is in :mod:`ccsim.results.names`. Everything but ``provenance.json``, ``complete.json``
and the report (which shows the provenance: start time, folder, command) is byte-identical for the
same scenario and seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ccsim.config.load import ScenarioError, scenario_from_dict
from ccsim.config.scenario import Scenario
from ccsim.experiments.runner import ReplicationResult
from ccsim.metrics.stats import INTERVAL_METHOD, Estimate, summarise
from ccsim.results.files import atomic_write, write_json
from ccsim.results.folder import IncompleteResults, check_complete, mark_complete
from ccsim.results.names import (
    COMPLETE_FILE,
    PROVENANCE_FILE,
    REPLICATIONS_CSV,
    RUN_FILES,
    SCENARIO_FILE,
    SUMMARY_CSV,
    SUMMARY_JSON,
    TABLES_DIR,
)
from ccsim.results.parts import merge_parts, write_held_tables
from ccsim.results.provenance import environment


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


def summary_document(scenario: Scenario, estimates: dict[str, Estimate]) -> dict[str, Any]:
    """What ``summary.json`` holds: the scenario's name and seed, and every KPI's estimate."""
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
    """Write the results folder for one scenario, marked complete with ``provenance["run_id"]``; returns the estimates.

    Commands write into an :class:`~ccsim.results.folder.OutputFolder` so that the folder appears
    whole; writing straight into ``out`` (the Python API) marks it complete last all the same.
    Replications whose tables were saved as they finished (``replicate(..., save_tables=TableParts(out, start_date))``)
    have them merged from disk; otherwise their tables in memory are written.
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / COMPLETE_FILE).unlink(missing_ok=True)  # written into in place: incomplete until the end
    estimates = summarise([r.kpis for r in results])
    atomic_write(out / SCENARIO_FILE, yaml.safe_dump(scenario_document(scenario), sort_keys=False).encode())
    write_json(out / SUMMARY_JSON, summary_document(scenario, estimates))
    summary = pd.DataFrame([{"metric": k, **e.to_dict()} for k, e in estimates.items()])
    atomic_write(out / SUMMARY_CSV, summary.to_csv(index=False).encode())
    per_replication = pd.DataFrame([{"replication": r.replication, **r.kpis} for r in results])
    atomic_write(out / REPLICATIONS_CSV, per_replication.to_csv(index=False).encode())
    written = list(RUN_FILES)
    if write_tables:
        if any(r.tables_saved for r in results):  # saved as parts into ``out`` by the workers
            written += merge_parts(out, [r.replication for r in results])
        else:
            written += write_held_tables(out, [(r.replication, r.tables) for r in results],
                                         scenario.horizon.start_date)
    write_json(out / PROVENANCE_FILE, {**provenance, "environment": environment()})
    mark_complete(out, written, provenance.get("run_id"))
    return estimates


@dataclass
class SavedRun:
    """A results folder read back.

    ``validated`` is the run's scenario, validated as a scenario file is; ``scenario`` the same as
    plain data, as written (durations in seconds), for readers that compare or show its fields.
    """

    path: Path
    validated: Scenario
    scenario: dict[str, Any]
    summary: dict[str, Any]
    replications: pd.DataFrame
    provenance: dict[str, Any]

    def table(self, name: str) -> pd.DataFrame:
        """One of :data:`TABLE_NAMES` over all replications (empty when the run wrote no tables)."""
        path = self.path / TABLES_DIR / f"{name}.parquet"
        return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def read_results(path: Path) -> SavedRun:
    """Read a results folder written by :func:`write_results`.

    Raises FileNotFoundError when it is no results folder, :class:`IncompleteResults` when it is
    incomplete or mixed, and ValueError when its scenario no longer validates (edited by hand, or
    written by a version with other rules).
    """
    path = Path(path)
    missing = [n for n in (SCENARIO_FILE, SUMMARY_JSON, REPLICATIONS_CSV) if not (path / n).exists()]
    if missing:
        raise FileNotFoundError(f"{path}: not a ccsim results folder (missing {', '.join(missing)})")
    check_complete(path)
    document = yaml.safe_load((path / SCENARIO_FILE).read_text())
    if not isinstance(document, dict):
        raise IncompleteResults(f"{path / SCENARIO_FILE}: not a scenario")
    try:
        scenario = scenario_from_dict(document, path)
    except ScenarioError as exc:
        raise ValueError(f"{path / SCENARIO_FILE}: not a valid scenario ({'; '.join(exc.problems[:3])})") from None
    provenance_path = path / PROVENANCE_FILE
    return SavedRun(
        path=path,
        validated=scenario,
        scenario=document,
        summary=json.loads((path / SUMMARY_JSON).read_text()),
        replications=pd.read_csv(path / REPLICATIONS_CSV),
        provenance=json.loads(provenance_path.read_text()) if provenance_path.exists() else {},
    )
