"""Figures of the report: pure functions from small, already aggregated tables to plotly figures.

Nothing here reads files or computes statistics over replications; :mod:`ccsim.report.measures`
and the sections do that and pass tidy frames in. Conventions shared by every figure:

* one fixed colour per scenario (``colours``: scenario label -> CSS colour), the baseline dark grey;
* means over replications drawn as lines or markers, 95 % t-intervals as bands or error bars,
  cut at the range the measure can take (a share stays within 0-100 %);
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
import plotly.colors as plotly_colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

BASELINE_COLOUR = "#3d3d3d"
# Okabe-Ito: distinguishable with the common forms of colour blindness, and in print.
# Okabe-Ito's colour-blind-safe colours, then the darker ones of Paul Tol's "safe" scheme (as plotly ships
# it) that none of them resembles: thirteen distinct colours, so twelve variants never share one.
VARIANT_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D31", "#7F3C8D",
                   *(plotly_colors.qualitative.Safe[i] for i in (3, 4, 8, 7, 9))]
COMPONENT_COLOURS = ["#4C72B0", "#DD8452", "#55A868", "#8172B3", "#937860", "#8C8C8C"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
GRID = "#e9e9e9"
AXIS = "#9a9a9a"
REFERENCE = "#b22222"
# Times of day are drawn on a date axis of this (arbitrary) day, so gaps and ticks fall right.
CLOCK_DAY = "2000-01-01"


@dataclass(frozen=True)
class Measure:
    """What an axis shows: a label, a unit, and whether values are fractions shown in per cent.

    ``lower`` is the smallest possible value (None: unbounded); shares also stop at 100 %.
    """

    label: str
    unit: str = ""
    share: bool = False
    digits: int = 1
    lower: float | None = 0.0

    @property
    def title(self) -> str:
        unit = "%" if self.share else self.unit
        return f"{self.label} ({unit})" if unit else self.label

    @property
    def hover(self) -> str:
        """d3 format of hover values."""
        return f".{self.digits}%" if self.share else f",.{self.digits}f"

    @property
    def tickformat(self) -> str | None:
        # "~" drops trailing zeros: 8 %, 8.5 %, never 8.0 %.
        return ".1~%" if self.share else None

    @property
    def suffix(self) -> str:
        return "" if self.share or not self.unit else f" {self.unit}"

    def clip(self, values: pd.Series | np.ndarray) -> np.ndarray:
        array = np.asarray(values, dtype=float)
        return np.clip(array, self.lower if self.lower is not None else -np.inf, 1.0 if self.share else np.inf)


def scenario_colours(labels: Sequence[str]) -> dict[str, str]:
    """First label (the baseline) dark grey, the others from a colour-blind-safe palette."""
    colours = {}
    for index, label in enumerate(labels):
        colours[label] = BASELINE_COLOUR if index == 0 else VARIANT_COLOURS[(index - 1) % len(VARIANT_COLOURS)]
    return colours


def text(value: object) -> str:
    """A user string made safe for plotly's HTML-like labels (shown literally)."""
    return html.escape(str(value), quote=False)


def _tick(value: object) -> str:
    # Tick labels may ask for a line break with "\n" (e.g. "Mon\n5 Jan").
    return "<br>".join(text(part) for part in str(value).split("\n"))


def clock(times: pd.Series) -> pd.Series:
    """"HH:MM" strings as timestamps on one day, for a time-of-day axis."""
    return pd.to_datetime(CLOCK_DAY + " " + times.astype(str), format="%Y-%m-%d %H:%M")


def grid(rows: int, panel: int, gap: int, top: int = 104, bottom: int = 64) -> tuple[int, float]:
    """Figure height (px) and make_subplots' vertical spacing for ``rows`` panels of ``panel`` px.

    Spacing is a fraction of the plot area in plotly; fixing it in pixels keeps room for each
    panel's title and tick labels however many rows there are.
    """
    plot = rows * panel + (rows - 1) * gap
    return plot + top + bottom, (gap / plot if rows > 1 else 0.0)


