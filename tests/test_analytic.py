"""Tests for ccsim.analytic: Erlang B/C/A formulas and staffing.

The Erlang A formulas are checked against two independent numerical solutions: the stationary
law of the truncated birth-death chain (P(W>0), P(Ab), E[W]) and the absorbing chain of a
tagged caller (P(V>t), P(W>t), P(Ab, W<=t)), solved with a matrix exponential.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm
from scipy.special import gammaln, logsumexp

import ccsim.analytic.erlang as erlang_module
from ccsim.analytic import (
    SERVICE_LEVEL_KEYS,
    ErlangAResult,
    erlang_a,
    erlang_a_abandon_within,
    erlang_a_offered_wait_exceeds,
    erlang_a_service_levels,
    erlang_a_wait_exceeds,
    erlang_b,
    erlang_c,
    erlang_c_asa,
    erlang_c_service_level,
    erlang_c_service_levels,
    erlang_c_wait_exceeds,
    interval_requirements,
    lagged_arrival_rates,
    min_agents_erlang_a,
    min_agents_erlang_c,
    square_root_staffing,
)

# The worked M/M/n+M example: λ = 600 calls/h, E[S] = 300 s, E[τ] = 300 s, T = 20 s.
LAM = 600 / 3600
ES = 300.0
PATIENCE = 300.0
T = 20.0


def close_to_printed(value: float, printed: str) -> bool:
    """True when ``value`` rounds to ``printed`` (half a unit of its last digit, plus slack)."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(value - float(printed)) <= 0.5 * 10.0**-decimals + 1e-12


# --------------------------------------------------------------------------------------------
# Independent reference solutions


def chain_reference(n: int, lam: float, mean_s: float, mean_tau: float) -> tuple[float, ...]:
    """(P(W>0), P(Ab), E[W], log π) from the truncated M/M/n+M birth-death chain.

    Built in log space state by state; the queue is truncated once its tail mass is below
    e^-60 of the total.
    """
    mu, theta = 1.0 / mean_s, 1.0 / mean_tau
    a = lam / mu
    k = np.arange(n + 1)
    log_low = k * math.log(a) - gammaln(k + 1)  # π_k ∝ a^k/k! below n
    queue = int(max(0.0, (lam - n * mu) / theta) + 20 * math.sqrt(lam / theta + 1) + 200)
    while True:
        j = np.arange(1, queue + 1)
        log_queue = log_low[-1] + np.cumsum(math.log(lam) - np.log(n * mu + j * theta))
        if log_queue[-1] - logsumexp(log_queue) < -60:
            break
        queue *= 2
    log_pi = np.concatenate([log_low, log_queue])
    log_pi -= logsumexp(log_pi)
    p_wait = float(np.exp(log_pi[n:]).sum())
    mean_queue = float((j * np.exp(log_pi[n + 1 :])).sum())
    p_abandon = theta * mean_queue / lam  # abandonment flow = θ·E[Q]
    return p_wait, p_abandon, mean_queue / lam, log_pi


def tagged_caller_reference(
    n: int, lam: float, mean_s: float, mean_tau: float, t: float
) -> tuple[float, float, float]:
    """(P(V>t), P(W>t), P(Ab, W<=t)) from the absorbing chain of one arriving caller.

    State j = number of callers ahead in the queue. Those ahead leave at rate nμ + jθ; from
    j = 0 the caller is served at rate nμ; the caller's own patience runs out at rate θ.
    """
    theta = 1.0 / mean_tau
    log_pi = chain_reference(n, lam, mean_s, mean_tau)[3]
    start = np.exp(log_pi[n:])  # arrival finds n + j in system (PASTA)
    # Queue lengths with negligible mass are dropped: this keeps the matrix exponential small.
    start = start[: np.nonzero(start > 1e-20 * start.sum())[0][-1] + 1]
    size = start.size

    def transient_and_abandoned(own_rate: float) -> tuple[float, float]:
        q = np.zeros((size + 1, size + 1))  # last state: abandoned (service is the leak)
        for j in range(size):
            leave = n / mean_s + j * theta
            if j > 0:
                q[j, j - 1] = leave
            q[j, size] = own_rate
            q[j, j] = -(leave + own_rate)
        p = np.concatenate([start, [0.0]]) @ expm(q * t)
        return float(p[:size].sum()), float(p[size])

    offered, _ = transient_and_abandoned(0.0)
    actual, abandoned = transient_and_abandoned(theta)
    return offered, actual, abandoned


