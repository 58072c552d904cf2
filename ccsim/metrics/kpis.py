"""KPIs of one replication: pure functions of its tables.

Names are stable and carry their unit where they have one (``_s`` = seconds). Queue measures
(ASA, service level, abandonment) count queue visits (legs) that ended in the horizon; the
three service-level definitions are the ones in common use (Gans, Koole & Mandelbaum 2003, §2):

* ``service_level``: answered within the threshold / (answered + abandoned), i.e. of offered;
* ``service_level_of_answered``: answered within the threshold / answered;
* ``service_level_excl_short_abandons``: as ``service_level`` but abandons within
  ``short_abandon`` seconds are not counted as offered.

Calls arriving before ``horizon.warmup`` are left out of every measure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ccsim.config.scenario import Scenario
from ccsim.metrics.breakdown import breakdown_kpis
from ccsim.metrics.catalogue import metric_key
from ccsim.metrics.offphone import break_kpis, delivered_training_hours, offphone_kpis
from ccsim.metrics.tables import RunTables, since, where

__all__ = ["metric_key", "run_kpis"]

WAIT_PERCENTILES = (50, 80, 90, 95)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator > 0 else float("nan")


def queue_kpis(legs: pd.DataFrame, threshold: float, short_abandon: float) -> dict[str, float]:
    """Wait and service measures over a set of legs."""
    # Label columns are categoricals: compared by their codes, never as strings one by one.
    outcome = legs["outcome"]
    wait = legs["wait_s"].to_numpy()
    answered = (outcome == "answered").to_numpy()
    abandoned = (outcome == "abandoned").to_numpy()
    n_answered, n_abandoned = int(answered.sum()), int(abandoned.sum())
    closed = n_answered + n_abandoned
    within = int((answered & (wait <= threshold)).sum())
    short = int((abandoned & (wait <= short_abandon)).sum())
    waited = int(((answered | abandoned) & (wait > 0)).sum())
    result = {
        "legs_offered": float(len(legs)),
        "asa_s": float(wait[answered].mean()) if n_answered else float("nan"),
        "mean_wait_s": float(wait[answered | abandoned].mean()) if closed else float("nan"),
        "p_wait": _ratio(waited, closed),
        "service_level": _ratio(within, closed),
        "service_level_of_answered": _ratio(within, n_answered),
        "service_level_excl_short_abandons": _ratio(within, closed - short),
        "abandon_rate": _ratio(n_abandoned, closed),
    }
    answered_waits = wait[answered]
    for q in WAIT_PERCENTILES:
        result[f"wait_p{q}_s"] = float(np.percentile(answered_waits, q)) if n_answered else float("nan")
    return result


def callback_kpis(callbacks: pd.DataFrame, legs: int) -> dict[str, float]:
    """Callbacks: their share of queue visits and the time from joining the queue to the call back."""
    answered = callbacks[callbacks["outcome"] == "answered"]
    waits = answered["wait_s"].to_numpy()
    return {
        "callback_share": _ratio(len(callbacks), legs),
        "time_to_callback_s": float(waits.mean()) if len(waits) else float("nan"),
        "time_to_callback_p90_s": float(np.percentile(waits, 90)) if len(waits) else float("nan"),
    }


def run_kpis(tables: RunTables, scenario: Scenario) -> dict[str, float]:
    """Every KPI of one replication as a flat mapping of name to value."""
    warmup = scenario.horizon.warmup
    level = scenario.service_level
    calls = since(tables.calls, "t_arrive", warmup)
    legs = since(tables.legs, "t_enqueue", warmup)
    outcome = calls["outcome"]
    kpis: dict[str, float] = {
        "offered": float(len(calls)),
        "answered": float(calls["t_first_answer"].notna().sum()),
        "abandoned": float((outcome == "abandoned").sum()),
        "open_at_end": float((outcome == "open").sum()),
    }
    # Queue measures are of callers on the line; callbacks (callers who accepted an offer to be
    # called back and hung up) are measured by how long the callback took.
    callback = legs["callback"].to_numpy()
    line = where(legs, ~callback)
    kpis.update(queue_kpis(line, level.threshold, level.short_abandon))
    if scenario.policies.active("callback") is not None:
        kpis.update(callback_kpis(legs[callback], len(legs)))
    queue_of = line["queue"]
    measured = line[["outcome", "wait_s"]]  # what queue_kpis reads: a copy per queue of these, not of every column
    for name in tables.intervals["queue"].unique():
        on_queue = where(measured, (queue_of == name).to_numpy())
        part = queue_kpis(on_queue, level.threshold, level.short_abandon)
        key = metric_key(str(name))
        for measure in ("asa_s", "service_level", "abandon_rate"):
            kpis[f"{measure}_{key}"] = part[measure]
    kpis.update(_load_kpis(tables, warmup, scenario.horizon.interval))
    kpis.update(journey_kpis(tables, warmup, ivr=scenario.ivr is not None))
    kpis.update(agent_load_kpis(tables, warmup))
    kpis.update(offphone_kpis(tables.breaks, warmup))
    kpis.update(break_kpis(tables.breaks, warmup))
    if scenario.workforce is not None:
        kpis.update(burnout_kpis(tables, scenario))
    kpis.update(policy_kpis(tables, warmup))
    kpis.update(breakdown_kpis(tables, scenario))
    kpis.update(money_kpis(tables, scenario, kpis))
    return kpis


def policy_kpis(tables: RunTables, warmup: float) -> dict[str, float]:
    """What the policies did: calls cut, ended by agents, blocked, deterred; the paid line's takings."""
    calls = since(tables.calls, "t_arrive", warmup)
    outcome = calls["outcome"]
    answered = float(calls["t_first_answer"].notna().sum())
    counters: pd.Series | dict[str, float] = tables.counters.iloc[0] if len(tables.counters) else {}
    return {
        "cut_off_rate": _ratio((outcome == "cut_off").sum(), answered),
        "hung_up_calls": float((outcome == "hung_up").sum()),
        "hung_up_per_100k": _ratio((outcome == "hung_up").sum() * 1e5, len(calls)),
        "blocked_calls": float((outcome == "blocked").sum()),
        "deterred_share": _ratio((outcome == "deterred").sum(), len(calls)),
        "callback_lost_calls": float((outcome == "callback_lost").sum()),
        "revenue": float(calls["price_paid"].sum()),
        "billed_minutes": float(counters.get("billed_minutes", 0.0)),
        "customers_lost": float(counters.get("customers_lost", 0.0)),
        "churned_contacts": float(counters.get("churned_contacts", 0.0)),
        # Redials and callbacks due after the horizon: callers who will come back, not callers gone.
        "pending_redials": float(counters.get("pending_redials", 0.0)),
        "pending_redial_share": _ratio(float(counters.get("pending_redials", 0.0)), len(calls)),
    }


