"""The calibration and backtest reports (``DIR/report.html`` of ``ccsim calibrate`` and ``ccsim backtest``).

Each page is built from what its command writes (calibration.json and observed_intervals.csv, or
backtest.csv and summary.json) plus, for a per-call log, the calls themselves (the histograms,
QQ plot and Kaplan-Meier curves need the individual times). Pages come from
:mod:`ccsim.report.page` (self-contained: plotly.js inlined, no network) and share its look
through :func:`ccsim.report.figures.style`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import stats

from ccsim.calibrate.backtest import MIN_CALLS, WEEKDAYS_OPEN_ALL_DAY
from ccsim.calibrate.calibrate import SEGMENTS
from ccsim.calibrate.observed import reaching_queue
from ccsim.report import figures as F
from ccsim.report import page as P
from ccsim.results import atomic_write

OBSERVED, MODEL = "#3d3d3d", "#0072B2"
FAMILY_COLOURS = {"lognormal": "#0072B2", "gamma": "#E69F00", "weibull": "#009E73", "exponential": "#CC79A7"}
WEEKDAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
                 "sat": "Saturday", "sun": "Sunday"}
WEEKDAYS = tuple(WEEKDAY_NAMES)


def frozen(name: str, parameters: dict[str, float]):
    """A fitted family (parameters as calibration.json states them) as a frozen scipy distribution."""
    if name == "lognormal":
        return stats.lognorm(parameters["log_sd"], scale=parameters["median"])
    if name == "gamma":
        return stats.gamma(parameters["shape"], scale=parameters["scale"])
    if name == "weibull":
        return stats.weibull_min(parameters["shape"], scale=parameters["scale"])
    return stats.expon(scale=parameters["mean"])


def band(fig: go.Figure, x: list, low: np.ndarray, high: np.ndarray, colour: str, row: int | None = None,
         col: int | None = None, name: str = "95 % interval") -> None:
    """A shaded band between ``low`` and ``high`` (gaps where either is missing)."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    ok = np.isfinite(low) & np.isfinite(high)
    xs, ys = [], []
    for run in np.split(np.arange(len(ok)), np.flatnonzero(np.diff(ok.astype(int))) + 1):
        if len(run) and ok[run[0]]:
            xs += [x[i] for i in run] + [x[i] for i in run[::-1]] + [None]
            ys += list(high[run]) + list(low[run][::-1]) + [None]
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", fillcolor=f"rgba({r},{g},{b},0.18)", line=dict(width=0),
                             mode="lines", hoverinfo="skip", name=name, showlegend=False), row=row, col=col)


