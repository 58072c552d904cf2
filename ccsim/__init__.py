"""ccsim: a contact-centre staffing simulator.

The small public API (:mod:`ccsim.api`, docs/how-to/python-api.md): load a scenario, simulate one
replication or many, compare scenarios under
common random numbers, sweep an experiment, and recommend staffing. The command line (``ccsim``)
is a thin layer over these.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccsim.api import as_scenario, compare, kpis, replicate, simulate, summary
    from ccsim.config.load import ScenarioError, load_scenario
    from ccsim.experiments.staffing import recommend_staffing
    from ccsim.experiments.sweep import load_experiment, run_sweep

# Where each public name lives. They are imported on first use (PEP 562), so that starting the
# command line, which imports this package first, does not pay for pandas, scipy and every command.
_HOMES = {
    "as_scenario": "ccsim.api",
    "compare": "ccsim.api",
    "kpis": "ccsim.api",
    "replicate": "ccsim.api",
    "simulate": "ccsim.api",
    "summary": "ccsim.api",
    "ScenarioError": "ccsim.config.load",
    "load_scenario": "ccsim.config.load",
    "recommend_staffing": "ccsim.experiments.staffing",
    "load_experiment": "ccsim.experiments.sweep",
    "run_sweep": "ccsim.experiments.sweep",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ccsim' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value

try:
    # The one version source is pyproject.toml, read back from the installed package's metadata;
    # provenance, reports and ``ccsim --version`` all use this.
    __version__ = version("ccsim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "ScenarioError",
    "__version__",
    "as_scenario",
    "compare",
    "kpis",
    "load_experiment",
    "load_scenario",
    "recommend_staffing",
    "replicate",
    "run_sweep",
    "simulate",
    "summary",
]
