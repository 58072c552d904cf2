"""Headline: the verdicts, the group that burns out most, and the KPIs a director reads first."""

from __future__ import annotations

from ccsim.metrics.catalogue import HEADLINE_KPIS, metric_key
from ccsim.metrics.stats import INTERVAL_METHOD
from ccsim.report import format_interval, format_value, kpi_info
from ccsim.report import page as P
from ccsim.report import verdicts as V
from ccsim.report.context import ReportContext

TITLE = "Headline"


def section(ctx: ReportContext) -> P.Section:
    names = ctx.present(HEADLINE_KPIS) or ctx.kpi_names()[:12]
    # Where the service and the burnout go: each queue's service level and each group's burnout.
    breakdown = ctx.present([f"service_level_{metric_key(q)}" for q in ctx.queues()]
                              + [f"burnout_share_{metric_key(g)}" for g in ctx.groups()])
    names = names + [n for n in breakdown if n not in names]
    replications = max((e.n for e in ctx.estimates[ctx.baseline.label].values()), default=0)
    method = ("paired replication by replication (common random numbers: every scenario saw the same "
              "callers)" if ctx.paired else
              "unpaired (Welch), because the scenarios were not run with the same seed")
    intro = (f"Means over {replications} replication(s); the grey line under each value is its 95 % "
             f"confidence interval ({INTERVAL_METHOD}).")
    if ctx.variants:
        intro += f" Δ is the variant minus {ctx.baseline.label}, {method}."
    blocks = []
    if ctx.variants:
        blocks.append(P.Block(html=verdicts_html(ctx)))
    worst = worst_groups_html(ctx)
    if worst:
        blocks.append(P.Block(html=worst))
    table = P.difference_table if len(ctx.variants) > P.MANY_VARIANTS else P.kpi_table
    blocks.append(P.Block(html=table(ctx.kpi_rows(names), ctx.cards())))
    if ctx.variants:
        blocks.append(P.Block(html=(
            '<p class="legend-note">▲ / ▼: the 95 % interval of the difference excludes zero (the change is '
            'unlikely to be noise), pointing up or down with the difference. Colour: '
            '<span class="better">better</span>, <span class="worse">worse</span>, '
            '<span class="changed">changed</span> where neither direction is simply better; grey: the '
            'interval includes zero. Shares are in per cent, their differences in percentage points (pp).</p>')))
    all_names = ctx.kpi_names()
    blocks.append(P.Block(html=P.details(f"All {len(all_names)} measures",
                                         table(ctx.kpi_rows(all_names), ctx.cards()))))
    if ctx.variants:
        blocks.append(ctx.difference_block(names[:9]))
    return P.Section("summary", "Headline", intro, blocks)


def verdicts_html(ctx: ReportContext) -> str:
    items = []
    for item, found in zip(ctx.variants, ctx.verdicts()):
        parts = [f'<span class="{kind}">{kind}:</span> ' + P.e("; ".join(c.text for c in changes))
                 for kind, changes in (("better", found.improvements), ("worse", found.worsenings)) if changes]
        text = " · ".join(parts) if parts else "no significant change"
        items.append(f'<li>{P.swatch(item.colour)}'
                     f"<b>{P.e(item.label)}</b>: {text}</li>")
    method = "paired intervals (common random numbers)" if ctx.paired else "unpaired (Welch) intervals"
    return (f'<div class="verdicts"><h3>Verdicts against {P.e(ctx.baseline.label)}</h3>'
            f'<p class="legend-note">Only changes whose 95 % interval excludes zero ({method}); shares '
            "in percentage points, with the interval in brackets.</p>"
            f'<ul class="verdict-list">{"".join(items)}</ul></div>')


def worst_groups_html(ctx: ReportContext) -> str:
    groups = ctx.groups()
    rows = []
    for item in ctx.loaded:
        worst = V.worst_group(ctx.estimates[item.label], groups)
        if worst is None or len(groups) < 2:
            continue
        group, est = worst
        info = kpi_info("burnout_share")
        rows.append(f"<li><b>{P.e(item.label)}</b>: {P.e(group)}, "
                    f"{P.e(format_value(est.mean, info))} % of duty time above the strain threshold "
                    f"[{P.e(format_interval(est.ci_low, est.ci_high, info))}]</li>")
    if not rows:
        return ""
    return ('<div class="verdicts"><h3>The group that burns out most</h3>'
            f'<ul class="verdict-list">{"".join(rows)}</ul></div>')