def _rgba(colour: str, alpha: float) -> str:
    """``colour`` ("#rrggbb" or "rgb(r, g, b)", as plotly's palettes give them) with transparency."""
    if colour.startswith("rgb("):
        r, g, b = (int(part) for part in colour[4:-1].split(","))
    else:
        hex_digits = colour.lstrip("#")
        r, g, b = (int(hex_digits[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


_AXIS = dict(showgrid=True, gridcolor=GRID, zeroline=False, linecolor=AXIS, showline=True, ticks="outside",
             tickcolor=AXIS, automargin=True, title=dict(standoff=8),
             # "none": 0.0006, not 600µ, which readers of a staffing report would not expect.
             exponentformat="none")
# Defaults for every axis and annotation in one template: cheaper than updating each subplot's axes.
TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT, size=13, color="#222"),
    paper_bgcolor="white",
    plot_bgcolor="white",
    xaxis=_AXIS,
    yaxis=_AXIS,
    hoverlabel=dict(font=dict(family=FONT, size=12), namelength=-1, bgcolor="white"),
    separators=".,",
))


def style(fig: go.Figure, title: str, height: int = 400, legend: bool = True, top: int = 104,
          bottom: int = 64) -> go.Figure:
    """The report's look: white background, light grid, title top left and the legend under it.

    Title and legend are placed in pixels from the top of the figure (container coordinates), so
    they never collide with subplot titles, whatever the figure's height.
    """
    fig.update_layout(
        template=TEMPLATE,
        title=dict(text=f"<b>{title}</b>", x=0.0, xref="container", xanchor="left", y=1.0, yref="container",
                   yanchor="top", pad=dict(t=12, l=14), font=dict(size=16, color="#1f2328")),
        height=height,
        margin=dict(l=72, r=28, t=top, b=bottom),
        showlegend=legend,
        legend=dict(orientation="h", x=0.0, xref="container", xanchor="left", y=1.0 - 44.0 / height,
                    yref="container", yanchor="top", bgcolor="rgba(255,255,255,0)", font=dict(size=12.5),
                    title=dict(text=""), itemwidth=40, tracegroupgap=4, indentation=10),
    )
    fig.update_annotations(selector=dict(name="subplot-title"), font=dict(size=13, color="#444"))
    return fig


def _subplot_titles(fig: go.Figure) -> None:
    # make_subplots adds its titles as annotations before anything else; name them so style() finds them.
    for annotation in fig.layout.annotations:
        annotation.name = "subplot-title"


def _ordered(frame: pd.DataFrame, column: str, order: Sequence[str]) -> list[str]:
    present = list(dict.fromkeys(frame[column].astype(str)))
    return [o for o in order if o in present] + [p for p in present if p not in order]


def scenario_name(value: object, width: int = 26) -> str:
    """A scenario name for a tick label: escaped, broken into lines of about ``width`` characters."""
    words, lines, line = str(value).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(text(part) for part in lines if part) or text(value)


def _scenario_of(trace) -> str:
    group = str(trace.legendgroup or trace.name or "")
    return group[: -len("-required")] if group.endswith("-required") else group


def baseline_and_one(fig: go.Figure, colours: dict[str, str]) -> go.Figure:
    """With more than one variant, show the baseline and one chosen variant at a time.

    A dropdown in the chart (plotly's own, so it works offline) picks the variant; the first is
    shown to begin with. Eleven lines in one panel cannot be told apart, two can.
    """
    labels = list(colours)
    present = {_scenario_of(t) for t in fig.data}
    variants = [label for label in labels[1:] if label in present]
    if len(variants) < 2:
        return fig
    baseline = labels[0]

    def visible(variant: str) -> list[bool]:
        return [_scenario_of(t) in (baseline, variant) for t in fig.data]

    for trace, shown in zip(fig.data, visible(variants[0])):
        trace.visible = shown
    buttons = [dict(label=f"{text(baseline)} vs {text(v)}", method="restyle", args=[{"visible": visible(v)}])
               for v in variants]
    # Menus are placed in plot-area fractions: put this one in the top margin, right-aligned.
    height = fig.layout.height or 400
    top, bottom = fig.layout.margin.t or 104, fig.layout.margin.b or 64
    fig.update_layout(updatemenus=[dict(
        type="dropdown", direction="down", buttons=buttons, active=0, showactive=True, x=1.0, xanchor="right",
        y=1.0 + (top - 8) / max(1, height - top - bottom), yanchor="top", bgcolor="white", bordercolor=AXIS,
        font=dict(size=12))])
    return fig


