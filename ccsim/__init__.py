"""ccsim: a contact-centre staffing simulator.

The small public API: load a scenario, simulate one replication or many.
"""

from ccsim.config.load import ScenarioError, load_scenario
from ccsim.experiments.runner import replicate, simulate

__version__ = "0.1.0"

__all__ = ["ScenarioError", "__version__", "load_scenario", "replicate", "simulate"]
