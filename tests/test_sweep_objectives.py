"""Sweep objectives and the reference point: names checked against the catalogue, the trade-off
front on the chosen objectives in their directions, and paired differences against the reference.

The sweep run here is the tiny M/M/n+M grid of tests/test_sweep.py (4 points x 3 replications).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ccsim.config.load import ScenarioError
from ccsim.experiments.sweep import (
    DEFAULT_OBJECTIVES,
    POINTS_PARQUET,
    REPLICATIONS_PARQUET,
    load_experiment,
)
from ccsim.report.sweep_report import Sweep, SweepReport
from tests.test_sweep import sweep, write_experiment

GRID = textwrap.dedent(
    """\
    name: agents x demand
    base: queue.yaml
    replications: 3
    factors:
      groups.agents.staffing.headcount:
        label: Agents on duty
        values: [20, 24]
      arrivals.rates_per_hour: [220, 260]
    metrics: [service_level, asa_s, cost_total]
    objectives: {service_level: max, abandon_rate: min, cost_total: min}
    reference: {headcount: 24, rates_per_hour: 220}
    """
)


def test_objectives_are_checked_against_the_catalogue(tmp_path):
    path = write_experiment(tmp_path, GRID.replace("abandon_rate: min", "abandon_rat: min"))
    with pytest.raises(ScenarioError) as caught:
        load_experiment(path)
    assert f"{path}:10: objectives.abandon_rat: not a measure the engine emits; did you mean 'abandon_rate'?" \
        in str(caught.value)
    code, output = sweep(str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "objectives.abandon_rat" in output and "Traceback" not in output, output
    # A direction other than min or max is refused on its line too.
    path.write_text(GRID.replace("cost_total: min}", "cost_total: lower}"))
    code, output = sweep(str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and f"{path}:10: objectives.cost_total" in output and "'min' or 'max'" in output, output
    assert not (tmp_path / "out").exists()


def test_the_reference_is_found_by_factor_values_or_name_and_refused_when_unclear(tmp_path):
    path = write_experiment(tmp_path, GRID)
    plan = load_experiment(path)
    assert plan.reference == "headcount-24-rates-per-hour-220"
    assert plan.objectives == {"service_level": "max", "abandon_rate": "min", "cost_total": "min"}
    path.write_text(GRID.replace("reference: {headcount: 24, rates_per_hour: 220}",
                                 'reference: "headcount=20, rates_per_hour=260"'))
    assert load_experiment(path).reference == "headcount-20-rates-per-hour-260"
    # Unset: the first point, and the default objectives.
    path.write_text("\n".join(line for line in GRID.splitlines() if not line.startswith(("reference", "objectives"))))
    plan = load_experiment(path)
    assert plan.reference == plan.points[0].id and plan.objectives == DEFAULT_OBJECTIVES
    for reference, fragment in (("{headcount: 24}", "matches 2 points; name one level of every factor (also "
                                 "rates_per_hour)"),
                                ("{headcount: 23, rates_per_hour: 220}", "reference.headcount: 23 is not one of its "
                                 "levels (20, 24)"),
                                ("{staff: 24}", "reference.staff: not a factor of this sweep"),
                                ('"no such point"', "reference: no point is named 'no such point'")):
        path.write_text(GRID.replace("{headcount: 24, rates_per_hour: 220}", reference))
        with pytest.raises(ScenarioError) as caught:
            load_experiment(path)
        assert f"{path}:11: " in str(caught.value) and fragment in str(caught.value), str(caught.value)


def _sweep_of(means: dict[str, list[float]], objectives: dict[str, str]) -> Sweep:
    """A saved sweep of named points with the given means (intervals of ± 1 % around them)."""
    points = pd.DataFrame({"point": [f"p{i}" for i in range(len(next(iter(means.values()))))]})
    points["name"] = points["point"]
    points["replications"] = 3
    for kpi, values in means.items():
        points[f"{kpi}_mean"] = values
        points[f"{kpi}_ci_low"] = [0.99 * v for v in values]
        points[f"{kpi}_ci_high"] = [1.01 * v for v in values]
        points[f"{kpi}_n"] = 3
    manifest = {"name": "exact", "layout": "points", "factors": [], "metrics": list(means), "objectives": objectives,
                "reference": "p0"}
    return Sweep(manifest, points, {})


def test_the_front_uses_the_chosen_objectives_in_their_directions():
    means = {"service_level": [0.80, 0.90, 0.70, 0.90], "cost_total": [100.0, 120.0, 90.0, 130.0],
             "abandon_rate": [0.05, 0.02, 0.09, 0.01]}
    # Service up, cost down: p3 (90 % for 130) is dominated by p1 (90 % for 120); the others trade off.
    report = SweepReport(_sweep_of(means, {"service_level": "max", "cost_total": "min"}))
    assert [o.kpi for o in report.objectives] == ["service_level", "cost_total"]
    assert report.front.tolist() == [True, True, True, False]
    # Abandonment added as an objective: p3 abandons least, so it joins the front.
    report = SweepReport(_sweep_of(means, {"service_level": "max", "cost_total": "min", "abandon_rate": "min"}))
    assert report.front.tolist() == [True, True, True, True]
    # Directions matter: minimising service level and maximising cost, p1 falls to p3 (the same
    # service level, more cost) and p0 and p2 trade off against p3.
    report = SweepReport(_sweep_of(means, {"service_level": "min", "cost_total": "max"}))
    assert report.front.tolist() == [True, False, True, True]


def test_paired_differences_against_the_reference_in_the_table_csv_and_report(tmp_path):
    path = write_experiment(tmp_path, GRID)
    out = tmp_path / "out"
    code, output = sweep(str(path), "--out", str(out), "--jobs", "1")
    assert code == 0, output
    assert "cost_total (EUR)" in output  # money with its currency in the terminal table
    assert "trade-off front on service_level (max), abandon_rate (min), cost_total (min)" in output
    points = pd.read_parquet(out / POINTS_PARQUET).set_index("point")
    replications = pd.read_parquet(out / REPLICATIONS_PARQUET)
    reference = "headcount-24-rates-per-hour-220"
    base = replications[replications["point"] == reference].set_index("replication")
    t = stats.t.ppf(0.975, 2)
    for point, frame in replications.groupby("point"):
        frame = frame.set_index("replication")
        for kpi in ("service_level", "abandon_rate", "asa_s", "cost_total"):
            diff = (frame[kpi] - base[kpi]).to_numpy()
            row = points.loc[point]
            assert row[f"{kpi}_diff"] == pytest.approx(diff.mean(), abs=1e-12)
            assert row[f"{kpi}_diff_n"] == 3
            if point == reference:
                assert row[f"{kpi}_diff"] == 0
                continue
            half = t * diff.std(ddof=1) / math.sqrt(3)
            assert row[f"{kpi}_diff_ci_low"] == pytest.approx(diff.mean() - half, rel=1e-9, abs=1e-12)
            assert row[f"{kpi}_diff_ci_high"] == pytest.approx(diff.mean() + half, rel=1e-9, abs=1e-12)
    # Common random numbers: fewer agents at the same demand lower the service level in every
    # replication, so the paired interval lies below zero.
    fewer = points.loc["headcount-20-rates-per-hour-220"]
    assert fewer["service_level_diff_ci_high"] < 0 and fewer["cost_total_diff_ci_high"] < 0
    csv = pd.read_csv(out / "points.csv").set_index("point")
    assert np.isfinite(csv["service_level_diff_ci_low"]).all()
    assert csv.loc[reference, ["service_level_diff_ci_low", "service_level_diff_ci_high"]].tolist() == [0, 0]
    html = (out / "report.html").read_text()
    assert "Against the reference point: headcount=24, rates_per_hour=220" in html
    assert "Service level (answered in threshold, of offered) ↑" in html and "(reference)" in html
    assert "Cost, total (EUR)" in html
