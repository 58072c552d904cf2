"""Small caller-journey scenarios for tests: two tiers, a menu, transfers, redials, difficulty."""

from __future__ import annotations

from typing import Any

from ccsim.config.load import deep_merge, scenario_from_dict
from ccsim.config.scenario import Scenario
from tests.conftest import ALWAYS_OPEN


def two_tier(first_line: int = 14, experts: int = 6, **changes: Any) -> Scenario:
    """About 150 fresh calls an hour through a menu into two tiers, with every journey feature on."""
    data: dict[str, Any] = {
        "name": "two tiers",
        "seed": 11,
        # No warm-up: the accounting tests follow every caller from the first arrival on.
        "horizon": {"days": 2, "interval": "30min", "opening_hours": dict(ALWAYS_OPEN), "warmup_days": 0},
        "arrivals": {"rates_per_hour": 150},
        "segments": {
            "regular": {"share": 0.9, "patience": {"dist": "exponential", "mean": 240},
                        "talk_time": {"dist": "lognormal", "mean": 270, "log_sd": 0.9}},
            "difficult": {"share": 0.1, "difficult": True, "patience": {"dist": "exponential", "mean": 600},
                          "talk_time": {"dist": "lognormal", "mean": 270, "log_sd": 0.9}},
        },
        "customer_base": {"size": 5000, "segment_sizes": {"difficult": 50}},
        "ivr": {"options": {"general": {"share": 0.8, "queue": "general", "self_service": 0.3},
                            "specialist": {"share": 0.2, "queue": "experts"}}},
        "queues": {"general": {}, "experts": {}},
        "outcomes": {"groups": {"first_line": {"resolve": 0.7, "transfer": {"experts": 0.15}},
                                "experts": {"resolve": 0.85}}},
        "redials": {},
        "difficulty": {},
        "groups": {
            "first_line": {"serves": ["general"], "staffing": {"headcount": first_line},
                           "wrap_up": {"dist": "deterministic", "value": 20}},
            "experts": {"serves": ["experts"], "talk_time_factor": 1.5, "staffing": {"headcount": experts}},
        },
    }
    return scenario_from_dict(deep_merge(data, changes))