def agent_load_kpis(tables: RunTables, warmup: float) -> dict[str, float]:
    """Shares of agents' time on duty, calls per hour, and (with a workforce) busy stretches and hostility."""
    duty = tables.duty[tables.duty["t_start"] >= warmup]
    on = duty[duty["kind"].astype(object) == "on_duty"]
    duty_time = float((on["t_end"] - on["t_start"]).sum())
    off_phone = duty[duty["kind"].astype(object) != "on_duty"]
    breaks = float((off_phone["t_end"] - off_phone["t_start"]).sum())
    legs = since(tables.legs, "t_enqueue", warmup)[["agent_id", "talk_s", "wrap_s", "outcome"]]  # no copy of the rest
    legs = legs[legs["agent_id"] >= 0]
    talk = float(legs["talk_s"].fillna(0).sum())
    wrap = float(legs["wrap_s"].fillna(0).sum())
    kpis = {
        "talk_share": _ratio(talk, duty_time),
        "wrap_share": _ratio(wrap, duty_time),
        "break_share": _ratio(breaks, duty_time),
        "idle_share": _ratio(max(duty_time - talk - wrap - breaks, 0.0), duty_time),
        "calls_per_agent_hour": _ratio(float((legs["outcome"] == "answered").sum()),
                                       (duty_time - breaks) / 3600.0),
    }
    days = tables.agent_days
    if len(days):
        days = days[days["day"] * 86400.0 >= warmup]
        working = days[days["status"].astype(object) == "working"]
        kpis["longest_busy_stretch_s"] = float(working["longest_busy_s"].mean()) if len(working) else float("nan")
        kpis["longest_busy_stretch_max_s"] = float(working["longest_busy_s"].max()) if len(working) else float("nan")
        kpis["hostile_minutes_per_agent_day"] = (float(working["hostile_s"].mean()) / 60.0
                                                 if len(working) else float("nan"))
    return kpis