def empty_figure(title: str, message: str, height: int = 220) -> go.Figure:
    """A placeholder with a sentence in the middle (keeps the layout when data is missing)."""
    fig = go.Figure()
    fig.add_annotation(text=text(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=13, color="#666"))
    style(fig, title, height, legend=False, top=60)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _hover(measure: Measure, has_interval: bool, prefix: str = "") -> str:
    value = f"%{{y:{measure.hover}}}{text(measure.suffix)}"
    interval = (f"  <span style='color:#777'>95 % CI %{{customdata[0]:{measure.hover}}} … "
                f"%{{customdata[1]:{measure.hover}}}</span>") if has_interval else ""
    return f"{prefix}{value}{interval}<extra>%{{fullData.name}}</extra>"


def _band_xy(xs: Sequence, low: np.ndarray, high: np.ndarray) -> tuple[list, list]:
    """Polygons around each run of points with an interval, separated by gaps (None).

    A single polygon over the whole series would cut across intervals without an interval
    (e.g. a half hour nobody waited in one replication) and draw misleading wedges.
    """
    ok = np.isfinite(low) & np.isfinite(high)
    band_x: list = []
    band_y: list = []
    start = None
    for index in range(len(ok) + 1):
        inside = index < len(ok) and ok[index]
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            run = range(start, index)
            if band_x:
                band_x.append(None)
                band_y.append(None)
            band_x += [xs[i] for i in run] + [xs[i] for i in reversed(run)]
            band_y += [high[i] for i in run] + [low[i] for i in reversed(run)]
            start = None
    return band_x, band_y


def _add_series(fig: go.Figure, series: pd.DataFrame, x: str, scenario: str, colour: str, measure: Measure,
                show_legend: bool, row: int, col: int, markers: bool) -> None:
    xs = series[x].tolist()
    low, high = measure.clip(series["ci_low"]), measure.clip(series["ci_high"])
    has_interval = bool(np.isfinite(low).any())
    if has_interval:
        band_x, band_y = _band_xy(xs, low, high)
        fig.add_trace(go.Scatter(
            x=band_x, y=band_y, fill="toself", fillcolor=_rgba(colour, 0.15), line=dict(width=0), mode="lines",
            hoverinfo="skip", showlegend=False, legendgroup=scenario, name=text(scenario), connectgaps=False,
        ), row=row, col=col)
    fig.add_trace(go.Scatter(
        x=xs, y=series["mean"], customdata=np.column_stack([low, high]),
        mode="lines+markers" if markers else "lines", name=text(scenario), legendgroup=scenario,
        showlegend=show_legend, line=dict(color=colour, width=2.2), marker=dict(size=6, color=colour),
        hovertemplate=_hover(measure, has_interval),
    ), row=row, col=col)


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
    time_of_day: bool = False,
    x_ticks: dict[object, str] | None = None,
    height: int | None = None,
) -> go.Figure:
    """Lines of means with 95 % bands, one line per scenario, optionally one panel per ``facet``.

    ``frame`` has columns ``scenario``, ``x``, ``mean``, ``ci_low``, ``ci_high`` (and ``facet``),
    rows in x order. ``reference`` draws a dotted horizontal line (a target). ``time_of_day``:
    x holds timestamps of one day (see :func:`clock`) shown as HH:MM. ``x_ticks`` maps x values
    to tick labels (e.g. day numbers to weekday names).
    """
    if frame.empty:
        return empty_figure(title, "No data for this chart.")
    facets = _ordered(frame, facet, facet_order) if facet else [""]
    columns = len(facets) if len(facets) <= 4 else 3
    rows = math.ceil(len(facets) / columns)
    default_height, spacing = grid(rows, 250, 95)
    fig = make_subplots(rows=rows, cols=columns, shared_yaxes=True, horizontal_spacing=0.035,
                        vertical_spacing=spacing, subplot_titles=[text(f) for f in facets] if facet else None)
    _subplot_titles(fig)
    scenarios = [s for s in colours if s in set(frame["scenario"])]
    for index, panel in enumerate(facets):
        row, col = index // columns + 1, index % columns + 1
        part = frame if not facet else frame[frame[facet].astype(str) == panel]
        for scenario in scenarios:
            series = part[part["scenario"] == scenario]
            if not series.empty:
                _add_series(fig, series, x, scenario, colours[scenario], measure, index == 0, row, col,
                            markers=len(series) < 16)
        if reference is not None:
            fig.add_hline(y=reference, line=dict(color=REFERENCE, width=1.2, dash="dot"), row=row, col=col)
    style(fig, title, height or (400 if rows == 1 else default_height))
    fig.update_layout(hovermode="x unified")
    for index in range(len(facets)):
        row, col = index // columns + 1, index % columns + 1
        fig.update_yaxes(title_text=measure.title if col == 1 else None, tickformat=measure.tickformat,
                         rangemode="tozero", row=row, col=col)
        fig.update_xaxes(title_text=x_title if row == rows else None, row=row, col=col)
    if reference is not None and reference_label:
        fig.add_annotation(text=text(reference_label), xref="x domain", yref="y", x=0.01, y=reference,
                           yanchor="bottom", xanchor="left", showarrow=False, font=dict(size=11, color=REFERENCE))
    if time_of_day:
        fig.update_xaxes(type="date", tickformat="%H:%M", hoverformat="%H:%M", nticks=8)
    elif x_ticks:
        values = list(x_ticks)
        fig.update_xaxes(tickmode="array", tickvals=values, ticktext=[_tick(x_ticks[v]) for v in values], tickangle=0)
    return baseline_and_one(fig, colours)


