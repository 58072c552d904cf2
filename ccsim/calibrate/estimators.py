"""Estimators: talk time by AIC, censored patience, day-level overdispersion, redials (scipy throughout)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

FAMILIES = {"lognormal": stats.lognorm, "gamma": stats.gamma, "weibull": stats.weibull_min,
            "exponential": stats.expon}


def _aic(dist, params, uncensored: np.ndarray, censored: np.ndarray) -> float:
    loglik = dist.logpdf(uncensored, *params).sum() + dist.logsf(censored, *params).sum()
    return 2 * (len(params) - 1) - 2 * float(loglik)  # location fixed at 0: not a free parameter


def _scenario_block(name: str, params) -> dict:
    """A fitted scipy family as a scenario distribution block (seconds)."""
    if name == "lognormal":
        return {"dist": "lognormal", "median": round(float(params[2]), 3), "log_sd": round(float(params[0]), 4)}
    if name == "gamma":
        return {"dist": "gamma", "shape": round(float(params[0]), 4), "scale": round(float(params[2]), 3)}
    if name == "weibull":
        return {"dist": "weibull", "shape": round(float(params[0]), 4), "scale": round(float(params[2]), 3)}
    return {"dist": "exponential", "mean": round(float(params[1]), 3)}


def _free(name: str, params) -> np.ndarray:
    """The free parameters of a fit (location fixed at 0): (shape, scale), or (scale,) for the exponential."""
    return np.array([params[1]]) if name == "exponential" else np.array([params[0], params[2]])


def _full(name: str, free: np.ndarray) -> tuple:
    return (0.0, free[0]) if name == "exponential" else (free[0], 0.0, free[1])


def _hessian(f, x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of a scalar function at ``x``."""
    n = len(x)
    h = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * step, np.eye(n)[j] * step
            h[i, j] = h[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * step * step)
    return h


# Names of the free parameters as the scenario block states them (lognormal: median = scale, log_sd = shape).
PARAMETER_NAMES = {"lognormal": ("log_sd", "median"), "gamma": ("shape", "scale"), "weibull": ("shape", "scale"),
                   "exponential": ("mean",)}


def standard_errors(name: str, params, uncensored: np.ndarray, censored: np.ndarray) -> dict:
    """Standard errors of a fit's free parameters and of its mean from the observed information.

    The Hessian of the negative log-likelihood is taken numerically in log-parameters at the MLE and
    inverted; standard errors of the parameters and of the mean follow by the delta method (seconds
    for scales and means).
    """
    dist = FAMILIES[name]
    log_free = np.log(_free(name, params))

    def nll(theta: np.ndarray) -> float:
        full = _full(name, np.exp(theta))
        return -float(dist.logpdf(uncensored, *full).sum() + dist.logsf(censored, *full).sum())

    try:
        covariance = np.linalg.inv(_hessian(nll, log_free))
    except np.linalg.LinAlgError:
        return {"method": "observed information", "note": "singular information matrix: not estimable"}
    free = np.exp(log_free)
    variances = np.diag(covariance) * free**2
    step = 1e-6
    gradient = np.array([(dist.mean(*_full(name, np.exp(log_free + step * np.eye(len(free))[k])))
                          - dist.mean(*_full(name, np.exp(log_free - step * np.eye(len(free))[k])))) / (2 * step)
                         for k in range(len(free))])
    mean_variance = float(gradient @ covariance @ gradient)
    names = PARAMETER_NAMES[name]
    return {"method": "observed information (numerical Hessian of the log-likelihood, delta method)",
            "parameters": {n: float(v) for n, v in zip(names, free)},
            "se": {n: float(np.sqrt(max(v, 0.0))) for n, v in zip(names, variances)},
            "mean_se_s": float(np.sqrt(max(mean_variance, 0.0)))}


