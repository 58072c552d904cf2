"""The catalogue of measures: every KPI the engine emits, with its label, unit, direction and range.

This is the one home of KPI names. The metrics (:mod:`ccsim.metrics.kpis`,
:mod:`ccsim.metrics.breakdown`) emit only names defined here, the report and the terminal tables
read labels, units and directions from here, and the reference table in
``docs/scenario-format.md`` lists the same names (``tests/test_catalogue.py`` checks all three
against what a real run emits, both ways).

A measure that is also reported per queue or per agent group says so in ``per``; its per-queue
or per-group forms are ``<name>_<key>``, where the key is the queue's or group's name in lower
case with underscores (:func:`metric_key`).

Nothing here imports the rest of ccsim, so every layer can read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "share", "seconds", "hours", "days", "money", "number"]
Better = Literal["lower", "higher"] | None
Per = Literal["queue", "group"] | None


def metric_key(name: str) -> str:
    """A group or queue name as it appears inside a metric name (lower case, underscores)."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


@dataclass(frozen=True)
class KpiInfo:
    """How to present one KPI. ``better`` is None where neither direction is simply good.

    ``low`` and ``high`` are the values the measure can take (None: unbounded on that side);
    intervals are computed so that they stay inside them (:func:`ccsim.metrics.stats.estimate`).
    ``per`` names the breakdown the measure also has (per queue or per agent group), and
    ``topic`` the report section that shows it. ``overall`` is False for measures the engine emits
    only in their per-queue or per-group forms.
    """

    name: str
    label: str
    kind: Kind = "number"
    better: Better = None
    unit_text: str = ""
    low: float | None = None
    high: float | None = None
    per: tuple[str, ...] = ()
    topic: str = ""
    overall: bool = True

    @property
    def unit(self) -> str:
        """The unit of displayed values (shares are shown in per cent)."""
        if self.unit_text:
            return self.unit_text
        return {"share": "%", "seconds": "s", "hours": "h", "days": "days", "count": "", "money": "",
                "number": ""}[self.kind]

    @property
    def difference_unit(self) -> str:
        """The unit of displayed differences (percentage points for shares)."""
        return "pp" if self.kind == "share" else self.unit

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The values the KPI can take."""
        return (self.low, self.high)

    def clip(self, value: float | None) -> float | None:
        """``value`` moved into :attr:`bounds` (None stays None)."""
        if value is None:
            return None
        if self.low is not None and value < self.low:
            return self.low
        if self.high is not None and value > self.high:
            return self.high
        return value

    @property
    def scale(self) -> float:
        """Factor from stored value to displayed value (shares are stored as fractions)."""
        return 100.0 if self.kind == "share" else 1.0


_DEFAULT_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "share": (0.0, 1.0), "count": (0.0, None), "seconds": (0.0, None), "hours": (0.0, None),
    "days": (0.0, None), "money": (0.0, None), "number": (0.0, None),
}


def _k(name: str, label: str, kind: Kind = "number", better: Better = None, unit: str = "", *,
       per: tuple[str, ...] = (), topic: str = "", bounds: tuple[float | None, float | None] | None = None,
       overall: bool = True) -> KpiInfo:
    low, high = _DEFAULT_BOUNDS[kind] if bounds is None else bounds
    return KpiInfo(name, label, kind, better, unit, low, high, per, topic, overall)


QUEUE = ("queue",)
GROUP = ("group",)
BOTH = ("queue", "group")

CATALOGUE: dict[str, KpiInfo] = {info.name: info for info in [
    _k("offered", "Calls offered", "count", topic="wait"),
    _k("answered", "Calls answered", "count", topic="wait"),
    _k("abandoned", "Calls abandoned", "count", "lower", topic="wait"),
    _k("open_at_end", "Calls open at the end", "count", topic="wait"),
    _k("legs_offered", "Queue visits", "count", topic="wait"),
    _k("asa_s", "Average speed of answer", "seconds", "lower", per=QUEUE, topic="wait"),
    _k("aht_s", "Average handle time (talk and wrap-up)", "seconds", None, per=BOTH, topic="load"),
    _k("mean_wait_s", "Mean wait (answered and abandoned)", "seconds", "lower", topic="wait"),
    _k("wait_p50_s", "Wait, median (answered)", "seconds", "lower", topic="wait"),
    _k("wait_p80_s", "Wait, 80th percentile (answered)", "seconds", "lower", topic="wait"),
    _k("wait_p90_s", "Wait, 90th percentile (answered)", "seconds", "lower", topic="wait"),
    _k("wait_p95_s", "Wait, 95th percentile (answered)", "seconds", "lower", topic="wait"),
    _k("p_wait", "Share of callers who wait", "share", "lower", topic="wait"),
    _k("service_level", "Service level (answered in threshold, of offered)", "share", "higher", per=QUEUE,
       topic="wait"),
    _k("service_level_of_answered", "Service level of answered", "share", "higher", topic="wait"),
    _k("service_level_excl_short_abandons", "Service level without short abandons", "share", "higher",
       topic="wait"),
    _k("abandon_rate", "Abandonment rate", "share", "lower", per=QUEUE, topic="wait"),
    _k("occupancy", "Occupancy", "share", per=GROUP, topic="load"),
    _k("agent_hours", "Agent-hours on duty", "hours", per=GROUP, topic="load"),
    _k("fcr", "First-contact resolution", "share", "higher", topic="callers"),
    _k("transfers_per_call", "Transfers per answered call", "number", "lower", "per call", topic="callers"),
    _k("longest_transfer_chain", "Longest transfer chain", "count", "lower", "transfers", topic="callers"),
    _k("redial_share", "Redials among calls", "share", "lower", topic="callers"),
    _k("misroute_rate", "Misrouted calls", "share", "lower", topic="callers"),
    _k("ivr_containment", "Served by the voice menu", "share", topic="callers"),
    _k("ivr_abandon_rate", "Hung up in the voice menu", "share", "lower", topic="callers"),
    _k("difficult_share_calls", "Difficult calls", "share", "lower", topic="difficult"),
    _k("difficult_share_talk", "Talk time with difficult callers", "share", "lower", topic="difficult"),
    _k("abusive_share_calls", "Abusive calls", "share", "lower", topic="difficult"),
    _k("difficult_talk_mean_s", "Talk time of a difficult call, mean", "seconds", "lower", topic="difficult"),
    _k("ordinary_talk_mean_s", "Talk time of an ordinary call, mean", "seconds", None, topic="difficult"),
    _k("difficult_calls_over_30min", "Difficult calls over 30 minutes", "count", "lower", "calls",
       topic="difficult"),
    _k("difficult_calls_over_60min", "Difficult calls over 60 minutes", "count", "lower", "calls",
       topic="difficult"),
    _k("stories", "Problems (caller stories)", "count", topic="callers"),
    _k("resolved_share", "Problems resolved", "share", "higher", topic="callers"),
    _k("lost_share", "Problems given up", "share", "lower", topic="callers"),
    _k("open_share", "Problems still open at the end", "share", topic="callers"),
    _k("attempts_per_resolution", "Attempts per resolved problem", "number", "lower", "attempts",
       topic="callers", bounds=(1.0, None)),
    _k("time_to_resolution_s", "Time to resolution", "seconds", "lower", topic="callers"),
    _k("effort_to_resolution_s", "Caller effort to resolution", "seconds", "lower", topic="callers"),
    _k("persons", "Customers who called", "count", topic="callers"),
    _k("transfers_per_person", "Transfers per customer", "number", "lower", "per customer", topic="callers"),
    _k("repeat_person_share", "Customers with more than one problem", "share", topic="callers"),
    _k("resolution_rate", "Resolution rate", "share", "higher", per=GROUP, topic="callers", overall=False),
    _k("transfer_rate", "Transfer rate", "share", "lower", per=GROUP, topic="callers", overall=False),
    _k("transfer_abandon_rate", "Abandonment after a transfer", "share", "lower", topic="callers"),
    _k("talk_share", "Talking, share of duty time", "share", topic="load"),
    _k("wrap_share", "Wrapping up, share of duty time", "share", topic="load"),
    _k("break_share", "Breaks and off-phone time, share of duty time", "share", topic="load"),
    _k("idle_share", "Idle, share of duty time", "share", topic="load"),
    _k("calls_per_agent_hour", "Calls per available agent-hour", "number", None, "calls/h", topic="load"),
    _k("longest_busy_stretch_s", "Longest stretch without a pause (mean per agent-day)", "seconds", "lower",
       topic="burnout"),
    _k("longest_busy_stretch_max_s", "Longest stretch without a pause (longest)", "seconds", "lower",
       topic="burnout"),
    _k("hostile_minutes_per_agent_day", "Hostile minutes per agent-day", "number", "lower", "min",
       topic="burnout"),
    _k("stress_mean", "Agent strain, mean", "number", "lower", "strain", per=GROUP, topic="burnout"),
    _k("stress_p90", "Agent strain, 90th percentile", "number", "lower", "strain", per=GROUP, topic="burnout"),
    _k("burnout_share", "Duty time above the strain threshold", "share", "lower", per=GROUP, topic="burnout"),
    _k("exhaustion_mean", "Exhaustion at the end, mean", "number", "lower", "exhaustion", topic="burnout"),
    _k("exhaustion_p90", "Exhaustion at the end, 90th percentile", "number", "lower", "exhaustion",
       topic="burnout"),
    _k("sick_days", "Sick days", "days", "lower", topic="burnout"),
    _k("stress_leave_days", "Stress-leave days", "days", "lower", topic="burnout"),
    _k("absence_rate", "Absence rate", "share", "lower", per=GROUP, topic="burnout"),
    _k("headcount_mean", "Agents employed, mean", "count", None, "agents", topic="burnout"),
    _k("shrinkage_planned", "Planned shrinkage", "share", topic="load"),
    _k("shrinkage_total", "Total shrinkage", "share", "lower", topic="load"),
    _k("paid_hours", "Paid agent-hours", "hours", topic="money"),
    _k("leavers", "Leavers", "count", "lower", "agents", topic="burnout"),
    # A yearly rate extrapolated from a short horizon can exceed 100 %.
    _k("attrition_annualised", "Attrition, annualised", "share", "lower", topic="burnout", bounds=(0.0, None)),
    _k("hires", "Hires", "count", None, "agents", topic="burnout"),
    _k("cost_total", "Cost, total", "money", "lower", topic="money"),
    _k("cost_agents", "Cost of agents", "money", "lower", topic="money"),
    _k("cost_training", "Cost of training", "money", "lower", topic="money"),
    _k("cost_hiring", "Cost of hiring", "money", "lower", topic="money"),
    _k("cost_telephony", "Cost of telephony", "money", "lower", topic="money"),
    _k("cost_trainers", "Cost of trainers", "money", "lower", topic="money"),
    _k("cost_lost_customers", "Cost of customers lost", "money", "lower", topic="money"),
    _k("training_hours", "Training hours", "hours", topic="money"),
    _k("revenue", "Revenue", "money", "higher", topic="money"),
    # A paid line's revenue can exceed the cost.
    _k("net_cost", "Net cost (cost less revenue)", "money", "lower", topic="money", bounds=(None, None)),
    # What the policies did (ccsim.metrics.kpis.policy_kpis).
    _k("cut_off_rate", "Calls cut at the time limit", "share", "lower", topic="policies"),
    _k("deterred_share", "Callers deterred by the price", "share", "lower", topic="policies"),
    _k("hung_up_calls", "Calls ended by agents", "count", None, "calls", topic="policies"),
    _k("blocked_calls", "Calls blocked", "count", "lower", "calls", topic="policies"),
    _k("callback_lost_calls", "Callbacks that did not reach the caller", "count", "lower", "calls",
       topic="policies"),
    _k("customers_lost", "Customers lost", "count", "lower", "customers", topic="money"),
    _k("churned_contacts", "Contacts of customers who left", "count", "lower", "calls", topic="policies"),
    _k("billed_minutes", "Minutes billed", "number", None, "min", topic="money"),
    _k("hung_up_per_100k", "Calls ended by agents per 100,000", "number", None, "per 100k", topic="policies"),
    _k("pending_redials", "Redials still due at the end", "count", None, "calls", topic="callers"),
    _k("pending_redial_share", "Redials still due at the end, of offered", "share", None, topic="callers"),
    _k("difficult_made_by_failure", "Difficult calls made so by earlier failures", "share", "lower",
       topic="difficult"),
    _k("difficult_by_nature", "Difficult calls from callers difficult by nature", "share", None, topic="difficult"),
    _k("callback_share", "Queue visits ended by a callback", "share", None, topic="wait"),
    _k("time_to_callback_s", "Time to callback, mean", "seconds", "lower", topic="wait"),
    _k("time_to_callback_p90_s", "Time to callback, 90th percentile", "seconds", "lower", topic="wait"),
    _k("offphone_planned_h", "Off-phone hours planned", "hours", None, per=GROUP, topic="load"),
    _k("offphone_delivered_h", "Off-phone hours delivered", "hours", None, per=GROUP, topic="load"),
    _k("offphone_delivered_share", "Off-phone time delivered, of planned", "share", "higher", topic="load"),
    _k("offphone_missed_h", "Off-phone hours missed", "hours", "lower", topic="load"),
    _k("offphone_deferred_share", "Off-phone blocks started late", "share", "lower", topic="load"),
    _k("offphone_planned_h_coaching", "Coaching and meeting hours planned", "hours", None, topic="load"),
    _k("offphone_delivered_h_coaching", "Coaching and meeting hours delivered", "hours", None, topic="load"),
    _k("offphone_planned_h_training", "Training hours planned (policy)", "hours", None, topic="load"),
    _k("offphone_delivered_h_training", "Training hours delivered (policy)", "hours", None, topic="load"),
    _k("break_planned_h", "Break hours planned", "hours", None, topic="load"),
    _k("break_delivered_h", "Break hours taken", "hours", None, topic="load"),
    _k("shrinkage_delivered", "Shrinkage taken (breaks and off-phone)", "share", None, topic="load"),
]}
"""Every measure by name."""

# Bases ordered longest first so "service_level_of_answered_x" is not read as "service_level" + "of_answered_x".
_BASES = sorted(CATALOGUE, key=len, reverse=True)

HEADLINE_KPIS = [
    "service_level", "asa_s", "wait_p90_s", "abandon_rate", "aht_s", "occupancy", "agent_hours",
    "fcr", "attempts_per_resolution", "transfers_per_call", "redial_share", "lost_share",
    "difficult_share_calls", "stress_mean", "burnout_share", "absence_rate", "attrition_annualised",
    "leavers", "cost_total", "revenue", "customers_lost",
]
"""The KPIs a director reads first, in reading order (those present in the results are shown)."""


def split_name(name: str) -> tuple[KpiInfo, str] | None:
    """The catalogue entry a (possibly per-queue or per-group) name belongs to, and its key ("" for the
    overall measure); None for names the catalogue does not define."""
    if name in CATALOGUE:
        return CATALOGUE[name], ""
    for base in _BASES:
        if name.startswith(base + "_") and CATALOGUE[base].per:
            return CATALOGUE[base], name[len(base) + 1:]
    return None


def is_known(name: str) -> bool:
    """True when ``name`` is a catalogued measure or a per-queue or per-group form of one."""
    return split_name(name) is not None


def kpi_info(name: str) -> KpiInfo:
    """The catalogue entry of ``name``; per-queue/per-group KPIs (``asa_s_general``) inherit their base's.

    Unknown names are shown under their own name as plain unbounded numbers, so a measure added to
    the engine shows up before anyone describes it here (and ``tests/test_catalogue.py`` fails).
    """
    found = split_name(name)
    if found is None:
        return KpiInfo(name, name.replace("_", " "))
    info, key = found
    if not key:
        return info
    return KpiInfo(name, f"{info.label}: {key.replace('_', ' ')}", info.kind, info.better, info.unit_text,
                   info.low, info.high, (), info.topic, True)


def breakdown_name(base: str, key: str) -> str:
    """The per-queue or per-group form of a catalogued measure (``asa_s`` + ``general``)."""
    if not CATALOGUE[base].per:
        raise KeyError(f"{base} has no per-queue or per-group form in the catalogue")
    return f"{base}_{metric_key(key)}"


def names_on(topic: str) -> list[str]:
    """The catalogued overall measures shown in a report section, in catalogue order."""
    return [name for name, info in CATALOGUE.items() if info.topic == topic and info.overall]
