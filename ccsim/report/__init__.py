"""Reports: how to show each KPI, and (in submodules) the HTML reports.

* :mod:`ccsim.report.figures`: pure functions from tables to plotly figures;
* :mod:`ccsim.report.page`: one self-contained HTML page (plotly.js embedded, no network);
* :mod:`ccsim.report.loading`: read saved results folders (one, several, or a comparison);
* :mod:`ccsim.report.measures`: statistics over replications for the charts;
* :mod:`ccsim.report.changes`: what changed between two scenarios, in words;
* :mod:`ccsim.report.context`: what every section reads (estimates, paired differences, colours);
* :mod:`ccsim.report.sections`: one module per section of the comparison report;
* :mod:`ccsim.report.build`: assemble the page from its sections and write it.

What each KPI is (label, unit, direction, range) lives in :mod:`ccsim.metrics.catalogue`, which
the metrics, the report and the docs share; it is re-exported here. This module adds how values,
differences and intervals are written for the report and the terminal tables.
"""

from __future__ import annotations

import math

from ccsim.metrics.catalogue import HEADLINE_KPIS, Kind, KpiInfo, kpi_info

__all__ = ["HEADLINE_KPIS", "KpiInfo", "decimals_for", "format_difference", "format_interval",
           "format_plus_minus", "format_signed", "format_value", "judgement", "kpi_info"]


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