# --------------------------------------------------------------------------------------------
# Oracle values from the notes


# n, C P(W>0), C SL(20 s), C ASA, A P(W>0), A P(Ab), A E[W], A P(W>20), A P(served,W<=20), occ
ORACLE = [
    (50, None, None, None, "0.5188", "0.0563", "16.90", "0.3159", "0.6565", "0.944"),
    (53, "0.5781", "0.527", "57.8", "0.3542", "0.0318", "9.55", "0.1863", "0.7961", "0.913"),
    (57, "0.2465", "0.845", "10.6", "0.1779", "0.0127", "3.82", "0.0755", "0.9164", "0.866"),
    (60, "0.117", "0.940", "3.5", "0.0923", "0.0057", "1.70", "0.0330", "0.9631", "0.829"),
]


@pytest.mark.parametrize("row", ORACLE, ids=[f"n={r[0]}" for r in ORACLE])
def test_oracle_table(row: tuple) -> None:
    n, c_wait, c_sl, c_asa, a_wait, a_ab, a_mean, a_exceeds, a_served, occ = row
    load = LAM * ES
    if c_wait is None:  # n = R: Erlang C is unstable
        assert erlang_c(n, load) == 1.0
        assert erlang_c_service_level(n, LAM, ES, T) == 0.0
        assert erlang_c_asa(n, LAM, ES) == math.inf
    else:
        assert close_to_printed(erlang_c(n, load), c_wait)
        assert close_to_printed(erlang_c_service_level(n, LAM, ES, T), c_sl)
        assert close_to_printed(erlang_c_asa(n, LAM, ES), c_asa)
    result = erlang_a(n, LAM, ES, PATIENCE)
    assert close_to_printed(result.p_wait, a_wait)
    assert close_to_printed(result.p_abandon, a_ab)
    assert close_to_printed(result.mean_wait, a_mean)
    assert close_to_printed(result.wait_exceeds(T), a_exceeds)
    assert close_to_printed(result.service_levels(T)["of_offered"], a_served)
    assert close_to_printed(result.occupancy, occ)


def test_erlang_c_reference_example() -> None:
    assert erlang_c(14, 10.0) == pytest.approx(0.1741319, abs=5e-8)


# --------------------------------------------------------------------------------------------
# Erlang B and C


def exact_erlang_b(n: int, a: Fraction) -> Fraction:
    """Erlang B straight from its definition, in exact rational arithmetic."""
    terms = [a**k / math.factorial(k) for k in range(n + 1)]
    return terms[-1] / sum(terms)


