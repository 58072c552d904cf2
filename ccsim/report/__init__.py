"""Reports: what each KPI means, how to show it, and (in submodules) the HTML report.

* :mod:`ccsim.report.figures`: pure functions from tables to plotly figures;
* :mod:`ccsim.report.page`: one self-contained HTML page (plotly.js embedded, no network);
* :mod:`ccsim.report.build`: read saved results folders and build the report.

This module holds the KPI catalogue shared by the report and the terminal tables: a readable
label, the unit, how to format a value, and which direction is better (to colour differences).
Unknown KPIs are shown under their own name as plain numbers, so new measures appear in reports
before anyone describes them here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "share", "seconds", "hours", "days", "money", "number"]
Better = Literal["lower", "higher"] | None


@dataclass(frozen=True)
class KpiInfo:
    """How to present one KPI. ``better`` is None where neither direction is simply good."""

    name: str
    label: str
    kind: Kind = "number"
    better: Better = None
    unit_text: str = ""

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
        """The values the KPI can take; t-intervals of small samples can reach past them."""
        if self.name not in _CATALOGUE and not any(self.name.startswith(b + "_") for b in _CATALOGUE):
            return (None, None)
        if self.name in _SIGNED or any(self.name.startswith(s + "_") for s in _SIGNED):
            return (None, None)
        if self.kind == "share" and self.name not in _UNBOUNDED_SHARES:
            return (0.0, 1.0)
        return (0.0, None)

    def clip(self, value: float | None) -> float | None:
        """``value`` moved into :attr:`bounds` (None stays None)."""
        if value is None:
            return None
        low, high = self.bounds
        if low is not None and value < low:
            return low
        if high is not None and value > high:
            return high
        return value

    @property
    def scale(self) -> float:
        """Factor from stored value to displayed value (shares are stored as fractions)."""
        return 100.0 if self.kind == "share" else 1.0


def _k(name: str, label: str, kind: Kind = "number", better: Better = None, unit: str = "") -> KpiInfo:
    return KpiInfo(name, label, kind, better, unit)


_CATALOGUE = {info.name: info for info in [
    _k("offered", "Calls offered", "count"),
    _k("answered", "Calls answered", "count"),
    _k("abandoned", "Calls abandoned", "count", "lower"),
    _k("open_at_end", "Calls open at the end", "count"),
    _k("legs_offered", "Queue visits", "count"),
    _k("asa_s", "Average speed of answer", "seconds", "lower"),
    _k("mean_wait_s", "Mean wait (answered and abandoned)", "seconds", "lower"),
    _k("wait_p50_s", "Wait, median (answered)", "seconds", "lower"),
    _k("wait_p80_s", "Wait, 80th percentile (answered)", "seconds", "lower"),
    _k("wait_p90_s", "Wait, 90th percentile (answered)", "seconds", "lower"),
    _k("wait_p95_s", "Wait, 95th percentile (answered)", "seconds", "lower"),
    _k("p_wait", "Share of callers who wait", "share", "lower"),
    _k("service_level", "Service level (answered in threshold, of offered)", "share", "higher"),
    _k("service_level_of_answered", "Service level of answered", "share", "higher"),
    _k("service_level_excl_short_abandons", "Service level without short abandons", "share", "higher"),
    _k("abandon_rate", "Abandonment rate", "share", "lower"),
    _k("occupancy", "Occupancy", "share"),
    _k("agent_hours", "Agent-hours on duty", "hours"),
    _k("fcr", "First-contact resolution", "share", "higher"),
    _k("transfers_per_call", "Transfers per answered call", "number", "lower", "per call"),
    _k("longest_transfer_chain", "Longest transfer chain", "count", "lower", "transfers"),
    _k("redial_share", "Redials among calls", "share", "lower"),
    _k("misroute_rate", "Misrouted calls", "share", "lower"),
    _k("ivr_containment", "Served by the voice menu", "share"),
    _k("ivr_abandon_rate", "Hung up in the voice menu", "share", "lower"),
    _k("difficult_share_calls", "Difficult calls", "share", "lower"),
    _k("difficult_share_talk", "Talk time with difficult callers", "share", "lower"),
    _k("abusive_share_calls", "Abusive calls", "share", "lower"),
    _k("stories", "Problems (caller stories)", "count"),
    _k("resolved_share", "Problems resolved", "share", "higher"),
    _k("lost_share", "Problems given up", "share", "lower"),
    _k("open_share", "Problems still open at the end", "share"),
    _k("attempts_per_resolution", "Attempts per resolved problem", "number", "lower", "attempts"),
    _k("time_to_resolution_s", "Time to resolution", "seconds", "lower"),
    _k("effort_to_resolution_s", "Caller effort to resolution", "seconds", "lower"),
    _k("persons", "Customers who called", "count"),
    _k("transfers_per_person", "Transfers per customer", "number", "lower", "per customer"),
    _k("repeat_person_share", "Customers with more than one problem", "share"),
    _k("resolution_rate", "Resolution rate", "share", "higher"),
    _k("transfer_rate", "Transfer rate", "share", "lower"),
    _k("transfer_abandon_rate", "Abandonment after a transfer", "share", "lower"),
    _k("talk_share", "Talking, share of duty time", "share"),
    _k("wrap_share", "Wrapping up, share of duty time", "share"),
    _k("break_share", "Breaks and off-phone time, share of duty time", "share"),
    _k("idle_share", "Idle, share of duty time", "share"),
    _k("calls_per_agent_hour", "Calls per available agent-hour", "number", None, "calls/h"),
    _k("longest_busy_stretch_s", "Longest stretch without a pause (mean per agent-day)", "seconds", "lower"),
    _k("longest_busy_stretch_max_s", "Longest stretch without a pause (longest)", "seconds", "lower"),
    _k("hostile_minutes_per_agent_day", "Hostile minutes per agent-day", "number", "lower", "min"),
    _k("stress_mean", "Agent strain, mean", "number", "lower", "strain"),
    _k("stress_p90", "Agent strain, 90th percentile", "number", "lower", "strain"),
    _k("burnout_share", "Duty time above the strain threshold", "share", "lower"),
    _k("exhaustion_mean", "Exhaustion at the end, mean", "number", "lower", "exhaustion"),
    _k("exhaustion_p90", "Exhaustion at the end, 90th percentile", "number", "lower", "exhaustion"),
    _k("sick_days", "Sick days", "days", "lower"),
    _k("stress_leave_days", "Stress-leave days", "days", "lower"),
    _k("absence_rate", "Absence rate", "share", "lower"),
    _k("headcount_mean", "Agents employed, mean", "count", None, "agents"),
    _k("shrinkage_planned", "Planned shrinkage", "share"),
    _k("shrinkage_total", "Total shrinkage", "share", "lower"),
    _k("paid_hours", "Paid agent-hours", "hours"),
    _k("leavers", "Leavers", "count", "lower", "agents"),
    _k("attrition_annualised", "Attrition, annualised", "share", "lower"),
    _k("hires", "Hires", "count", None, "agents"),
    _k("cost_total", "Cost, total", "money", "lower"),
    _k("cost_agents", "Cost of agents", "money", "lower"),
    _k("cost_training", "Cost of training", "money", "lower"),
    _k("cost_hiring", "Cost of hiring", "money", "lower"),
    _k("cost_telephony", "Cost of telephony", "money", "lower"),
    _k("cost_trainers", "Cost of trainers", "money", "lower"),
    _k("cost_lost_customers", "Cost of customers lost", "money", "lower"),
    _k("training_hours", "Training hours", "hours"),
    _k("revenue", "Revenue", "money", "higher"),
    _k("net_cost", "Net cost (cost less revenue)", "money", "lower"),
    _k("callers_lost", "Callers lost", "count", "lower", "callers"),
    # What the policies did (ccsim.metrics.kpis.policy_kpis).
    _k("cut_off_rate", "Calls cut at the time limit", "share", "lower"),
    _k("deterred_share", "Callers deterred by the price", "share", "lower"),
    _k("hung_up_calls", "Calls ended by agents", "count", None, "calls"),
    _k("blocked_calls", "Calls blocked", "count", "lower", "calls"),
    _k("callback_lost_calls", "Callbacks that did not reach the caller", "count", "lower", "calls"),
    _k("customers_lost", "Customers lost", "count", "lower", "customers"),
    _k("churned_contacts", "Contacts of customers who left", "count", "lower", "calls"),
    _k("billed_minutes", "Minutes billed", "number", None, "min"),
]}

# Shares that can exceed 100 % (a yearly rate extrapolated from a short horizon).
_UNBOUNDED_SHARES = {"attrition_annualised"}
# Measures that can be negative (a paid line's revenue can exceed the cost).
_SIGNED = {"net_cost"}

# Bases ordered longest first so "service_level_of_answered_x" is not read as "service_level" + "of_answered_x".
_BASES = sorted(_CATALOGUE, key=len, reverse=True)

HEADLINE_KPIS = [
    "service_level", "asa_s", "wait_p90_s", "abandon_rate", "occupancy", "agent_hours",
    "fcr", "attempts_per_resolution", "transfers_per_call", "redial_share", "lost_share",
    "difficult_share_calls", "stress_mean", "burnout_share", "absence_rate", "attrition_annualised",
    "leavers", "cost_total", "revenue", "callers_lost",
]
"""The KPIs a director reads first, in reading order (those present in the results are shown)."""


def kpi_info(name: str) -> KpiInfo:
    """The catalogue entry of ``name``; per-queue/per-group KPIs (``asa_s_general``) inherit their base's."""
    if name in _CATALOGUE:
        return _CATALOGUE[name]
    for base in _BASES:
        if name.startswith(base + "_"):
            info = _CATALOGUE[base]
            suffix = name[len(base) + 1:].replace("_", " ")
            return KpiInfo(name, f"{info.label}: {suffix}", info.kind, info.better, info.unit_text)
    return KpiInfo(name, name.replace("_", " "))


