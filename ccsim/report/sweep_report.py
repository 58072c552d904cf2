"""The HTML report of a sweep: KPIs across the factors, heatmaps, the trade-off front, every point.

Built from what ``ccsim sweep`` saved (``sweep.json``, ``points.parquet``, ``summary.json``; see
:mod:`ccsim.experiments.sweep`), so it can be rebuilt without simulating. The page, its styling
and the band-line and bar figures are those of the comparison report (:mod:`ccsim.report.page`,
:mod:`ccsim.report.figures`); this module adds what only a sweep needs: heatmaps over two
factors, the Pareto front of the experiment's objectives (each minimised or maximised), the
paired differences of every point against the reference point, and the table of points. KPI labels, units
and axes come from the shared catalogue (:func:`ccsim.report.kpi_info`,
:func:`ccsim.report.build.measure_of`).

Means are over replications and intervals are 95 % t-intervals, as everywhere in ccsim. Every
user string (experiment, factor, level and point names) is escaped: by :func:`ccsim.report.page.e`
in HTML and by :func:`ccsim.report.figures.text` in figures.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ccsim import __version__
from ccsim.experiments.compare import REPORT_FILE
from ccsim.experiments.sweep import DEFAULT_OBJECTIVES, differences_of, read_points
from ccsim.report import figures as F
from ccsim.report import format_interval, format_plus_minus, format_value, judgement, kpi_info
from ccsim.report import page as P
from ccsim.report.build import measure_of
from ccsim.results import atomic_write

FRONT_COLOUR = "#D55E00"
OTHER_COLOUR = "#9aa3ad"
FACTOR_COLOUR = "#56B4E9"


@dataclass(frozen=True)
class Factor:
    """A factor as the report draws it: column of the points table, axis title, levels in order."""

    column: str
    label: str
    short: str  # the shortest distinct ending of the path, for crowded legends
    levels: tuple[Any, ...]
    numeric: bool

    def position(self, value: Any) -> Any:
        """Where a value sits on an axis: itself when numeric, else its index among the levels."""
        if self.numeric:
            return value
        shown = [str(v) for v in self.levels]
        return shown.index(str(value)) if str(value) in shown else None

    def ticks(self) -> dict[Any, str]:
        return {self.position(v): _show(v) for v in self.levels}


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Sweep:
    """A saved sweep read back: the manifest, the points table (one row per point) and the summary."""

    manifest: dict[str, Any]
    points: pd.DataFrame
    summary: dict[str, Any]

    @property
    def factors(self) -> list[Factor]:
        return [Factor(f["column"], f["label"], f.get("short", f["column"]), tuple(f["levels"]), bool(f["numeric"]))
                for f in self.manifest.get("factors", [])]

    @property
    def grid(self) -> bool:
        return self.manifest.get("layout") == "grid"

    def has(self, kpi: str) -> bool:
        column = f"{kpi}_mean"
        return column in self.points.columns and bool(self.points[column].notna().any())

    @property
    def metrics(self) -> list[str]:
        return [m for m in self.manifest.get("metrics", []) if self.has(m)]

    def values(self, kpi: str) -> pd.DataFrame:
        """mean, ci_low, ci_high and n of ``kpi`` per point (NaN where a point has none)."""
        columns = {stat: f"{kpi}_{stat}" for stat in ("mean", "ci_low", "ci_high", "n")}
        frame = pd.DataFrame({stat: (self.points[c] if c in self.points.columns else np.nan)
                              for stat, c in columns.items()}, index=self.points.index)
        return frame.astype(float)


# --- figures -----------------------------------------------------------------------------------


def _series_frame(sweep: Sweep, kpi: str, x: Factor, series: list[Factor]) -> pd.DataFrame:
    """Tidy rows (scenario = the series' levels, x, mean, ci_low, ci_high) for band lines."""
    values = sweep.values(kpi)
    frame = pd.DataFrame({
        "scenario": [_series_name(row, series) for _, row in sweep.points.iterrows()],
        "x": [x.position(v) for v in sweep.points[x.column]],
        **{c: values[c] for c in ("mean", "ci_low", "ci_high")},
    })
    return frame.dropna(subset=["x", "mean"]).sort_values("x", kind="stable")


def _series_name(row: pd.Series, series: list[Factor]) -> str:
    if not series:
        return "mean, 95 % interval"
    if len(series) == 1:
        return _show(row[series[0].column])
    return ", ".join(f"{f.short}={_show(row[f.column])}" for f in series)


def _series_order(sweep: Sweep, series: list[Factor]) -> list[str]:
    if not series:
        return ["mean, 95 % interval"]
    combos = itertools.product(*[f.levels for f in series])
    names = [_show(c[0]) if len(series) == 1 else ", ".join(f"{f.short}={_show(v)}" for f, v in zip(series, c))
             for c in combos]
    present = {_series_name(row, series) for _, row in sweep.points.iterrows()}
    return [n for n in names if n in present]


def metric_lines(sweep: Sweep, x: Factor, series: list[Factor]) -> go.Figure:
    """Each chosen metric against factor ``x``: a line per level of the other factors, 95 % bands."""
    order = _series_order(sweep, series)
    colours = ({order[0]: F.VARIANT_COLOURS[0]} if not series else F.scenario_colours(order))
    panels = [(measure_of(kpi).title, measure_of(kpi), _series_frame(sweep, kpi, x, series)) for kpi in sweep.metrics]
    what = series[0].label if len(series) == 1 else " and ".join(f.short for f in series)
    fig = F.stacked_panels(panels, title=f"{F.text(x.label)}: effect on each measure", colours=colours, x="x",
                           x_title=F.text(x.label), x_ticks=x.ticks())
    # Panel titles name the measure and its unit; the range follows the data, since a difference of
    # a few per cent between lines matters more here than the distance to zero.
    fig.update_yaxes(title_text=None, rangemode="normal")
    if len(series) == 1:  # several factors name themselves in each entry
        fig.update_layout(legend_title_text=F.text(what) + ":")
    return fig


def _heat_text(mean: float, low: float, high: float, kpi: str) -> str:
    info = kpi_info(kpi)
    if not math.isfinite(mean):
        return ""
    value = format_value(mean, info) + (" %" if info.kind == "share" else "")
    if not (math.isfinite(low) and math.isfinite(high)):
        return value
    return f"{value}<br><span style='font-size:10px'>± {format_value((high - low) / 2, info)}</span>"


def heatmap(sweep: Sweep, kpi: str, x: Factor, y: Factor) -> go.Figure:
    """``kpi`` over two factors: one cell per point, its mean and ± half the 95 % interval written in."""
    info = kpi_info(kpi)
    measure = measure_of(kpi)
    values = sweep.values(kpi)
    xs, ys = [_show(v) for v in x.levels], [_show(v) for v in y.levels]
    z = np.full((len(ys), len(xs)), np.nan)
    labels = [["" for _ in xs] for _ in ys]
    for index, row in sweep.points.iterrows():
        i, j = ys.index(_show(row[y.column])), xs.index(_show(row[x.column]))
        mean, low, high = (float(values.at[index, c]) for c in ("mean", "ci_low", "ci_high"))
        z[i, j] = mean
        labels[i][j] = _heat_text(mean, low, high, kpi)
    # Viridis is bright at the top; reversed where lower is better, so bright always means better.
    reverse = info.better == "lower"
    fig = go.Figure(go.Heatmap(
        z=z, x=[F.text(v) for v in xs], y=[F.text(v) for v in ys], text=labels, texttemplate="%{text}",
        textfont=dict(size=12), colorscale="Viridis", reversescale=reverse, xgap=2, ygap=2,
        colorbar=dict(title=dict(text=F.text("%" if measure.share else measure.unit), side="top"),
                      tickformat=measure.tickformat, thickness=12, len=0.9),
        hovertemplate=(f"{F.text(x.label)}: %{{x}}<br>{F.text(y.label)}: %{{y}}<br>"
                       f"{F.text(info.label)}: %{{z:{measure.hover}}}{F.text(measure.suffix)}<extra></extra>"),
    ))
    F.style(fig, F.text(info.label), 150 + 56 * len(ys), legend=False, top=56, bottom=70)
    fig.update_xaxes(title_text=F.text(x.label), type="category", showgrid=False, ticks="", showline=False)
    fig.update_yaxes(title_text=F.text(y.label), type="category", showgrid=False, ticks="", showline=False)
    return fig


def point_bars(sweep: Sweep) -> go.Figure:
    """Named points: a bar per point with its 95 % interval, one panel per chosen metric."""
    names = [str(n) for n in sweep.points["name"]]
    rows = []
    for kpi in sweep.metrics:
        values = sweep.values(kpi)
        for name, (_, row) in zip(names, values.iterrows()):
            if math.isfinite(row["mean"]):
                rows.append({"scenario": name, "kpi": kpi, "mean": row["mean"], "ci_low": row["ci_low"],
                             "ci_high": row["ci_high"]})
    frame = pd.DataFrame(rows, columns=["scenario", "kpi", "mean", "ci_low", "ci_high"])
    measures = {kpi: measure_of(kpi) for kpi in sweep.metrics}
    return F.kpi_bars(frame, title="The measures at each point", colours=F.scenario_colours(names), measures=measures)


@dataclass(frozen=True)
class Objective:
    """A measure of the front: the KPI, its direction, and the axis."""

    kpi: str
    direction: str  # "min" or "max"
    label: str
    measure: F.Measure

    @property
    def sign(self) -> float:
        """+1 to minimise as it is, −1 for a measure to maximise (the front minimises sign × value)."""
        return 1.0 if self.direction == "min" else -1.0

    def values(self, sweep: Sweep) -> pd.DataFrame:
        return sweep.values(self.kpi)

    def to_minimise(self, sweep: Sweep) -> np.ndarray:
        return self.sign * self.values(sweep)["mean"].to_numpy(dtype=float)


def objectives(sweep: Sweep) -> list[Objective]:
    """The experiment's objectives (the defaults for a folder that names none) that the results hold."""
    chosen = sweep.manifest.get("objectives") or DEFAULT_OBJECTIVES
    return [Objective(kpi, direction, kpi_info(kpi).label, measure_of(kpi)) for kpi, direction in chosen.items()
            if sweep.has(kpi)]


def non_dominated(values: np.ndarray) -> np.ndarray:
    """Rows of ``values`` (points x measures, all to minimise) that no other row dominates.

    Row b dominates row a when b is no worse on every measure and better on one. Rows with a
    missing value are never on the front.
    """
    finite = np.isfinite(values).all(axis=1)
    front = finite.copy()
    others = values[finite]
    for a in np.flatnonzero(finite):
        dominated = ((others <= values[a]).all(axis=1) & (others < values[a]).any(axis=1)).any()
        front[a] = not dominated
    return front


def short_labels(sweep: Sweep) -> list[str]:
    """Labels for points in a crowded chart: a grid point's factor values, else its name."""
    if not sweep.grid:
        return [str(n) for n in sweep.points["name"]]
    return [", ".join(_show(row[f.column]) for f in sweep.factors) for _, row in sweep.points.iterrows()]


def pareto_figure(sweep: Sweep, chosen: list[Objective], front: np.ndarray) -> go.Figure:
    """The first objective against each of the others; points on the front highlighted and labelled."""
    first, others = chosen[0], chosen[1:]
    names = [str(n) for n in sweep.points["name"]]
    labels = short_labels(sweep)
    columns = min(3, len(others))
    rows = math.ceil(len(others) / columns)
    fig = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.1, vertical_spacing=0.18 if rows > 1 else 0.1,
                        subplot_titles=[f"{F.text(o.label)} against {F.text(first.label[0].lower() + first.label[1:])}"
                                        for o in others])
    for annotation in fig.layout.annotations:
        annotation.name = "subplot-title"  # so F.style gives them the report's subplot-title look
    x = first.values(sweep)
    for number, other in enumerate(others):
        row, col = number // columns + 1, number % columns + 1
        y = other.values(sweep)
        for on_front in (False, True):
            keep = front == on_front
            if not keep.any():
                continue
            colour = FRONT_COLOUR if on_front else OTHER_COLOUR
            xs, ys = x["mean"].to_numpy()[keep], y["mean"].to_numpy()[keep]
            x_low, x_high = (first.measure.clip(x[c].to_numpy()[keep]) for c in ("ci_low", "ci_high"))
            y_low, y_high = (other.measure.clip(y[c].to_numpy()[keep]) for c in ("ci_low", "ci_high"))
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="markers+text" if on_front else "markers",
                name="on the front" if on_front else "dominated",
                legendgroup=str(on_front), showlegend=number == 0,
                marker=dict(size=12 if on_front else 9, color=colour, line=dict(color="white", width=1.2),
                            symbol="diamond" if on_front else "circle"),
                error_x=dict(type="data", symmetric=False, array=np.nan_to_num(x_high - xs),
                             arrayminus=np.nan_to_num(xs - x_low), color=colour, thickness=1, width=0),
                error_y=dict(type="data", symmetric=False, array=np.nan_to_num(y_high - ys),
                             arrayminus=np.nan_to_num(ys - y_low), color=colour, thickness=1, width=0),
                text=[F.text(label) for label, k in zip(labels, keep) if k] if on_front else None,
                textposition="middle right",
                textfont=dict(size=11, color="#8a3a00", shadow="0 0 3px white, 0 0 2px white"),
                customdata=[F.text(n) for n, k in zip(names, keep) if k],
                hovertemplate=(f"<b>%{{customdata}}</b><br>{F.text(first.label)}: %{{x:{first.measure.hover}}}"
                               f"{F.text(first.measure.suffix)}<br>{F.text(other.label)}: "
                               f"%{{y:{other.measure.hover}}}{F.text(other.measure.suffix)}<extra></extra>"),
            ), row=row, col=col)
        fig.update_xaxes(title_text=F.text(first.measure.title), tickformat=first.measure.tickformat, row=row,
                         col=col)
        fig.update_yaxes(title_text=F.text(other.measure.title), tickformat=other.measure.tickformat, row=row,
                         col=col)
    F.style(fig, "Trade-off between the objectives", 420 * rows + 50)
    fig.update_layout(hovermode="closest")
    return fig


