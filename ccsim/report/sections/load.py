"""Agent load: occupancy and agents on duty by time of day, and how agents spend their time."""

from __future__ import annotations

import pandas as pd

from ccsim.report import figures as F
from ccsim.report import kpi_info
from ccsim.report import page as P
from ccsim.report.context import ReportContext
from ccsim.report.loading import concat_tables
from ccsim.report.measures import bands, by_clock, group_measures
from ccsim.report.sections import TOPIC_TITLES, topic_table

TOPIC = "load"


def section(ctx: ReportContext) -> P.Section:
    blocks: list[P.Block] = []
    frame, missing = concat_tables(ctx.loaded, "group_intervals",
                             ["replication", "day", "time", "t_start", "open", "group", "agents_on_duty",
                              "busy_s", "available_s", "required"])
    if not frame.empty:
        measures = group_measures(frame)
        occupancy = by_clock(bands(measures, ["scenario", "group", "time"], "occupancy"))
        blocks.append(P.Block(figure=F.band_lines(
            occupancy, x="clock", title="Occupancy by agent group and time of day",
            measure=F.Measure("Occupancy", share=True), x_title="Time of day (start of half hour)",
            colours=ctx.colours, facet="group", facet_order=ctx.groups(), time_of_day=True)))
        on_duty = bands(measures, ["scenario", "group", "time"], "agents_on_duty")
        if "required" in measures.columns:
            required = measures.groupby(["scenario", "group", "time"], observed=True)["required"].mean()
            on_duty = on_duty.join(required, on=["scenario", "group", "time"])
        has_required = "required" in on_duty.columns and on_duty["required"].notna().any()
        title = "Agents on duty vs required" if has_required else "Agents on duty"
        blocks.append(P.Block(figure=F.staffing_lines(
            by_clock(on_duty), title=f"{title} by time of day (mean over the days)",
            colours=ctx.colours, groups=ctx.groups()),
            caption="Solid: agents on duty, breaks included." + (
                " Dashed: agents required." if has_required else "")))
    note = ctx.note_missing(missing, "Charts by time of day")
    if note:
        blocks.append(note)
    split = ctx.present(["talk_share", "wrap_share", "break_share", "idle_share"])
    if split and not ctx.single:
        rows = [{"scenario": item.label, "use": kpi_info(name).label.split(",")[0],
                 "share": ctx.estimates[item.label][name].mean}
                for item in ctx.loaded for name in split
                if name in ctx.estimates[item.label] and ctx.estimates[item.label][name].mean is not None]
        blocks.append(P.Block(figure=F.stacked_shares(
            pd.DataFrame(rows), title="How agents spend their time on duty", category="use",
            colours=ctx.colours, x_title="Share of time on duty (%)"), wide=False,
            caption="Means over replications of talk, wrap-up, break and idle time as shares of time on duty."))
    names = [k for k in ctx.kpi_names() if k.startswith("occupancy")]
    names += ctx.present(["calls_per_agent_hour"])
    names += [k for k in ctx.kpi_names() if k.startswith("agent_hours")]
    bars = ctx.kpi_bars(names, "Occupancy and agent-hours by group")
    blocks += [b for b in (bars, topic_table(ctx, TOPIC)) if b is not None]
    return P.Section("load", TOPIC_TITLES[TOPIC],
                     "Occupancy is busy time (talk and wrap-up) over time on duty and not on a break.", blocks)
