"""The sections of the report, one module each; every module has ``section(ctx) -> Section | None``.

Sections that show a topic of the KPI catalogue (:attr:`ccsim.metrics.catalogue.KpiInfo.topic`)
take their title and their table of measures from it, so a measure added to the catalogue under
a topic appears in that section's table without touching the report.
"""

from __future__ import annotations

from ccsim.metrics.catalogue import kpi_info
from ccsim.report import page as P
from ccsim.report.context import ReportContext

TOPIC_TITLES = {
    "wait": "Waiting", "load": "Agent load", "burnout": "Burnout", "callers": "Callers",
    "difficult": "Difficult callers", "money": "Money", "policies": "What the policies did",
}
"""The report's title of each catalogue topic."""


def topic_names(ctx: ReportContext, topic: str) -> list[str]:
    """The measures in the results on ``topic``, per-queue and per-group forms included, in results order."""
    return [name for name in ctx.kpi_names() if kpi_info(name).topic == topic]


def topic_table(ctx: ReportContext, topic: str) -> P.Block | None:
    """A collapsed table of every measure on ``topic`` (values, intervals and differences)."""
    names = topic_names(ctx, topic)
    if not names:
        return None
    table = P.difference_table if len(ctx.variants) > P.MANY_VARIANTS else P.kpi_table
    return P.Block(html=P.details(f"{TOPIC_TITLES[topic]}: all {len(names)} measures",
                                  table(ctx.kpi_rows(names), ctx.cards())))


MANY_FOR_HALF = 4
"""Above this many scenarios, charts that would sit two to a row take the whole width, so every
scenario's name stays legible under its bar."""