def staffing_lines(frame: pd.DataFrame, *, title: str, colours: dict[str, str],
                   groups: Sequence[str] = ()) -> go.Figure:
    """Agents on duty (solid, with band) and agents required (dashed, where known) by time of day.

    ``frame``: scenario, group, clock, mean, ci_low, ci_high, and optionally ``required``.
    """
    fig = band_lines(frame, x="clock", title=title, measure=Measure("Agents", "agents", digits=1),
                     x_title="Time of day", colours=colours, facet="group", facet_order=groups, time_of_day=True)
    if "required" not in frame.columns or frame["required"].isna().all():
        return fig
    facets = _ordered(frame, "group", groups)
    columns = len(facets) if len(facets) <= 4 else 3
    for index, panel in enumerate(facets):
        part = frame[frame["group"].astype(str) == panel]
        for scenario in [s for s in colours if s in set(part["scenario"])]:
            series = part[part["scenario"] == scenario]
            fig.add_trace(go.Scatter(
                x=series["clock"], y=series["required"], mode="lines", name=f"{text(scenario)}: required",
                legendgroup=f"{scenario}-required", showlegend=index == 0,
                line=dict(color=colours[scenario], width=1.6, dash="dash"),
                hovertemplate="%{y:,.1f} agents required<extra>%{fullData.name}</extra>",
            ), row=index // columns + 1, col=index % columns + 1)
    return baseline_and_one(fig, colours)


def wait_curves(frame: pd.DataFrame, *, title: str, colours: dict[str, str], threshold: float | None) -> go.Figure:
    """Share of queue visits that waited longer than t, for t on the x axis (with 95 % bands).

    ``frame``: scenario, wait_s, mean, ci_low, ci_high. ``threshold`` (s) marks the service-level limit.
    """
    fig = band_lines(frame, x="wait_s", title=title, measure=Measure("Still waiting", share=True),
                     x_title="Wait t (s)", colours=colours)
    if threshold is not None and not frame.empty:
        fig.add_vline(x=threshold, line=dict(color=REFERENCE, width=1.2, dash="dot"))
        fig.add_annotation(text=f"service-level threshold {threshold:g} s", x=threshold, xref="x", y=1.0,
                           yref="y domain", xanchor="left", yanchor="top", showarrow=False, xshift=4,
                           font=dict(size=11, color=REFERENCE))
    fig.update_xaxes(nticks=12)
    return fig


def _all_zero(part: pd.DataFrame) -> bool:
    return bool((part["mean"].fillna(0).abs() < 1e-12).all() and (part["ci_high"].fillna(0).abs() < 1e-12).all())


def _row_height(names: Sequence[str]) -> int:
    """Pixels per row of horizontal bars: room for the longest name's lines of tick text."""
    lines = max((name.count("<br>") + 1 for name in names), default=1)
    return max(30, 14 * lines + 6)


def _bar_rows(names: Sequence[str]) -> int:
    """Height (px) of a panel of horizontal bars, one row per scenario."""
    return max(90, _row_height(names) * len(names) + 20)


def kpi_bars(frame: pd.DataFrame, *, title: str, colours: dict[str, str], measures: dict[str, Measure],
             columns: int = 3) -> go.Figure:
    """One small panel per KPI: a horizontal bar per scenario, named on its row, with its 95 % interval.

    ``frame``: scenario, kpi, mean, ci_low, ci_high; ``measures`` (kpi -> Measure) gives the order,
    panel titles and units. KPIs that are zero in every scenario are left out (and named in a note).
    Each row of panels names its scenarios at the left, level with their bars, so no bar needs the
    legend to be read.
    """
    present = [k for k in measures if k in set(frame["kpi"])]
    zero = [k for k in present if _all_zero(frame[frame["kpi"] == k])]
    kpis = [k for k in present if k not in zero]
    if not kpis:
        return empty_figure(title, "None of these measures are in the results, or all are zero.")
    columns = min(columns, len(kpis))
    rows = math.ceil(len(kpis) / columns)
    scenarios = [s for s in colours if s in set(frame["scenario"])]
    names = [scenario_name(s) for s in scenarios]
    height, spacing = grid(rows, _bar_rows(names), 70, top=70, bottom=40 if not zero else 64)
    # Rows share the scenarios: their names stand once at the left of each row, level with every bar.
    fig = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.05 if columns > 1 else 0.0,
                        vertical_spacing=spacing, subplot_titles=[text(measures[k].title) for k in kpis],
                        shared_yaxes=True)
    _subplot_titles(fig)
    for index, kpi in enumerate(kpis):
        row, col = index // columns + 1, index % columns + 1
        part = frame[frame["kpi"] == kpi].set_index("scenario").reindex(scenarios)
        measure = measures[kpi]
        means = part["mean"].to_numpy(dtype=float)
        low, high = measure.clip(part["ci_low"]), measure.clip(part["ci_high"])
        has_interval = np.isfinite(low) & np.isfinite(high)
        fig.add_trace(go.Bar(
            y=names, x=means, orientation="h", name=text(measure.label), showlegend=False,
            marker=dict(color=[colours[s] for s in scenarios], line=dict(width=0)),
            error_x=dict(type="data", symmetric=False, array=np.where(has_interval, high - means, 0),
                         arrayminus=np.where(has_interval, means - low, 0), color="#222", thickness=1.3, width=4,
                         visible=bool(has_interval.any())),
            customdata=np.column_stack([low, high]),
            hovertemplate=_hover(measure, bool(has_interval.any())).replace("%{y:", "%{x:").replace(
                "<extra>%{fullData.name}</extra>", "<extra>%{y}</extra>"),
        ), row=row, col=col)
        fig.update_xaxes(tickformat=measure.tickformat, rangemode="tozero", nticks=5, row=row, col=col)
        fig.update_yaxes(autorange="reversed", ticks="", showgrid=False, tickfont=dict(size=11), row=row, col=col)
    style(fig, title, height, legend=False, top=70, bottom=40 if not zero else 64)
    fig.update_layout(bargap=0.25, hovermode="closest")
    if zero:
        names_zero = ", ".join(text(measures[k].label) for k in zero)
        fig.add_annotation(text=f"Zero in every scenario, not drawn: {names_zero}", xref="paper", yref="paper", x=0,
                           y=0, yshift=-30, xanchor="left", yanchor="top", showarrow=False,
                           font=dict(size=11, color="#666"))
    return fig


