"""The scenario format round-trips: what ccsim writes as the resolved scenario reads back the same."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ccsim import units
from ccsim.config.load import load_scenario, scenario_from_dict
from ccsim.results import scenario_document
from tests.conftest import CONFIGS

SCENARIOS = sorted(CONFIGS.rglob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(CONFIGS)))
def test_resolved_scenario_reads_back_identically(path, tmp_path):
    scenario = load_scenario(path).scenario
    written = tmp_path / "scenario.yaml"
    written.write_text(yaml.safe_dump(scenario_document(scenario), sort_keys=False))
    assert load_scenario(written).scenario == scenario


@given(st.floats(min_value=0, max_value=10 * 86400, allow_nan=False))
def test_durations_round_trip_through_their_text(seconds):
    assert units.parse_duration(units.format_duration(seconds)) == pytest.approx(seconds, rel=1e-9, abs=1e-9)


@given(st.integers(min_value=0, max_value=86400))
def test_clock_times_round_trip(seconds):
    assert units.parse_clock(units.format_clock(seconds)) == seconds


@pytest.mark.parametrize(("value", "seconds"), [("20s", 20), ("4.5min", 270), ("1.5h", 5400), ("2d", 172800),
                                              ("90 s", 90), ("0.5 hours", 1800), (30, 30), (12.5, 12.5)])
def test_duration_spellings(value, seconds):
    assert units.parse_duration(value) == seconds


@given(st.dictionaries(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat"]),
                       st.floats(min_value=0, max_value=3, allow_nan=False), max_size=6))
def test_day_of_week_weights_validate_and_dump(weights):
    from tests.conftest import mmn

    base = mmn(agents=5).model_dump(mode="json", exclude_none=True)
    base["arrivals"]["day_of_week"] = weights
    scenario = scenario_from_dict(base)
    assert scenario_from_dict(scenario_document(scenario)) == scenario
