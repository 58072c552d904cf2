"""What changed: each variant's settings against the baseline's (see :mod:`ccsim.report.changes`)."""

from __future__ import annotations

from ccsim.report import page as P
from ccsim.report.changes import document_changes
from ccsim.report.context import ReportContext

TITLE = "What changed"


def section(ctx: ReportContext) -> P.Section | None:
    if not ctx.variants:
        return None
    blocks = []
    for variant in ctx.variants:
        changes = document_changes(ctx.baseline.doc, variant.doc)
        inner = P.changes_table(changes, ctx.baseline.label, variant.label)
        heading = f"{variant.label}: {len(changes)} setting(s) differ from {ctx.baseline.label}"
        blocks.append(P.Block(html=P.details(heading, inner, open_=len(changes) <= 25)))
    return P.Section("changes", "What changed",
                     "Each variant's resolved scenario (every default filled in) against the baseline's, as "
                     "dotted paths like those of --set, with the schema's words for each. Durations in hours and "
                     "minutes; "
                     "settings unset on both sides are left out.", blocks)