def difference_panels(frame: pd.DataFrame, *, title: str, colours: dict[str, str], measures: dict[str, Measure],
                      columns: int = 3) -> go.Figure:
    """Each variant's difference to the baseline with its 95 % interval, one panel per KPI.

    ``frame``: variant, kpi, mean, ci_low, ci_high, excludes_zero (in the units of ``measures``).
    A filled marker: the interval excludes zero; an open one: it does not.
    """
    kpis = [k for k in measures if k in set(frame["kpi"])]
    if not kpis:
        return empty_figure(title, "No differences to show.")
    columns = min(columns, len(kpis))
    rows = math.ceil(len(kpis) / columns)
    variants = [v for v in colours if v in set(frame["variant"])]
    height, spacing = grid(rows, 30 + 36 * len(variants), 78, top=70, bottom=50)
    fig = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.06, vertical_spacing=spacing,
                        subplot_titles=[text(measures[k].title) for k in kpis], shared_yaxes=True)
    _subplot_titles(fig)
    for index, kpi in enumerate(kpis):
        row, col = index // columns + 1, index % columns + 1
        part = frame[frame["kpi"] == kpi].set_index("variant").reindex(variants)
        measure = measures[kpi]
        for variant in variants:
            mean, low, high = (float(part.loc[variant, c]) for c in ("mean", "ci_low", "ci_high"))
            significant = bool(part.loc[variant, "excludes_zero"])
            has_interval = math.isfinite(low) and math.isfinite(high)
            fig.add_trace(go.Scatter(
                x=[mean], y=[text(variant)], mode="markers", name=text(variant), legendgroup=variant,
                showlegend=False,
                marker=dict(size=11, color=colours[variant] if significant else "white",
                            line=dict(color=colours[variant], width=2), symbol="circle"),
                error_x=dict(type="data", symmetric=False, array=[high - mean if has_interval else 0],
                             arrayminus=[mean - low if has_interval else 0], color=colours[variant], thickness=2,
                             width=5, visible=has_interval),
                customdata=[[low, high]],
                hovertemplate=(f"%{{x:+,.{measure.digits}f}}{text(measure.suffix)}"
                               + (f"  (95 % CI %{{customdata[0]:+,.{measure.digits}f}} … "
                                  f"%{{customdata[1]:+,.{measure.digits}f}})" if has_interval else "")
                               + "<extra>%{fullData.name}</extra>"),
            ), row=row, col=col)
        fig.add_vline(x=0, line=dict(color="#555", width=1), row=row, col=col)
        fig.update_xaxes(zeroline=False, row=row, col=col)
    style(fig, title, height, top=70, bottom=50, legend=False)
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    fig.update_yaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=True, col=1)
    fig.update_layout(hovermode="closest")
    return fig


