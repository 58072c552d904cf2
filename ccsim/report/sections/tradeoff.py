"""Trade-off: waiting against agent strain and cost, one point per scenario with intervals on both axes."""

from __future__ import annotations

import pandas as pd

from ccsim.metrics.stats import Estimate
from ccsim.report import figures as F
from ccsim.report import page as P
from ccsim.report.context import ReportContext
from ccsim.report.measures import measure_of

TITLE = "Trade-off"


def section(ctx: ReportContext) -> P.Section | None:
    if not ctx.present(["asa_s"]):
        return None
    panels: list[tuple[F.Measure, dict[str, Estimate]]] = []
    strain = next((k for k in ("burnout_share", "stress_mean", "occupancy") if ctx.present([k])), None)
    if strain:
        panels.append((measure_of(strain), {i.label: ctx.estimates[i.label].get(strain) for i in ctx.loaded}))
    cost, cost_label = ctx.cost_estimates()
    if cost:
        panels.append((F.Measure(cost_label, ctx.currency(), digits=0), cost))
    rows = []
    for index, (_, per_scenario) in enumerate(panels):
        for item in ctx.loaded:
            xe, ye = ctx.estimates[item.label].get("asa_s"), per_scenario.get(item.label)
            if xe is None or ye is None:
                continue
            rows.append({"scenario": item.label, "panel": index, "x": xe.mean, "x_low": xe.ci_low,
                         "x_high": xe.ci_high, "y": ye.mean, "y_low": ye.ci_low, "y_high": ye.ci_high})
    columns = ["x", "x_low", "x_high", "y", "y_low", "y_high"]
    points = pd.DataFrame(rows, columns=["scenario", "panel", *columns]).astype({c: float for c in columns})
    fig = F.tradeoff(points, title="Trade-off: waiting against agent strain and cost", colours=ctx.colours,
                     x=measure_of("asa_s"), panels=[p[0] for p in panels])
    caption = ("One point per scenario with 95 % intervals on both axes. Towards the bottom left is better: "
               "shorter waits with less strain and lower cost.")
    if strain == "occupancy":
        caption += " Agent strain is not in these results; occupancy stands in for load."
    return P.Section("tradeoff", "Trade-off", "", [P.Block(figure=fig, caption=caption)])