def _number(value: float, kind: Kind) -> str:
    magnitude = abs(value)
    if kind == "money" or magnitude >= 1000 or (kind == "count" and magnitude >= 100):
        return f"{value:,.0f}"
    if kind == "count":
        # A mean over replications of a count need not be whole: 0.333 leavers is informative.
        return f"{value:.3g}"
    if magnitude >= 100:
        return f"{value:,.1f}"
    if magnitude >= 10 or kind in ("share", "seconds", "hours", "days"):
        return f"{value:.1f}" if magnitude >= 10 else f"{value:.2f}"
    return f"{value:.3g}"


def format_value(value: float | None, info: KpiInfo) -> str:
    """A value in display units without the unit ("79.8" for a service level of 0.798)."""
    if value is None or not math.isfinite(value):
        return "–"
    return _number(value * info.scale, info.kind)


def format_difference(value: float | None, info: KpiInfo) -> str:
    """A signed difference in display units ("+3.10" pp, "−1.2" s)."""
    if value is None or not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    text = _number(abs(value) * info.scale, info.kind)
    return ("+" if value > 0 else "−") + text


def decimals_for(half_width: float | None, info: KpiInfo) -> int | None:
    """Decimals that show a difference to the precision its interval allows (two significant digits
    of the half-width, in display units); None when there is no interval to go by."""
    if half_width is None or not math.isfinite(half_width) or half_width <= 0:
        return None
    return int(min(6, max(0, 1 - math.floor(math.log10(half_width * info.scale)))))