def fit_families(uncensored: np.ndarray, censored: np.ndarray | None = None) -> dict:
    """MLE of each family (location 0), right-censored values allowed, with standard errors; best by AIC."""
    censored = np.empty(0) if censored is None else censored
    data = stats.CensoredData(uncensored=uncensored, right=censored) if len(censored) else uncensored
    fits = {}
    failed = {}
    for name, dist in FAMILIES.items():
        try:
            with np.errstate(all="ignore"):
                params = dist.fit(data, floc=0)
        except (ValueError, RuntimeError, FloatingPointError) as exc:  # e.g. every value the same
            failed[name] = str(exc)
            continue
        errors = standard_errors(name, params, uncensored, censored)
        fits[name] = {"aic": _aic(dist, params, uncensored, censored), "mean_s": float(dist.mean(*params)),
                      "mean_se_s": errors.get("mean_se_s"), "parameters": errors.get("parameters"),
                      "se": errors.get("se"), "se_method": errors["method"],
                      "scenario": _scenario_block(name, params)}
    if not fits:
        raise ValueError(f"no distribution family could be fitted ({'; '.join(failed.values())})")
    best = min(fits, key=lambda n: fits[n]["aic"])
    return {"best": best, "fits": fits, **({"not_fitted": failed} if failed else {})}


def talk_time(talk: np.ndarray) -> dict:
    """Talk-time fit by AIC on every served call with talk > 0 (long calls kept), with a KS distance."""
    talk = talk[talk > 0]
    result = fit_families(talk)
    dist = FAMILIES[result["best"]]
    params = dist.fit(talk, floc=0)
    result["ks_statistic"] = float(stats.kstest(talk, dist.cdf, args=params).statistic)
    result["n"] = int(len(talk))
    result["sample_mean_s"] = float(talk.mean())
    result["sample_mean_se_s"] = float(talk.std(ddof=1) / math.sqrt(len(talk)))
    return result


def patience(waits_abandoned: np.ndarray, waits_served: np.ndarray) -> dict:
    """Patience: an abandoner's wait is observed, a served caller's wait right-censors it.

    Served callers who never waited carry no information and are left out. The exponential MLE
    (total wait / abandonments, Koole) gets an exact chi-square interval for its mean.
    """
    observed = np.maximum(waits_abandoned, 0.5)  # a zero recorded wait: under a second
    censored = waits_served[waits_served > 0]
    result = fit_families(observed, censored)
    total, events = observed.sum() + censored.sum(), len(observed)
    result["exponential_mean_s"] = float(total / events)
    result["exponential_mean_ci95_s"] = [float(2 * total / stats.chi2.ppf(0.975, 2 * events)),
                                         float(2 * total / stats.chi2.ppf(0.025, 2 * events))]
    km = stats.ecdf(stats.CensoredData(uncensored=observed, right=censored))
    result["kaplan_meier"] = {"t_s": km.sf.quantiles.tolist()[:400], "survival": km.sf.probabilities.tolist()[:400]}
    result["n_abandoned"], result["n_censored"] = int(events), int(len(censored))
    return result


