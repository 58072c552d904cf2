"""The Python API: what ``import ccsim`` offers, forgiving about how a scenario is given.

Every function takes a scenario as a path to a YAML file, a :class:`~ccsim.config.load.LoadedScenario`
(what :func:`ccsim.load_scenario` returns), a validated :class:`~ccsim.config.scenario.Scenario`,
or a mapping with the same content as a scenario file. ``overrides`` are the ``--set`` texts of
the command line (``"horizon.days=2"``). Results are pandas DataFrames:
``simulate(...).tables.legs``, ``kpis(results)``, ``summary(results)``, ``compare(...).to_frame()``.
Bad input raises :class:`~ccsim.config.load.ScenarioError` with one line per problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

import pandas as pd

from ccsim.config.load import LoadedScenario, apply_override, load_scenario, parse_override, scenario_from_dict
from ccsim.config.scenario import Scenario
from ccsim.experiments import compare as _compare
from ccsim.experiments import runner as _runner
from ccsim.metrics.stats import summarise
from ccsim.metrics.tables import timestamped

ScenarioLike = Union[str, Path, LoadedScenario, Scenario, Mapping[str, Any]]


def as_scenario(scenario: ScenarioLike, overrides: Sequence[str] = ()) -> Scenario:
    """A validated :class:`Scenario` from any accepted form, with ``overrides`` applied."""
    if isinstance(scenario, (str, Path)):
        return load_scenario(scenario, list(overrides)).scenario
    if isinstance(scenario, LoadedScenario):
        scenario = scenario.scenario
    if isinstance(scenario, Scenario):
        if not overrides:
            return scenario
        scenario = scenario.model_dump(mode="json", exclude_none=True)
    if isinstance(scenario, Mapping):
        data = dict(scenario)
        for text in overrides:
            keys, value = parse_override(text)
            data = apply_override(data, keys, value)
        return scenario_from_dict(data)
    raise TypeError(f"a scenario is a path, a loaded scenario or a mapping, not {type(scenario).__name__}")


def simulate(scenario: ScenarioLike, replication: int = 0, *, overrides: Sequence[str] = (),
             keep_tables: bool = True) -> _runner.ReplicationResult:
    """One replication: ``.kpis`` (a dict) and ``.tables`` (DataFrames: calls, legs, intervals, ...),
    with a local timestamp beside each time, as in a results folder's tables."""
    validated = as_scenario(scenario, overrides)
    return _stamped(_runner.simulate(validated, replication, keep_tables), validated)


def replicate(scenario: ScenarioLike, replications: int | Iterable[int] | None = None, *,
              overrides: Sequence[str] = (), jobs: int | None = 1,
              keep_tables: bool = True) -> list[_runner.ReplicationResult]:
    """Replications ``0 .. n-1`` (an int), the given numbers, or the scenario's own count (None);
    tables as :func:`simulate` gives them."""
    numbers = range(replications) if isinstance(replications, int) else replications
    validated = as_scenario(scenario, overrides)
    return [_stamped(result, validated) for result in
            _runner.replicate(validated, numbers, jobs=jobs, keep_tables=keep_tables)]


def _stamped(result: _runner.ReplicationResult, scenario: Scenario) -> _runner.ReplicationResult:
    """``result`` with timestamps in its tables (the engine's tables carry run seconds only)."""
    result.tables = timestamped(result.tables, scenario.horizon.start_date)
    return result


def compare(baseline: ScenarioLike, variants: ScenarioLike | Sequence[ScenarioLike], replications: int | None = None,
            *, overrides: Sequence[str] = (), jobs: int | None = 1, keep_tables: bool = False) -> _compare.Comparison:
    """Baseline and variants on common random numbers; ``.to_frame()`` holds the paired differences.

    ``replications`` defaults to the baseline's; ``overrides`` apply to every scenario.
    """
    if isinstance(variants, (str, Path, LoadedScenario, Scenario, Mapping)):
        variants = [variants]
    base = as_scenario(baseline, overrides)
    others = [as_scenario(v, overrides) for v in variants]
    return _compare.compare(base, others, replications or base.replications, jobs=jobs, keep_tables=keep_tables)


def kpis(results: Sequence[_runner.ReplicationResult]) -> pd.DataFrame:
    """One row of KPIs per replication, indexed by replication number."""
    return pd.DataFrame([{"replication": r.replication, **r.kpis} for r in results]).set_index("replication")


def summary(results: Sequence[_runner.ReplicationResult]) -> pd.DataFrame:
    """Per KPI: mean, standard error, 95 % interval and replications (the rows of ``summary.csv``)."""
    estimates = summarise([r.kpis for r in results])
    return pd.DataFrame([{"metric": k, **e.to_dict()} for k, e in estimates.items()]).set_index("metric")