def grouped_bars(frame: pd.DataFrame, *, x: str, title: str, measure: Measure, x_title: str,
                 colours: dict[str, str], x_order: Sequence[str] = ()) -> go.Figure:
    """Bars of means per category ``x`` (e.g. attempts) with 95 % error bars.

    One scenario: a bar per category. Several: a panel per category with a named bar per scenario
    (as :func:`kpi_bars`), since a cluster of eleven unnamed bars per category cannot be read.
    """
    if frame.empty:
        return empty_figure(title, "No data for this chart.")
    if frame["scenario"].nunique() > 1:
        categories = _ordered(frame, x, x_order)
        panels = {c: Measure(f"{x_title}: {c}", share=measure.share, unit=measure.unit, digits=measure.digits,
                             lower=measure.lower) for c in categories}
        return kpi_bars(frame.assign(kpi=frame[x].astype(str)), title=title, colours=colours, measures=panels,
                        columns=min(len(categories), 5))
    fig = go.Figure()
    categories = _ordered(frame, x, x_order)
    for scenario in [s for s in colours if s in set(frame["scenario"])]:
        part = frame[frame["scenario"] == scenario]
        part = part.set_index(part[x].astype(str)).reindex(categories)
        low, high = measure.clip(part["ci_low"]), measure.clip(part["ci_high"])
        has_interval = bool(np.isfinite(low).any())
        fig.add_trace(go.Bar(
            x=[text(c) for c in categories], y=part["mean"], name=text(scenario), marker=dict(color=colours[scenario]),
            error_y=dict(type="data", symmetric=False, array=np.nan_to_num(high - part["mean"].to_numpy()),
                         arrayminus=np.nan_to_num(part["mean"].to_numpy() - low), color="#222", thickness=1.2,
                         width=4, visible=has_interval),
            customdata=np.column_stack([low, high]),
            hovertemplate=_hover(measure, has_interval, "%{x}: "),
        ))
    style(fig, title, 420)
    fig.update_layout(barmode="group", bargap=0.22, bargroupgap=0.06, hovermode="closest")
    fig.update_xaxes(title_text=x_title, type="category", showgrid=False)
    fig.update_yaxes(title_text=measure.title, tickformat=measure.tickformat, rangemode="tozero")
    return fig


