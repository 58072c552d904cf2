"""Agents' strain, exhaustion, absence and attrition."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccsim.experiments.runner import replicate, simulate
from ccsim.metrics.stats import estimate, paired_difference
from tests.conftest import mmn, modified
from tests.stress_scenarios import toy
from tests.test_engine_trace import scripted

K = 1.3 / 60.0  # strain per second of normal talk (default rate 1.3 per minute)
TAU_IDLE = 600.0
HOURS = {day: "08:00-16:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def one_agent(talk: float, difficult: bool = False, breaks=(), abusive: bool = False):
    """One agent on an 08:00-16:00 shift; deterministic talk, no wrap-up, nobody hangs up."""
    base = mmn(agents=1, warmup=0, mean_patience=None)
    shift = {"name": "day", "start": "08:00", "length": "8h", "headcount": 1, "break_stagger": 0,
             "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "breaks": list(breaks)}
    changes = dict(
        horizon={"opening_hours": HOURS},
        segments={"everyone": {"talk_time": {"dist": "deterministic", "value": talk}}},
        groups={"agents": {"staffing": {"headcount": None, "shifts": [shift]}}},
        workforce={"speed_log_sd": 0.0, "absence": None, "coupling": None},
    )
    if difficult:
        changes["difficulty"] = {"base": 1.0, "cap": 1.0, "talk_factor": {"dist": "deterministic", "value": 1.0},
                                 "abusive_share": 1.0 if abusive else 0.0}
    return modified(base, **changes)


def snapshot(result, clock: str) -> float:
    frame = result.tables.strain_intervals
    return float(frame.loc[frame["time"] == clock, "strain_mean"].iloc[0])


def test_strain_rises_while_talking_and_decays_while_idle(monkeypatch):
    # Calls at 08:00 and 08:30, 10 minutes each. At 08:10 S = 13; at 08:30 S = 13 e^-2 (20 min idle);
    # at 08:40 S = 13 e^-2 + 13; at 09:00, 20 more idle minutes.
    scripted(monkeypatch, [8 * 3600.0, 8.5 * 3600.0])
    result = simulate(one_agent(talk=600.0))
    s1 = K * 600
    assert snapshot(result, "08:30") == pytest.approx(s1 * math.exp(-2), rel=1e-9)
    s2 = s1 * math.exp(-2) + s1
    assert snapshot(result, "09:00") == pytest.approx(s2 * math.exp(-2), rel=1e-9)
    day = result.tables.agent_days.iloc[0]
    end_of_shift = s2 * math.exp(-(16 * 3600 - 8 * 3600 - 2400) / TAU_IDLE)
    assert day["strain_end"] == pytest.approx(0.1 * end_of_shift, rel=1e-9)  # overnight carry-over
    # Mean strain over the shift: integral of the two ramps and the exponential tails, over 8 hours.
    area = (s1 / 2 * 600) + s1 * TAU_IDLE * (1 - math.exp(-2)) + (s1 * math.exp(-2) + s2) / 2 * 600
    area += s2 * TAU_IDLE * (1 - math.exp(-(8 * 3600 - 2400) / TAU_IDLE))
    assert day["strain_mean"] == pytest.approx(area / (8 * 3600), rel=1e-9)
    assert day["talk_s"] == 1200.0 and day["calls"] == 2


def test_difficult_and_abusive_calls_weigh_more(monkeypatch):
    scripted(monkeypatch, [8 * 3600.0])
    normal = snapshot(simulate(one_agent(talk=600.0)), "08:30")
    difficult = snapshot(simulate(one_agent(talk=600.0, difficult=True)), "08:30")
    assert difficult == pytest.approx(4 * normal, rel=1e-9)
    abusive = simulate(one_agent(talk=600.0, difficult=True, abusive=True))
    # Abusive talk weighs 8 and the onset of abuse adds a shock of 15 units, which decays like the rest.
    assert snapshot(abusive, "08:30") == pytest.approx(8 * normal + 15 * math.exp(-2), rel=1e-9)
    assert abusive.tables.agent_days.iloc[0]["hostile_s"] == 600.0


def test_breaks_recover_faster_than_idle_time(monkeypatch):
    scripted(monkeypatch, [8 * 3600.0])
    idle = snapshot(simulate(one_agent(talk=600.0)), "08:30")
    on_break = simulate(one_agent(talk=600.0, breaks=[{"after": "10min", "length": "20min"}]))
    assert snapshot(on_break, "08:30") == pytest.approx(K * 600 * math.exp(-20 * 60 / 300.0), rel=1e-9)
    assert snapshot(on_break, "08:30") < idle
    assert on_break.tables.agent_days.iloc[0]["break_s"] == 1200.0


def test_time_above_threshold_is_exact(monkeypatch):
    # One 60-minute difficult call: S rises at 4K per second to 312; it passes 45 after 45/(4K) s,
    # then decays from 312 and stays above 45 for tau ln(312/45).
    scripted(monkeypatch, [8 * 3600.0])
    result = simulate(one_agent(talk=3600.0, difficult=True))
    slope = 4 * K
    peak = slope * 3600
    expected = (3600 - 45 / slope) + TAU_IDLE * math.log(peak / 45)
    assert result.tables.agent_days.iloc[0]["above_threshold_s"] == pytest.approx(expected, rel=1e-9)


def test_strain_is_never_negative_and_bounded_by_its_inputs():
    scenario = modified(toy(0.9, 0.1, days=14, replications=1), workforce={"absence": None})
    result = simulate(scenario)
    days = result.tables.agent_days
    working = days[days["status"].astype(str) == "working"]
    assert (working["strain_mean"] >= 0).all() and (working["strain_end"] >= 0).all()
    assert (working["above_threshold_s"] <= working["duty_s"] + 1e-6).all()
    snapshots = result.tables.strain_intervals
    assert (snapshots["strain_mean"] >= 0).all()
    assert (snapshots["strain_max"] >= snapshots["strain_p90"]).all()
    assert (snapshots["strain_p90"] >= 0).all()


def paired(kpi: str, variant, baseline) -> object:
    return paired_difference([r.kpis[kpi] for r in variant], [r.kpis[kpi] for r in baseline])


def test_more_difficult_callers_and_higher_occupancy_raise_burnout():
    days, replications = 28, 4
    base = replicate(toy(0.80, 0.02, days, replications), jobs=2, keep_tables=False)
    difficult = replicate(toy(0.80, 0.10, days, replications), jobs=2, keep_tables=False)
    busy = replicate(toy(0.92, 0.02, days, replications), jobs=2, keep_tables=False)
    for variant in (difficult, busy):
        for kpi in ("stress_mean", "burnout_share", "exhaustion_mean"):
            difference = paired(kpi, variant, base)
            assert difference.ci_low > 0, (kpi, difference)


CELLS = [(0.75, 0.02), (0.85, 0.05), (0.95, 0.10)]  # (occupancy, difficult share) of the calibration table


def calibration_runs(days: int, replications: int) -> dict[tuple[float, float], list]:
    """Each cell's replications; the cells share the seed, so replication r of each sees the same callers."""
    return {cell: replicate(toy(*cell, days, replications), jobs=2, keep_tables=False) for cell in CELLS}


