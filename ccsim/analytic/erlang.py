"""Exact stationary formulas for Erlang B, Erlang C and Erlang A (M/M/n+M).

Units: every time is in **seconds** and every rate is **per second**. ``a`` always means the
offered load in Erlangs, ``a = arrival_rate * mean_service``.

Notation follows Gans, Koole & Mandelbaum (2003), "Telephone call centers: tutorial, review, and
research prospects", MSOM 5(2):79-141: λ arrival rate, μ = 1/E[S] service rate,
θ = 1/E[τ] abandonment rate, n agents, W the actual wait, V the offered wait (the wait of a
caller with infinite patience). Waiting probabilities are seen by an arriving caller (PASTA).

The functions are pure and stay finite for thousands of agents: Erlang B uses its recursion,
Erlang A works with the logarithm of the Kummer series ``A(x, y)`` and never forms factorials.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = [
    "SERVICE_LEVEL_KEYS",
    "ErlangAResult",
    "erlang_a",
    "erlang_a_abandon_within",
    "erlang_a_offered_wait_exceeds",
    "erlang_a_service_levels",
    "erlang_a_wait_exceeds",
    "erlang_b",
    "erlang_c",
    "erlang_c_asa",
    "erlang_c_service_level",
    "erlang_c_service_levels",
    "erlang_c_wait_exceeds",
]

# Keys of the dictionaries returned by the ``*_service_levels`` functions.
SERVICE_LEVEL_KEYS = (
    "of_answered",
    "of_offered",
    "of_offered_excl_short_abandons",
    "offered_wait_within",
    "wait_within",
)

# For y <= x the Kummer series is summed directly while it needs at most this many terms
# (about 50 ms). It is the accurate route there: near critical load the incomplete-gamma form
# suffers cancellation in P(Ab | W > 0).
_MAX_DIRECT_TERMS = 5_000_000
# Terms summed per numpy chunk, to keep memory bounded.
_CHUNK_TERMS = 200_000
# scipy's gammainc(x, y) loses relative accuracy far in the lower tail when x is large (about
# 1e-5 at x = 1e6, five standard deviations below the mean), so below x it is only used within
# this many standard deviations sqrt(x) of the mean.
_GAMMAINC_MAX_SDS_BELOW = 3.0


# --------------------------------------------------------------------------------------------
# Argument checks


def _agents(n: int) -> int:
    """Return ``n`` as a non-negative int (numpy integers are accepted, floats are not)."""
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"number of agents must be >= 0, got {n}")
    return n


def _non_negative(name: str, value: float) -> float:
    value = float(value)
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return value


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")
    return value


def _time(name: str, value: float) -> float:
    """A time point in seconds: >= 0, and ``inf`` is allowed."""
    value = float(value)
    if math.isnan(value) or value < 0.0:
        raise ValueError(f"{name} must be >= 0 seconds, got {value!r}")
    return value


def _clip01(p: float) -> float:
    """Remove rounding excursions outside [0, 1] from a computed probability."""
    return min(1.0, max(0.0, p))


# --------------------------------------------------------------------------------------------
# Erlang B and Erlang C


def erlang_b(n: int, a: float) -> float:
    """Blocking probability of M/M/n/n (Erlang B) with ``n`` agents and load ``a`` Erlangs.

    Uses the recursion B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1)), which never overflows.
    Edge cases: ``n = 0`` gives 1.0; ``a = 0`` with ``n >= 1`` gives 0.0. The value may
    underflow to 0.0 when ``a`` is tiny compared with ``n``.
    """
    n = _agents(n)
    a = _non_negative("offered load a", a)
    b = 1.0
    for k in range(1, n + 1):
        ab = a * b
        b = ab / (k + ab)
    return b


def erlang_c(n: int, a: float) -> float:
    """Probability of waiting, P(W > 0), in M/M/n (Erlang C) with load ``a`` Erlangs.

    Computed from Erlang B as C = n·B / (n - a·(1 - B)). The queue is unstable when
    ``a >= n`` (including ``n = a = 0``); every caller then waits and 1.0 is returned.
    ``a = 0`` with ``n >= 1`` gives 0.0.
    """
    n = _agents(n)
    a = _non_negative("offered load a", a)
    if a >= n:
        return 1.0
    b = erlang_b(n, a)
    return _clip01(n * b / (n - a * (1.0 - b)))


def _erlang_c_inputs(n: int, arrival_rate: float, mean_service: float) -> tuple[int, float, float]:
    n = _agents(n)
    arrival_rate = _non_negative("arrival_rate (1/s)", arrival_rate)
    mean_service = _positive("mean_service (s)", mean_service)
    return n, arrival_rate, mean_service


def erlang_c_wait_exceeds(n: int, arrival_rate: float, mean_service: float, t: float) -> float:
    """P(W > t) in M/M/n: C(n, a)·exp(-(nμ - λ)·t); ``t`` in seconds.

    Returns 1.0 when the queue is unstable (``a >= n``): the wait grows without bound.
    """
    n, lam, mean_s = _erlang_c_inputs(n, arrival_rate, mean_service)
    t = _time("t", t)
    a = lam * mean_s
    if a >= n:
        return 1.0
    c = erlang_c(n, a)
    if c == 0.0 or math.isinf(t):
        return 0.0
    # (n - a)/E[S] = nμ - λ, the drain rate of the queue while all agents are busy.
    return c * math.exp(-(n - a) * t / mean_s)


def erlang_c_asa(n: int, arrival_rate: float, mean_service: float) -> float:
    """Mean wait over all callers, E[W] = C(n, a) / (nμ - λ), in seconds.

    ``arrival_rate`` is per second and ``mean_service`` in seconds. Returns ``inf`` when the
    queue is unstable (``a >= n``) and 0.0 when there are no arrivals and ``n >= 1``.
    """
    n, lam, mean_s = _erlang_c_inputs(n, arrival_rate, mean_service)
    a = lam * mean_s
    if a >= n:
        return math.inf
    return erlang_c(n, a) * mean_s / (n - a)


def erlang_c_service_level(
    n: int, arrival_rate: float, mean_service: float, threshold: float
) -> float:
    """Service level P(W <= T) = 1 - C(n, a)·exp(-(n - a)·T / E[S]) with T = ``threshold`` s.

    Returns 0.0 when the queue is unstable (``a >= n``).
    """
    n, lam, mean_s = _erlang_c_inputs(n, arrival_rate, mean_service)
    if lam * mean_s >= n:
        return 0.0
    return _clip01(1.0 - erlang_c_wait_exceeds(n, lam, mean_s, threshold))


def erlang_c_service_levels(
    n: int,
    arrival_rate: float,
    mean_service: float,
    threshold: float,
    short_abandon: float = 0.0,
) -> dict[str, float]:
    """The service-level dictionary of :func:`erlang_a_service_levels` for Erlang C.

    Nobody abandons in Erlang C and W = V, so every definition equals P(W <= T). All are 0.0
    when the queue is unstable. ``short_abandon`` is accepted for symmetry and has no effect.
    """
    _time("short_abandon", short_abandon)
    sl = erlang_c_service_level(n, arrival_rate, mean_service, threshold)
    return {key: sl for key in SERVICE_LEVEL_KEYS}


# --------------------------------------------------------------------------------------------
# Kummer series A(x, y) = Σ_k y^k / Π_{i=1..k}(x + i) = x·e^y·y^(-x)·γ(x, y)


def _direct_terms_needed(x: float, y: float) -> int:
    """Terms needed before the series (for y <= x) drops below double precision."""
    ratio = y / (x + 1.0)  # bounds every term ratio y/(x + k)
    geometric = 40.0 / -math.log(ratio) if ratio > 0.0 else 1.0  # ratio^k < 1e-17
    # With y close to x the terms fall like exp(-k²/2x) instead.
    gaussian = 10.0 * math.sqrt(x) + 20.0
    return int(min(geometric, gaussian)) + 10


def _kummer_sums(x: float, y: float) -> tuple[float, float]:
    """Return (Σ t_k, Σ k·t_k) with t_k = y^k / Π_{i=1..k}(x + i), for 0 <= y <= x.

    Every term is <= 1 because y/(x + i) < 1, so plain floats cannot overflow. The sum is
    extended chunk by chunk until the last term is negligible.
    """
    s0, s1 = 1.0, 0.0
    term, k0 = 1.0, 0
    # Capped so that even an extreme fallback sums in bounded memory.
    chunk = min(max(16, _direct_terms_needed(x, y)), _CHUNK_TERMS)
    while True:
        k = np.arange(k0 + 1, k0 + chunk + 1, dtype=float)
        terms = term * np.cumprod(y / (x + k))
        s0 += float(terms.sum())
        s1 += float((k * terms).sum())
        term, k0 = float(terms[-1]), k0 + chunk
        if term <= 1e-17 * s0:
            return s0, s1


def _use_series(x: float, y: float) -> bool:
    """Whether A(x, y) is summed term by term rather than taken from the incomplete gamma."""
    return y <= x and (
        _direct_terms_needed(x, y) <= _MAX_DIRECT_TERMS
        # Far below x only the series is accurate; this needs huge x (> 1e11) and is slow.
        or x - y > _GAMMAINC_MAX_SDS_BELOW * math.sqrt(x)
    )


def _log_kummer(x: float, y: float) -> float:
    """ln A(x, y) for x >= 0, y >= 0, accurate from tiny to astronomically large A."""
    if y == 0.0:
        return 0.0
    if _use_series(x, y):
        return math.log(_kummer_sums(x, y)[0])
    if x == 0.0:
        return y  # A(0, y) = e^y
    # A = Γ(x+1)·P(x, y)·e^y·y^(-x) with P the regularised lower incomplete gamma. Written with
    # Stirling's series, ln Γ(x+1) + y - x·ln y = x·(d - ln(1+d)) + ln √(2πx) + stirlerr(x),
    # d = (y - x)/x, which avoids subtracting two numbers of size x·ln x.
    p = float(special.gammainc(x, y))
    d = (y - x) / x
    log_prefactor = -x * _log1p_minus(d) + _log_sqrt_2pi_x(x) + _stirling_error(x)
    return log_prefactor + math.log(p)


def _log1p_minus(d: float) -> float:
    """ln(1 + d) - d for d > -1, without cancellation for small |d|."""
    if abs(d) < 0.01:
        # Alternating series -d²/2 + d³/3 - ...; 12 terms reach double precision here.
        return sum((-1.0) ** (k + 1) * d**k / k for k in range(12, 1, -1))
    return math.log1p(d) - d


def _log_sqrt_2pi_x(x: float) -> float:
    return 0.5 * math.log(2.0 * math.pi * x)


def _stirling_error(x: float) -> float:
    """ln Γ(x+1) - (x·ln x - x + ln √(2πx)) for x > 0."""
    if x < 10.0:
        return float(special.gammaln(x + 1.0)) - (x * math.log(x) - x + _log_sqrt_2pi_x(x))
    inv2 = 1.0 / (x * x)
    return (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0))) / x


def _queue_stats(x: float, y: float) -> tuple[float, float]:
    """(ln A(x, y), P(Ab | W > 0)) for the queue part of the chain (x = nμ/θ, y = λ/θ > 0).

    P(Ab | W > 0) = E[Q | all busy]/y = 1/(ρA) + 1 - 1/ρ. Below critical load that form
    cancels badly, so the positive series Σ k·t_k / (y·Σ t_k) is used whenever A is summed.
    """
    if _use_series(x, y):
        s0, s1 = _kummer_sums(x, y)
        return math.log(s0), _clip01(s1 / (y * s0))
    log_a = _log_kummer(x, y)
    inv_rho = x / y
    return log_a, _clip01(inv_rho * math.exp(-log_a) + 1.0 - inv_rho)


# --------------------------------------------------------------------------------------------
# Erlang A


def _scaled(
    n: int, arrival_rate: float, mean_service: float, mean_patience: float
) -> tuple[float, float, float]:
    """(x, y, θ) with x = nμ/θ, y = λ/θ and θ = 1/E[τ] (per second), as in the notes."""
    return n * mean_patience / mean_service, arrival_rate * mean_patience, 1.0 / mean_patience


@dataclass(frozen=True)
class ErlangAResult:
    """Stationary performance of M/M/n+M (Erlang A); times in seconds, rates per second.

    Attributes:
        n: number of agents.
        arrival_rate: λ, calls per second.
        mean_service: E[S], seconds.
        mean_patience: E[τ], seconds (exponential patience).
        offered_load: a = λ·E[S], Erlangs.
        p_wait: P(W > 0), share of callers who find every agent busy.
        p_abandon: P(Ab), share of callers who hang up before service.
        mean_wait: E[W] over all callers (served and abandoned), seconds; = P(Ab)·E[τ].
        mean_queue: E[Q], mean number waiting; = λ·E[W].
        occupancy: a·(1 - P(Ab))/n, share of agent time spent serving (0 when n = 0).

    Service levels at any threshold come from the methods, which reuse these numbers.
    """

    n: int
    arrival_rate: float
    mean_service: float
    mean_patience: float
    offered_load: float
    p_wait: float
    p_abandon: float
    mean_wait: float
    mean_queue: float
    occupancy: float

    def _scaled(self) -> tuple[float, float, float]:
        """(x, y, θ) with x = nμ/θ and y = λ/θ, the natural variables of the chain."""
        return _scaled(self.n, self.arrival_rate, self.mean_service, self.mean_patience)

    def _offered_tail_ratio(self, t: float, log_a: float) -> float:
        """P(V > t | W > 0) = e^(-nμt)·e^(y(1-e^(-θt)))·A(x, y·e^(-θt)) / A(x, y).

        This is the incomplete-gamma ratio γ(x, y·e^(-θt)) / γ(x, y) of the notes, rewritten
        with A so that it cannot underflow to 0/0 when y is far below x.
        """
        x, y, theta = self._scaled()
        log_ratio = (
            -self.n * t / self.mean_service
            - y * math.expm1(-theta * t)
            + _log_kummer(x, y * math.exp(-theta * t))
            - log_a
        )
        return _clip01(math.exp(min(log_ratio, 0.0)))

    def offered_wait_exceeds(self, t: float) -> float:
        """P(V > t): the wait a caller with infinite patience would have exceeds ``t`` s.

        With ``n = 0`` that wait is infinite, so the result is 1.0.
        """
        t = _time("t", t)
        if self.n == 0:
            return 1.0
        if self.p_wait == 0.0 or math.isinf(t):
            return 0.0
        x, y, _ = self._scaled()
        return self.p_wait * self._offered_tail_ratio(t, _log_kummer(x, y))

    def wait_exceeds(self, t: float) -> float:
        """P(W > t) for the actual wait W = min(V, τ): e^(-θt)·P(V > t); ``t`` in seconds."""
        t = _time("t", t)
        if math.isinf(t):
            return 0.0
        return math.exp(-t / self.mean_patience) * self.offered_wait_exceeds(t)

    def abandon_within(self, t: float) -> float:
        """P(Ab and W <= t) = ∫_0^t θ·e^(-θs)·P(V > s) ds; ``t`` in seconds.

        The caller abandons at its patience s, which must come before its offered wait.
        ``t = inf`` gives P(Ab).
        """
        t = _time("t", t)
        if math.isinf(t):
            return self.p_abandon
        if t == 0.0 or self.p_wait == 0.0:
            return 0.0
        theta = 1.0 / self.mean_patience
        if self.n == 0:
            return -math.expm1(-theta * t)
        x, y, _ = self._scaled()
        log_a = _log_kummer(x, y)

        def integrand(s: float) -> float:
            return theta * math.exp(-theta * s) * self._offered_tail_ratio(s, log_a)

        from scipy import integrate  # here: scipy.integrate costs every command start-up about 0.3 s

        value, _err = integrate.quad(integrand, 0.0, t, epsabs=1e-13, epsrel=1e-10, limit=200)
        return _clip01(self.p_wait * value)

    def service_levels(self, threshold: float, short_abandon: float = 0.0) -> dict[str, float]:
        """Labelled service levels at ``threshold`` T seconds.

        Keys:
            ``of_answered``: P(W <= T | served) = P(served, W <= T) / P(served); NaN when
                nobody is ever served (n = 0).
            ``of_offered``: P(served, W <= T), share of all offered calls answered within T.
            ``of_offered_excl_short_abandons``: P(served, W <= T) / (1 - P(Ab, W <= s)),
                which drops callers who abandon within ``short_abandon`` = s seconds.
            ``offered_wait_within``: P(V <= T), the offered-wait service level.
            ``wait_within``: P(W <= T) for the actual wait (served or abandoned).

        P(served, W <= T) = 1 - P(W > T) - P(Ab, W <= T).
        """
        threshold = _time("threshold", threshold)
        short_abandon = _time("short_abandon", short_abandon)
        wait_exceeds = self.wait_exceeds(threshold)
        served_within = _clip01(1.0 - wait_exceeds - self.abandon_within(threshold))
        p_served = 1.0 - self.p_abandon
        short = self.abandon_within(short_abandon) if short_abandon > 0.0 else 0.0
        return {
            "of_answered": _clip01(served_within / p_served) if p_served > 0.0 else math.nan,
            "of_offered": served_within,
            "of_offered_excl_short_abandons": _clip01(served_within / (1.0 - short))
            if short < 1.0
            else math.nan,
            "offered_wait_within": _clip01(1.0 - self.offered_wait_exceeds(threshold)),
            "wait_within": _clip01(1.0 - wait_exceeds),
        }


def erlang_a(
    n: int, arrival_rate: float, mean_service: float, mean_patience: float
) -> ErlangAResult:
    """Exact stationary performance of M/M/n+M (Erlang A).

    Args:
        n: number of agents (>= 0).
        arrival_rate: λ, calls per second (>= 0).
        mean_service: E[S] in seconds (> 0), exponential.
        mean_patience: E[τ] in seconds (> 0, finite), exponential.

    Formulas (Garnett, Mandelbaum & Reiman 2002, MSOM 4(3):208-227; closed forms as in Mandelbaum &
    Zeltyn, "The Palm/Erlang-A queue, with applications to call centers", Technion 2005),
    with x = nμ/θ, y = λ/θ, E = B(n, a):
    P(W>0) = A·E / (1 + (A-1)·E), P(Ab) = P(Ab | W>0)·P(W>0), E[W] = P(Ab)/θ.

    Edge cases: the system is stable at any load. With ``n = 0`` every caller waits and
    abandons (p_wait = p_abandon = 1, mean_wait = mean_patience, occupancy = 0). With no
    arrivals and ``n >= 1`` nobody waits and every measure is 0.
    """
    n = _agents(n)
    lam = _non_negative("arrival_rate (1/s)", arrival_rate)
    mean_s = _positive("mean_service (s)", mean_service)
    mean_tau = _positive("mean_patience (s)", mean_patience)
    a = lam * mean_s
    if n == 0:
        return ErlangAResult(0, lam, mean_s, mean_tau, a, 1.0, 1.0, mean_tau, lam * mean_tau, 0.0)
    if lam == 0.0:
        return ErlangAResult(n, lam, mean_s, mean_tau, a, 0.0, 0.0, 0.0, 0.0, 0.0)

    x, y, _ = _scaled(n, lam, mean_s, mean_tau)
    log_a, p_abandon_given_wait = _queue_stats(x, y)
    e = erlang_b(n, a)
    # P(W>0) = A·E/(1 + (A-1)·E) rearranged so that huge A (overload) stays finite.
    p_wait = 1.0 / (1.0 + (1.0 - e) / e * math.exp(-log_a)) if e > 0.0 else 0.0
    p_abandon = p_abandon_given_wait * p_wait
    mean_wait = p_abandon * mean_tau  # Little's law on the queue: θ·E[Q] = λ·P(Ab)
    occupancy = min(1.0, a * (1.0 - p_abandon) / n)
    return ErlangAResult(
        n, lam, mean_s, mean_tau, a, p_wait, p_abandon, mean_wait, lam * mean_wait, occupancy
    )


def erlang_a_offered_wait_exceeds(
    n: int, arrival_rate: float, mean_service: float, mean_patience: float, t: float
) -> float:
    """P(V > t) in Erlang A: the offered (infinite-patience) wait exceeds ``t`` seconds."""
    return erlang_a(n, arrival_rate, mean_service, mean_patience).offered_wait_exceeds(t)


def erlang_a_wait_exceeds(
    n: int, arrival_rate: float, mean_service: float, mean_patience: float, t: float
) -> float:
    """P(W > t) in Erlang A for the actual wait W = min(V, τ); ``t`` in seconds."""
    return erlang_a(n, arrival_rate, mean_service, mean_patience).wait_exceeds(t)


def erlang_a_abandon_within(
    n: int, arrival_rate: float, mean_service: float, mean_patience: float, t: float
) -> float:
    """P(Ab and W <= t) in Erlang A: share of callers who hang up within ``t`` seconds."""
    return erlang_a(n, arrival_rate, mean_service, mean_patience).abandon_within(t)


def erlang_a_service_levels(
    n: int,
    arrival_rate: float,
    mean_service: float,
    mean_patience: float,
    threshold: float,
    short_abandon: float = 0.0,
) -> dict[str, float]:
    """Labelled Erlang A service levels at ``threshold`` seconds.

    See :meth:`ErlangAResult.service_levels` for the keys and their definitions.
    """
    result = erlang_a(n, arrival_rate, mean_service, mean_patience)
    return result.service_levels(threshold, short_abandon)