# --- HTML pieces -------------------------------------------------------------------------------


def _cell(values: pd.DataFrame, index: Any, kpi: str) -> str:
    info = kpi_info(kpi)
    mean, low, high = (values.at[index, c] for c in ("mean", "ci_low", "ci_high"))
    if not math.isfinite(mean):
        return '<td class="num muted">–</td>'
    interval = format_interval(info.clip(low) if math.isfinite(low) else None,
                               info.clip(high) if math.isfinite(high) else None, info)
    return (f'<td class="num"><span class="v">{P.e(format_value(mean, info))}</span>'
            f'<span class="ci">{P.e(interval)}</span></td>')


def points_table(sweep: Sweep, kpis: Sequence[str], front: np.ndarray | None, caption: str) -> str:
    """Every point: what it sets (the factors' levels, or its name and values), n, and the measures."""
    factors = sweep.factors
    named = not sweep.grid  # a grid point's name only repeats its factor values
    head = (['<th scope="col">Point</th>'] if named else []) + \
        [f'<th scope="col">{P.e(f.label)}</th>' for f in factors] + ['<th scope="col" class="num">n</th>']
    currency = str(sweep.manifest.get("currency", ""))
    for kpi in kpis:
        info = kpi_info(kpi)
        shown = currency if info.kind == "money" and currency else info.unit
        unit = f" ({shown})" if shown else ""
        head.append(f'<th scope="col" class="num" title="{P.e(kpi)}">{P.e(info.label + unit)}</th>')
    columns = {kpi: sweep.values(kpi) for kpi in kpis}
    body = []
    for position, (index, row) in enumerate(sweep.points.iterrows()):
        mark = ' <span class="front" title="on the trade-off front">◆</span>' \
            if front is not None and front[position] else ""
        labels = ([str(row["name"])] if named else []) + [_show(row[f.column]) for f in factors]
        cells = [f'<th scope="row">{P.e(labels[0])}{mark}</th>'] + [f"<td>{P.e(v)}</td>" for v in labels[1:]]
        cells.append(f'<td class="num">{int(row["replications"])}</td>')
        cells += [_cell(columns[kpi], index, kpi) for kpi in kpis]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="table-wrap"><table class="kpis points"><caption>{P.e(caption)}</caption>'
            f'<thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def _verdict(diff_mean: float | None, significant: bool, direction: str | None, info: Any) -> str:
    """"better" or "worse" for a significant difference, in the objective's direction when it has one."""
    if direction is None:
        return judgement(diff_mean, significant, info)
    if not significant or diff_mean is None or diff_mean == 0:
        return ""
    return "better" if (diff_mean < 0) == (direction == "min") else "worse"