def burnout_kpis(tables: RunTables, scenario: Scenario) -> dict[str, float]:
    """Strain, burnout share, exhaustion, absence, attrition and shrinkage from the agent-days table."""
    warmup = scenario.horizon.warmup
    days = tables.agent_days
    days = days[days["day"] * 86400.0 >= warmup]
    status = days["status"].astype(object)
    working = days[status == "working"]
    duty = float(working["duty_s"].sum())
    kpis: dict[str, float] = {
        "stress_mean": _ratio(float((working["strain_mean"].fillna(0) * working["duty_s"]).sum()), duty),
        "burnout_share": _ratio(float(working["above_threshold_s"].sum()), duty),
    }
    snapshots = tables.strain_intervals
    snapshots = snapshots[snapshots["t_start"] >= warmup]
    kpis["stress_p90"] = float(snapshots["strain_p90"].mean()) if len(snapshots) else float("nan")
    last_day = days[days["day"] == days["day"].max()] if len(days) else days
    exhaustion = last_day["exhaustion"].dropna()
    kpis["exhaustion_mean"] = float(exhaustion.mean()) if len(exhaustion) else float("nan")
    kpis["exhaustion_p90"] = float(exhaustion.quantile(0.9)) if len(exhaustion) else float("nan")
    absent = status.isin(["sick", "stress_leave"])
    available_days = status.isin(["working", "sick", "stress_leave"])
    kpis["sick_days"] = float((status == "sick").sum())
    kpis["stress_leave_days"] = float((status == "stress_leave").sum())
    kpis["absence_rate"] = _ratio(float(absent.sum()), float(available_days.sum()))
    kpis["leavers"] = float(days["resigned"].sum())
    kpis["hires"] = float(days["hired"].sum())
    horizon_days = scenario.horizon.days
    filled = days[days["agent_id"] >= 0].groupby("day")["agent_id"].nunique()
    headcount = float(filled.mean()) if len(filled) else 0.0
    kpis["headcount_mean"] = headcount
    counted_days = horizon_days - int(warmup // 86400)
    kpis["attrition_annualised"] = _ratio(kpis["leavers"] * 365.0 / counted_days, headcount)
    scheduled = float(days["scheduled_s"].sum())
    # Planned shrinkage is the rota's plan for agents at work; total shrinkage adds absence to what
    # was actually taken off the phones.
    pieces = tables.breaks[tables.breaks["t_planned"] >= warmup]
    planned_off = float(pieces["planned_s"].sum())
    delivered_off = float(pieces["delivered_s"].sum())
    unavailable = float(days.loc[status.isin(["sick", "stress_leave", "training", "vacant"]), "scheduled_s"].sum())
    kpis["shrinkage_planned"] = _ratio(planned_off, scheduled)
    kpis["shrinkage_delivered"] = _ratio(delivered_off, scheduled)
    kpis["shrinkage_total"] = _ratio(delivered_off + unavailable, scheduled)
    return kpis


def money_kpis(tables: RunTables, scenario: Scenario, kpis: dict[str, float]) -> dict[str, float]:
    """Costs: agents' paid hours (with sick leave and training when modelled), hiring, telephony,
    trainers and customers lost; ``cost_training`` (new hires' classroom pay plus trainers) is a
    view across them, not an extra."""
    rates = {metric_key(name): group.hourly_cost for name, group in scenario.groups.items()}
    money: dict[str, float] = {}
    days = tables.agent_days
    if len(days):
        status = days["status"].astype(object)
        paid = np.where(status == "working", np.maximum(days["duty_s"], days["scheduled_s"]),
                        np.where(status.isin(["sick", "stress_leave", "training"]), days["scheduled_s"], 0.0))
        frame = pd.DataFrame({"group": days["group"].astype(object).map(metric_key), "paid_h": paid / 3600.0,
                              "training": status == "training"})
        hours = frame.groupby("group")["paid_h"].sum()
        classroom = frame[frame["training"]].groupby("group")["paid_h"].sum()
        money["cost_agents"] = float(sum(hours.get(k, 0.0) * rate for k, rate in rates.items()))
        # New hires' classroom weeks: paid time already inside cost_agents, shown on its own.
        money["cost_training"] = float(sum(classroom.get(k, 0.0) * rate for k, rate in rates.items()))
        workforce = scenario.workforce
        money["cost_hiring"] = kpis.get("hires", 0.0) * workforce.hiring.hire_cost if workforce else 0.0
        money["paid_hours"] = float(hours.sum())
    else:
        money["cost_agents"] = float(sum(kpis.get(f"agent_hours_{k}", 0.0) * rate for k, rate in rates.items()))
        money["cost_training"] = 0.0
        money["cost_hiring"] = 0.0
        money["paid_hours"] = kpis.get("agent_hours", 0.0)
    calls = tables.calls
    connected_minutes = float((calls["t_end"] - calls["t_arrive"]).clip(lower=0).sum()) / 60.0
    money["cost_telephony"] = connected_minutes * scenario.costs.telephony_per_minute
    money["cost_trainers"] = 0.0
    training = scenario.policies.active("training")
    if training is not None:
        # Agents' own training time is paid time (in cost_agents); trainers are paid for the hours
        # actually delivered. A net headcount has no shifts to take the time from: its training is
        # extra time on top of the headcount, billed at the planned share of its hours.
        share = training.hours_per_week / (40 * 3600.0)
        training_hours = 0.0
        for name in training.groups:
            if scenario.groups[name].staffing.shifts:
                training_hours += delivered_training_hours(tables.breaks, scenario.horizon.warmup, name)
            else:
                training_hours += share * kpis.get(f"agent_hours_{metric_key(name)}", 0.0)
        money["training_hours"] = training_hours
        money["cost_trainers"] = money["training_hours"] * training.trainer_cost_per_hour
        money["cost_training"] += money["cost_trainers"]
    money["cost_lost_customers"] = kpis.get("customers_lost", 0.0) * scenario.costs.lost_customer
    money["cost_total"] = (money["cost_agents"] + money["cost_hiring"] + money["cost_telephony"]
                           + money["cost_trainers"] + money["cost_lost_customers"])
    money["net_cost"] = money["cost_total"] - kpis.get("revenue", 0.0)
    return money


def journey_kpis(tables: RunTables, warmup: float, ivr: bool) -> dict[str, float]:
    """Callers' side: resolution, transfers, the menu, redials, difficult callers, stories and persons."""
    calls = since(tables.calls, "t_arrive", warmup)
    stories = since(tables.stories, "t_first", warmup)
    legs = since(tables.legs, "t_enqueue", warmup)
    outcome = calls["outcome"]
    answered = calls["t_first_answer"].notna().to_numpy()
    kpis: dict[str, float] = {}
    first = (calls["attempt"].to_numpy() == 1) & answered  # answered first attempts
    kpis["fcr"] = _ratio(((outcome == "resolved").to_numpy() & first).sum(), first.sum())
    kpis["transfers_per_call"] = _ratio(calls["transfers"].sum(), answered.sum())
    kpis["longest_transfer_chain"] = float(calls["transfers"].max()) if len(calls) else float("nan")
    kpis["redial_share"] = _ratio((calls["trigger"] != "fresh").sum(), len(calls))
    kpis["misroute_rate"] = _ratio(calls["misrouted"].sum(), calls["first_queue"].notna().sum())
    later_legs = legs[legs["leg"] > 0]
    kpis["transfer_abandon_rate"] = _ratio((later_legs["outcome"] == "abandoned").sum(),
                                           len(later_legs))
    if ivr:
        kpis["ivr_containment"] = _ratio((outcome == "self_served").sum(), len(calls))
        kpis["ivr_abandon_rate"] = _ratio((outcome == "ivr_abandoned").sum(), len(calls))
    talk = calls["talk_s"].to_numpy()
    difficult = calls["difficult"].to_numpy()
    kpis["difficult_share_calls"] = _ratio(difficult.sum(), len(calls))
    kpis["difficult_share_talk"] = _ratio(talk[difficult].sum(), talk.sum())
    kpis["abusive_share_calls"] = _ratio(calls["abusive"].sum(), len(calls))
    cause = calls["difficult_cause"]
    # Of the difficult calls, those the caller's earlier failures made difficult (the same caller
    # with no failures would not have been).
    kpis["difficult_made_by_failure"] = _ratio((cause == "failure").sum(), difficult.sum())
    kpis["difficult_by_nature"] = _ratio((cause == "nature").sum(), difficult.sum())

    # Masks over whole columns rather than filtered frames: a filtered copy of a long run's
    # stories or legs would be the largest thing in memory while the measures are computed.
    story_outcome = stories["outcome"]
    resolved = (story_outcome == "resolved").to_numpy()
    n_resolved = int(resolved.sum())
    kpis["stories"] = float(len(stories))
    kpis["resolved_share"] = _ratio(n_resolved, len(stories))
    kpis["lost_share"] = _ratio((story_outcome == "lost").sum(), len(stories))
    kpis["open_share"] = _ratio((story_outcome == "open").sum(), len(stories))
    for measure, column in (("attempts_per_resolution", "attempts"), ("time_to_resolution_s", "time_to_resolution_s"),
                            ("effort_to_resolution_s", "effort_s")):
        kpis[measure] = float(stories[column].to_numpy()[resolved].mean()) if n_resolved else float("nan")
    persons = stories.groupby("person_id").size()
    kpis["persons"] = float(len(persons))
    kpis["transfers_per_person"] = _ratio(stories["transfers"].sum(), len(persons))
    kpis["repeat_person_share"] = _ratio((persons > 1).sum(), len(persons))

    talk_resolved = (legs["talk_outcome"] == "resolved").to_numpy()
    talk_transferred = legs["talk_outcome"].isin(["transfer_warm", "transfer_cold", "misroute_transfer"]).to_numpy()
    answered_legs = (legs["outcome"] == "answered").to_numpy()
    group = legs["group"].cat.codes.to_numpy()
    for code, name in enumerate(legs["group"].cat.categories):
        part = answered_legs & (group == code)
        n_part = int(part.sum())
        if n_part == 0:
            continue  # a group that answered nobody has no rates
        key = metric_key(str(name))
        kpis[f"resolution_rate_{key}"] = _ratio((talk_resolved & part).sum(), n_part)
        kpis[f"transfer_rate_{key}"] = _ratio((talk_transferred & part).sum(), n_part)
    return kpis


def _load_kpis(tables: RunTables, warmup: float, interval: float) -> dict[str, float]:
    frame = tables.group_intervals
    frame = frame[frame["t_start"] >= warmup]
    kpis: dict[str, float] = {}
    busy, available = frame["busy_s"].sum(), frame["available_s"].sum()
    kpis["occupancy"] = _ratio(busy, available)
    kpis["agent_hours"] = float(frame["agents_on_duty"].sum() * interval / 3600.0)
    for name, part in frame.groupby("group", observed=True, sort=False):
        key = metric_key(str(name))
        kpis[f"occupancy_{key}"] = _ratio(part["busy_s"].sum(), part["available_s"].sum())
        kpis[f"agent_hours_{key}"] = float(part["agents_on_duty"].sum() * interval / 3600.0)
    return kpis

