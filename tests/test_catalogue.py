"""One catalogue of measures: what the engine emits, the catalogue defines, the docs list and the report asks for.

Run on real engine output: the shipped baseline and policies, one short day each, between them
switch on every mechanism that has measures of its own (menu, workforce, training, paid line).
"""

from __future__ import annotations

import re

import pytest

from ccsim.config.load import load_scenario
from ccsim.experiments.runner import simulate
from ccsim.metrics.catalogue import CATALOGUE, is_known, kpi_info, split_name
from tests.conftest import CONFIGS, ROOT

# Between them: the menu, a workforce with strain and absence, training, a paid line, a third group.
SCENARIOS = ("policies/combined.yaml", "policies/paid_line.yaml", "policies/difficult_team.yaml",
             "policies/callback.yaml")
DOCS = ROOT / "docs" / "scenario-format.md"


@pytest.fixture(scope="module")
def emitted() -> dict[str, set[str]]:
    """Names each scenario's replication emitted, by scenario file."""
    result = {}
    for name in SCENARIOS:
        scenario = load_scenario(CONFIGS / name, overrides=["horizon.days=1", "horizon.warmup_days=1"]).scenario
        result[name] = set(simulate(scenario, keep_tables=False).kpis)
    return result


def documented() -> tuple[set[str], set[tuple[str, str]]]:
    """Names in the metrics table of the scenario format: plain ones, and (base, "queue"/"group") patterns."""
    text = DOCS.read_text()
    table = text[text.index("## Metrics"):text.index("Queue measures count")]
    plain, patterns = set(), set()
    for row in table.splitlines()[2:]:
        first_cell = row.split("|")[1] if row.startswith("|") else ""
        for name in re.findall(r"`([^`]+)`", first_cell):
            found = re.fullmatch(r"(\w+)_<(queue|group)>", name)
            if found:
                patterns.add((found.group(1), found.group(2)))
            else:
                plain.add(name)
    return plain, patterns


def test_every_emitted_measure_is_catalogued(emitted):
    unknown = sorted(n for names in emitted.values() for n in names if not is_known(n))
    assert unknown == [], f"the engine emits measures the catalogue does not define: {unknown}"


def test_every_catalogued_measure_is_emitted(emitted):
    everything = set().union(*emitted.values())
    never = [name for name, info in CATALOGUE.items() if info.overall and name not in everything]
    assert never == [], f"the catalogue defines measures no shipped scenario emits: {never}"
    scenario = load_scenario(CONFIGS / SCENARIOS[0], overrides=["horizon.days=1"]).scenario
    assert scenario.workforce is not None
    for name, info in CATALOGUE.items():
        for per in info.per:
            keys = scenario.queues if per == "queue" else scenario.groups
            missing = [k for k in keys if f"{name}_{k}" not in emitted[SCENARIOS[0]]]
            assert missing == [], f"{name} is catalogued per {per} but not emitted for {missing}"


def test_per_group_and_queue_names_resolve_to_their_base(emitted):
    names = emitted["policies/difficult_team.yaml"]
    assert "burnout_share_care_team" in names and "aht_s_care_team" in names
    info, key = split_name("burnout_share_care_team")
    assert (info.name, key) == ("burnout_share", "care_team")
    assert kpi_info("service_level_of_answered").name == "service_level_of_answered"
    assert kpi_info("aht_s_experts").kind == "seconds"


def test_docs_list_exactly_the_catalogue():
    plain, patterns = documented()
    overall = {name for name, info in CATALOGUE.items() if info.overall}
    assert sorted(plain - overall) == [], "the docs name measures the catalogue does not define"
    assert sorted(overall - plain) == [], "catalogued measures missing from docs/scenario-format.md"
    declared = {(name, per) for name, info in CATALOGUE.items() for per in info.per}
    assert sorted(patterns - declared) == [], "the docs name breakdowns the catalogue does not declare"
    assert sorted(declared - patterns) == [], "catalogued breakdowns missing from docs/scenario-format.md"


def test_intervals_stay_within_the_possible_range():
    from ccsim.metrics.stats import estimate, summarise

    rare = [0.0, 0.01, 0.0, 0.05, 0.002]
    plain, bounded = estimate(rare), estimate(rare, bounds=(0.0, 1.0))
    assert plain.ci_low < 0 <= bounded.ci_low < bounded.mean < bounded.ci_high <= 1
    near_one = summarise([{"service_level": v} for v in (0.99, 1.0, 0.97, 1.0)])["service_level"]
    assert near_one.ci_high <= 1.0
    central = [0.50, 0.52, 0.48, 0.51]
    assert abs(estimate(central, bounds=(0.0, 1.0)).ci_low - estimate(central).ci_low) < 1e-3
    waits = summarise([{"asa_s": v} for v in (3.0, 1.0, 8.0, 0.5)])["asa_s"]
    assert waits.ci_low > 0
    assert summarise([{"net_cost": v} for v in (-5.0, 3.0, 1.0)])["net_cost"].ci_low < -5.0
