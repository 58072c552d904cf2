"""The reference pages match the code: a new schema field or KPI fails here until it is documented."""

from __future__ import annotations

from ccsim.docs_reference import REFERENCE, kpi_catalogue, main, pages, undocumented_fields
from ccsim.experiments.runner import simulate
from tests.conftest import ROOT, mmn


def test_generated_reference_is_up_to_date():
    stale = [str(p.relative_to(ROOT)) for p, text in pages().items() if not p.exists() or p.read_text() != text]
    assert not stale, f"{stale} out of date: run `python -m ccsim.docs_reference` and commit the pages"
    assert main(["--check"]) == 0


def test_every_scenario_field_is_documented():
    guide = (ROOT / "docs" / "scenario-format.md").read_text()
    assert undocumented_fields(guide) == [], "give these fields a description= or document them in scenario-format.md"


def test_every_kpi_a_run_produces_is_in_the_catalogue_and_the_reference():
    page = (REFERENCE / "kpis.md").read_text()
    catalogue = kpi_catalogue()
    kpis = simulate(mmn(agents=5, rate_per_hour=60, days=1, warmup=0)).kpis
    bases = sorted(catalogue, key=len, reverse=True)
    missing = [k for k in kpis if k not in catalogue and not any(k.startswith(b + "_") for b in bases)]
    assert missing == [], f"KPIs without a catalogue entry in ccsim.report: {missing}"
    assert all(f"`{name}`" in page for name in catalogue)


def test_a_field_without_description_or_guide_entry_is_caught():
    schema = {"properties": {"new_field": {"type": "number"}}, "$defs": {}}
    assert undocumented_fields("", schema) == ["Scenario.new_field"]
    assert undocumented_fields("`new_field`", schema) == []
