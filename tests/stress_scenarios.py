"""The stress calibration set-up of docs/background/agents.md at a chosen load and difficult share."""

from __future__ import annotations

from ccsim.config.load import load_scenario
from ccsim.config.scenario import Scenario
from tests.conftest import CONFIGS

AGENTS = 40
ON_PHONES = 7 / 8  # 8-hour shifts with 60 minutes of breaks
EXPECTED_PRESENT = 0.965  # share of agents not absent
MEAN_TALK = 240.0  # normal calls, seconds; difficult calls last three times as long


def toy(rho: float, difficult: float, days: int = 364, replications: int = 2, seed: int = 34) -> Scenario:
    """The calibration centre at nominal occupancy ``rho`` with a share ``difficult`` of difficult calls."""
    mean_talk = MEAN_TALK * (1 - difficult) + 3 * MEAN_TALK * difficult
    rate = rho * AGENTS * EXPECTED_PRESENT * ON_PHONES * 3600 / mean_talk
    overrides = [f"arrivals.rates_per_hour={rate:.3f}", f"segments.normal.share={1 - difficult:.6f}",
                 f"segments.difficult.share={difficult:.6f}", f"horizon.days={days}",
                 f"replications={replications}", f"seed={seed}"]
    return load_scenario(CONFIGS / "calibration" / "stress_toy.yaml", overrides).scenario
