"""ccsim: a contact-centre staffing simulator.

The small public API (:mod:`ccsim.api`, docs/how-to/python-api.md): load a scenario, simulate one
replication or many, compare scenarios under
common random numbers, sweep an experiment, and recommend staffing. The command line (``ccsim``)
is a thin layer over these.
"""

from importlib.metadata import PackageNotFoundError, version

from ccsim.api import as_scenario, compare, kpis, replicate, simulate, summary
from ccsim.config.load import ScenarioError, load_scenario
from ccsim.experiments.staffing import recommend_staffing
from ccsim.experiments.sweep import load_experiment, run_sweep

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
