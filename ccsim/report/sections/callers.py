"""Callers: the caller's side, how many calls a problem takes and why calls happen."""

from __future__ import annotations

from ccsim.report import figures as F
from ccsim.report import page as P
from ccsim.report.context import ReportContext
from ccsim.report.loading import concat_tables
from ccsim.report.measures import attempts_shares, bands, trigger_shares
from ccsim.report.sections import MANY_FOR_HALF, TOPIC_TITLES, topic_table

TOPIC = "callers"
CALLER_KPIS = ["fcr", "attempts_per_resolution", "transfers_per_call", "redial_share", "lost_share"]
# Why a call happened, in words (ccsim.metrics.tables names them "fresh" or "after_<outcome of the attempt before>").
TRIGGER_LABELS = {"fresh": "new problem", "after_abandoned": "again after hanging up in the queue",
                  "after_ivr_abandoned": "again after hanging up in the menu",
                  "after_unresolved": "again: not resolved", "after_lost": "again after a lost call",
                  "after_cut_off": "again after being cut at the time limit",
                  "after_hung_up": "again after the agent hung up", "after_blocked": "again after a busy signal",
                  "after_deterred": "again after being put off by the price",
                  "after_transfer_cap": "again after too many transfers",
                  "after_callback_lost": "again after a callback that did not reach them",
                  "after_resolved": "again after a resolved call", "after_self_served": "again after the menu"}


def section(ctx: ReportContext) -> P.Section:
    blocks: list[P.Block] = []
    bars = ctx.kpi_bars(CALLER_KPIS, "The callers' journey")
    if bars:
        blocks.append(bars)
    stories, missing = concat_tables(ctx.loaded, "stories", ["replication", "t_first", "outcome", "attempts"],
                               time_column="t_first")
    if not stories.empty:
        shares = bands(attempts_shares(stories), ["scenario", "attempts"], "share")
        blocks.append(P.Block(figure=F.grouped_bars(
            shares, x="attempts", title="Calls it took to resolve a problem",
            measure=F.Measure("Resolved problems", share=True), x_title="Calls until resolved",
            colours=ctx.colours, x_order=["1", "2", "3", "4", "5+"]), wide=len(ctx.loaded) > MANY_FOR_HALF,
            caption="Resolved problems by the number of calls they took, with 95 % intervals."))
    calls, calls_missing = concat_tables(ctx.loaded, "calls", ["replication", "t_arrive", "trigger"],
                                   time_column="t_arrive")
    if not calls.empty and not ctx.single:
        shares = trigger_shares(calls)
        order = [t for t in TRIGGER_LABELS if t in set(shares["trigger"])]
        blocks.append(P.Block(figure=F.stacked_shares(
            shares, title="Why calls happened", category="trigger", colours=ctx.colours, category_order=order,
            category_labels=TRIGGER_LABELS, x_title="Share of calls (%)"), wide=False,
            caption="All calls: a new problem, or calling again after an earlier call failed."))
    note = ctx.note_missing(sorted(set(missing) | set(calls_missing)), "Attempts and redial charts")
    if note:
        blocks.append(note)
    table = topic_table(ctx, TOPIC)
    if table:
        blocks.append(table)
    return P.Section("callers", TOPIC_TITLES[TOPIC],
                     "The caller's side: how many calls a problem takes, transfers and redials.", blocks)