def abandon_wait_relation(offered: pd.DataFrame) -> dict:
    """Across date x hour cells with 20+ calls: P(abandon) against mean wait; 1/slope estimates mean patience."""
    cells = offered.assign(hour=(offered["arrive_s"] // 3600).astype(int),
                           ab=offered["outcome"] == "abandoned").groupby(["date", "hour"])
    table = pd.DataFrame({"n": cells.size(), "p_ab": cells["ab"].mean(), "mean_wait": cells["wait_s"].mean()})
    table = table[table["n"] >= 20]
    x, y = table["mean_wait"].to_numpy(), table["p_ab"].to_numpy()
    slope = float((x * y).sum() / (x * x).sum())
    draws = np.random.default_rng(0).integers(0, len(x), size=(2000, len(x)))  # bootstrap over cells, seed 0
    implied = (x[draws] ** 2).sum(axis=1) / np.maximum((x[draws] * y[draws]).sum(axis=1), 1e-12)
    return {"cells": int(len(table)), "slope_per_s": slope, "implied_mean_patience_s": 1.0 / slope,
            "implied_mean_patience_ci95_s": [float(np.quantile(implied, 0.025)), float(np.quantile(implied, 0.975))],
            "method": "zero-intercept least squares of P(abandon) on mean wait over date x hour cells with 20+ calls; "
                      "percentile bootstrap over cells (seed 0)",
            "correlation": float(stats.pearsonr(x, y).statistic),
            "table": {"hour": table.index.get_level_values("hour").tolist(), "n": table["n"].tolist(),
                      "p_abandon": [float(v) for v in y], "mean_wait_s": [float(v) for v in x]}}


def overdispersion(daily: pd.DataFrame) -> dict:
    """Gamma-Poisson day factor: CV^2 = (var - mean) / mean^2 of daily totals within a weekday, pooled."""
    pieces = []
    for _, group in daily.groupby("weekday"):
        if len(group) >= 2:
            m = group["calls"].mean()
            pieces.append((group["calls"].to_numpy() / m, m))
    if not pieces:  # no weekday seen twice: the day factor cannot be told from Poisson noise
        return {"busyness_cv": 0.0, "ci95": None, "days_used": 0, "note": "not estimable: no weekday seen twice"}
    ratios = np.concatenate([r for r, _ in pieces])
    poisson_part = float(np.mean(np.concatenate([np.full(len(r), 1.0 / m) for r, m in pieces])))

    def cv(sample, axis=-1):
        return np.sqrt(np.maximum(np.var(sample, ddof=1, axis=axis) - poisson_part, 0.0))

    estimate = float(cv(ratios))
    boot = stats.bootstrap((ratios,), cv, confidence_level=0.95, n_resamples=2000, method="percentile",
                           random_state=np.random.default_rng(0))
    low, high = boot.confidence_interval.low, boot.confidence_interval.high
    return {"busyness_cv": estimate, "ci95": [float(low), float(high)],
            "days_used": int(len(ratios)), "poisson_cv_would_be": math.sqrt(poisson_part)}


MIN_REDIAL_EVENTS = 30  # fewer followed failures than this: the log does not support a redial estimate


def _again(p: int, n: int) -> dict:
    ci = stats.binomtest(p, n).proportion_ci() if n else None
    return {"p": p / n if n else None, "ci95": [float(ci.low), float(ci.high)] if ci else None, "n": n}


def redials(calls: pd.DataFrame, window: float = 86400.0) -> dict:
    """From identified callers: P(another call within ``window`` s) after each kind of ending, and the delays.

    The probability after a first failure and after a later one (same caller, failures in a row) give
    the scenario's ``probability`` and ``decay``; the delays until the next call are fitted like talk
    time (families by AIC, standard errors). ``redial_share`` is the share of identified callers'
    calls that follow one of their own failures within the window: the part of the observed volume
    that the redial model regenerates, so the fresh volume is the rest. Clopper-Pearson intervals.
    """
    known = calls[calls["caller"] != ""].copy()
    result: dict = {"window_s": window, "identified_share": float(len(known) / len(calls)) if len(calls) else 0.0,
                    "method": "identified callers (caller id) only; the next call by the same caller within the window"}
    if known.empty:
        result["note"] = "not estimable: the log has no caller ids"
        return result
    known["t"] = pd.to_datetime(known["date"]).astype("int64") / 1e9 + known["arrive_s"]
    known = known.sort_values(["caller", "t"]).reset_index(drop=True)
    following = known.groupby("caller")["t"].shift(-1)
    delay = (following - known["t"]).to_numpy()
    again = delay <= window
    failed = known["outcome"].isin(["abandoned", "ivr_abandoned"]).to_numpy()
    # failures in a row by the same caller (each within the window of the one before): 0 for the first
    previous_failed = known.groupby("caller")["outcome"].shift(1).isin(["abandoned", "ivr_abandoned"]).to_numpy()
    gap_before = (known["t"] - known.groupby("caller")["t"].shift(1)).to_numpy()
    chained = previous_failed & (gap_before <= window)
    streak = np.zeros(len(known), dtype=int)
    for i in np.flatnonzero(chained):
        streak[i] = streak[i - 1] + 1
    for label, outcome in (("after_abandoning", "abandoned"), ("after_ivr_abandoning", "ivr_abandoned"),
                           ("after_service", "answered")):
        mask = (known["outcome"] == outcome).to_numpy()
        result[label] = _again(int(again[mask].sum()), int(mask.sum()))
    queue_failed = (known["outcome"] == "abandoned").to_numpy()
    first, later = queue_failed & (streak == 0), queue_failed & (streak > 0)
    result["after_first_abandonment"] = _again(int(again[first].sum()), int(first.sum()))
    result["after_later_abandonment"] = _again(int(again[later].sum()), int(later.sum()))
    p_first, p_later = result["after_first_abandonment"]["p"], result["after_later_abandonment"]["p"]
    result["decay"] = min(1.0, p_later / p_first) if p_first and p_later and later.sum() >= 10 else 1.0
    if p_first and p_later and later.sum() >= 10:
        # the ratio's interval by the delta method on its log (two independent binomials); capped at 1 when written
        n1, n2 = int(first.sum()), int(later.sum())
        se_log = math.sqrt((1 - p_first) / (n1 * p_first) + (1 - p_later) / (n2 * p_later))
        ratio = p_later / p_first
        result["decay_ratio"] = ratio
        result["decay_ratio_ci95"] = [ratio * math.exp(-1.96 * se_log), ratio * math.exp(1.96 * se_log)]
    else:
        result["decay_note"] = "fewer than 10 later abandonments: decay 1 (no decay) written"
    result["redial_share"] = float(chained.mean())
    result["redial_share_ci95"] = _again(int(chained.sum()), len(known))["ci95"]
    d = delay[failed & again]
    d = d[d > 0]
    result["delay_quantiles_s"] = {str(q): float(np.quantile(d, q)) for q in (0.25, 0.5, 0.75, 0.9)} if len(d) else {}
    result["supported"] = bool(int((queue_failed & again).sum()) >= MIN_REDIAL_EVENTS and len(d) >= MIN_REDIAL_EVENTS)
    if result["supported"]:
        try:
            result["delay"] = fit_families(d)
        except ValueError as exc:
            result["supported"] = False
            result["note"] = f"not written to the scenario: the redial delays cannot be fitted ({exc})"
    else:
        result["note"] = (f"not written to the scenario: fewer than {MIN_REDIAL_EVENTS} identified callers "
                          "called again after abandoning")
    return result


def ivr_time(seconds: np.ndarray) -> dict:
    """Time in the voice menu: families by AIC on the recorded positive times, with standard errors."""
    seconds = seconds[np.isfinite(seconds) & (seconds > 0)]
    if len(seconds) < MIN_REDIAL_EVENTS:
        return {"supported": False, "n": int(len(seconds)), "note": "not estimable: the log has no voice-menu times"}
    result = fit_families(seconds)
    result.update(supported=True, n=int(len(seconds)), sample_mean_s=float(seconds.mean()),
                  sample_mean_se_s=float(seconds.std(ddof=1) / math.sqrt(len(seconds))))
    return result


def patience_from_intervals(intervals: pd.DataFrame, min_calls: int = 20, resamples: int = 2000) -> dict:
    """Exponential patience from an interval report: P(abandon) = E[wait] / E[patience] across intervals.

    With exponential patience the abandonment rate is (mean time waited) / (mean patience) exactly
    (abandonments per second waited = 1 / mean patience). Aggregates give the wait of answered calls
    only (ASA), so E[wait] is read as ASA, which makes the pooled estimate
    sum(offered x ASA) / sum(abandoned) over intervals with ``min_calls`` or more. Interval: percentile
    bootstrap over intervals (seed 0, ``resamples``). The zero-intercept slope of P(abandon) on ASA
    and the correlation check the relation itself.
    """
    keep = intervals[(intervals["offered"] >= min_calls) & intervals["asa_s"].notna()]
    if keep.empty or keep["abandoned"].sum() == 0:
        return {"mean_s": float("nan"), "note": "not estimable: no interval with abandonments and a mean wait"}
    wait = (keep["offered"] * keep["asa_s"]).to_numpy(float)
    abandoned = keep["abandoned"].to_numpy(float)
    estimate = float(wait.sum() / abandoned.sum())
    rng = np.random.default_rng(0)
    draws = rng.integers(0, len(keep), size=(resamples, len(keep)))
    boot = wait[draws].sum(axis=1) / np.maximum(abandoned[draws].sum(axis=1), 1.0)
    x, y = keep["asa_s"].to_numpy(float), keep["abandon_rate"].to_numpy(float)
    slope = float((x * y).sum() / (x * x).sum())
    return {"mean_s": estimate, "ci95_s": [float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975))],
            "se_s": float(boot.std(ddof=1)), "intervals": int(len(keep)), "min_calls": min_calls,
            "slope_implied_mean_s": 1.0 / slope if slope > 0 else None,
            "correlation": float(stats.pearsonr(x, y).statistic) if len(keep) > 2 else None,
            "method": "exponential patience: sum(offered x ASA) / sum(abandoned) over intervals with min_calls or "
                      "more (ASA stands for the mean wait of all callers); percentile bootstrap over intervals, seed 0"}