def table_html(header: list[str], rows: list[list[object]], caption: str = "") -> str:
    """A plain table in the report's style; every cell is escaped."""
    head = "".join(f'<th scope="col">{P.e(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td class="num">{P.e(c)}</td>' if i else f"<td>{P.e(c)}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    cap = f"<caption>{P.e(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table class="kpis">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _num(value: object, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def _ci(values: list | None, digits: int = 3) -> str:
    return "–" if not values else f"[{_num(float(values[0]), digits)}, {_num(float(values[1]), digits)}]"


# --- calibration ------------------------------------------------------------------------------


def _arrivals_figure(record: dict, observed: pd.DataFrame, interval: float) -> go.Figure:
    """Per weekday: observed calls per interval (mean over that weekday's dates, +/- 2 SE) and the model's."""
    arrivals = record["arrivals"]
    profile = pd.Series({k: v["mean"] for k, v in arrivals["per_interval_mean"].items()})
    observed = observed.assign(weekday=[WEEKDAYS[pd.Timestamp(d).weekday()] for d in observed["date"]])
    days = [d for d in WEEKDAYS if arrivals["opening_hours"].get(d, "closed") != "closed"]
    rows = (len(days) + 1) // 2
    fig = make_subplots(rows=rows, cols=2, subplot_titles=[WEEKDAY_NAMES[d] for d in days], shared_xaxes=True,
                        vertical_spacing=0.32 / rows)
    F._subplot_titles(fig)
    volume = arrivals["daily_volume_full_day"]
    for k, day in enumerate(days):
        row, col = k // 2 + 1, k % 2 + 1
        part = observed[(observed["weekday"] == day) & (observed["slot"] * interval < 86400)]
        n_dates = part["date"].nunique()
        per = part.groupby("time")["offered"].agg(["sum", "std"])
        per["mean"] = per["sum"] / n_dates
        per["se"] = per["std"].fillna(0) / np.sqrt(n_dates)
        hours = arrivals["opening_hours"][day]
        open_times = [t for t in profile.index if hours[:5] <= t < (hours[6:] if hours[6:] != "24:00" else "24:00")]
        weights = profile[open_times]
        expected = weights / weights.sum() * volume * arrivals["by_weekday"][day]["mean"] / volume
        fig.add_trace(go.Scatter(x=F.clock(pd.Series(per.index)), y=per["mean"], mode="markers",
                                 error_y=dict(type="data", array=2 * per["se"], thickness=1, width=0),
                                 marker=dict(color=OBSERVED, size=5), name="observed mean (± 2 SE over dates)",
                                 legendgroup="obs", showlegend=k == 0), row=row, col=col)
        fig.add_trace(go.Scatter(x=F.clock(pd.Series(expected.index)), y=expected.to_numpy(), mode="lines",
                                 line=dict(color=MODEL, width=2, shape="hv"), name="scenario (profile x weekday)",
                                 legendgroup="model", showlegend=k == 0), row=row, col=col)
    fig.update_xaxes(tickformat="%H:%M", showticklabels=True)
    fig.update_yaxes(title_text="calls", col=1)
    return F.style(fig, f"Calls per {int(interval // 60)} minutes by weekday: observed and the scenario's",
                   height=230 * rows + 140)


def _daily_figure(record: dict, observed: pd.DataFrame) -> go.Figure:
    """Daily totals against the weekday mean with Poisson and gamma-Poisson 95 % ranges."""
    daily = observed.groupby("date")["offered"].sum()
    cv = record["arrivals"]["overdispersion"]["busyness_cv"]
    means = np.array([record["arrivals"]["by_weekday"][WEEKDAYS[pd.Timestamp(d).weekday()]]["mean"]
                      for d in daily.index])
    x = [str(d) for d in daily.index]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=daily.to_numpy(), marker_color="#b9c4d0", name="observed calls"))
    for label, sd, dash in (("Poisson 95 %", np.sqrt(means), "dot"),
                            (f"gamma-Poisson 95 % (cv {cv:.3f})", np.sqrt(means + (cv * means) ** 2), "solid")):
        for sign, show in ((1, True), (-1, False)):
            fig.add_trace(go.Scatter(x=x, y=means + sign * 1.96 * sd, mode="markers", name=label, legendgroup=label,
                                     showlegend=show, marker=dict(symbol="line-ew-open", size=22,
                                                                  color=MODEL if dash == "solid" else "#999")))
    fig.add_trace(go.Scatter(x=x, y=means, mode="markers", name="weekday mean", marker=dict(color=MODEL, size=7)))
    fig.update_yaxes(title_text="calls reaching the queue")
    return F.style(fig, "Daily calls: weekday mean, Poisson and overdispersed ranges", height=420)


def _fit_rows(fit: dict) -> list[list[object]]:
    rows = []
    best = fit["best"]
    for name, f in sorted(fit["fits"].items(), key=lambda kv: kv[1]["aic"]):
        parameters = ", ".join(f"{k} {v:.4g} ± {(f.get('se') or {}).get(k, float('nan')):.2g}"
                               for k, v in (f.get("parameters") or {}).items())
        rows.append([name + (" (chosen)" if name == best else ""), f"{f['aic'] - fit['fits'][best]['aic']:.1f}",
                     parameters, f"{f['mean_s']:.1f} ± {_num(f.get('mean_se_s'), 2)}"])
    return rows


FIT_HEADER = ["Family", "ΔAIC", "Parameters ± SE (s)", "Mean ± SE (s)"]


def _talk_figure(segment: str, talk: np.ndarray, fit: dict) -> go.Figure:
    """Histogram of talk time (log axis) with the fitted densities, and a QQ plot of the chosen fit."""
    talk = talk[talk > 0]
    fig = make_subplots(rows=1, cols=2, subplot_titles=["density (log-scaled time)", f"QQ: {fit['best']}"])
    F._subplot_titles(fig)
    edges = np.geomspace(max(talk.min(), 1.0), talk.max(), 60)
    counts, _ = np.histogram(talk, edges)
    density = counts / (len(talk) * np.diff(edges))
    centres = np.sqrt(edges[:-1] * edges[1:])
    fig.add_trace(go.Bar(x=centres, y=density * centres, width=np.diff(edges), marker_color="#b9c4d0",
                         name="observed"), row=1, col=1)
    grid = np.geomspace(edges[0], edges[-1], 300)
    for name, f in fit["fits"].items():
        dist = frozen(name, f["parameters"])
        fig.add_trace(go.Scatter(x=grid, y=dist.pdf(grid) * grid, mode="lines", name=name,
                                 line=dict(color=FAMILY_COLOURS[name], width=3 if name == fit["best"] else 1.5)),
                      row=1, col=1)
    probabilities = (np.arange(1, 200) - 0.5) / 199
    empirical = np.quantile(talk, probabilities)
    model = frozen(fit["best"], fit["fits"][fit["best"]]["parameters"]).ppf(probabilities)
    fig.add_trace(go.Scatter(x=model, y=empirical, mode="markers", marker=dict(color=OBSERVED, size=4),
                             name="quantiles", showlegend=False), row=1, col=2)
    fig.add_trace(go.Scatter(x=[model[0], model[-1]], y=[model[0], model[-1]], mode="lines",
                             line=dict(color=F.REFERENCE, dash="dot"), showlegend=False), row=1, col=2)
    fig.update_xaxes(type="log", title_text="talk time (s)", row=1, col=1)
    fig.update_yaxes(title_text="density x time", row=1, col=1)
    fig.update_xaxes(type="log", title_text="fitted quantile (s)", row=1, col=2)
    fig.update_yaxes(type="log", title_text="observed quantile (s)", row=1, col=2)
    return F.style(fig, f"Talk time, {segment}: {len(talk):,} served calls, long calls kept", height=420)


def _patience_figure(segment: str, abandoned: np.ndarray, served: np.ndarray, fit: dict) -> go.Figure:
    """Kaplan-Meier survival of patience with its 95 % band and the censored fits."""
    observed = np.maximum(abandoned, 0.5)
    censored = served[served > 0]
    km = stats.ecdf(stats.CensoredData(uncensored=observed, right=censored))
    with warnings.catch_warnings():  # undefined where the survival reaches 0 or 1: the band simply stops there
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = km.sf.confidence_interval(0.95)
    t = km.sf.quantiles
    keep = t <= np.quantile(np.concatenate([observed, censored]), 0.995)
    fig = go.Figure()
    band(fig, list(t[keep]), ci.low.probabilities[keep], ci.high.probabilities[keep], OBSERVED)
    fig.add_trace(go.Scatter(x=t[keep], y=km.sf.probabilities[keep], mode="lines", line=dict(color=OBSERVED,
                             shape="hv", width=2), name="Kaplan-Meier (95 % band)"))
    grid = np.linspace(0, t[keep].max(), 300)
    for name, f in fit["fits"].items():
        fig.add_trace(go.Scatter(x=grid, y=frozen(name, f["parameters"]).sf(grid), mode="lines", name=name,
                                 line=dict(color=FAMILY_COLOURS[name], width=3 if name == fit["best"] else 1.5,
                                           dash="solid" if name == fit["best"] else "dash")))
    fig.update_xaxes(title_text="seconds waited")
    fig.update_yaxes(title_text="P(patience > t)", range=[0, 1.02])
    return F.style(fig, f"Patience, {segment}: {len(observed):,} abandoned (observed), {len(censored):,} served "
                        "after waiting (censored)", height=420)


def _relation_figure(relation: dict, title: str) -> go.Figure:
    """P(abandon) against the mean wait per cell, and the line E[wait] / E[patience]."""
    table = relation["table"]
    x, y, n = (np.asarray(table[k], dtype=float) for k in ("mean_wait_s", "p_abandon", "n"))
    fig = go.Figure()
    size = 4 + 8 * n / n.max()
    fig.add_trace(go.Scatter(x=x, y=y, mode="markers", name="cells", marker=dict(color=OBSERVED, size=size,
                             opacity=0.6), customdata=np.column_stack([n, table["hour"]]),
                             hovertemplate="hour %{customdata[1]}: %{customdata[0]} calls<br>wait %{x:.0f} s, "
                                           "P(ab) %{y:.1%}<extra></extra>"))
    mean = relation["implied_mean_patience_s"]
    grid = np.linspace(0, x.max(), 50)
    fig.add_trace(go.Scatter(x=grid, y=grid / mean, mode="lines", line=dict(color=MODEL, width=2),
                             name=f"E[wait] / {mean:.0f} s (correlation {relation['correlation']:.2f})"))
    fig.update_xaxes(title_text="mean wait (s)")
    fig.update_yaxes(title_text="abandonment", tickformat=".0%")
    return F.style(fig, title, height=420)


def _agents_figure(observed: pd.DataFrame, title: str) -> go.Figure:
    """Agents on duty per date and interval as a heat map."""
    pivot = observed.pivot_table(index="date", columns="time", values="agents", aggfunc="sum")
    pivot = pivot.reindex(columns=sorted(pivot.columns))
    fig = go.Figure(go.Heatmap(z=pivot.to_numpy(), x=list(pivot.columns), y=[str(d) for d in pivot.index],
                               colorscale="Blues", colorbar=dict(title="agents"),
                               hovertemplate="%{y} %{x}: %{z:.1f} agents<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return F.style(fig, title, height=120 + 22 * len(pivot), legend=False)


def _calls_section(record: dict, calls: pd.DataFrame) -> list[P.Section]:
    offered = reaching_queue(calls)
    talk_blocks, patience_blocks = [], []
    for name, rule in SEGMENTS.items():
        seg = record["segments"].get(name)
        if seg is None:
            continue
        mine = offered[rule(offered["priority"])]
        served = mine[mine["outcome"] == "answered"]
        talk = seg["talk_time"]
        talk_blocks += [P.Block(figure=_talk_figure(name, served["talk_s"].to_numpy(float), talk)),
                        P.Block(html=table_html(FIT_HEADER, _fit_rows(talk),
                                                f"Talk time, {name}: maximum likelihood, location 0; KS distance of "
                                                f"the chosen fit {talk['ks_statistic']:.3f}"))]
        pat = seg["patience"]
        waits = mine.loc[mine["outcome"] == "abandoned", "wait_s"].to_numpy(float)
        if "fits" in pat and len(waits):
            patience_blocks += [
                P.Block(figure=_patience_figure(name, waits, served["wait_s"].to_numpy(float), pat)),
                P.Block(html=table_html(FIT_HEADER, _fit_rows(pat),
                                        f"Patience, {name}: censored maximum likelihood. Exponential MLE mean "
                                        f"{pat['exponential_mean_s']:.0f} s {_ci(pat['exponential_mean_ci95_s'], 4)} "
                                        "(exact chi-square interval)"))]
        else:
            patience_blocks.append(P.Block(note=f"Patience, {name}: {pat.get('note', 'not estimable')}"))
    sections = [P.Section("talk", "Talk time", "Four families fitted by maximum likelihood; the lowest AIC is "
                          "written to the scenario.", talk_blocks),
                P.Section("patience", "Patience", "A served caller's wait right-censors the patience, an "
                          "abandoner's wait observes it. Kaplan-Meier stops where the longest waits stop: a fitted "
                          "family's mean beyond that is an extrapolation (lognormal tails make it large); the "
                          "exponential MLE is the mean the waits themselves pin down.", patience_blocks)]
    relation = record["abandon_wait_relation"]
    sections.append(P.Section("relation", "Abandonment and wait", "For exponential patience P(abandon) = "
                              "E[wait] / E[patience]; each dot is one date and hour with 20 calls or more.",
                              [P.Block(figure=_relation_figure(relation, "P(abandon) against mean wait, by date and "
                                                                         "hour"))]))
    journey = []
    redial = record["redials"]
    if "after_abandoning" in redial:
        rows = [[label.replace("_", " "), _num(redial[label]["p"]), _ci(redial[label]["ci95"]), redial[label]["n"]]
                for label in ("after_first_abandonment", "after_later_abandonment", "after_abandoning",
                              "after_ivr_abandoning", "after_service")]
        journey.append(P.Block(html=table_html(["Called again within 24 h", "p", "95 % interval", "calls"], rows,
                                               f"Identified callers only ({redial['identified_share']:.1%} of "
                                               f"calls); redial share of the volume {redial['redial_share']:.3f} "
                                               f"{_ci(redial['redial_share_ci95'])}")))
        if "delay" in redial:
            journey.append(P.Block(html=table_html(FIT_HEADER, _fit_rows(redial["delay"]),
                                                   "Delay from a failure to the next call")))
    if record["ivr"]["supported"]:
        journey.append(P.Block(html=table_html(FIT_HEADER, _fit_rows(record["ivr"]["time"]),
                                               f"Time in the voice menu; {record['ivr']['abandon_share']:.2%} hang up "
                                               "there")))
    if journey:
        sections.append(P.Section("journey", "Redials and voice menu", "", journey))
    return sections


def _odd_rows(record: dict) -> list[tuple[str, str]]:
    """One notice listing the rows that were odd but harmless (counted, never silently dropped)."""
    odd = [f"{count:,} {what}" for what, count in record.get("odd_rows", {}).items() if count]
    return [("Odd rows in the log: ", "; ".join(odd) + ".")] if odd else []


def render_calibration_report(record: dict, observed: pd.DataFrame, scenario: dict,
                              calls: pd.DataFrame | None = None) -> str:
    """The calibration page as HTML; ``calls`` (a per-call log) adds the per-call fits."""
    interval = float(record["interval_s"])
    dispersion = record["arrivals"]["overdispersion"]
    arrivals = P.Section("arrivals", "Arrivals", "Calls that reached the queue, per weekday and interval; the "
                         "scenario's intraday profile comes from the weekdays with the longest hours.",
                         [P.Block(figure=_arrivals_figure(record, observed, interval)),
                          P.Block(figure=_daily_figure(record, observed)),
                          P.Block(note=f"Day-level overdispersion: busyness cv {dispersion['busyness_cv']:.3f} "
                                       f"{_ci(dispersion.get('ci95'))} over {dispersion['days_used']} days "
                                       f"({dispersion.get('note', 'gamma-Poisson by moments, bootstrap interval')}).")])
    sections = [arrivals]
    if calls is not None:
        sections += _calls_section(record, calls)
    else:
        patience = record["patience"]
        cells = observed[(observed["offered"] >= patience.get("min_calls", 20)) & observed["asa_s"].notna()]
        relation = {"implied_mean_patience_s": patience["mean_s"], "correlation": patience.get("correlation") or 0.0,
                    "table": {"hour": cells["time"].tolist(), "n": cells["offered"].tolist(),
                              "p_abandon": cells["abandon_rate"].tolist(), "mean_wait_s": cells["asa_s"].tolist()}}
        sections.append(P.Section("patience", "Patience from aggregates", patience.get("method", ""), [
            P.Block(figure=_relation_figure(relation, "P(abandon) against ASA, by interval")),
            P.Block(note=f"Exponential patience mean {patience['mean_s']:.0f} s {_ci(patience.get('ci95_s'), 4)}; "
                         f"talk time: exponential, mean AHT {record['talk_time']['mean_s']:.0f} s."),
            P.Block(html=table_html(["Not estimable from an interval report", "Why"],
                                    [[k.replace("_", " "), v] for k, v in record["not_estimable"].items()]))]))
    sections.append(P.Section("agents", "Agents on duty", record["agents"]["rule"] + (
        " An estimate, not a record." if record["agents"]["estimate"] else ""),
        [P.Block(figure=_agents_figure(observed, f"Agents on duty per {int(interval // 60)} minutes"))]))
    written = ", ".join(k for k in ("ivr", "redials") if k in scenario) or "no voice menu or redials"
    page = P.Page(
        title="Calibration", subtitle=f"{Path(record['source']).name}: {record['reaching_queue']:,} calls reached "
                                      f"the queue; scenario written with {written}",
        scenarios=[P.ScenarioCard(label=scenario["name"], colour=MODEL, role="calibrated",
                                  description=scenario["description"])],
        sections=sections,
        warnings=_odd_rows(record),
        footer=[("Files", "scenario.yaml (runs with ccsim run), calibration.json (every estimate with its standard "
                          "error or interval and method), observed_intervals.csv")],
    )
    return P.render(page)


def write_calibration_report(path: Path, record: dict, observed: pd.DataFrame, scenario: dict,
                             calls: pd.DataFrame | None = None) -> Path:
    atomic_write(path, render_calibration_report(record, observed, scenario, calls).encode())
    return path


# --- backtest ---------------------------------------------------------------------------------

BACKTEST_MEASURES = {"offered": ("Calls offered", ""), "abandon_rate": ("Abandonment", ".0%"),
                     "asa_s": ("ASA (s)", ""), "service_level": ("Service level (20 s)", ".0%"),
                     "occupancy": ("Occupancy", ".0%")}


FEW_CALLS = 5  # rates and waits of intervals with fewer calls are left off the timeline (pure noise)


def _timeline_figure(table: pd.DataFrame) -> go.Figure:
    """Every interval of the log: observed and simulated mean with its 95 % band, one panel per measure.

    Closed stretches (no interval in the table) break the lines; intervals with fewer than
    ``FEW_CALLS`` calls show their volume only.
    """
    interval = _interval(table)
    # service running past midnight leaves a slot "24:00" on a date, the next date's 00:00: keep the day's own
    table = table[table["slot"] * interval < 86400].sort_values(["date", "slot"]).copy()
    start = pd.to_datetime(table["date"].astype(str)) + pd.to_timedelta(table["slot"] * interval, unit="s")
    few = table["offered"] < FEW_CALLS
    for measure in BACKTEST_MEASURES:
        if measure != "offered":
            for column in (measure, f"sim_{measure}", f"sim_{measure}_low", f"sim_{measure}_high"):
                table.loc[few, column] = np.nan
    for column in [c for c in table.columns if c.endswith("_low")]:
        table[column] = table[column].clip(lower=0.0)
    grid = pd.date_range(start.min(), start.max(), freq=pd.Timedelta(seconds=interval))
    table = table.set_index(start).reindex(grid)  # missing intervals become gaps in every line
    x = list(table.index)
    fig = make_subplots(rows=len(BACKTEST_MEASURES), cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        subplot_titles=[label for label, _ in BACKTEST_MEASURES.values()])
    F._subplot_titles(fig)
    for row, (measure, (_label, fmt)) in enumerate(BACKTEST_MEASURES.items(), start=1):
        band(fig, x, table[f"sim_{measure}_low"].to_numpy(), table[f"sim_{measure}_high"].to_numpy(), MODEL, row, 1)
        fig.add_trace(go.Scatter(x=x, y=table[f"sim_{measure}"], mode="lines", line=dict(color=MODEL, width=1.5),
                                 name="simulated (95 % band)", legendgroup="sim", showlegend=row == 1), row=row, col=1)
        fig.add_trace(go.Scatter(x=x, y=table[measure], mode="markers", marker=dict(color=OBSERVED, size=3),
                                 name="observed", legendgroup="obs", showlegend=row == 1), row=row, col=1)
        if fmt:
            fig.update_yaxes(tickformat=fmt, row=row, col=1)
    return F.style(fig, f"By interval: observed against simulated (rates and waits where {FEW_CALLS}+ calls)",
                   height=220 * len(BACKTEST_MEASURES) + 120)


def _interval(table: pd.DataFrame) -> float:
    """The planning interval of a backtest table, in seconds (from its HH:MM times and slots)."""
    row = table[table["slot"] > 0].iloc[0]
    hours, minutes = (int(v) for v in str(row["time"]).split(":"))
    return (hours * 3600 + minutes * 60) / float(row["slot"])


def _scatter_figure(table: pd.DataFrame, summary: dict) -> go.Figure:
    keep = pd.to_datetime(table["date"].astype(str)).dt.day_of_week.isin(WEEKDAYS_OPEN_ALL_DAY) & \
        (table["offered"] >= MIN_CALLS)
    part = table[keep]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=part["sim_abandon_rate"], y=part["abandon_rate"], mode="markers",
                             marker=dict(color=OBSERVED, size=5, opacity=0.6), name="interval",
                             error_x=dict(type="data", symmetric=False,
                                          array=part["sim_abandon_rate_high"] - part["sim_abandon_rate"],
                                          arrayminus=part["sim_abandon_rate"] - part["sim_abandon_rate_low"],
                                          thickness=0.6, width=0, color="#bbb")))
    top = float(np.nanmax([part["abandon_rate"].max(), part["sim_abandon_rate"].max(), 0.05]))
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", line=dict(color=F.REFERENCE, dash="dot"),
                             name="equal"))
    corr = summary["per_interval"]["abandon_rate"]["correlation"]
    fig.update_xaxes(title_text="simulated abandonment", tickformat=".0%")
    fig.update_yaxes(title_text="observed abandonment", tickformat=".0%")
    return F.style(fig, f"Abandonment per interval (Sunday-Thursday, {MIN_CALLS}+ calls): correlation {corr:.3f}",
                   height=460)


