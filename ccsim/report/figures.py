"""Figures of the report: pure functions from small, already aggregated tables to plotly figures.

Nothing here reads files or computes statistics over replications; :mod:`ccsim.report.build`
does that and passes tidy frames in. Conventions shared by every figure:

* one fixed colour per scenario (``colours``: scenario label -> CSS colour), the baseline dark grey;
* means over replications drawn as lines or markers, 95 % t-intervals as bands or error bars;
* every figure has a title, axis titles with units, a legend and hover values;
* user strings (scenario, queue and group names) are HTML-escaped, because plotly renders a
  subset of HTML in legends, ticks and hover labels.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

BASELINE_COLOUR = "#3d3d3d"
# Okabe-Ito: distinguishable with the common forms of colour blindness, and in print.
VARIANT_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D31", "#7F3C8D"]
COMPONENT_COLOURS = ["#4C72B0", "#8FB1D9", "#C9A66B", "#E3CF9E", "#9E9E9E", "#6B8E6B"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
GRID = "#e8e8e8"


@dataclass(frozen=True)
class Measure:
    """What a y (or x) axis shows: a label, a unit, and whether values are fractions shown in per cent."""

    label: str
    unit: str = ""
    share: bool = False
    digits: int = 1

    @property
    def title(self) -> str:
        unit = "%" if self.share else self.unit
        return f"{self.label} ({unit})" if unit else self.label

    @property
    def hover(self) -> str:
        """d3 format of hover values."""
        return f".{self.digits}%" if self.share else f",.{self.digits}f"

    @property
    def suffix(self) -> str:
        return "" if self.share or not self.unit else f" {self.unit}"


def scenario_colours(labels: Sequence[str]) -> dict[str, str]:
    """First label (the baseline) dark grey, the others from a colour-blind-safe palette."""
    colours = {}
    for index, label in enumerate(labels):
        colours[label] = BASELINE_COLOUR if index == 0 else VARIANT_COLOURS[(index - 1) % len(VARIANT_COLOURS)]
    return colours


def text(value: object) -> str:
    """A user string made safe for plotly's HTML-like labels (shown literally)."""
    return html.escape(str(value), quote=False)


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def style(fig: go.Figure, title: str, height: int = 400, legend: bool = True) -> go.Figure:
    """The report's look: white background, light grid, title at the top left, legend above the plot."""
    fig.update_layout(
        template="none",
        title=dict(text=f"<b>{title}</b>", x=0.0, xanchor="left", y=0.98, yanchor="top", font=dict(size=16)),
        font=dict(family=FONT, size=13, color="#222"),
        height=height,
        margin=dict(l=70, r=24, t=92, b=60),
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        legend=dict(orientation="h", x=0.0, xanchor="left", y=1.0, yanchor="bottom", bgcolor="rgba(255,255,255,0.8)",
                    font=dict(size=12), title=dict(text="")),
        hoverlabel=dict(font=dict(family=FONT, size=12), namelength=-1),
        separators=".,",
    )
    fig.update_xaxes(showgrid=True, gridcolor=GRID, zeroline=False, linecolor="#999", showline=True, ticks="outside",
                     tickcolor="#999", automargin=True)
    fig.update_yaxes(showgrid=True, gridcolor=GRID, zeroline=False, linecolor="#999", showline=True, ticks="outside",
                     tickcolor="#999", automargin=True, rangemode="tozero")
    # Subplot titles are annotations: left-align them and keep them modest.
    fig.update_annotations(font=dict(size=13, color="#444"))
    return fig


def _y_axis(fig: go.Figure, measure: Measure, **where) -> None:
    fig.update_yaxes(title_text=measure.title if where.get("col", 1) == 1 else None,
                     tickformat=".0%" if measure.share else None, **where)


def _ordered(frame: pd.DataFrame, column: str, order: Sequence[str]) -> list[str]:
    present = list(dict.fromkeys(frame[column].astype(str)))
    return [o for o in order if o in present] + [p for p in present if p not in order]