def exact_erlang_c(n: int, a: Fraction) -> Fraction:
    """Erlang C from its sum formula, in exact arithmetic."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


@pytest.mark.parametrize("n, a", [(1, "0.5"), (5, "3.7"), (14, "10"), (30, "29.5"), (40, "12")])
def test_erlang_b_and_c_match_exact_sums(n: int, a: str) -> None:
    exact = Fraction(a)
    b = erlang_b(n, float(exact))
    assert b == pytest.approx(float(exact_erlang_b(n, exact)), rel=1e-12)
    c = erlang_c(n, float(exact))
    assert c == pytest.approx(float(exact_erlang_c(n, exact)), rel=1e-12)
    # C from B, written with ρ = a/n: C = B / (1 - ρ(1 - B)).
    rho = float(exact) / n
    assert c == pytest.approx(b / (1 - rho * (1 - b)), rel=1e-12)
    assert b < c < 1.0  # waiting is likelier than blocking when a < n


def test_erlang_b_c_edge_cases_and_large_n() -> None:
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(4, 0.0) == 0.0
    assert erlang_c(4, 0.0) == 0.0
    assert erlang_c(4, 4.0) == 1.0
    assert erlang_c(0, 0.0) == 1.0
    assert erlang_c(np.int64(14), 10) == pytest.approx(0.1741319, abs=5e-8)
    for n, a in [(2000, 1900.0), (2000, 2500.0), (2000, 10.0)]:
        assert 0.0 <= erlang_b(n, a) <= 1.0
        assert 0.0 <= erlang_c(n, a) <= 1.0
    assert 0.0 < erlang_c(2000, 1950.0) < 1.0
    with pytest.raises(ValueError):
        erlang_b(-1, 1.0)
    with pytest.raises(ValueError):
        erlang_c(3, -1.0)
    with pytest.raises(TypeError):
        erlang_b(2.5, 1.0)  # type: ignore[arg-type]


def test_erlang_c_wait_tail_and_service_levels() -> None:
    n = 57
    c = erlang_c(n, LAM * ES)
    assert erlang_c_wait_exceeds(n, LAM, ES, 0.0) == pytest.approx(c)
    assert erlang_c_wait_exceeds(n, LAM, ES, T) == pytest.approx(c * math.exp(-(n - 50) * T / ES))
    assert erlang_c_wait_exceeds(50, LAM, ES, T) == 1.0
    assert erlang_c_wait_exceeds(n, 0.0, ES, T) == 0.0
    assert erlang_c_asa(n, 0.0, ES) == 0.0
    assert erlang_c_service_level(n, 0.0, ES, T) == 1.0
    levels = erlang_c_service_levels(n, LAM, ES, T)
    assert set(levels) == set(SERVICE_LEVEL_KEYS)
    assert all(v == erlang_c_service_level(n, LAM, ES, T) for v in levels.values())
    assert set(erlang_c_service_levels(49, LAM, ES, T).values()) == {0.0}


# --------------------------------------------------------------------------------------------
# Erlang A against the birth-death chain


CHAIN_CASES = [
    # n, λ (1/s), E[S], E[τ]
    (1, 0.002, 300.0, 300.0),
    (1, 0.01, 300.0, 60.0),  # a = 3 > n
    (2, 0.005, 300.0, 900.0),
    (3, 0.02, 300.0, 120.0),  # a = 6 > n
    (4, 0.01, 300.0, 3000.0),
    (5, 0.015, 300.0, 30.0),
    (5, 0.001, 300.0, 300.0),  # lightly loaded
    (50, LAM, ES, PATIENCE),
    (80, 0.4, 300.0, 300.0),  # a = 120, heavily overloaded
    (500, 1.6, 300.0, 600.0),  # a = 480
    (500, 2.0, 300.0, 180.0),  # a = 600 > n
    (500, 1.5, 300.0, 1e5),  # nearly Erlang C
]


@pytest.mark.parametrize("case", CHAIN_CASES, ids=[f"n={c[0]},lam={c[1]}" for c in CHAIN_CASES])
def test_erlang_a_matches_birth_death_chain(case: tuple) -> None:
    p_wait, p_abandon, mean_wait, _ = chain_reference(*case)
    result = erlang_a(*case)
    assert result.p_wait == pytest.approx(p_wait, rel=1e-9)
    assert result.p_abandon == pytest.approx(p_abandon, rel=1e-9)
    assert result.mean_wait == pytest.approx(mean_wait, rel=1e-9)
    assert result.mean_queue == pytest.approx(case[1] * mean_wait, rel=1e-9)
    assert result.occupancy == pytest.approx(case[1] * case[2] * (1 - p_abandon) / case[0])


TAIL_CASES = [
    (1, 0.002, 300.0, 300.0, 200.0),
    (2, 0.012, 300.0, 100.0, 60.0),  # overloaded
    (4, 0.01, 300.0, 600.0, 20.0),
    (5, 0.02, 300.0, 50.0, 30.0),  # overloaded, impatient
]


@pytest.mark.parametrize("case", TAIL_CASES, ids=[f"n={c[0]},t={c[4]}" for c in TAIL_CASES])
def test_erlang_a_tails_match_tagged_caller_chain(case: tuple) -> None:
    offered, actual, abandoned = tagged_caller_reference(*case)
    assert erlang_a_offered_wait_exceeds(*case) == pytest.approx(offered, rel=1e-7)
    assert erlang_a_wait_exceeds(*case) == pytest.approx(actual, rel=1e-7)
    assert erlang_a_abandon_within(*case) == pytest.approx(abandoned, rel=1e-7)


def test_erlang_a_large_centre_is_finite_and_accurate() -> None:
    for lam in (1900 / 300, 2000 / 300, 2600 / 300):
        result = erlang_a(2000, lam, 300.0, 300.0)
        assert all(math.isfinite(v) for v in (result.p_wait, result.p_abandon, result.mean_wait))
        assert 0.0 < result.p_wait <= 1.0
        assert 0.0 < result.wait_exceeds(20.0) < result.offered_wait_exceeds(20.0) <= 1.0
    p_wait, p_abandon, _, _ = chain_reference(2000, 2100 / 300, 300.0, 300.0)
    result = erlang_a(2000, 2100 / 300, 300.0, 300.0)
    assert result.p_wait == pytest.approx(p_wait, rel=1e-9)
    assert result.p_abandon == pytest.approx(p_abandon, rel=1e-9)


# x = nμ/θ is 2e6 and 1e4; y = λ/θ lies two and one standard deviations √x below x.
@pytest.mark.parametrize("case", [(200, (2e6 - 2828) / 3e6, 300.0, 3e6), (100, 0.33, 300.0, 3e4)])
def test_series_and_incomplete_gamma_routes_agree(case: tuple, monkeypatch) -> None:
    """Near critical load with very patient callers the code may switch from the Kummer series
    to the incomplete-gamma form; both must give the same answers."""
    series = erlang_a(*case)
    monkeypatch.setattr(erlang_module, "_MAX_DIRECT_TERMS", 10)
    gamma = erlang_a(*case)
    assert gamma.p_wait == pytest.approx(series.p_wait, rel=1e-10)
    assert gamma.p_abandon == pytest.approx(series.p_abandon, rel=1e-8)
    assert gamma.wait_exceeds(T) == pytest.approx(series.wait_exceeds(T), rel=1e-10)


# --------------------------------------------------------------------------------------------
# Erlang A properties


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=300),
    rho=st.floats(min_value=0.05, max_value=2.0),
    patience_ratio=st.floats(min_value=0.01, max_value=100.0),
)
def test_erlang_a_waiting_and_abandonment_fall_with_more_agents(
    n: int, rho: float, patience_ratio: float
) -> None:
    lam = rho * n / ES
    fewer = erlang_a(n, lam, ES, ES * patience_ratio)
    more = erlang_a(n + 1, lam, ES, ES * patience_ratio)
    assert more.p_wait <= fewer.p_wait * (1 + 1e-9)
    assert more.p_abandon <= fewer.p_abandon * (1 + 1e-9)
    assert more.mean_wait <= fewer.mean_wait * (1 + 1e-9)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=1, max_value=500), rho=st.floats(min_value=0.01, max_value=0.99))
def test_erlang_c_waiting_falls_with_more_agents(n: int, rho: float) -> None:
    a = rho * n
    assert erlang_c(n + 1, a) <= erlang_c(n, a) * (1 + 1e-12)


@pytest.mark.parametrize("n, load", [(3, 2.0), (14, 10.0), (57, 50.0), (520, 500.0)])
def test_erlang_a_tends_to_erlang_c_with_infinite_patience(n: int, load: float) -> None:
    lam = load / ES
    result = erlang_a(n, lam, ES, 1e9 * ES)
    assert result.p_wait == pytest.approx(erlang_c(n, load), rel=1e-6)
    assert result.mean_wait == pytest.approx(erlang_c_asa(n, lam, ES), rel=1e-6)
    assert result.p_abandon < 1e-8
    assert result.wait_exceeds(T) == pytest.approx(erlang_c_wait_exceeds(n, lam, ES, T), rel=1e-6)
    levels = result.service_levels(T)
    for key in SERVICE_LEVEL_KEYS:
        assert levels[key] == pytest.approx(erlang_c_service_level(n, lam, ES, T), rel=1e-6)


def test_erlang_a_service_level_definitions() -> None:
    result = erlang_a(53, LAM, ES, PATIENCE)
    levels = erlang_a_service_levels(53, LAM, ES, PATIENCE, T, short_abandon=5.0)
    assert set(levels) == set(SERVICE_LEVEL_KEYS)
    served_within = 1 - result.wait_exceeds(T) - result.abandon_within(T)
    assert levels["of_offered"] == pytest.approx(served_within)
    assert levels["of_answered"] == pytest.approx(served_within / (1 - result.p_abandon))
    assert levels["of_offered_excl_short_abandons"] == pytest.approx(
        served_within / (1 - result.abandon_within(5.0))
    )
    assert levels["offered_wait_within"] == pytest.approx(1 - result.offered_wait_exceeds(T))
    assert levels["wait_within"] == pytest.approx(1 - result.wait_exceeds(T))
    assert levels["of_offered"] < levels["of_offered_excl_short_abandons"]
    assert levels["of_offered"] < levels["of_answered"]
    plain = result.service_levels(T)
    assert plain["of_offered_excl_short_abandons"] == plain["of_offered"]
    # Every abandoning caller abandons at some finite wait.
    assert result.abandon_within(math.inf) == result.p_abandon
    assert result.abandon_within(50 * PATIENCE) == pytest.approx(result.p_abandon, rel=1e-8)
    assert result.offered_wait_exceeds(0.0) == pytest.approx(result.p_wait)
    assert result.wait_exceeds(0.0) == pytest.approx(result.p_wait)
    assert result.abandon_within(0.0) == 0.0


def test_erlang_a_edge_cases() -> None:
    nobody = erlang_a(0, LAM, ES, PATIENCE)
    assert isinstance(nobody, ErlangAResult)
    assert (nobody.p_wait, nobody.p_abandon, nobody.mean_wait) == (1.0, 1.0, PATIENCE)
    assert nobody.occupancy == 0.0
    assert nobody.offered_wait_exceeds(1e6) == 1.0
    assert nobody.wait_exceeds(T) == pytest.approx(math.exp(-T / PATIENCE))
    assert nobody.abandon_within(T) == pytest.approx(1 - math.exp(-T / PATIENCE))
    levels = nobody.service_levels(T)
    assert levels["of_offered"] == 0.0 and levels["offered_wait_within"] == 0.0
    assert math.isnan(levels["of_answered"])

    idle = erlang_a(3, 0.0, ES, PATIENCE)
    assert (idle.p_wait, idle.p_abandon, idle.mean_wait, idle.occupancy) == (0, 0, 0, 0)
    assert idle.service_levels(T)["of_offered"] == 1.0

    with pytest.raises(ValueError):
        erlang_a(3, 0.01, ES, 0.0)
    with pytest.raises(ValueError):
        erlang_a(3, 0.01, ES, math.inf)
    with pytest.raises(ValueError):
        erlang_a(3, -0.01, ES, PATIENCE)
    with pytest.raises(ValueError):
        erlang_a(3, 0.01, ES, PATIENCE).wait_exceeds(-1.0)
    with pytest.raises(AttributeError):
        nobody.p_wait = 0.5  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Staffing


def test_staffing_oracle_headcounts() -> None:
    assert min_agents_erlang_c(LAM, ES, service_level=0.8, threshold=T) == 57
    assert square_root_staffing(50.0, 1.0) == pytest.approx(57.07, abs=0.005)
    assert min_agents_erlang_a(LAM, ES, PATIENCE, service_level=0.8, threshold=T) == 53
    # 53 is the smallest: 52 agents miss P(V <= 20 s) >= 0.8.
    assert erlang_a(52, LAM, ES, PATIENCE).service_levels(T)["offered_wait_within"] < 0.8
    assert erlang_a(53, LAM, ES, PATIENCE).service_levels(T)["offered_wait_within"] >= 0.8


@pytest.mark.parametrize(
    "targets",
    [
        {"max_abandon": 0.02},
        {"max_asa": 5.0},
        {"max_occupancy": 0.85},
        {"service_level": 0.8, "threshold": T, "sl_definition": "of_offered"},
        {"service_level": 0.9, "threshold": T, "sl_definition": "of_answered"},
        {"service_level": 0.8, "threshold": T, "max_abandon": 0.01, "max_occupancy": 0.9},
    ],
)
def test_erlang_a_staffing_is_minimal(targets: dict) -> None:
    n = min_agents_erlang_a(LAM, ES, PATIENCE, **targets)

    def meets(k: int) -> bool:
        result = erlang_a(k, LAM, ES, PATIENCE)
        ok = result.p_abandon <= targets.get("max_abandon", 1.0)
        ok &= result.mean_wait <= targets.get("max_asa", math.inf)
        ok &= result.occupancy <= targets.get("max_occupancy", 1.0)
        if "service_level" in targets:
            levels = result.service_levels(T)
            definition = targets.get("sl_definition", "offered_wait_within")
            ok &= levels[definition] >= targets["service_level"]
        return bool(ok)

    assert meets(n) and not meets(n - 1)


def test_erlang_c_staffing_targets_and_minimality() -> None:
    n = min_agents_erlang_c(LAM, ES, max_asa=10.0)
    assert erlang_c_asa(n, LAM, ES) <= 10.0 < erlang_c_asa(n - 1, LAM, ES)
    assert min_agents_erlang_c(LAM, ES, max_occupancy=0.9) == 56  # 50/56 <= 0.9 < 50/55
    assert min_agents_erlang_c(LAM, ES) == 51  # stability alone
    assert min_agents_erlang_c(0.0, ES, service_level=0.8, threshold=T) == 0
    assert min_agents_erlang_a(0.0, ES, PATIENCE, max_abandon=0.01) == 0
    big = min_agents_erlang_c(2000 / ES, ES, service_level=0.8, threshold=T)
    assert 2000 < big < square_root_staffing(2000.0, 1.0)
    assert erlang_c_service_level(big, 2000 / ES, ES, T) >= 0.8
    assert erlang_c_service_level(big - 1, 2000 / ES, ES, T) < 0.8


def test_unreachable_or_malformed_targets_raise() -> None:
    with pytest.raises(ValueError, match="cannot be met"):
        min_agents_erlang_c(LAM, ES, max_occupancy=0.01)
    with pytest.raises(ValueError, match="cannot be met"):
        min_agents_erlang_a(LAM, ES, PATIENCE, max_occupancy=0.01)
    with pytest.raises(ValueError):
        min_agents_erlang_c(LAM, ES, service_level=0.8)  # no threshold
    with pytest.raises(ValueError):
        min_agents_erlang_a(LAM, ES, PATIENCE, service_level=1.2, threshold=T)
    with pytest.raises(ValueError):
        min_agents_erlang_a(LAM, ES, PATIENCE)  # no target at all
    with pytest.raises(ValueError):
        min_agents_erlang_a(LAM, ES, PATIENCE, max_abandon=0.1, sl_definition="nonsense")


# --------------------------------------------------------------------------------------------
# Time-varying demand


def test_lagged_rates_shift_by_mean_service() -> None:
    rates = np.array([1.0, 1.0, 4.0, 1.0, 1.0])
    # With E[S] equal to the interval length the profile moves exactly one interval later.
    assert np.allclose(lagged_arrival_rates(rates, 300.0, 300.0), [1, 1, 1, 4, 1])
    # With a third of an interval the peak is spread 2/3 : 1/3 over itself and its successor.
    assert np.allclose(lagged_arrival_rates(rates, 900.0, 300.0), [1, 1, 3, 2, 1])
    # Before the first interval its own rate is assumed.
    assert np.allclose(lagged_arrival_rates([2.0, 0.0], 100.0, 50.0), [2.0, 1.0])
    assert np.array_equal(lagged_arrival_rates(rates, 900.0, 0.0), rates)


def test_interval_requirements_shape_zero_rates_and_lag() -> None:
    per_hour = np.array([0, 0, 300, 600, 1200, 600, 300, 0], dtype=float)
    rates = per_hour / 3600
    targets = {"service_level": 0.8, "threshold": T}
    lagged = interval_requirements(rates, ES, PATIENCE, interval_length=300.0, **targets)
    plain = interval_requirements(rates, ES, PATIENCE, interval_length=300.0, lag=False, **targets)
    for result in (lagged, plain):
        assert set(result) == {"erlang_c", "erlang_a"}
        for req in result.values():
            assert req.shape == rates.shape
            assert np.issubdtype(req.dtype, np.integer)
    # Unlagged: staffed from each interval's own rate; zero rate needs nobody.
    assert plain["erlang_c"][[0, 1, 7]].tolist() == [0, 0, 0]
    assert plain["erlang_c"][3] == min_agents_erlang_c(rates[3], ES, **targets)
    assert plain["erlang_a"][3] == min_agents_erlang_a(rates[3], ES, PATIENCE, **targets)
    assert plain["erlang_c"][3] == 57
    # Lagged by one interval (E[S] = 300 s): the peak moves one interval later.
    for model in ("erlang_c", "erlang_a"):
        assert int(np.argmax(lagged[model])) == int(np.argmax(plain[model])) + 1
        assert np.array_equal(lagged[model][1:], plain[model][:-1])
        assert lagged[model][0] == 0
    only_c = interval_requirements(rates, ES, interval_length=300.0, max_asa=10.0)
    assert set(only_c) == {"erlang_c"}
    abandon_only = interval_requirements(
        rates, ES, PATIENCE, interval_length=300.0, max_abandon=0.02
    )
    # Erlang C has no abandonment, so only stability is left for it.
    assert abandon_only["erlang_c"][4] == math.floor(rates[3] * ES) + 1
    with pytest.raises(TypeError):
        interval_requirements(rates, ES, interval_length=300.0, max_wait=3.0)
