"""Burnout: strain by time of day, strain, absence and attrition day by day."""

from __future__ import annotations

from ccsim.report import figures as F
from ccsim.report import page as P
from ccsim.report.context import ReportContext
from ccsim.report.loading import concat_tables
from ccsim.report.measures import agent_day_measures, bands, by_clock, day_labels, strain_by_time
from ccsim.report.sections import TOPIC_TITLES, topic_table

TOPIC = "burnout"
BURNOUT_KPIS = ["stress_mean", "stress_p90", "burnout_share", "exhaustion_mean", "sick_days", "absence_rate",
                "leavers", "attrition_annualised", "hires"]


def section(ctx: ReportContext) -> P.Section:
    blocks: list[P.Block] = []
    strain, _ = concat_tables(ctx.loaded, "strain_intervals",
                        ["replication", "day", "time", "t_start", "group", "agents", "strain_mean"])
    if not strain.empty:
        open_times = ctx.open_times()
        if open_times:
            keep = [t in open_times.get(s, set()) for s, t in zip(strain["scenario"], strain["time"])]
            strain = strain[keep]
        frame = by_clock(bands(strain_by_time(strain), ["scenario", "group", "time"], "strain"))
        blocks.append(P.Block(figure=F.band_lines(
            frame, x="clock", title="Agent strain by time of day", measure=F.Measure("Strain", "mean of agents"),
            x_title="Time of day (start of half hour)", colours=ctx.colours, facet="group",
            facet_order=ctx.groups(), time_of_day=True)))
    days, _ = concat_tables(ctx.loaded, "agent_days",
                      ["replication", "day", "status", "duty_s", "strain_mean", "above_threshold_s", "exhaustion",
                       "resigned"], time_column=None,
                      optional=("duty_s", "strain_mean", "above_threshold_s", "exhaustion", "resigned"))
    numbers = sorted(int(d) for d in days["day"].unique()) if not days.empty else []
    if len(numbers) > 1:
        measures = agent_day_measures(days)
        keys = ["scenario", "day"]
        panels = [
            ("Strain of working agents", F.Measure("Strain", "duty-weighted mean"),
             bands(measures, keys, "strain")),
            ("Duty time above the strain threshold", F.Measure("Above threshold", share=True),
             bands(measures, keys, "above_share")),
            ("Absence (sick or stress leave)", F.Measure("Absent", share=True),
             bands(measures, keys, "absent_share")),
            ("Leavers so far", F.Measure("Leavers", "agents"), bands(measures, keys, "leavers_so_far")),
        ]
        if measures["exhaustion"].notna().any():
            panels.append(("Exhaustion", F.Measure("Exhaustion", "mean"), bands(measures, keys, "exhaustion")))
        panels = [(t, m, f.dropna(subset=["mean"]).sort_values("day")) for t, m, f in panels]
        blocks.append(P.Block(figure=F.stacked_panels(
            panels, title="Strain, absence and attrition day by day", colours=ctx.colours, x="day",
            x_title="Day", x_ticks=day_labels(ctx.baseline.doc, numbers))))
    bars = ctx.kpi_bars(BURNOUT_KPIS, "Burnout over the whole horizon")
    blocks += [b for b in (bars, topic_table(ctx, TOPIC)) if b is not None]
    if not blocks:
        blocks.append(P.Block(note="These results carry no measures of agent strain, absence or attrition."))
    return P.Section("burnout", TOPIC_TITLES[TOPIC],
                     "How hard the work is on agents: strain while on duty, time above the strain threshold, "
                     "absence and leavers.", blocks)