def differences_table(sweep: Sweep, kpis: Sequence[str], directions: dict[str, str], reference: str,
                      currency: str) -> str:
    """Every point's paired difference (point − reference) with its 95 % interval, for each KPI."""
    named = not sweep.grid
    factors = sweep.factors
    head = (['<th scope="col">Point</th>'] if named else []) + \
        [f'<th scope="col">{P.e(f.label)}</th>' for f in factors] + ['<th scope="col" class="num">pairs</th>']
    for kpi in kpis:
        info = kpi_info(kpi)
        unit = currency if info.kind == "money" and currency else info.difference_unit
        arrow = {"min": " ↓", "max": " ↑"}.get(directions.get(kpi, ""), "")
        head.append(f'<th scope="col" class="num" title="{P.e(kpi)}">{P.e(info.label + arrow)}'
                    f'{P.e(f" ({unit})" if unit else "")}</th>')
    body = []
    for _, row in sweep.points.iterrows():
        is_reference = str(row["point"]) == reference
        labels = ([str(row["name"])] if named else []) + [_show(row[f.column]) for f in factors]
        mark = ' <span class="muted">(reference)</span>' if is_reference else ""
        cells = [f'<th scope="row">{P.e(labels[0])}{mark}</th>'] + [f"<td>{P.e(v)}</td>" for v in labels[1:]]
        first = differences_of(row, kpis[0]) if kpis else None
        cells.append(f'<td class="num">{first.n if first is not None else 0}</td>')
        for kpi in kpis:
            found = differences_of(row, kpi)
            if is_reference or found is None or found.mean is None:
                cells.append('<td class="num muted">–</td>')
                continue
            info = kpi_info(kpi)
            verdict = _verdict(found.mean, found.excludes_zero, directions.get(kpi), info)
            interval = format_interval(found.ci_low, found.ci_high, info, signed=True)
            cells.append(f'<td class="num diff {verdict}"><span class="v">'
                         f'{P.e(format_plus_minus(found.mean, found.ci_low, found.ci_high, info))}</span>'
                         f'<span class="ci">{P.e(interval)}</span></td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="table-wrap"><table class="kpis points"><thead><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


# A few rules on top of the page's stylesheet (the page inlines CSS; this adds to it).
EXTRA_CSS = """
table.points thead th { white-space: normal; vertical-align: bottom; min-width: 4.5em; max-width: 11em; }
table.points th[scope=row], table.points td { white-space: nowrap; }
table.points th[scope=row] { font-weight: 600; }
.front { color: #D55E00; }
@media print { table.points thead th { max-width: none; } }
"""


# --- the page ----------------------------------------------------------------------------------


class SweepReport:
    """Assembles the page of one sweep."""

    def __init__(self, sweep: Sweep):
        self.sweep = sweep
        self.objectives = objectives(sweep)
        if len(self.objectives) >= 2:
            matrix = np.column_stack([o.to_minimise(sweep) for o in self.objectives])
            self.front: np.ndarray | None = non_dominated(matrix)
        else:
            self.front = None

    def axes(self) -> tuple[Factor | None, list[Factor]]:
        """The factor on the x axis (a numeric one with the most levels) and the ones drawn as lines."""
        factors = self.sweep.factors
        if not self.sweep.grid or not factors:
            return None, []
        x = max(factors, key=lambda f: (f.numeric, len(f.levels)))
        return x, [f for f in factors if f is not x]

    def measures_section(self) -> P.Section:
        sweep = self.sweep
        about = f"{sweep.manifest['description']} " if sweep.manifest.get("description") else ""
        if not sweep.metrics:
            return P.Section("measures", "Measures", about, [P.Block(note="None of the experiment's metrics are in "
                                                                          "the results.")])
        x, series = self.axes()
        if x is None:
            return P.Section("measures", "Measures at each point", f"{about}Means over replications with 95 % "
                             "intervals (error bars).", [P.Block(figure=point_bars(sweep))])
        intro = (f"{about}Means over replications (lines) with 95 % intervals (bands). All points share the same "
                 "random numbers replication by replication, so the lines' shapes are the factors' effect, not noise.")
        blocks = [P.Block(figure=metric_lines(sweep, x, series))]
        if len(series) > 1:
            blocks.append(P.Block(note="With more than two factors, each line is one combination of the others; "
                                       "the table below lists every point."))
        return P.Section("measures", "Measures across the factors", intro, blocks)

    def heatmaps_section(self) -> P.Section | None:
        x, series = self.axes()
        if x is None or len(series) != 1:
            return None
        y = series[0]
        blocks = []
        for kpi in self.sweep.metrics:
            info = kpi_info(kpi)
            direction = {"lower": "brighter is lower, which is better", "higher": "brighter is higher, which is "
                         "better", None: "brighter is higher"}[info.better]
            blocks.append(P.Block(figure=heatmap(self.sweep, kpi, x, y), wide=False,
                                  caption=f"Mean and ± half the 95 % interval in each cell; {direction}."))
        return P.Section("heatmaps", "Heatmaps", f"Each measure over {x.label} and {y.label}.", blocks)

    def tradeoff_section(self) -> P.Section | None:
        if self.front is None:
            return None
        chosen = self.objectives
        names = "; ".join(f"{o.label[0].lower() + o.label[1:]} ({'lower' if o.direction == 'min' else 'higher'} "
                          "is better)" for o in chosen)
        on_front = [str(n) for n, f in zip(self.sweep.points["name"], self.front) if f]
        source = "named by the experiment" if self.sweep.manifest.get("objectives") else "the defaults"
        intro = (f"The objectives ({source}): {names}. A point is on the front (◆) when no other point is at least as "
                 "good on all of them and better on one; for every point off the front there is one that is. Means "
                 "decide; bars are 95 % intervals, and where they overlap the order is uncertain.")
        note = (f"On the front: {len(on_front)} of {len(self.front)} points" +
                (f": {'; '.join(on_front)}." if len(on_front) <= 8 else ", marked ◆ in the table of all points."))
        return P.Section("tradeoff", "Trade-off front", intro,
                         [P.Block(figure=pareto_figure(self.sweep, chosen, self.front)), P.Block(note=note)])

    def differences_section(self) -> P.Section | None:
        reference = str(self.sweep.manifest.get("reference") or "")
        ids = [str(p) for p in self.sweep.points["point"]]
        if reference not in ids or len(ids) < 2:
            return None
        name = str(self.sweep.points["name"].iloc[ids.index(reference)])
        directions = {o.kpi: o.direction for o in self.objectives}
        kpis = [k for k in dict.fromkeys([*(o.kpi for o in self.objectives), *self.sweep.metrics])
                if f"{k}_diff" in self.sweep.points.columns]
        if not kpis:
            return None
        intro = (f"Each point minus the reference point ({name}), replication by replication: every point sees the "
                 "same callers in replication r (common random numbers), so the difference is the settings' effect. "
                 "Mean ± half the 95 % t-interval, the interval below; coloured where the interval excludes zero "
                 "(green better, red worse, in the objective's direction ↓ lower or ↑ higher is better). "
                 "points.csv holds the columns <kpi>_diff, _diff_ci_low and _diff_ci_high.")
        table = differences_table(self.sweep, kpis, directions, reference, str(self.sweep.manifest.get("currency", "")))
        return P.Section("differences", f"Against the reference point: {name}", intro, [P.Block(html=table)])

    def table_section(self) -> P.Section:
        kpis = list(dict.fromkeys([*self.sweep.metrics, *(o.kpi for o in self.objectives)]))
        caption = ("Means over replications with 95 % intervals; n is the number of replications that finished. "
                   "points.csv holds every measure.")
        return P.Section("points", "All points", "", [P.Block(html=points_table(self.sweep, kpis, self.front,
                                                                                caption))])

    def cards(self) -> list[P.ScenarioCard]:
        sweep = self.sweep
        if sweep.grid:
            return [P.ScenarioCard(f.label, FACTOR_COLOUR, "factor", "levels: " + ", ".join(_show(v) for v in f.levels))
                    for f in sweep.factors]
        names = [str(n) for n in sweep.points["name"]]
        return [P.ScenarioCard(f"{len(names)} named points", FACTOR_COLOUR, "points", ", ".join(names))]

    def warnings(self) -> list[tuple[str, str]]:
        result = []
        tasks = self.sweep.summary.get("tasks", {})
        failed = self.sweep.summary.get("failed_tasks", [])
        if failed:
            first = failed[0]
            result.append((f"{len(failed)} of {tasks.get('total', '?')} tasks failed",
                           f"Their points are summarised over fewer replications (column n). First: point "
                           f"{first.get('point')}, replication {first.get('replication')}: {first.get('error')} "
                           f"(details in {first.get('file')}). Rerun the failed tasks with --resume once fixed."))
        elif tasks.get("not_run"):
            result.append(("Incomplete sweep", f"{tasks['not_run']} of {tasks.get('total')} tasks have not run; "
                                               "finish them with --resume."))
        missing = [m for m in self.sweep.manifest.get("metrics", []) if not self.sweep.has(m)]
        if missing:
            result.append(("Metrics not in the results", "No point produced " + ", ".join(missing) + "."))
        return result

    def footer(self) -> list[tuple[str, str]]:
        manifest, summary = self.sweep.manifest, self.sweep.summary
        tasks = summary.get("tasks", {})
        run = summary.get("this_run", {})
        rows = [("Experiment", str(manifest.get("experiment", ""))), ("Base scenario", str(manifest.get("base", ""))),
                ("Seed", f"{manifest.get('seed')} (every point: common random numbers)"),
                ("Tasks", f"{tasks.get('done', '?')} done, {tasks.get('failed', 0)} failed, "
                          f"{tasks.get('not_run', 0)} not run, of {tasks.get('total', '?')}")]
        if summary.get("backend"):
            rows.append(("Ran on", f"{summary['backend']}; last run {run.get('wall_s', '?')} s from "
                                   f"{run.get('started', '?')}"))
        if summary.get("command"):
            rows.append(("Command", str(summary["command"])))
        rows.append(("ccsim", __version__))
        return rows

    def page(self) -> P.Page:
        manifest = self.sweep.manifest
        points, replications = len(self.sweep.points), manifest.get("replications", "?")
        title = f"Sweep: {manifest.get('name', '')}"
        subtitle = (f"{points} point(s) × {replications} replication(s) · seed {manifest.get('seed')} · "
                    "common random numbers · 95 % confidence intervals")
        sections = [s for s in (self.measures_section(), self.heatmaps_section(), self.tradeoff_section(),
                                self.differences_section(), self.table_section()) if s is not None]
        return P.Page(title, subtitle, self.cards(), sections, self.warnings(), self.footer())


def build_sweep_report(folder: Path) -> str:
    """The report's HTML for a sweep folder."""
    manifest, points, summary = read_points(folder)
    html = P.render(SweepReport(Sweep(manifest, points, summary)).page())
    return html.replace("</style>", EXTRA_CSS + "</style>", 1)


def write_sweep_report(folder: Path, out: Path | None = None) -> Path:
    """Write the report (default: ``report.html`` in the sweep folder) and return its path."""
    out = Path(out) if out is not None else Path(folder) / REPORT_FILE
    atomic_write(out, build_sweep_report(Path(folder)).encode("utf-8"))
    return out
