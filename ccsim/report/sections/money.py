"""Money: what the cost is made of, revenue and customers lost, and the cost against the baseline."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ccsim.report import figures as F
from ccsim.report import kpi_info
from ccsim.report import page as P
from ccsim.report.context import COST_COMPONENTS, ReportContext
from ccsim.report.measures import measure_of
from ccsim.report.sections import MANY_FOR_HALF, TOPIC_TITLES, topic_table

TOPIC = "money"
MONEY_KPIS = ["cost_total", "net_cost", "revenue", "cost_lost_customers", "customers_lost", "cost_training",
              "billed_minutes"]


def section(ctx: ReportContext) -> P.Section:
    blocks: list[P.Block] = []
    unit = ctx.currency()
    totals, total_label = ctx.cost_estimates()
    labels = {name: kpi_info(name).label.replace("Cost of ", "") for name in COST_COMPONENTS}
    rows = []
    if ctx.present(["cost_total"]):
        for item in ctx.loaded:
            for name, value in (ctx.cost_components(item) or {}).items():
                rows.append({"scenario": item.label, "component": labels[name], "mean": value})
        caption = ("Stacked: what the cost is made of (means), customers lost included at their configured "
                   "value; diamond: the total with its 95 % interval.")
    else:
        for item in ctx.loaded:
            per_group = ctx.staff_cost(item)
            for group, values in (per_group.items() if per_group is not None else []):
                rows.append({"scenario": item.label, "component": f"agents: {group}", "mean": float(values.mean())})
        caption = ("Estimated from agent-hours on duty × each group's hourly cost (these results carry no cost "
                   "measures); diamond: the total with its 95 % interval.")
    components = pd.DataFrame(rows, columns=["scenario", "component", "mean"])
    if not components.empty:
        nonzero = components.groupby("component")["mean"].apply(lambda v: bool((v.abs() > 0).any()))
        components = components[components["component"].map(nonzero)]
    half = len(ctx.loaded) <= MANY_FOR_HALF
    if totals and not ctx.single:
        total_frame = pd.DataFrame([{"scenario": k, "mean": v.mean, "ci_low": v.ci_low, "ci_high": v.ci_high}
                                    for k, v in totals.items()]).astype({"mean": float, "ci_low": float,
                                                                        "ci_high": float})
        if components.empty:
            components = total_frame[["scenario", "mean"]].assign(component=total_label.lower())
        if components["component"].nunique() == 1:
            caption = caption.replace("Stacked: what the cost is made of (means)", "Bars: the mean cost")
        blocks.append(P.Block(figure=F.cost_bars(components, total_frame,
                                                 title=f"{total_label} per scenario ({unit})" if unit
                                                 else f"{total_label} per scenario",
                                                 colours=ctx.colours, unit=unit), caption=caption, wide=not half))
    others = [k for k in MONEY_KPIS if k != "cost_total"]
    kpis = {name: money_measure(name, unit) for name in ctx.measures(others)
            if ctx.nonzero(name)}
    bars = ctx.kpi_bars(list(kpis), "Revenue, customers lost and training", measures=kpis,
                        columns=2 if half else 3, wide=not half)
    if bars:
        blocks.append(bars)
    if ctx.variants and totals:
        blocks.append(cost_difference_block(ctx))
    table = topic_table(ctx, TOPIC)
    if table:
        blocks.append(table)
    if not blocks:
        blocks.append(P.Block(note="These results carry no cost measures and no hourly costs."))
    intro = "Over the whole simulated horizon" + (f", in {unit}." if unit else ".")
    return P.Section("money", TOPIC_TITLES[TOPIC], intro, blocks)


def cost_difference_block(ctx: ReportContext) -> P.Block:
    def nonzero(names: Sequence[str]) -> list[str]:
        return [n for n in ctx.present(names) if ctx.nonzero(n)]

    components = nonzero(COST_COMPONENTS)
    # A single component is the total again; only a split into two or more adds anything.
    names = nonzero(["cost_total"]) + (components if len(components) > 1 else []) + nonzero(["revenue"])
    if not names:
        return P.Block(note="No cost differences to show.")
    block = ctx.difference_block(names)
    unit = f" ({F.text(ctx.currency())})" if ctx.currency() else ""
    block.figure.update_layout(title_text=f"<b>Cost against {F.text(ctx.baseline.label)}{unit}, with 95 % "
                                          "intervals</b>")
    block.caption = "Filled marker: the interval excludes zero; open marker: it includes zero (no clear change)."
    block.wide = len(ctx.loaded) > MANY_FOR_HALF
    return block


def money_measure(name: str, unit: str) -> F.Measure:
    measure = measure_of(name)
    if kpi_info(name).kind == "money" and unit:
        return F.Measure(measure.label, unit, share=False, digits=0, lower=measure.lower)
    return measure