def _daily_backtest_figure(summary: dict) -> go.Figure:
    days = pd.DataFrame(summary["by_day"])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=days["date"], y=days["sim_abandon_rate"], mode="markers", name="simulated (95 %)",
                             marker=dict(color=MODEL, size=8),
                             error_y=dict(type="data", symmetric=False,
                                          array=days["sim_abandon_rate_high"] - days["sim_abandon_rate"],
                                          arrayminus=days["sim_abandon_rate"] - days["sim_abandon_rate_low"])))
    fig.add_trace(go.Scatter(x=days["date"], y=days["abandon_rate"], mode="markers", name="observed",
                             marker=dict(color=OBSERVED, size=9, symbol="diamond")))
    fig.update_yaxes(title_text="abandonment", tickformat=".0%")
    return F.style(fig, "By day: abandonment observed and simulated", height=400)


def render_backtest_report(table: pd.DataFrame, summary: dict[str, Any]) -> str:
    rows = []
    for measure, values in summary["whole_log"].items():
        label, fmt = BACKTEST_MEASURES[measure]
        show = (lambda v: f"{v:.2%}") if fmt else (lambda v: f"{v:.1f}")
        per = summary["per_interval"].get(measure, {})
        observed, error = values["observed"], values["relative_error"]
        rows.append([label, "–" if observed is None else show(observed), show(values["simulated"]),
                     f"[{show(values['ci95'][0])}, {show(values['ci95'][1])}]",
                     "–" if error is None else f"{error:+.1%}",
                     _num(per.get("mae")), _num(per.get("correlation"))])
    summary_table = table_html(["Measure", "Observed", "Simulated", "95 % interval", "Relative error",
                                "MAE per interval", "Correlation per interval"], rows,
                               f"Whole log; per interval: {summary['per_interval_rule']}")
    page = P.Page(
        title="Backtest", subtitle=f"{Path(str(summary.get('source', 'log'))).name} replayed with its own volume and "
                                   f"inferred agents per interval; {summary['replications']} replications",
        scenarios=[P.ScenarioCard(label=Path(str(summary.get("scenario", "scenario"))).name, colour=MODEL,
                                  role="replayed")],
        sections=[P.Section("summary", "Summary", "", [P.Block(html=summary_table),
                                                        P.Block(figure=_scatter_figure(table, summary))]),
                  P.Section("days", "By day", "", [P.Block(figure=_daily_backtest_figure(summary))]),
                  P.Section("intervals", "By interval", "", [P.Block(figure=_timeline_figure(table))])],
        footer=[("Files", "backtest.csv (per date and interval, observed and simulated with 95 % intervals), "
                          "summary.json")],
    )
    return P.render(page)


def write_backtest_report(path: Path, table: pd.DataFrame, summary: dict[str, Any]) -> Path:
    atomic_write(path, render_backtest_report(table, summary).encode())
    return path
