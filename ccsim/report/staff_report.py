"""The staffing report (``DIR/report.html`` of ``ccsim staff``): one self-contained page.

Built only from what ``ccsim staff`` writes (``requirements.csv`` and ``summary.json``, see
:mod:`ccsim.experiments.staffing`), so it can be rebuilt without simulating again. Per group it shows
the requirement by interval of each day type under Erlang C, Erlang A and the simulation against
the schedule (step lines), the service level each interval achieved in the final check with its
95 % interval against the target, and, for groups on shifts, the over- and under-staffing the
shifts leave. The page itself comes from :mod:`ccsim.report.page`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ccsim import units
from ccsim.experiments.staffing import MISSES, check_line, describe_intervals
from ccsim.report import figures as F
from ccsim.report import page as P
from ccsim.results import atomic_write

DAY_LABELS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
              "sat": "Saturday", "sun": "Sunday"}
# Method -> (legend label, colour, dash, width). Colour-blind-safe (Okabe-Ito); the schedule is drawn boldest.
METHODS = {
    "erlang_c": ("Erlang C", "#8C8C8C", "dot", 1.8),
    "erlang_a": ("Erlang A (lagged)", "#0072B2", "dash", 1.8),
    "simulated": ("Simulated requirement", "#D55E00", "solid", 2.2),
    "scheduled": ("Scheduled on the phones", "#009E73", "solid", 3.0),
}
CHECK_COLOUR = "#3d3d3d"
OVER, UNDER = "#56B4E9", "#C62828"


def write_staff_report(path: Path, table: pd.DataFrame, summary: dict[str, Any]) -> Path:
    """Write the report for a staffing recommendation; returns ``path``."""
    atomic_write(path, render_staff_report(table, summary).encode())
    return path


def render_staff_report(table: pd.DataFrame, summary: dict[str, Any]) -> str:
    """The whole page as HTML."""
    targets = summary["target_label"]
    days = summary["horizon_days"]
    interval = units.format_duration(summary["interval_s"])
    count = f"{summary['iterations']} iteration{'' if summary['iterations'] == 1 else 's'}"
    state = f"settled after {count}" if summary["converged"] else f"not settled after {count}"
    run_time = summary["run_time_s"]
    page = P.Page(
        title=f"Staffing for {targets}",
        subtitle=(f"{summary['scenario']}: {days}-day horizon in {interval} intervals; search {state} with "
                  f"{summary['replications']} replications each; run time {run_time:.{0 if run_time >= 10 else 1}f} s"),
        scenarios=[P.ScenarioCard(label=summary["scenario"], colour=F.BASELINE_COLOUR, role="scenario",
                                  description=_day_types(summary))],
        sections=[_summary_section(summary), *(_group_section(name, table, summary) for name in summary["groups"]),
                  _method_section(summary)],
        warnings=_warnings(table, summary),
        footer=[("Targets", targets), ("Seeds", _seeds(summary)), ("Files", "requirements.csv (one row per group, "
                "day type and interval), summary.json (totals, search history)")],
    )
    return P.render(page)


# --- words ------------------------------------------------------------------------------------


def _day_types(summary: dict[str, Any]) -> str:
    counts = summary["day_types"]
    if all(n == 1 for n in counts.values()):
        return "Day types: " + ", ".join(DAY_LABELS[d] for d in counts) + \
            (" (one day each)." if len(counts) > 1 else " (one day).")
    return "Day types: " + ", ".join(f"{DAY_LABELS[d]} ({n} days)" for d, n in counts.items()) + \
        "; each is judged on its days pooled."


def _seeds(summary: dict[str, Any]) -> str:
    search, check = summary["seeds"]["search"], summary["seeds"]["final_check"]
    return (f"root seed {summary['seed']}; replications {search[0]}-{search[1]} for the search (the same in every "
            f"iteration), {check[0]}-{check[1]} for the final check")


def _warnings(table: pd.DataFrame, summary: dict[str, Any]) -> list[tuple[str, str]]:
    warnings = []
    if summary["unreachable"]:
        cells = [(u["group"], u["day"], u["time"]) for u in summary["unreachable"]]
        warnings.append(("Targets unreachable", f" {summary['target_label']} cannot be met with the most agents "
                         f"allowed in {len(cells)} interval(s): {describe_intervals(cells, summary['interval_s'])}. "
                         "Relax the targets or allow more agents (--max-agents)."))
    if not summary["converged"]:
        warnings.append(("The search did not settle", f" It stopped after {summary['iterations']} iterations with "
                         "intervals still moving. The final check below shows how the recommendation does; more "
                         "iterations (--iterations) let it settle."))
    missed = table[table["status"].isin(MISSES)]
    if len(missed):
        cells = list(zip(missed["group"], missed["day"], missed["time"]))
        warnings.append(("Intervals missing the targets in the final check", f" The written roster, simulated with "
                         f"fresh seeds, has a mean on the wrong side of a target in {len(cells)} interval(s): "
                         f"{describe_intervals(cells, summary['interval_s'])}. More replications (--replications) "
                         "make each interval's requirement more precise; shift types that fit the peaks leave "
                         "fewer gaps."))
    return warnings


def _method_section(summary: dict[str, Any]) -> P.Section:
    patience = summary.get("patience_s")
    items = [
        ("Offered load", "Queue visits offered to each group's queues per interval, measured in a simulation of the "
         "scenario as given (IVR, transfers, redials included), scaled to the scenario's expected fresh calls; "
         "times the group's configured mean handle time (the segments' talk times by share, with difficult "
         "callers by nature and on a first attempt, times the group's talk-time factor, plus wrap-up)."),
        ("Erlang C", "Per interval, stationary M/M/n with rates lagged by one handle time (lagged SIPP) and the "
         "configured handle time, as a planner's Erlang calculator would take it: the fewest agents meeting the "
         "service level (and occupancy cap). Nobody abandons."),
        ("Erlang A", "As Erlang C with exponential patience "
         + (f"(mean {patience:.0f} s from the segments)" if patience else "(no segment abandons: Erlang C)")
         + "; the service level counts callers served within the threshold of all offered, as the simulation does."),
        ("Simulated requirement", "The full model, simulated with the same seeds in every iteration, starting from "
         "Erlang A at the measured handle time. Each interval is moved by the agents Erlang A needs between its "
         "simulated result and the target (Erlang A's curve as a control variate, the error pooled with the "
         "neighbouring intervals), never back to "
         "a headcount the same seeds showed to miss. The search stops when an iteration changes nothing; in the "
         "second half of its budget intervals are only raised."),
        ("Scheduled", "For groups on shifts: the scenario's shift types at the fewest paid hours putting the "
         "simulated requirement on the phones in every interval after breaks and off-phone time (integer program, "
         "scipy milp). Otherwise the simulated requirement itself, as a net headcount."),
        ("Final check", "The roster written (the shifts with their breaks, or the headcounts) simulated with fresh "
         f"seeds ({summary['final_check']['replications']} replications on seed streams the search never used): "
         "every interval's service level, abandonment and occupancy with 95 % t-intervals over replications. "
         "'Met': every mean meets its target; 'missed': a mean is on the wrong side of its target; 'missed "
         "significantly': its whole 95 % interval is; 'unreachable': at the headcount cap and still missing."),
    ]
    return P.Section("method", "Method", blocks=[P.Block(html=P.definition_list(items))])


# --- tables -----------------------------------------------------------------------------------


def _html_table(head: list[str], rows: list[list[str]], numeric_from: int = 1, caption: str = "") -> str:
    """A plain table in the page's style; every cell is escaped."""
    def cell(tag: str, index: int, value: str) -> str:
        return f'<{tag} class="num">{P.e(value)}</{tag}>' if index >= numeric_from else \
            f"<{tag}>{P.e(value)}</{tag}>"

    header = "".join(cell("th", i, h) for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    caption_html = f"<caption>{P.e(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table>{caption_html}<thead><tr>{header}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _hours(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.0f}"


def _totals_table(summary: dict[str, Any]) -> str:
    currency = summary["currency"]
    head = ["Group", "Queues", "Handle time (s)", "Measured handle time (s)", "Erlang C (h)", "Erlang A (h)",
            "Simulated (h)", "Scheduled (h)", "Paid (h)", f"Cost ({currency})"]
    rows = []
    for name, group in summary["groups"].items():
        hours = group["agent_hours"]
        measured = group.get("measured_handle_time_s")
        rows.append([name, ", ".join(group["queues"]), f"{group['handle_time_s']:.0f}",
                     "–" if measured is None else f"{measured:.0f}",
                     *(_hours(hours[k]) for k in ("erlang_c", "erlang_a", "simulated", "scheduled")),
                     _hours(group["paid_hours"]), _hours(group["cost"]["scheduled"])])
    return _html_table(head, rows, numeric_from=2, caption=(
        f"Agent-hours on the phones over the {summary['horizon_days']}-day horizon by each method; paid hours "
        "include the shifts' breaks and off-phone time; cost = paid hours x the group's hourly cost. Erlang C and "
        "A use the configured handle time; the measured one (the load simulation's answered calls) is shown "
        "beside it."))


def _shift_table(counts: dict[str, dict[str, int]], summary: dict[str, Any]) -> str:
    days = [d for d in summary["day_types"] if any(d in c for c in counts.values())]
    rows = [[shift, *(str(per_day[d]) if d in per_day else "" for d in days)] for shift, per_day in counts.items()]
    totals = ["all shifts", *(str(sum(c.get(d, 0) for c in counts.values())) for d in days)]
    return _html_table(["Shift", *(DAY_LABELS[d] for d in days)], [*rows, totals],
                       caption="Recommended agents per shift type and weekday (written by --write-scenario).")


# --- figures ----------------------------------------------------------------------------------


def _clock(seconds: np.ndarray | pd.Series) -> pd.DatetimeIndex:
    """Seconds after midnight as timestamps on the report's clock day (a time-of-day axis)."""
    return pd.Timestamp(F.CLOCK_DAY) + pd.to_timedelta(np.asarray(seconds, dtype=float), unit="s")


def _seconds(times: pd.Series) -> np.ndarray:
    return np.array([units.parse_clock(t) for t in times], dtype=float)


def _facets(days: list[str]) -> tuple[int, int, int, float]:
    """Columns, rows, height and vertical spacing of a grid of day panels (as figures.band_lines lays them)."""
    columns = len(days) if len(days) <= 4 else 3
    rows = math.ceil(len(days) / columns)
    height, spacing = F.grid(rows, 240, 95)
    return columns, rows, (400 if rows == 1 else height), spacing


def _day_grid(days: list[str], title: str, y_title: str, legend: bool = True) -> tuple[go.Figure, int]:
    columns, rows, height, spacing = _facets(days)
    fig = make_subplots(rows=rows, cols=columns, shared_yaxes=True, horizontal_spacing=0.035,
                        vertical_spacing=spacing, subplot_titles=[F.text(DAY_LABELS[d]) for d in days])
    F._subplot_titles(fig)
    F.style(fig, title, height if legend else height - 30, legend=legend, top=104 if legend else 74)
    for index in range(len(days)):
        row, col = index // columns + 1, index % columns + 1
        fig.update_yaxes(title_text=y_title if col == 1 else None, rangemode="tozero", row=row, col=col)
        fig.update_xaxes(title_text="Time of day" if row == rows else None, row=row, col=col)
    return fig, columns


def _time_axes(fig: go.Figure, part: pd.DataFrame, days: list[str], interval: float, columns: int) -> None:
    """Each day panel from opening to closing, labelled every two hours (hourly on short days).

    The closing time is left unlabelled so that the labels of neighbouring panels never touch.
    """
    for index, day in enumerate(days):
        starts = _seconds(part.loc[part["day"] == day, "time"])
        start, end = float(starts.min()), float(starts.max()) + interval
        step = units.HOUR if end - start <= 6 * units.HOUR else 2 * units.HOUR
        ticks = np.arange(math.ceil(start / step) * step, end, step)
        fig.update_xaxes(type="date", range=list(_clock([start, end])), tickmode="array",
                         tickvals=list(_clock(ticks)), ticktext=[units.format_clock(t) for t in ticks],
                         hoverformat="%H:%M", row=index // columns + 1, col=index % columns + 1)


def requirement_figure(part: pd.DataFrame, days: list[str], interval: float, group: str) -> go.Figure:
    """Agents per interval of each day type: Erlang C, Erlang A, simulated and scheduled, as steps."""
    fig, columns = _day_grid(days, f"{F.text(group)}: agents required and scheduled by interval",
                             "Agents on the phones")
    for index, day in enumerate(days):
        rows = part[part["day"] == day]
        starts = _seconds(rows["time"])
        # One point more at the last interval's end, so the last step is drawn in full.
        x = _clock(np.append(starts, starts[-1] + interval))
        for method, (label, colour, dash, width) in METHODS.items():
            values = rows[method].to_numpy(dtype=float)
            fig.add_trace(go.Scatter(
                x=x, y=np.append(values, values[-1]), mode="lines", line_shape="hv", name=label,
                legendgroup=method, showlegend=index == 0, line=dict(color=colour, dash=dash, width=width),
                hovertemplate="%{y:,.1f} agents<extra>" + label + "</extra>",
            ), row=index // columns + 1, col=index % columns + 1)
    _time_axes(fig, part, days, interval, columns)
    fig.update_layout(hovermode="x unified")
    return fig


def check_figure(part: pd.DataFrame, days: list[str], interval: float, group: str, measure: str,
                 target: float, label: str, floor: bool) -> go.Figure:
    """A measure per interval in the final check (mean and 95 % band) against its target; misses marked."""
    frame = pd.DataFrame({
        "scenario": "final check (fresh seeds)",
        "x": _clock(_seconds(part["time"]) + interval / 2.0),
        "mean": part[f"{measure}_mean"].to_numpy(dtype=float),
        "ci_low": part[f"{measure}_ci_low"].to_numpy(dtype=float),
        "ci_high": part[f"{measure}_ci_high"].to_numpy(dtype=float),
        "day": [DAY_LABELS[d] for d in part["day"]],
        "status": part["status"].to_numpy(),
    })
    frame = frame[frame["mean"].notna()]
    title = f"{F.text(group)}: {label.lower()} by interval with fresh seeds"
    fig = F.band_lines(frame, x="x", title=title, measure=F.Measure(label, share=True), x_title="Time of day",
                       colours={"final check (fresh seeds)": CHECK_COLOUR}, facet="day",
                       facet_order=[DAY_LABELS[d] for d in days], reference=target,
                       reference_label=f"target {'at least' if floor else 'at most'} {target:.0%}",
                       time_of_day=True)
    shown = [d for d in days if DAY_LABELS[d] in set(frame["day"])]
    columns, *_ = _facets(shown)
    missed = frame[frame["status"].isin(MISSES)]
    for index, day in enumerate(shown):
        points = missed[missed["day"] == DAY_LABELS[day]]
        fig.add_trace(go.Scatter(
            x=points["x"], y=points["mean"], mode="markers", name="target missed (mean)",
            legendgroup="missed", showlegend=index == 0 and len(missed) > 0,
            marker=dict(symbol="x", size=10, color=UNDER, line=dict(width=1.5, color=UNDER)),
            hovertemplate="%{y:.1%} missed<extra></extra>",
        ), row=index // columns + 1, col=index % columns + 1)
    _time_axes(fig, part, shown, interval, columns)
    return fig


def over_under_figure(part: pd.DataFrame, days: list[str], interval: float, group: str) -> go.Figure:
    """Scheduled minus required agents per interval: the surplus and the shortfall the shifts leave."""
    fig, columns = _day_grid(days, f"{F.text(group)}: over (+) and under (−) staffing left by the shifts",
                             "Scheduled − required (agents)", legend=False)
    for index, day in enumerate(days):
        rows = part[part["day"] == day]
        gap = rows["over_under"].to_numpy(dtype=float)
        fig.add_trace(go.Bar(
            x=_clock(_seconds(rows["time"]) + interval / 2.0), y=gap, width=interval * 1000 * 0.85,
            marker=dict(color=np.where(gap < 0, UNDER, OVER).tolist()), name="scheduled − required",
            showlegend=False, hovertemplate="%{y:+,.1f} agents<extra></extra>",
        ), row=index // columns + 1, col=index % columns + 1)
    _time_axes(fig, part, days, interval, columns)
    fig.update_yaxes(rangemode="normal", zeroline=True, zerolinecolor="#555")
    fig.update_layout(hovermode="closest", bargap=0.1)
    return fig


def history_figure(summary: dict[str, Any]) -> go.Figure:
    """Agent-hours and intervals still missing the targets after each iteration, per group."""
    history = summary["history"]
    if not history:
        return F.empty_figure("How the search went", "No iteration ran.")
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=["Agent-hours simulated", "Intervals missing a target"])
    F._subplot_titles(fig)
    colours = F.VARIANT_COLOURS
    iterations = [step["iteration"] for step in history]
    for index, group in enumerate(summary["groups"]):
        colour = colours[index % len(colours)]
        for col, key in ((1, "agent_hours"), (2, "intervals_missing")):
            fig.add_trace(go.Scatter(
                x=iterations, y=[step[key][group] for step in history], mode="lines+markers", name=F.text(group),
                legendgroup=group, showlegend=col == 1, line=dict(color=colour, width=2.2),
                hovertemplate="%{y:,.0f}<extra>%{fullData.name}</extra>",
            ), row=1, col=col)
    F.style(fig, "How the search went", 400)
    fig.update_xaxes(title_text="Iteration", dtick=1)
    fig.update_yaxes(title_text="Agent-hours", row=1, col=1)
    fig.update_yaxes(title_text="Intervals", rangemode="tozero", row=1, col=2)
    return fig


# --- sections ---------------------------------------------------------------------------------


def _summary_section(summary: dict[str, Any]) -> P.Section:
    blocks = [P.Block(html=f"<p><strong>{P.e(check_line(summary['final_check']))}</strong></p>"),
              P.Block(html=_totals_table(summary)), P.Block(figure=history_figure(summary), caption=(
        "Each iteration simulates the candidate staffing with the same seeds; the search ends when one changes "
        "nothing."))]
    for name in summary.get("fixed_groups", []):
        blocks.append(P.Block(note=f"{name} is the first choice of no queue; its staffing is left as it is."))
    return P.Section("summary", "Summary", intro=(
        "Agents on the phones per interval that meet the targets, by three methods, and the schedule that covers "
        "the simulated requirement."), blocks=blocks)


def _group_section(name: str, table: pd.DataFrame, summary: dict[str, Any]) -> P.Section:
    group = summary["groups"][name]
    targets = summary["targets"]
    interval = float(summary["interval_s"])
    part = table[table["group"] == name]
    days = [d for d in summary["day_types"] if d in set(part["day"])]
    blocks = [P.Block(figure=requirement_figure(part, days, interval, name), caption=(
        "Each line holds for its interval. The simulated requirement is what the full model needs; the schedule "
        "is what the shifts put on the phones."))]
    blocks.append(P.Block(figure=check_figure(part, days, interval, name, "sl", targets["service_level"],
                                              "Service level", floor=True), caption=(
        "Mean over the final check's replications with its 95 % interval, at the middle of each interval; the "
        "dotted line is the target.")))
    if targets.get("max_abandon") is not None:
        blocks.append(P.Block(figure=check_figure(part, days, interval, name, "abandon", targets["max_abandon"],
                                                  "Abandonment", floor=False)))
    if targets.get("max_occupancy") is not None:
        blocks.append(P.Block(figure=check_figure(part, days, interval, name, "occupancy", targets["max_occupancy"],
                                                  "Occupancy", floor=False)))
    if group["shifts"] is not None:
        blocks.append(P.Block(figure=over_under_figure(part, days, interval, name), caption=(
            f"The shifts leave {group['surplus_agent_hours']:,.0f} agent-hours over the requirement and "
            f"{group['shortfall_agent_hours']:,.0f} under it.")))
        blocks.append(P.Block(html=_shift_table(group["shifts"], summary)))
        for problem in group["shift_problems"]:
            blocks.append(P.Block(note=problem))
    else:
        blocks.append(P.Block(note="This group is staffed by a headcount per interval, so the schedule is the "
                                   "simulated requirement itself."))
    hours = group["agent_hours"]
    measured = group.get("measured_handle_time_s")
    measured_text = "" if measured is None else f" ({measured:.0f} s measured)"
    intro = (f"Serves {', '.join(group['queues'])}; configured mean handle time {group['handle_time_s']:.0f} s"
             f"{measured_text}. Agent-hours: "
             f"Erlang C {_hours(hours['erlang_c'])}, Erlang A {_hours(hours['erlang_a'])}, simulated "
             f"{_hours(hours['simulated'])}, scheduled {_hours(hours['scheduled'])} on the phones "
             f"({_hours(group['paid_hours'])} paid).")
    return P.Section(f"group-{_anchor(name)}", name, intro=intro, blocks=blocks)


def _anchor(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower())
