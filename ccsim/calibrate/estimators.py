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


def fit_families(uncensored: np.ndarray, censored: np.ndarray | None = None) -> dict:
    """MLE of each family (location 0), right-censored values allowed; the best by AIC first."""
    censored = np.empty(0) if censored is None else censored
    data = stats.CensoredData(uncensored=uncensored, right=censored) if len(censored) else uncensored
    fits = {}
    for name, dist in FAMILIES.items():
        params = dist.fit(data, floc=0)
        fits[name] = {"aic": _aic(dist, params, uncensored, censored), "mean_s": float(dist.mean(*params)),
                      "scenario": _scenario_block(name, params)}
    best = min(fits, key=lambda n: fits[n]["aic"])
    return {"best": best, "fits": fits}


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
    return {"cells": int(len(table)), "slope_per_s": slope, "implied_mean_patience_s": 1.0 / slope,
            "correlation": float(stats.pearsonr(x, y).statistic)}


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


def redials(calls: pd.DataFrame, window: float = 86400.0) -> dict:
    """From identified callers: P(another call within ``window`` s) after abandoning and after service."""
    known = calls[calls["caller"] != ""].copy()
    known["t"] = pd.to_datetime(known["date"]).astype("int64") / 1e9 + known["arrive_s"]
    known = known.sort_values(["caller", "t"])
    following = known.groupby("caller")["t"].shift(-1)
    delay = following - known["t"]
    again = delay <= window
    result = {}
    for label, outcome in (("after_abandoning", "abandoned"), ("after_service", "answered")):
        mask = known["outcome"] == outcome
        k, n = int(again[mask].sum()), int(mask.sum())
        ci = stats.binomtest(k, n).proportion_ci() if n else None
        result[label] = {"p": k / n if n else None, "ci95": [ci.low, ci.high] if ci else None, "n": n}
        if outcome == "abandoned":
            d = delay[mask & again].to_numpy()
            quantiles = (0.25, 0.5, 0.75, 0.9)
            result["delay_quantiles_s"] = {q: float(np.quantile(d, q)) for q in quantiles} if len(d) else {}
    result["identified_share"] = float(len(known) / len(calls))
    return result