def format_signed(value: float | None, info: KpiInfo, decimals: int | None) -> str:
    """A signed value in display units with a fixed number of decimals (default formatting if None)."""
    if decimals is None:
        return format_difference(value, info)
    if value is None or not math.isfinite(value):
        return "–"
    shown = f"{abs(value) * info.scale:,.{decimals}f}"
    if float(shown.replace(",", "")) == 0:
        return shown
    return ("+" if value > 0 else "−") + shown


def format_plus_minus(mean: float | None, low: float | None, high: float | None, info: KpiInfo) -> str:
    """"+0.41 ± 0.25": a difference with the half-width of its (symmetric) interval."""
    if low is None or high is None or mean is None:
        return format_difference(mean, info)
    half = (high - low) / 2.0
    decimals = decimals_for(half, info)
    if decimals is None:
        return format_signed(mean, info, None)
    return f"{format_signed(mean, info, decimals)} ± {abs(half) * info.scale:,.{decimals}f}"


def format_interval(low: float | None, high: float | None, info: KpiInfo, signed: bool = False) -> str:
    """"low … high" in display units; "–" when the interval cannot be estimated (one replication)."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return "–"
    if signed:
        decimals = decimals_for((high - low) / 2.0, info)
        return f"{format_signed(low, info, decimals)} … {format_signed(high, info, decimals)}"
    return f"{format_value(low, info)} … {format_value(high, info)}"


def judgement(mean: float | None, excludes_zero: bool, info: KpiInfo) -> str:
    """"better", "worse", "changed" (significant, no preferred direction) or "" (not significant)."""
    if not excludes_zero or mean is None or mean == 0:
        return ""
    if info.better is None:
        return "changed"
    return "better" if (mean < 0) == (info.better == "lower") else "worse"
