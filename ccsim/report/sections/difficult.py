"""Difficult callers: their share of calls and of talk time, long calls, and what made them difficult.

The measures are the catalogue's topic ``difficult`` (:mod:`ccsim.metrics.difficult` and
:func:`ccsim.metrics.kpis.journey_kpis`): every figure is a mean over replications with its 95 %
interval, and each variant's paired difference against the baseline.
"""

from __future__ import annotations

from ccsim.report import figures as F
from ccsim.report import page as P
from ccsim.report.context import ReportContext
from ccsim.report.measures import measure_of
from ccsim.report.sections import MANY_FOR_HALF, TOPIC_TITLES, topic_names

TOPIC = "difficult"
SHARES = ["difficult_share_calls", "difficult_share_talk", "abusive_share_calls"]
HOLD = ["difficult_talk_mean_s", "ordinary_talk_mean_s", "difficult_calls_over_30min", "difficult_calls_over_60min"]
CAUSES = ["difficult_made_by_failure", "difficult_by_nature"]


def section(ctx: ReportContext) -> P.Section | None:
    names = topic_names(ctx, TOPIC)
    if not names:
        return None
    table = P.difference_table if len(ctx.variants) > P.MANY_VARIANTS else P.kpi_table
    blocks = [P.Block(html=table(ctx.kpi_rows(names), ctx.cards()))]
    half = len(ctx.loaded) <= MANY_FOR_HALF
    for title, group, caption in (
        ("How many calls are difficult", SHARES, "Difficult calls as a share of all calls, and their share of "
         "all talk time (a difficult caller holds an agent longer)."),
        ("How long difficult callers hold an agent", HOLD, "Mean talk of an answered difficult call and of an "
         "ordinary one (seconds), and difficult calls with more than 30 and 60 minutes of talk over the horizon."),
        ("What made them difficult", CAUSES, "Of the difficult calls: those the caller's earlier failures made "
         "difficult (a caller without them would not have been), and those from callers difficult by nature."),
    ):
        measures = {name: measure_of(name) for name in group if name in names}
        bars = ctx.kpi_bars(list(measures), title, measures=measures, columns=2 if half else len(measures) or 1,
                            wide=not half)
        if bars:
            bars.caption = caption
            blocks.append(bars)
    if ctx.variants:
        changed = [n for n in SHARES + HOLD + CAUSES if n in names]
        block = ctx.difference_block(changed)
        block.figure.update_layout(title_text=f"<b>Difficult callers against {F.text(ctx.baseline.label)}, with 95 % "
                                              "intervals</b>")
        blocks.append(block)
    return P.Section("difficult", TOPIC_TITLES[TOPIC],
                     "Callers marked difficult by nature or made so by earlier failures (redials after hanging up, "
                     "unresolved calls): how many there are, how long they hold an agent, and why they are "
                     "difficult.", blocks)
