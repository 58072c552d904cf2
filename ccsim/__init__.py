"""ccsim: a contact-centre staffing simulator.

The small public API: load a scenario, simulate one replication or many, compare scenarios under
common random numbers, sweep an experiment, and recommend staffing. The command line (``ccsim``)
is a thin layer over these.
"""

from ccsim.config.load import ScenarioError, load_scenario
from ccsim.experiments.compare import compare
from ccsim.experiments.runner import replicate, simulate
from ccsim.experiments.staffing import recommend_staffing
from ccsim.experiments.sweep import load_experiment, run_sweep

__version__ = "0.1.0"

__all__ = [
    "ScenarioError",
    "__version__",
    "compare",
    "load_experiment",
    "load_scenario",
    "recommend_staffing",
    "replicate",
    "run_sweep",
    "simulate",
]