def empty_figure(title: str, message: str, height: int = 220) -> go.Figure:
    """A placeholder with a sentence in the middle (keeps the layout when data is missing)."""
    fig = go.Figure()
    fig.add_annotation(text=text(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=13, color="#666"))
    style(fig, title, height, legend=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _hover(measure: Measure, has_interval: bool, x_name: str) -> str:
    value = f"%{{y:{measure.hover}}}{measure.suffix}"
    interval = (f" <span style='color:#666'>(95 % CI %{{customdata[0]:{measure.hover}}} … "
                f"%{{customdata[1]:{measure.hover}}})</span>") if has_interval else ""
    return f"{value}{interval}<extra>%{{fullData.name}}</extra>" if x_name == "" else \
        f"{x_name} %{{x}}<br>{value}{interval}<extra>%{{fullData.name}}</extra>"


def band_lines(
    frame: pd.DataFrame,
    *,
    x: str,
    title: str,
    measure: Measure,
    x_title: str,
    colours: dict[str, str],
    facet: str | None = None,
    facet_order: Sequence[str] = (),
    reference: float | None = None,
    reference_label: str = "",
    x_ticks: dict[object, str] | None = None,
    dash: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Lines of means with 95 % bands, one line per scenario, optionally one panel per ``facet``.

    ``frame`` has columns ``scenario``, ``x``, ``mean``, ``ci_low``, ``ci_high`` (and ``facet``);
    rows are already in x order. ``reference`` draws a dotted horizontal line (e.g. a target).
    ``x_ticks`` maps x values to tick labels (e.g. day numbers to weekday names).
    """
    if frame.empty:
        return empty_figure(title, "No data for this chart.")
    facets = _ordered(frame, facet, facet_order) if facet else [""]
    columns = min(len(facets), 3)
    rows = math.ceil(len(facets) / columns)
    fig = make_subplots(rows=rows, cols=columns, shared_yaxes=True, horizontal_spacing=0.04,
                        vertical_spacing=0.16 if rows > 1 else 0.1,
                        subplot_titles=[text(f) for f in facets] if facet else None)
    scenarios = [s for s in colours if s in set(frame["scenario"])]
    for index, panel in enumerate(facets):
        row, col = index // columns + 1, index % columns + 1
        part = frame if not facet else frame[frame[facet].astype(str) == panel]
        for scenario in scenarios:
            series = part[part["scenario"] == scenario]
            if series.empty:
                continue
            colour = colours[scenario]
            xs = series[x].tolist()
            has_interval = bool(series["ci_low"].notna().any())
            if has_interval:
                fig.add_trace(go.Scatter(
                    x=xs + xs[::-1],
                    y=series["ci_high"].tolist() + series["ci_low"].tolist()[::-1],
                    fill="toself", fillcolor=_rgba(colour, 0.16), line=dict(width=0), mode="lines",
                    hoverinfo="skip", showlegend=False, legendgroup=scenario, name=text(scenario),
                ), row=row, col=col)
            fig.add_trace(go.Scatter(
                x=xs, y=series["mean"], customdata=np.column_stack([series["ci_low"], series["ci_high"]]),
                mode="lines+markers" if len(xs) < 16 else "lines", name=text(scenario), legendgroup=scenario,
                showlegend=index == 0, line=dict(color=colour, width=2.2, dash=dash), marker=dict(size=6),
                hovertemplate=_hover(measure, has_interval, ""),
            ), row=row, col=col)
        if reference is not None:
            fig.add_hline(y=reference, line=dict(color="#b22222", width=1.2, dash="dot"), row=row, col=col,
                          annotation_text=text(reference_label) if index == 0 and reference_label else None,
                          annotation_position="top left", annotation_font=dict(size=11, color="#b22222"))
    style(fig, title, height or (380 if rows == 1 else 300 * rows + 60))
    fig.update_layout(hovermode="x unified")
    for index in range(len(facets)):
        row, col = index // columns + 1, index % columns + 1
        _y_axis(fig, measure, row=row, col=col)
        fig.update_xaxes(title_text=x_title if row == rows else None, row=row, col=col)
    if x_ticks:
        values = list(x_ticks)
        fig.update_xaxes(tickmode="array", tickvals=values, ticktext=[text(x_ticks[v]) for v in values])
    else:
        fig.update_xaxes(nticks=13)
    return fig


def staffing_lines(frame: pd.DataFrame, *, title: str, colours: dict[str, str], groups: Sequence[str] = ()) -> go.Figure:
    """Agents on duty (solid, with band) and agents required (dashed, where known) by time of day.

    ``frame``: scenario, group, time, mean, ci_low, ci_high, and optionally ``required``.
    """
    fig = band_lines(frame, x="time", title=title, measure=Measure("Agents", "agents", digits=1),
                     x_title="Time of day", colours=colours, facet="group", facet_order=groups)
    if "required" not in frame.columns or frame["required"].isna().all():
        return fig
    facets = _ordered(frame, "group", groups)
    columns = min(len(facets), 3)
    for index, panel in enumerate(facets):
        part = frame[frame["group"].astype(str) == panel]
        for scenario in [s for s in colours if s in set(part["scenario"])]:
            series = part[part["scenario"] == scenario]
            fig.add_trace(go.Scatter(
                x=series["time"], y=series["required"], mode="lines", name=f"{text(scenario)}: required",
                legendgroup=f"{scenario}-required", showlegend=index == 0,
                line=dict(color=colours[scenario], width=1.6, dash="dash"),
                hovertemplate="%{y:,.1f} agents required<extra>%{fullData.name}</extra>",
            ), row=index // columns + 1, col=index % columns + 1)
    return fig


def wait_curves(frame: pd.DataFrame, *, title: str, colours: dict[str, str], threshold: float | None) -> go.Figure:
    """Share of queue visits that waited longer than t, for t on the x axis (with 95 % bands).

    ``frame``: scenario, wait_s, mean, ci_low, ci_high. ``threshold`` (s) marks the service-level limit.
    """
    fig = band_lines(frame, x="wait_s", title=title,
                     measure=Measure("Queue visits still waiting", share=True),
                     x_title="Wait t (s)", colours=colours)
    if threshold is not None and not frame.empty:
        fig.add_vline(x=threshold, line=dict(color="#b22222", width=1.2, dash="dot"),
                      annotation_text=f"service-level threshold {threshold:g} s", annotation_position="top right",
                      annotation_font=dict(size=11, color="#b22222"))
    fig.update_xaxes(nticks=12)
    fig.update_layout(hovermode="x unified")
    return fig


def kpi_bars(frame: pd.DataFrame, *, title: str, colours: dict[str, str], measures: dict[str, Measure],
             columns: int = 3) -> go.Figure:
    """One small panel per KPI: a bar per scenario with its 95 % interval as an error bar.

    ``frame``: scenario, kpi, mean, ci_low, ci_high; ``measures`` (kpi -> Measure) gives the order,
    panel titles and units.
    """
    kpis = [k for k in measures if k in set(frame["kpi"])]
    if not kpis:
        return empty_figure(title, "None of these measures are in the results.")
    columns = min(columns, len(kpis))
    rows = math.ceil(len(kpis) / columns)
    fig = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.09, vertical_spacing=0.22 if rows > 1 else 0.1,
                        subplot_titles=[text(measures[k].title) for k in kpis])
    scenarios = [s for s in colours if s in set(frame["scenario"])]
    for index, kpi in enumerate(kpis):
        row, col = index // columns + 1, index % columns + 1
        part = frame[frame["kpi"] == kpi].set_index("scenario").reindex(scenarios)
        measure = measures[kpi]
        for scenario in scenarios:
            mean, low, high = part.loc[scenario, ["mean", "ci_low", "ci_high"]]
            has_interval = pd.notna(low) and pd.notna(high)
            fig.add_trace(go.Bar(
                x=[text(scenario)], y=[mean], name=text(scenario), legendgroup=scenario, showlegend=index == 0,
                marker=dict(color=colours[scenario], line=dict(width=0)),
                error_y=dict(type="data", symmetric=False, array=[high - mean if has_interval else 0],
                             arrayminus=[mean - low if has_interval else 0], color="#222", thickness=1.3, width=6,
                             visible=bool(has_interval)),
                customdata=[[low, high]],
                hovertemplate=_hover(measure, bool(has_interval), ""),
            ), row=row, col=col)
        fig.update_yaxes(tickformat=".0%" if measure.share else None, row=row, col=col)
        fig.update_xaxes(showticklabels=False, row=row, col=col)
    style(fig, title, 330 * rows + 70)
    fig.update_layout(bargap=0.25, hovermode="closest")
    return fig


def grouped_bars(frame: pd.DataFrame, *, x: str, title: str, measure: Measure, x_title: str,
                 colours: dict[str, str], x_order: Sequence[str] = ()) -> go.Figure:
    """Bars of means per category ``x`` (e.g. attempts), one colour per scenario, 95 % error bars."""
    if frame.empty:
        return empty_figure(title, "No data for this chart.")
    fig = go.Figure()
    categories = _ordered(frame, x, x_order)
    for scenario in [s for s in colours if s in set(frame["scenario"])]:
        part = frame[frame["scenario"] == scenario].set_index(frame[frame["scenario"] == scenario][x].astype(str))
        part = part.reindex(categories)
        has_interval = bool(part["ci_low"].notna().any())
        fig.add_trace(go.Bar(
            x=[text(c) for c in categories], y=part["mean"], name=text(scenario),
            marker=dict(color=colours[scenario]),
            error_y=dict(type="data", symmetric=False, array=(part["ci_high"] - part["mean"]).fillna(0),
                         arrayminus=(part["mean"] - part["ci_low"]).fillna(0), color="#222", thickness=1.2,
                         width=4, visible=has_interval),
            customdata=np.column_stack([part["ci_low"], part["ci_high"]]),
            hovertemplate=f"%{{x}}: {_hover(measure, has_interval, '')}",
        ))
    style(fig, title, 400)
    fig.update_layout(barmode="group", bargap=0.2, bargroupgap=0.05, hovermode="x unified")
    fig.update_xaxes(title_text=x_title, type="category")
    _y_axis(fig, measure)
    return fig


def stacked_shares(frame: pd.DataFrame, *, title: str, category: str, colours: dict[str, str],
                   category_order: Sequence[str] = (), category_labels: dict[str, str] | None = None,
                   x_title: str = "Share of calls (%)") -> go.Figure:
    """Horizontal 100 % bars per scenario split by ``category`` (e.g. why a call happened).

    ``frame``: scenario, ``category``, share (mean share over replications, 0..1).
    """
    if frame.empty:
        return empty_figure(title, "No data for this chart.")
    scenarios = [s for s in colours if s in set(frame["scenario"])]
    categories = _ordered(frame, category, category_order)
    labels = category_labels or {}
    fig = go.Figure()
    for index, value in enumerate(categories):
        part = frame[frame[category].astype(str) == value].set_index("scenario").reindex(scenarios)
        fig.add_trace(go.Bar(
            y=[text(s) for s in scenarios], x=part["share"].fillna(0), orientation="h",
            name=text(labels.get(value, value)), marker=dict(color=COMPONENT_COLOURS[index % len(COMPONENT_COLOURS)]),
            hovertemplate="%{y}: %{x:.1%}<extra>%{fullData.name}</extra>",
        ))
    style(fig, title, 120 + 46 * len(scenarios) + 60)
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_xaxes(title_text=x_title, tickformat=".0%", range=[0, 1])
    fig.update_yaxes(autorange="reversed", rangemode=None, ticks="")
    return fig


def cost_bars(components: pd.DataFrame, totals: pd.DataFrame, *, title: str, colours: dict[str, str],
              unit: str) -> go.Figure:
    """Stacked cost components per scenario, with the total's 95 % interval as an error bar.

    ``components``: scenario, component, mean. ``totals``: scenario, mean, ci_low, ci_high.
    """
    if components.empty:
        return empty_figure(title, "No cost data in these results.")
    scenarios = [s for s in colours if s in set(components["scenario"])]
    names = [text(s) for s in scenarios]
    fig = go.Figure()
    for index, component in enumerate(_ordered(components, "component", [])):
        part = components[components["component"] == component].set_index("scenario").reindex(scenarios)
        fig.add_trace(go.Bar(
            x=names, y=part["mean"].fillna(0), name=text(component), offsetgroup="cost",
            marker=dict(color=COMPONENT_COLOURS[index % len(COMPONENT_COLOURS)]),
            hovertemplate=f"%{{x}}: %{{y:,.0f}} {text(unit)}<extra>%{{fullData.name}}</extra>",
        ))
    total = totals.set_index("scenario").reindex(scenarios)
    has_interval = bool(total["ci_low"].notna().any())
    fig.add_trace(go.Scatter(
        x=names, y=total["mean"], mode="markers", name="total (95 % CI)",
        marker=dict(symbol="line-ew", size=26, color=[colours[s] for s in scenarios], line=dict(width=3,
                    color=[colours[s] for s in scenarios])),
        error_y=dict(type="data", symmetric=False, array=(total["ci_high"] - total["mean"]).fillna(0),
                     arrayminus=(total["mean"] - total["ci_low"]).fillna(0), color="#222", thickness=1.4, width=8,
                     visible=has_interval),
        customdata=np.column_stack([total["ci_low"], total["ci_high"]]),
        hovertemplate=f"%{{x}}: total %{{y:,.0f}} {text(unit)}"
                      + (" (95 % CI %{customdata[0]:,.0f} … %{customdata[1]:,.0f})" if has_interval else "")
                      + "<extra></extra>",
    ))
    style(fig, title, 420)
    fig.update_layout(barmode="stack", bargap=0.35, hovermode="closest")
    fig.update_xaxes(title_text="Scenario", type="category")
    fig.update_yaxes(title_text=f"Cost over the horizon ({text(unit)})" if unit else "Cost over the horizon",
                     tickformat=",.0f")
    return fig


def tradeoff(points: pd.DataFrame, *, title: str, colours: dict[str, str], x: Measure,
             panels: Sequence[Measure]) -> go.Figure:
    """One point per scenario with 95 % intervals on both axes; one panel per y measure.

    ``points``: scenario, panel (index into ``panels``), x, x_low, x_high, y, y_low, y_high.
    Down and to the left is better on every panel the report draws (shorter waits, less strain,
    lower cost), which the caption says.
    """
    if points.empty:
        return empty_figure(title, "The results lack the measures for this chart.")
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=0.1,
                        subplot_titles=[text(p.title) + " vs " + text(x.title) for p in panels])
    scenarios = [s for s in colours if s in set(points["scenario"])]
    for index, measure in enumerate(panels):
        part = points[points["panel"] == index].set_index("scenario").reindex(scenarios)
        for scenario in scenarios:
            row = part.loc[scenario]
            if pd.isna(row["x"]) or pd.isna(row["y"]):
                continue
            x_interval, y_interval = pd.notna(row["x_low"]), pd.notna(row["y_low"])
            fig.add_trace(go.Scatter(
                x=[row["x"]], y=[row["y"]], mode="markers+text", name=text(scenario), legendgroup=scenario,
                showlegend=index == 0, text=[text(scenario)], textposition="top right",
                textfont=dict(size=11, color=colours[scenario]),
                marker=dict(size=13, color=colours[scenario], line=dict(color="white", width=1.5)),
                error_x=dict(type="data", symmetric=False, array=[row["x_high"] - row["x"] if x_interval else 0],
                             arrayminus=[row["x"] - row["x_low"] if x_interval else 0], color=colours[scenario],
                             thickness=1.5, width=5, visible=bool(x_interval)),
                error_y=dict(type="data", symmetric=False, array=[row["y_high"] - row["y"] if y_interval else 0],
                             arrayminus=[row["y"] - row["y_low"] if y_interval else 0], color=colours[scenario],
                             thickness=1.5, width=5, visible=bool(y_interval)),
                hovertemplate=(f"{text(x.label)}: %{{x:{x.hover}}}{x.suffix}<br>"
                               f"{text(measure.label)}: %{{y:{measure.hover}}}{measure.suffix}"
                               "<extra>%{fullData.name}</extra>"),
            ), row=1, col=index + 1)
        fig.update_yaxes(title_text=measure.title, tickformat=".0%" if measure.share else None, row=1, col=index + 1)
        fig.update_xaxes(title_text=x.title, tickformat=".0%" if x.share else None, row=1, col=index + 1)
    style(fig, title, 440)
    fig.update_yaxes(rangemode="normal")
    fig.update_xaxes(rangemode="tozero")
    fig.update_layout(hovermode="closest")
    return fig


def stacked_panels(frames: list[tuple[str, Measure, pd.DataFrame]], *, title: str, colours: dict[str, str],
                   x: str, x_title: str, x_ticks: dict[object, str] | None = None) -> go.Figure:
    """Several band-line panels side by side with their own y axes (e.g. burnout measures by day).

    ``frames``: (panel title, measure, frame with scenario, ``x``, mean, ci_low, ci_high).
    """
    frames = [f for f in frames if not f[2].empty]
    if not frames:
        return empty_figure(title, "No data for this chart.")
    columns = min(2, len(frames))
    rows = math.ceil(len(frames) / columns)
    fig = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.11, vertical_spacing=0.2 if rows > 1 else 0.1,
                        subplot_titles=[text(f[0]) for f in frames])
    scenarios = list(colours)
    for index, (_, measure, frame) in enumerate(frames):
        row, col = index // columns + 1, index % columns + 1
        for scenario in [s for s in scenarios if s in set(frame["scenario"])]:
            series = frame[frame["scenario"] == scenario]
            colour = colours[scenario]
            xs = series[x].tolist()
            has_interval = bool(series["ci_low"].notna().any())
            if has_interval:
                fig.add_trace(go.Scatter(
                    x=xs + xs[::-1], y=series["ci_high"].tolist() + series["ci_low"].tolist()[::-1], fill="toself",
                    fillcolor=_rgba(colour, 0.16), line=dict(width=0), mode="lines", hoverinfo="skip",
                    showlegend=False, legendgroup=scenario, name=text(scenario),
                ), row=row, col=col)
            fig.add_trace(go.Scatter(
                x=xs, y=series["mean"], customdata=np.column_stack([series["ci_low"], series["ci_high"]]),
                mode="lines+markers", name=text(scenario), legendgroup=scenario, showlegend=index == 0,
                line=dict(color=colour, width=2.2), marker=dict(size=6),
                hovertemplate=_hover(measure, has_interval, ""),
            ), row=row, col=col)
        fig.update_yaxes(title_text=measure.title, tickformat=".0%" if measure.share else None, row=row, col=col)
        fig.update_xaxes(title_text=x_title if row == rows else None, row=row, col=col)
    style(fig, title, 330 * rows + 80)
    fig.update_layout(hovermode="x unified")
    if x_ticks:
        values = list(x_ticks)
        fig.update_xaxes(tickmode="array", tickvals=values, ticktext=[text(x_ticks[v]) for v in values])
    return fig
