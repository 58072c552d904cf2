"""Smallest headcounts that meet service targets, for one period or a profile of periods.

Units: seconds and calls per second, as in :mod:`ccsim.analytic.erlang`.

Target semantics (every target given must hold):
    service level (with ``threshold`` T seconds) >= ``service_level``;
    probability of abandonment <= ``max_abandon`` (Erlang A only);
    mean wait over all callers (ASA, seconds) <= ``max_asa``;
    occupancy (share of agent time busy) <= ``max_occupancy``.

Every measure improves as agents are added (waits, abandonment and occupancy fall, service
levels rise), so the feasible headcounts form a ray [n*, ∞). The search brackets n* by
doubling steps upward from a lower bound and then bisects, which needs O(log n*) evaluations
even for loads of thousands of Erlangs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from ccsim.analytic.erlang import (
    SERVICE_LEVEL_KEYS,
    erlang_a,
    erlang_c,
)

__all__ = [
    "interval_requirements",
    "lagged_arrival_rates",
    "min_agents_erlang_a",
    "min_agents_erlang_c",
    "square_root_staffing",
]

_ERLANG_C_TARGETS = frozenset({"service_level", "threshold", "max_asa", "max_occupancy"})
_ERLANG_A_TARGETS = _ERLANG_C_TARGETS | {"sl_definition", "max_abandon", "short_abandon"}


# --------------------------------------------------------------------------------------------
# Helpers


def _headcount_cap(load: float) -> int:
    """Largest headcount searched; a target needing more than this is treated as unreachable."""
    return math.ceil(10.0 * load + 100.0)


def _first_feasible(low: int, cap: int, feasible: Callable[[int], bool], what: str) -> int:
    """Smallest n in [low, cap] with ``feasible(n)``, assuming feasibility is monotone in n.

    Raises ValueError naming ``what`` when even ``cap`` agents are not enough.
    """
    if feasible(low):
        return low
    bad, step = low, 1
    while True:
        good = min(bad + step, cap)
        if feasible(good):
            break
        if good == cap:
            raise ValueError(f"{what}: targets cannot be met with up to {cap} agents")
        bad, step = good, 2 * step
    while good - bad > 1:  # invariant: bad is infeasible, good is feasible
        mid = (bad + good) // 2
        if feasible(mid):
            good = mid
        else:
            bad = mid
    return good


def _check_rates(arrival_rate: float, mean_service: float) -> tuple[float, float]:
    arrival_rate = float(arrival_rate)
    mean_service = float(mean_service)
    if not (math.isfinite(arrival_rate) and arrival_rate >= 0.0):
        raise ValueError(f"arrival_rate (1/s) must be finite and >= 0, got {arrival_rate!r}")
    if not (math.isfinite(mean_service) and mean_service > 0.0):
        raise ValueError(f"mean_service (s) must be finite and > 0, got {mean_service!r}")
    return arrival_rate, mean_service


def _check_targets(
    service_level: float | None,
    threshold: float | None,
    max_asa: float | None,
    max_occupancy: float | None,
    max_abandon: float | None = None,
) -> None:
    """Reject targets that are malformed or impossible whatever the headcount."""
    if (service_level is None) != (threshold is None):
        raise ValueError("service_level and threshold (s) must be given together")
    if service_level is not None and not 0.0 <= service_level <= 1.0:
        raise ValueError(f"service_level must lie in [0, 1], got {service_level!r}")
    if threshold is not None and not threshold >= 0.0:
        raise ValueError(f"threshold must be >= 0 seconds, got {threshold!r}")
    if max_asa is not None and not max_asa >= 0.0:
        raise ValueError(f"max_asa must be >= 0 seconds, got {max_asa!r}")
    if max_occupancy is not None and not 0.0 < max_occupancy <= 1.0:
        raise ValueError(f"max_occupancy must lie in (0, 1], got {max_occupancy!r}")
    if max_abandon is not None and not 0.0 <= max_abandon <= 1.0:
        raise ValueError(f"max_abandon must lie in [0, 1], got {max_abandon!r}")


# --------------------------------------------------------------------------------------------
# Single-period staffing


def square_root_staffing(load: float, beta: float) -> float:
    """Square-root safety staffing R + β·√R for an offered load R in Erlangs.

    The result is a real number of agents; round it up for a headcount. β is the
    quality-of-service parameter (typically 0.5 to 2, Halfin-Whitt regime).
    """
    load = float(load)
    if not (math.isfinite(load) and load >= 0.0):
        raise ValueError(f"load must be finite and >= 0 Erlangs, got {load!r}")
    return load + float(beta) * math.sqrt(load)


def min_agents_erlang_c(
    arrival_rate: float,
    mean_service: float,
    *,
    service_level: float | None = None,
    threshold: float | None = None,
    max_asa: float | None = None,
    max_occupancy: float | None = None,
) -> int:
    """Smallest headcount n for M/M/n (Erlang C) meeting every target given.

    Args:
        arrival_rate: calls per second.
        mean_service: mean handling time in seconds.
        service_level: required P(W <= threshold), with ``threshold`` in seconds.
        max_asa: largest allowed mean wait over all callers, seconds.
        max_occupancy: largest allowed a/n.

    Stability (n > a) is always required, so with no target the smallest stable headcount is
    returned. No arrivals need 0 agents. Raises ValueError for malformed targets or when the
    targets need more than 10·a + 100 agents.
    """
    lam, mean_s = _check_rates(arrival_rate, mean_service)
    _check_targets(service_level, threshold, max_asa, max_occupancy)
    if lam == 0.0:
        return 0
    a = lam * mean_s

    def feasible(n: int) -> bool:
        c = erlang_c(n, a)
        drain = (n - a) / mean_s  # nμ - λ, per second
        if max_occupancy is not None and a / n > max_occupancy:
            return False
        if max_asa is not None and c / drain > max_asa:
            return False
        return service_level is None or 1.0 - c * math.exp(-drain * threshold) >= service_level

    stable = math.floor(a) + 1
    return _first_feasible(stable, max(stable, _headcount_cap(a)), feasible, "Erlang C staffing")


def min_agents_erlang_a(
    arrival_rate: float,
    mean_service: float,
    mean_patience: float,
    *,
    service_level: float | None = None,
    threshold: float | None = None,
    sl_definition: str = "offered_wait_within",
    max_abandon: float | None = None,
    max_asa: float | None = None,
    max_occupancy: float | None = None,
    short_abandon: float = 0.0,
) -> int:
    """Smallest headcount n for M/M/n+M (Erlang A) meeting every target given.

    Args:
        arrival_rate: calls per second.
        mean_service: mean handling time in seconds.
        mean_patience: mean (exponential) patience in seconds.
        service_level: required service level at ``threshold`` seconds, measured by
            ``sl_definition``, one of the keys of :meth:`ErlangAResult.service_levels`
            (default P(V <= T), the offered-wait service level).
        max_abandon: largest allowed P(Ab).
        max_asa: largest allowed mean wait over all callers, seconds.
        max_occupancy: largest allowed share of agent time busy.
        short_abandon: seconds, only for ``"of_offered_excl_short_abandons"``.

    At least one target is required. No arrivals need 0 agents; otherwise at least one agent
    is staffed (with none, nobody is ever served). Raises ValueError for malformed targets or
    when the targets need more than 10·a + 100 agents.
    """
    lam, mean_s = _check_rates(arrival_rate, mean_service)
    _check_targets(service_level, threshold, max_asa, max_occupancy, max_abandon)
    if sl_definition not in SERVICE_LEVEL_KEYS:
        raise ValueError(
            f"sl_definition must be one of {SERVICE_LEVEL_KEYS}, got {sl_definition!r}"
        )
    if all(t is None for t in (service_level, max_abandon, max_asa, max_occupancy)):
        raise ValueError(
            "give at least one target: service_level, max_abandon, max_asa or max_occupancy"
        )
    if not (math.isfinite(mean_patience) and mean_patience > 0.0):
        raise ValueError(f"mean_patience must be finite and > 0 seconds, got {mean_patience!r}")
    if lam == 0.0:
        return 0
    a = lam * mean_s

    def feasible(n: int) -> bool:
        result = erlang_a(n, lam, mean_s, mean_patience)
        # Cheap closed-form measures first; service levels may need a numerical integral.
        if max_abandon is not None and result.p_abandon > max_abandon:
            return False
        if max_asa is not None and result.mean_wait > max_asa:
            return False
        if max_occupancy is not None and result.occupancy > max_occupancy:
            return False
        if service_level is not None:
            levels = result.service_levels(threshold, short_abandon)
            # An undefined (NaN) level compares False, so it counts as a miss.
            return bool(levels[sl_definition] >= service_level)
        return True

    return _first_feasible(1, _headcount_cap(a), feasible, "Erlang A staffing")


# --------------------------------------------------------------------------------------------
# Time-varying demand: (lagged) SIPP


def lagged_arrival_rates(
    arrival_rates: Sequence[float] | np.ndarray, interval_length: float, lag: float
) -> np.ndarray:
    """Average arrival rate of each interval after shifting the profile ``lag`` seconds later.

    Interval i covers [i·L, (i+1)·L) with L = ``interval_length`` seconds and has the constant
    rate ``arrival_rates[i]`` (per second). The result is the mean of λ(u) over
    [i·L - lag, (i+1)·L - lag], the load that is actually in service during interval i.
    Before the first interval the rate is taken to be that of the first interval, i.e. the
    system is assumed to have been running in steady state at the opening rate; after the
    last interval the last rate continues.
    """
    rates = np.asarray(arrival_rates, dtype=float)
    if rates.ndim != 1:
        raise ValueError("arrival_rates must be one-dimensional")
    if not (math.isfinite(interval_length) and interval_length > 0.0):
        raise ValueError(f"interval_length must be > 0 seconds, got {interval_length!r}")
    if not (math.isfinite(lag) and lag >= 0.0):
        raise ValueError(f"lag must be >= 0 seconds, got {lag!r}")
    if rates.size == 0 or lag == 0.0:
        return rates.copy()
    edges = interval_length * np.arange(rates.size + 1)
    cumulative = np.concatenate(([0.0], np.cumsum(rates * interval_length)))

    def arrivals_until(t: np.ndarray) -> np.ndarray:
        """Expected arrivals in [0, t], extended linearly beyond both ends of the profile."""
        inside = np.interp(t, edges, cumulative)
        before = rates[0] * np.minimum(t, 0.0)
        after = rates[-1] * np.maximum(t - edges[-1], 0.0)
        return inside + before + after

    starts = edges[:-1] - lag
    return (arrivals_until(starts + interval_length) - arrivals_until(starts)) / interval_length


def interval_requirements(
    arrival_rates: Sequence[float] | np.ndarray,
    mean_service: float,
    mean_patience: float | None = None,
    *,
    interval_length: float,
    lag: bool = True,
    **targets: float | str,
) -> dict[str, np.ndarray]:
    """Per-interval headcounts by the stationary independent period approach (SIPP).

    Each planning interval is staffed on its own with a stationary model.

    Args:
        arrival_rates: per-interval arrival rates, calls per second (piecewise constant).
        mean_service: mean handling time, seconds.
        mean_patience: mean patience, seconds; the Erlang A requirement needs it.
        interval_length: length of each interval, seconds.
        lag: when True use lagged SIPP (Green, Kolesar & Whitt 2007): the rate used for
            interval i is the average over the interval shifted one mean service time
            earlier, because the agents busy in an interval are serving calls that arrived
            about E[S] before (see :func:`lagged_arrival_rates`; before the first interval
            the first interval's rate is assumed).
        **targets: ``service_level``, ``threshold``, ``max_asa``, ``max_occupancy`` (both
            models) and ``max_abandon``, ``sl_definition``, ``short_abandon`` (Erlang A only).

    Returns:
        ``{"erlang_c": ints, "erlang_a": ints}``, one headcount per interval; ``"erlang_a"`` is
        present only when ``mean_patience`` is given. Intervals with no arrivals get 0. The
        Erlang C requirement ignores the abandonment-only targets (nobody abandons there).
    """
    unknown = set(targets) - _ERLANG_A_TARGETS
    if unknown:
        raise TypeError(f"unknown staffing target(s): {sorted(unknown)}")
    mean_service = float(mean_service)
    shift = mean_service if lag else 0.0
    rates = lagged_arrival_rates(arrival_rates, interval_length, shift)
    c_targets = {k: v for k, v in targets.items() if k in _ERLANG_C_TARGETS}

    def per_interval(solve: Callable[[float], int], model: str) -> np.ndarray:
        out = np.zeros(rates.size, dtype=int)
        for i, rate in enumerate(rates):
            try:
                out[i] = solve(float(rate))
            except ValueError as exc:
                raise ValueError(f"{model}, interval {i} (rate {rate:.6g}/s): {exc}") from exc
        return out

    result = {
        "erlang_c": per_interval(
            lambda rate: min_agents_erlang_c(rate, mean_service, **c_targets), "Erlang C"
        )
    }
    if mean_patience is not None:
        result["erlang_a"] = per_interval(
            lambda rate: min_agents_erlang_a(rate, mean_service, mean_patience, **targets),
            "Erlang A",
        )
    return result