def calibration_rows(days: int, replications: int) -> dict[tuple[float, float], dict[str, float]]:
    return {cell: {k: float(np.mean([r.kpis[k] for r in results]))
                   for k in ("absence_rate", "attrition_annualised", "stress_mean", "exhaustion_mean")}
            for cell, results in calibration_runs(days, replications).items()}


def test_calibration_shape_reduced_size():
    # The calibration table (docs/background/agents.md): strain, exhaustion and absence rise with
    # occupancy and the difficult share, each step a paired difference whose 95 % interval excludes 0.
    runs = calibration_runs(days=91, replications=4)
    low, mid, high = (runs[cell] for cell in CELLS)
    for kpi in ("stress_mean", "exhaustion_mean", "absence_rate"):
        for lower, higher in ((low, mid), (mid, high)):
            difference = paired(kpi, higher, lower)
            assert difference.ci_low > 0, (kpi, difference)
    # The baseline cell's strain (52 in the table, from 364 days x 4 replications) inside the 99 %
    # t-interval of the reduced run's mean.
    strain = estimate(np.array([r.kpis["stress_mean"] for r in mid]))
    half_width = stats.t.ppf(0.995, strain.n - 1) * strain.se
    assert abs(strain.mean - 52) <= half_width, (strain, half_width)


@pytest.mark.slow
def test_calibration_table_full_size():
    rows = calibration_rows(days=364, replications=4)
    low, mid, high = rows[(0.75, 0.02)], rows[(0.85, 0.05)], rows[(0.95, 0.10)]
    for kpi in ("stress_mean", "exhaustion_mean", "absence_rate", "attrition_annualised"):
        assert low[kpi] < mid[kpi] < high[kpi], kpi
    # The baseline cell inside the observed ranges (absence 4-8 %, turnover 20-50 %), and the strain
    # and exhaustion columns of the table within a quarter.
    assert 0.035 <= mid["absence_rate"] <= 0.07
    assert 0.20 <= mid["attrition_annualised"] <= 0.50
    assert mid["stress_mean"] == pytest.approx(52, rel=0.25)
    assert mid["exhaustion_mean"] == pytest.approx(0.30, rel=0.25)
    assert high["stress_mean"] == pytest.approx(106, rel=0.25)
