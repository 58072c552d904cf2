"""Waiting: speed of answer, service level and abandonment by time of day and day, and the wait distribution."""

from __future__ import annotations

from ccsim.report import figures as F
from ccsim.report import page as P
from ccsim.report.context import ReportContext
from ccsim.report.loading import concat_tables
from ccsim.report.measures import ALL_QUEUES, bands, by_clock, day_labels, day_measures, queue_measures, wait_survival
from ccsim.report.sections import TOPIC_TITLES, topic_table

TOPIC = "wait"


def section(ctx: ReportContext) -> P.Section:
    blocks: list[P.Block] = []
    level = ctx.baseline.doc.get("service_level", {})
    target, threshold = level.get("target"), level.get("threshold")
    facet_order = [ALL_QUEUES, *ctx.queues()]
    if not ctx.intervals.empty:
        measures = queue_measures(ctx.intervals)
        spec = [
            ("asa_s", "Average speed of answer by time of day", F.Measure("ASA", "s"), None, ""),
            ("service_level", "Service level by time of day", F.Measure("Service level", share=True),
             target, f"target {target:.0%}" if isinstance(target, (int, float)) else ""),
            ("abandon_rate", "Abandonment by time of day", F.Measure("Abandoned", share=True), None, ""),
        ]
        for column, title, measure, reference, reference_label in spec:
            frame = by_clock(bands(measures, ["scenario", "queue", "time"], column))
            blocks.append(P.Block(figure=F.band_lines(
                frame, x="clock", title=title, measure=measure, x_title="Time of day (start of half hour)",
                colours=ctx.colours, facet="queue", facet_order=facet_order, reference=reference,
                reference_label=reference_label, time_of_day=True)))
        by_day = day_measures(ctx.intervals)
        days = sorted(int(d) for d in by_day["day"].unique())
        if len(days) > 1:
            panels = [("Average speed of answer", F.Measure("ASA", "s"),
                       bands(by_day, ["scenario", "day"], "asa_s")),
                      ("Service level", F.Measure("Service level", share=True),
                       bands(by_day, ["scenario", "day"], "service_level"))]
            blocks.append(P.Block(figure=F.stacked_panels(
                [(t, m, f.sort_values("day")) for t, m, f in panels], title="Waiting day by day",
                colours=ctx.colours, x="day", x_title="Day", x_ticks=day_labels(ctx.baseline.doc, days))))
    legs, legs_missing = concat_tables(ctx.loaded, "legs", ["replication", "t_enqueue", "wait_s", "outcome"],
                                 time_column="t_enqueue")
    if not legs.empty:
        survival = bands(wait_survival(legs), ["scenario", "wait_s"], "share")
        blocks.append(P.Block(figure=F.wait_curves(
            survival, title="How long callers wait", colours=ctx.colours,
            threshold=float(threshold) if threshold is not None else None),
            caption="Share of queue visits (answered or abandoned) still waiting after t seconds. At the "
                    "threshold it is one minus the service level of those visits."))
    note = ctx.note_missing(sorted(set(ctx.intervals_missing) | set(legs_missing)), "Charts by time of day")
    if note:
        blocks.append(note)
    bars = ctx.kpi_bars(["service_level", "asa_s", "abandon_rate", "wait_p90_s", "p_wait", "mean_wait_s"],
                        "Waiting over the whole horizon")
    blocks += [b for b in (bars, topic_table(ctx, TOPIC)) if b is not None]
    return P.Section("wait", TOPIC_TITLES[TOPIC],
                     "Means over replications for each half hour of the opening hours (pooled over the days), "
                     "with 95 % bands; the first panel pools all queues.", blocks)
