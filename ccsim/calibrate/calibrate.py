"""Calibrate: a log in, a runnable scenario, every estimate (calibration.json) and the observed intervals out.

Two inputs: a per-call log (:func:`calibrate`) and a half-hourly ACD interval report
(:func:`calibrate_intervals`), which supports fewer estimates (it says which in calibration.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ccsim.calibrate import estimators
from ccsim.calibrate.observed import DEFAULT_GAP, observed_intervals, reaching_queue
from ccsim.calibrate.readers import IntervalReport, LogTable

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEGMENTS = {"regular": lambda p: p < 2, "priority": lambda p: p >= 2}  # priority 2 is served ahead (data/README.md)
# An interval report without agents: headcount = busy agents / this occupancy. An assumption (a usual
# planning ceiling, e.g. Koole 2013 ch. 5), stated in calibration.json, not an estimate.
ASSUMED_OCCUPANCY = 0.85

# scenario.yaml opens with this, since the warm-up default interacts with the written series.
SCENARIO_HEADER = """\
# Written by ccsim calibrate. Every number below is an estimate from the log; calibration.json
# gives each one with its standard error or interval and the method.
# horizon.warmup_days is auto: with redials on, 7 days before start_date are simulated first and
# left out of every measure. Those days lie before the log, so they use the weekday profile and the
# weekday headcount estimated here; that fills the redial pipeline the way an ordinary week does.
"""


def _clock(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}"


def _span_minutes(hours: str) -> int:
    return (int(hours[6:8]) * 60 + int(hours[9:11])) - (int(hours[:2]) * 60 + int(hours[3:5]))


def arrivals(observed: pd.DataFrame, interval: float) -> tuple[dict, dict, dict]:
    """(opening hours, scenario arrivals block, its record) from observed offered per date and interval."""
    observed = observed.assign(weekday=[WEEKDAYS[pd.Timestamp(d).weekday()] for d in observed["date"]])
    # opening hours: slots with calls on at least half of that weekday's dates
    hours: dict[str, str] = {}
    for day in WEEKDAYS:
        part = observed[observed["weekday"] == day]
        n_dates = part["date"].nunique()
        if not n_dates:
            hours[day] = "closed"
            continue
        busy = part[part["offered"] > 0].groupby("slot").size()
        slots = busy[busy >= max(1, n_dates / 2)].index
        hours[day] = f"{_clock(slots.min() * interval)}-{_clock(min((slots.max() + 1) * interval, 86400.0))}"
    spans = {d: h for d, h in hours.items() if h != "closed"}
    longest = max(_span_minutes(h) for h in spans.values())
    profile_days = [d for d, h in spans.items() if _span_minutes(h) == longest]
    daily = observed.groupby(["date", "weekday"])["offered"].sum().rename("calls").reset_index()
    by_weekday = daily.groupby("weekday")["calls"]
    means, counts = by_weekday.mean(), by_weekday.size()
    full_days = daily[daily["weekday"].isin(profile_days)]["calls"]
    volume = float(means[profile_days].mean())
    full = observed[observed["weekday"].isin(profile_days)]
    n_full = full["date"].nunique()
    per_slot = full.groupby("slot")["offered"].sum() / n_full
    profile = {_clock(s * interval): round(float(v), 2) for s, v in per_slot.items() if v > 0}
    dispersion = estimators.overdispersion(daily)
    block = {"daily_volume": round(volume, 2), "intraday_profile": profile,
             "day_of_week": {d: round(float(means[d] / volume), 4) for d in spans},
             "busyness_cv": round(min(dispersion["busyness_cv"], 1.0), 4)}
    record = {
        "opening_hours": hours, "profile_days": profile_days,
        "daily_volume_full_day": volume,
        # SE over the profile days' totals (their spread includes the day factor, so it is honest)
        "daily_volume_full_day_se": float(full_days.std(ddof=1) / np.sqrt(len(full_days))) if len(full_days) > 1
        else None,
        "by_weekday": {d: {"mean": float(means[d]), "days": int(counts[d]),
                           "se": float(daily[daily["weekday"] == d]["calls"].std(ddof=1) / np.sqrt(counts[d]))
                           if counts[d] > 1 else None} for d in means.index},
        "per_interval_mean": {_clock(s * interval): {"mean": float(v), "se_poisson": float(np.sqrt(v / n_full))}
                              for s, v in per_slot.items()},
        "overdispersion": dispersion,
        "method": "weekday means of the calls reaching the queue (SE: spread of the days); per-interval means "
                  "over the profile days (SE: Poisson, sqrt(mean / days)); gamma-Poisson day factor by moments "
                  "with a bootstrap interval",
    }
    return hours, block, record


def _headcount(observed: pd.DataFrame, interval: float, hours: dict[str, str]) -> dict:
    observed = observed.assign(weekday=[WEEKDAYS[pd.Timestamp(d).weekday()] for d in observed["date"]])
    weekday_agents = observed.groupby(["weekday", "slot"])["agents"].mean()
    return {day: {_clock(s * interval): int(round(v)) for (d, s), v in weekday_agents.items() if d == day}
            for day, h in hours.items() if h != "closed"}


def _horizon(observed: pd.DataFrame, interval: float, hours: dict[str, str]) -> dict:
    dates = sorted(observed["date"].unique())
    return {"start_date": pd.Timestamp(dates[0]).date().isoformat(),
            "days": (pd.Timestamp(dates[-1]) - pd.Timestamp(dates[0])).days + 1,
            "interval": f"{int(interval // 60)}min", "opening_hours": hours}


def _journey(record: dict) -> tuple[dict, float]:
    """Scenario blocks for the voice menu and redials the log supports, and the share of the observed
    volume that they regenerate (so that the fresh volume is the rest)."""
    blocks: dict = {}
    ivr, redial = record["ivr"], record["redials"]
    if ivr["supported"]:
        blocks["ivr"] = {"time": ivr["time"]["fits"][ivr["time"]["best"]]["scenario"],
                         "abandon": round(ivr["abandon_share"], 5), "misroute": 0.0,
                         "options": {"all": {"share": 1.0, "queue": "main"}}}
    if not redial.get("supported"):
        return blocks, 0.0
    delay = redial["delay"]["fits"][redial["delay"]["best"]]["scenario"]
    ivr_rule = redial["after_ivr_abandoning"]
    blocks["redials"] = {
        "queue_abandon": {"probability": round(redial["after_first_abandonment"]["p"], 4),
                          "decay": round(redial["decay"], 4), "delay": delay, "return_to": "queue_left"},
        # IVR hang-ups are rarely identified (no customer number yet): a rule only when the log has enough
        "ivr_abandon": ({"probability": round(ivr_rule["p"], 4), "delay": delay}
                        if ivr_rule["n"] >= estimators.MIN_REDIAL_EVENTS else None),
        # Returns after service stay in the fresh volume: the log cannot tell an unresolved problem from a new one.
        "unresolved": None, "cut_off": None, "hung_up": None,
    }
    return blocks, float(redial["redial_share"])


def calibrate(log: LogTable, interval: float, gap: float = DEFAULT_GAP) -> tuple[dict, dict, pd.DataFrame]:
    """(scenario document, calibration record, observed intervals) from a per-call log."""
    calls = log.calls
    offered = reaching_queue(calls)
    observed = observed_intervals(calls, interval, gap)
    hours, arrival_block, arrival_record = arrivals(observed, interval)

    segments, record_segments = {}, {}
    for name, rule in SEGMENTS.items():
        mine = offered[rule(offered["priority"])]
        if mine.empty:
            continue
        served = mine[mine["outcome"] == "answered"]
        talk = estimators.talk_time(served["talk_s"].to_numpy(dtype=float))
        abandoned = mine.loc[mine["outcome"] == "abandoned", "wait_s"].to_numpy(dtype=float)
        pat = estimators.patience(abandoned, served["wait_s"].to_numpy(dtype=float)) if len(abandoned) else None
        share = len(mine) / len(offered)
        segments[name] = {"share": round(share, 6), "talk_time": talk["fits"][talk["best"]]["scenario"],
                          "priority": 1 if name == "priority" else 2}
        if pat is None:  # nobody in this segment abandoned: the whole log's patience, said so
            pooled = offered[offered["outcome"] == "answered"]["wait_s"].to_numpy(dtype=float)
            everyone = estimators.patience(offered.loc[offered["outcome"] == "abandoned", "wait_s"].to_numpy(float),
                                           pooled)
            pat = {**everyone, "note": "no abandoned calls in this segment: the patience fitted to every segment "
                                       "together is written"}
        segments[name]["patience"] = pat["fits"][pat["best"]]["scenario"]
        record_segments[name] = {"share": share, "calls": int(len(mine)), "talk_time": talk, "patience": pat}
    names = list(segments)
    segments[names[0]]["share"] = round(1.0 - sum(segments[n]["share"] for n in names[1:]), 6)

    ivr_times = calls["ivr_s"].to_numpy(dtype=float)
    entering = calls["outcome"].isin(["answered", "abandoned", "ivr_abandoned"])
    ivr_fit = estimators.ivr_time(ivr_times)
    record = {
        "input": "calls", "source": log.source, "calls": int(len(calls)), "reaching_queue": int(len(offered)),
        "odd_rows": log.odd, "interval_s": interval,
        "arrivals": arrival_record,
        "segments": record_segments,
        "abandon_wait_relation": estimators.abandon_wait_relation(offered),
        "ivr": {"supported": bool(ivr_fit["supported"]), "time": ivr_fit,
                "abandon_share": float((calls["outcome"] == "ivr_abandoned").sum() / max(int(entering.sum()), 1)),
                "method": "families by AIC on the recorded menu times (> 0 s); hang-ups in the menu over calls "
                          "entering it"},
        "redials": estimators.redials(calls),
        "agents": {"rule": "on duty while serving and in idle gaps shorter than gap_s with nobody waiting",
                   "gap_s": gap, "estimate": True, "mean_per_interval": float(observed["agents"].mean())},
    }
    journey, redial_share = _journey(record)
    # The log's volume (calls reaching the queue) contains redials and excludes menu hang-ups; the
    # scenario's daily_volume is fresh calls entering the menu, so the model's menu and redials
    # give back the observed volume.
    ivr_keep = 1.0 - record["ivr"]["abandon_share"] if "ivr" in journey else 1.0
    fresh_factor = (1.0 - redial_share) / ivr_keep
    arrival_block["daily_volume"] = round(arrival_block["daily_volume"] * fresh_factor, 2)
    record["arrivals"]["fresh_volume_factor"] = {
        "value": fresh_factor, "redial_share": redial_share, "menu_kept": ivr_keep,
        "note": "daily_volume = calls reaching the queue x (1 - redial share) / (1 - menu hang-up share); the "
                "redial share of identified callers is assumed to hold for unidentified ones"}
    scenario = {
        "name": "calibrated", "description": f"Calibrated by ccsim calibrate from {Path(log.source).name}",
        "seed": 1, "replications": 5, "horizon": _horizon(observed, interval, hours),
        "arrivals": arrival_block, "segments": segments, "queues": {"main": {}},
        "groups": {"agents": {"serves": ["main"],
                              "staffing": {"headcount": 0, "headcount_by_weekday": _headcount(observed, interval,
                                                                                               hours)}}},
        **journey,
    }
    record["written_to_scenario"] = {"ivr": "ivr" in journey, "redials": "redials" in journey}
    return scenario, record, observed


def calibrate_intervals(report: IntervalReport, interval: float) -> tuple[dict, dict, pd.DataFrame]:
    """(scenario document, calibration record, observed intervals) from a half-hourly ACD interval report.

    Aggregates support arrivals, a mean talk time (AHT: exponential, the one family a mean fixes) and
    an exponential patience from the abandonment-wait relation; not the talk-time or patience shapes,
    segments, redials, the menu or (without an agents column) the staffing.
    """
    observed = report.intervals
    hours, arrival_block, arrival_record = arrivals(observed, interval)
    answered = observed["answered"].to_numpy(float)
    aht = float((observed["aht_s"].fillna(0) * answered).sum() / answered.sum())
    # An interval's mean of n calls varies as sigma^2 / n, so sum n (AHT - mean)^2 / (k - 1) estimates sigma^2.
    with_calls = answered > 0
    sigma2 = float(((observed["aht_s"].fillna(aht) - aht) ** 2 * answered).sum() / max(with_calls.sum() - 1, 1))
    aht_se = float(np.sqrt(sigma2 / answered.sum()))
    patience = estimators.patience_from_intervals(observed)
    agents_note = "from the report's agents column (as the ACD counted them)"
    if not report.has_agents:
        observed = observed.assign(agents=np.ceil(observed["answered"] * observed["aht_s"].fillna(0) / interval
                                                  / ASSUMED_OCCUPANCY))
        agents_note = (f"the report has no agents column: headcount = answered x AHT / interval / "
                       f"{ASSUMED_OCCUPANCY} (an assumed occupancy, not an estimate)")
    scenario = {
        "name": "calibrated", "description": f"Calibrated by ccsim calibrate from {Path(report.source).name} "
                                             "(interval report)",
        "seed": 1, "replications": 5, "horizon": _horizon(observed, interval, hours), "arrivals": arrival_block,
        "segments": {"all": {"share": 1.0, "talk_time": {"dist": "exponential", "mean": round(aht, 3)},
                             "patience": {"dist": "exponential", "mean": round(patience["mean_s"], 3)}}},
        "queues": {"main": {}},
        "groups": {"agents": {"serves": ["main"],
                              "staffing": {"headcount": 0, "headcount_by_weekday": _headcount(observed, interval,
                                                                                               hours)}}},
    }
    record = {
        "input": "intervals", "source": report.source, "intervals": int(len(observed)),
        "reaching_queue": int(observed["offered"].sum()), "interval_s": interval, "odd_rows": report.odd,
        "arrivals": arrival_record,
        "talk_time": {"mean_s": aht, "mean_se_s": aht_se, "written": "exponential with the mean AHT",
                      "method": "answered-weighted mean of the intervals' AHT; SE from the n-weighted spread "
                                "of the intervals' AHT (as if intervals differed only by chance)"},
        "patience": patience,
        "agents": {"rule": agents_note, "estimate": not report.has_agents,
                   "mean_per_interval": float(observed["agents"].mean())},
        "not_estimable": {
            "talk_time_shape": "one mean per interval fixes no distribution family; exponential written",
            "patience_shape": "without individual waits there is no Kaplan-Meier or censored fit; exponential "
                              "written (the relation P(abandon) = E[wait] / E[patience] assumes it)",
            "segments_and_priorities": "the report has no call types or priorities",
            "redials": "the report has no caller ids",
            "voice_menu": "the report has no menu times or menu hang-ups",
        },
    }
    return scenario, record, observed


def write_calibration(out: Path, scenario: dict, record: dict, observed: pd.DataFrame) -> None:
    out.mkdir(parents=True, exist_ok=True)
    header = SCENARIO_HEADER if "redials" in scenario else SCENARIO_HEADER.split("# horizon.")[0]
    (out / "scenario.yaml").write_text(header + yaml.safe_dump(scenario, sort_keys=False))
    (out / "calibration.json").write_text(json.dumps(record, indent=2, default=str))
    observed.drop(columns=["slot"], errors="ignore").to_csv(out / "observed_intervals.csv", index=False)
