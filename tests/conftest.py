"""Shared helpers: small scenarios built in code, and the repository's paths."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ccsim.config.load import deep_merge, scenario_from_dict
from ccsim.config.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
ALWAYS_OPEN = {day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def mmn(
    *,
    rate_per_hour: float = 600.0,
    mean_talk: float = 300.0,
    mean_patience: float | None = 300.0,
    agents: int = 53,
    days: int = 1,
    warmup: float = 3600.0,
    seed: int = 7,
    replications: int = 1,
    **extra: Any,
) -> Scenario:
    """A stationary M/M/n(+M) scenario, open around the clock."""
    segment: dict[str, Any] = {"share": 1, "talk_time": {"dist": "exponential", "mean": mean_talk}}
    if mean_patience is not None:
        segment["patience"] = {"dist": "exponential", "mean": mean_patience}
    data: dict[str, Any] = {
        "name": "mmn",
        "seed": seed,
        "replications": replications,
        # warmup (seconds) is the stationary burn-in; no warm-up days, so scripted traces start at day 0.
        "horizon": {"days": days, "interval": "30min", "warmup": warmup, "warmup_days": 0,
                    "opening_hours": dict(ALWAYS_OPEN)},
        "arrivals": {"rates_per_hour": rate_per_hour},
        "segments": {"everyone": segment},
        "queues": {"main": {}},
        "groups": {"agents": {"serves": ["main"], "staffing": {"headcount": agents}}},
        "service_level": {"threshold": 20, "short_abandon": 0},
    }
    return scenario_from_dict(deep_merge(data, extra))


def modified(scenario: Scenario, **changes: Any) -> Scenario:
    """A copy of ``scenario`` with nested changes merged in (validated again)."""
    data = copy.deepcopy(scenario.model_dump(mode="json", exclude_none=True))
    return scenario_from_dict(deep_merge(data, changes))


@pytest.fixture
def tmp_out(tmp_path: Path) -> Path:
    return tmp_path / "out"