def stacked_shares(frame: pd.DataFrame, *, title: str, category: str, colours: dict[str, str],
                   category_order: Sequence[str] = (), category_labels: dict[str, str] | None = None,
                   x_title: str = "Share (%)", x_range: tuple[float, float] | None = (0.0, 1.0)) -> go.Figure:
    """Horizontal stacked bars of shares per scenario split by ``category``.

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
    rows_of_legend = math.ceil(len(categories) / 2)
    style(fig, title, 150 + 44 * len(scenarios) + 22 * rows_of_legend, top=84 + 22 * rows_of_legend)
    fig.update_layout(barmode="stack", bargap=0.32, legend=dict(traceorder="normal"))
    fig.update_xaxes(title_text=x_title, tickformat=".0%", range=list(x_range) if x_range else None,
                     showgrid=True)
    fig.update_yaxes(autorange="reversed", ticks="", showgrid=False)
    return fig


def cost_bars(components: pd.DataFrame, totals: pd.DataFrame, *, title: str, colours: dict[str, str],
              unit: str) -> go.Figure:
    """Stacked cost components per scenario (a named row each), with the total's 95 % interval.

    ``components``: scenario, component, mean. ``totals``: scenario, mean, ci_low, ci_high.
    """
    if components.empty:
        return empty_figure(title, "No cost data in these results.")
    scenarios = [s for s in colours if s in set(components["scenario"])]
    names = [scenario_name(s) for s in scenarios]
    money = Measure("Cost", unit, digits=0)
    fig = go.Figure()
    parts = _ordered(components, "component", [])
    for index, component in enumerate(parts):
        part = components[components["component"] == component].set_index("scenario").reindex(scenarios)
        # One component: nothing to tell apart, so the bars take the scenarios' colours.
        colour = ([colours[s] for s in scenarios] if len(parts) == 1
                  else COMPONENT_COLOURS[index % len(COMPONENT_COLOURS)])
        fig.add_trace(go.Bar(
            y=names, x=part["mean"].fillna(0), orientation="h", name=text(component), showlegend=len(parts) > 1,
            marker=dict(color=colour),
            hovertemplate=f"%{{y}}: %{{x:,.0f}}{text(money.suffix)}<extra>%{{fullData.name}}</extra>",
        ))
    total = totals.set_index("scenario").reindex(scenarios)
    means = total["mean"].to_numpy(dtype=float)
    low, high = money.clip(total["ci_low"]), money.clip(total["ci_high"])
    has_interval = bool(np.isfinite(low).any())
    fig.add_trace(go.Scatter(
        y=names, x=means, mode="markers", name="total, 95 % CI",
        marker=dict(symbol="diamond", size=10, color="#222", line=dict(color="white", width=1)),
        error_x=dict(type="data", symmetric=False, array=np.nan_to_num(high - means),
                     arrayminus=np.nan_to_num(means - low), color="#222", thickness=1.4, width=6,
                     visible=has_interval),
        customdata=np.column_stack([low, high]),
        hovertemplate=_hover(money, has_interval, "%{y}: total ").replace("%{y:", "%{x:").replace(
            "%{fullData.name}", ""),
    ))
    legend_rows = math.ceil(len(parts) / 3) if len(parts) > 1 else 0
    style(fig, title, 150 + (_row_height(names) + 4) * len(scenarios) + 22 * legend_rows, top=70 + 22 * legend_rows)
    fig.update_layout(barmode="stack", bargap=0.3, hovermode="closest", legend=dict(traceorder="normal"))
    fig.update_yaxes(autorange="reversed", ticks="", showgrid=False, type="category", tickfont=dict(size=11.5))
    fig.update_xaxes(title_text=money.title.replace("Cost", "Cost over the horizon"), tickformat=",.0f",
                     rangemode="tozero")
    return fig


def tradeoff(points: pd.DataFrame, *, title: str, colours: dict[str, str], x: Measure,
             panels: Sequence[Measure]) -> go.Figure:
    """One point per scenario with 95 % intervals on both axes; one panel per y measure.

    ``points``: scenario, panel (index into ``panels``), x, x_low, x_high, y, y_low, y_high.
    """
    if points.empty or not panels:
        return empty_figure(title, "The results lack the measures for this chart.")
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=0.12,
                        subplot_titles=[f"{text(p.label)} against waiting" for p in panels])
    _subplot_titles(fig)
    scenarios = [s for s in colours if s in set(points["scenario"])]
    for index, measure in enumerate(panels):
        part = points[points["panel"] == index].set_index("scenario").reindex(scenarios)
        for position, scenario in enumerate(scenarios):
            row = part.loc[scenario]
            if pd.isna(row["x"]) or pd.isna(row["y"]):
                continue
            x_low, x_high = x.clip([row["x_low"], row["x_high"]])
            y_low, y_high = measure.clip([row["y_low"], row["y_high"]])
            x_interval, y_interval = bool(np.isfinite(x_low)), bool(np.isfinite(y_low))
            fig.add_trace(go.Scatter(
                x=[row["x"]], y=[row["y"]], mode="markers+text", name=text(scenario), legendgroup=scenario,
                showlegend=index == 0, text=[text(scenario)],
                textposition="bottom right" if position % 2 else "top right",
                textfont=dict(size=11.5, color=colours[scenario]),
                marker=dict(size=13, color=colours[scenario], line=dict(color="white", width=1.5)),
                error_x=dict(type="data", symmetric=False, array=[x_high - row["x"] if x_interval else 0],
                             arrayminus=[row["x"] - x_low if x_interval else 0], color=colours[scenario],
                             thickness=1.5, width=5, visible=x_interval),
                error_y=dict(type="data", symmetric=False, array=[y_high - row["y"] if y_interval else 0],
                             arrayminus=[row["y"] - y_low if y_interval else 0], color=colours[scenario],
                             thickness=1.5, width=5, visible=y_interval),
                hovertemplate=(f"{text(x.label)}: %{{x:{x.hover}}}{text(x.suffix)}<br>"
                               f"{text(measure.label)}: %{{y:{measure.hover}}}{text(measure.suffix)}"
                               "<extra>%{fullData.name}</extra>"),
            ), row=1, col=index + 1)
        fig.update_yaxes(title_text=measure.title, tickformat=measure.tickformat, row=1, col=index + 1)
        fig.update_xaxes(title_text=x.title, tickformat=x.tickformat, row=1, col=index + 1)
    style(fig, title, 460)
    fig.update_layout(hovermode="closest")
    return fig


def stacked_panels(frames: list[tuple[str, Measure, pd.DataFrame]], *, title: str, colours: dict[str, str],
                   x: str, x_title: str, x_ticks: dict[object, str] | None = None, columns: int = 3) -> go.Figure:
    """Band-line panels in a grid, each with its own y axis (e.g. burnout measures by day).

    ``frames``: (panel title, measure, frame with scenario, ``x``, mean, ci_low, ci_high).
    """
    frames = [f for f in frames if not f[2].empty]
    if not frames:
        return empty_figure(title, "No data for this chart.")
    columns = min(columns, len(frames))
    rows = math.ceil(len(frames) / columns)
    height, spacing = grid(rows, 220, 95)
    fig = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.09, vertical_spacing=spacing,
                        subplot_titles=[text(f[0]) for f in frames])
    _subplot_titles(fig)
    for index, (_, measure, frame) in enumerate(frames):
        row, col = index // columns + 1, index % columns + 1
        for scenario in [s for s in colours if s in set(frame["scenario"])]:
            series = frame[frame["scenario"] == scenario]
            _add_series(fig, series, x, scenario, colours[scenario], measure, index == 0, row, col, markers=True)
        fig.update_yaxes(title_text=measure.title, tickformat=measure.tickformat, rangemode="tozero", row=row, col=col)
        fig.update_xaxes(title_text=x_title if row == rows else None, row=row, col=col)
    style(fig, title, height)
    fig.update_layout(hovermode="x unified")
    if x_ticks:
        values = list(x_ticks)
        fig.update_xaxes(tickmode="array", tickvals=values, ticktext=[_tick(x_ticks[v]) for v in values], tickangle=0)
    return baseline_and_one(fig, colours)
