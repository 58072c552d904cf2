"""One self-contained HTML page: plotly.js embedded once, a little CSS, no network at all.

This module is the only place that writes HTML. Every string that comes from a user (scenario
names and descriptions, queue and group names, scenario values, file paths) goes through
:func:`e` (``html.escape``); figures escape their own labels (see :mod:`ccsim.report.figures`)
and plotly serialises figure data as JSON with ``<`` and ``/`` escaped, so nothing a scenario
says can end a ``<script>`` element.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from ccsim.metrics.stats import Estimate
from ccsim.report import KpiInfo, decimals_for, format_interval, format_signed, format_value, judgement

PLOT_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def e(value: object) -> str:
    """Escape a user string for HTML text and attribute values."""
    return html.escape(str(value), quote=True)


@dataclass
class ScenarioCard:
    """A scenario as the page introduces it."""

    label: str
    colour: str
    role: str  # "baseline" or "variant"
    description: str = ""
    folder: str = ""
    replications: int = 0


@dataclass
class KpiRow:
    """One line of a KPI table: the scenarios' estimates (baseline first) and each variant's difference."""

    info: KpiInfo
    values: list[Estimate | None]
    differences: list[Estimate | None]


@dataclass
class Change:
    """One setting that differs between the baseline and a variant (values already shown as text)."""

    path: str
    old: str
    new: str
    words: str = ""  # what the setting is, from the scenario schema


@dataclass
class Block:
    """A piece of a section: a figure, a note (plain text) or HTML made by this module's builders."""

    figure: go.Figure | None = None
    note: str | None = None
    html: str | None = None
    wide: bool = True
    caption: str = ""


@dataclass
class Section:
    anchor: str
    title: str
    intro: str = ""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Page:
    title: str
    subtitle: str
    scenarios: list[ScenarioCard]
    sections: list[Section]
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    footer: list[tuple[str, str]] = field(default_factory=list)  # (term, value)


# --- pieces of HTML ---------------------------------------------------------------------------


def swatch(colour: str) -> str:
    return f'<span class="swatch" style="background:{e(colour)}"></span>'


def _value_cell(estimate: Estimate | None, info: KpiInfo) -> str:
    if estimate is None or estimate.mean is None:
        return '<td class="num muted">–</td>'
    interval = format_interval(info.clip(estimate.ci_low), info.clip(estimate.ci_high), info)
    return (f'<td class="num"><span class="v">{e(format_value(estimate.mean, info))}</span>'
            f'<span class="ci">{e(interval)}</span></td>')


def _difference_cell(diff: Estimate | None, info: KpiInfo) -> str:
    if diff is None or diff.mean is None:
        return '<td class="num diff muted">–</td>'
    verdict = judgement(diff.mean, diff.excludes_zero, info)
    mark = ""
    if diff.excludes_zero and diff.mean != 0:
        mark = ' <span class="mark" aria-hidden="true">▲</span>' if diff.mean > 0 else \
            ' <span class="mark" aria-hidden="true">▼</span>'
    label = {"better": "significantly better", "worse": "significantly worse",
             "changed": "significant change", "": "interval includes zero"}[verdict]
    interval = format_interval(diff.ci_low, diff.ci_high, info, signed=True)
    decimals = None if diff.ci_low is None or diff.ci_high is None else \
        decimals_for((diff.ci_high - diff.ci_low) / 2.0, info)
    return (f'<td class="num diff {verdict or "ns"}" title="{e(label)}"><span class="v">'
            f'{e(format_signed(diff.mean, info, decimals))}{mark}</span><span class="ci">{e(interval)}</span></td>')


def kpi_table(rows: Sequence[KpiRow], scenarios: Sequence[ScenarioCard], caption: str = "") -> str:
    """KPI, unit, baseline value [CI], then for each variant its value [CI] and difference [CI]."""
    head = ['<th scope="col" class="kpi">Measure</th>', '<th scope="col">Unit</th>']
    for index, card in enumerate(scenarios):
        head.append(f'<th scope="col" class="num">{swatch(card.colour)}{e(card.label)}</th>')
        if index > 0:
            head.append(f'<th scope="col" class="num diff">Δ vs {e(scenarios[0].label)}</th>')
    body = []
    for row in rows:
        cells = [f'<th scope="row" class="kpi" title="{e(row.info.name)}">{e(row.info.label)}</th>',
                 f'<td class="unit">{e(row.info.unit)}</td>']
        for index, value in enumerate(row.values):
            cells.append(_value_cell(value, row.info))
            if index > 0:
                diff = row.differences[index - 1] if index - 1 < len(row.differences) else None
                cells.append(_difference_cell(diff, row.info))
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption_html = f"<caption>{e(caption)}</caption>" if caption else ""
    single = " single" if len(scenarios) == 1 else ""
    return (f'<div class="table-wrap"><table class="kpis{single}">{caption_html}<thead><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


MANY_VARIANTS = 3
"""Above this many variants the headline shows differences only, one narrow column per variant."""


def difference_table(rows: Sequence[KpiRow], scenarios: Sequence[ScenarioCard]) -> str:
    """The headline for many variants: measure (with unit), the baseline's value [CI], then each variant's
    difference [CI] against it; the variant's own value is in the cell's tooltip."""
    head = ['<th scope="col" class="kpi">Measure</th>',
            f'<th scope="col" class="num">{swatch(scenarios[0].colour)}{e(scenarios[0].label)}</th>']
    head += [f'<th scope="col" class="num diff variant">{swatch(card.colour)}{e(card.label)}</th>'
             for card in scenarios[1:]]
    body = []
    for row in rows:
        unit = f" ({e(row.info.unit)})" if row.info.unit else ""
        cells = [f'<th scope="row" class="kpi" title="{e(row.info.name)}">{e(row.info.label)}{unit}</th>',
                 _value_cell(row.values[0] if row.values else None, row.info)]
        for index, diff in enumerate(row.differences):
            value = row.values[index + 1] if index + 1 < len(row.values) else None
            cell = _difference_cell(diff, row.info)
            if value is not None and value.mean is not None:
                shown = f"{scenarios[index + 1].label}: {format_value(value.mean, row.info)} {row.info.unit}".strip()
                cell = cell.replace('title="', f'title="{e(shown)}; ', 1)
            cells.append(cell)
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="table-wrap"><table class="kpis pivot"><thead><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>'
            '<p class="legend-note">Columns after the baseline: each variant minus the baseline (Δ), with its '
            "95 % interval; hover a cell for the variant's own value.</p>")


def changes_table(changes: Sequence[Change], baseline: str, variant: str) -> str:
    """The settings a variant changes, as dotted paths with the baseline's and the variant's value."""
    if not changes:
        return '<p class="note">No setting differs from the baseline (apart from the name).</p>'
    rows = "".join(
        f'<tr><th scope="row"><code>{e(c.path)}</code>'
        + (f'<span class="words">{e(c.words)}</span>' if c.words else "")
        + f'</th><td>{e(c.old)}</td><td class="arrow">→</td><td>{e(c.new)}</td></tr>'
        for c in changes
    )
    return (f'<div class="table-wrap"><table class="changes"><thead><tr><th scope="col">Setting</th>'
            f'<th scope="col">{e(baseline)}</th><th></th><th scope="col">{e(variant)}</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def details(summary: str, inner_html: str, open_: bool = False) -> str:
    """A collapsible block (opened for printing by the page's script)."""
    return f'<details{" open" if open_ else ""}><summary>{e(summary)}</summary>{inner_html}</details>'


def paragraph(text: str) -> str:
    return f"<p>{e(text)}</p>"


def definition_list(items: Sequence[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in items) + "</dl>"


# --- the page ---------------------------------------------------------------------------------

CSS = """
:root { --ink:#1f2328; --muted:#5f6670; --line:#d9dde3; --soft:#f5f7fa; --accent:#0b5cad;
        --better:#1a7f37; --worse:#c62828; --changed:#0b5cad; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top { background: #1f2a37; color: #fff; padding: 22px 0 18px; }
.wrap { max-width: 1320px; margin: 0 auto; padding: 0 28px; }
header.top h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
header.top p { margin: 0; color: #cfd6de; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 14px; }
.card { background: rgba(255,255,255,0.08); border: 1px solid rgba(255,255,255,0.18); border-radius: 8px;
        padding: 8px 12px; max-width: 420px; }
.card b { font-weight: 600; }
.card .role { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #aab4bf; margin-left: 6px; }
.card .desc { font-size: 13px; color: #cfd6de; margin-top: 2px; display: -webkit-box; -webkit-line-clamp: 3;
              -webkit-box-orient: vertical; overflow: hidden; }
header.top .swatch { border-color: rgba(255,255,255,0.7); }
nav.toc { position: sticky; top: 0; z-index: 10; background: rgba(255,255,255,0.96);
          border-bottom: 1px solid var(--line);
          backdrop-filter: blur(4px); }
nav.toc .wrap { display: flex; gap: 4px 18px; flex-wrap: wrap; padding-top: 8px; padding-bottom: 8px; font-size: 14px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { padding-bottom: 40px; }
section { margin-top: 30px; }
h2 { font-size: 21px; margin: 0 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 18px 0 6px; }
p.intro { color: var(--muted); margin: 4px 0 14px; max-width: 900px; }
p.note, div.note { color: var(--muted); background: var(--soft); border-left: 3px solid var(--line);
                   padding: 8px 12px; margin: 10px 0; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px;
          vertical-align: baseline; border: 1px solid rgba(0,0,0,0.15); }
.grid { display: grid; grid-template-columns: 1fr; gap: 18px; }
@media (min-width: 1100px) { .grid { grid-template-columns: 1fr 1fr; } .grid .wide { grid-column: 1 / -1; } }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 6px 8px 4px; background: #fff;
         min-width: 0; }
figcaption { color: var(--muted); font-size: 13px; padding: 2px 6px 6px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
table.kpis.single { width: auto; min-width: 50%; }
table caption { text-align: left; color: var(--muted); font-size: 13px; padding-bottom: 6px; caption-side: top; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; white-space: nowrap; background: #fff; }
tbody tr:hover { background: var(--soft); }
th.kpi { font-weight: 500; }
td.unit { color: var(--muted); white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td .v { display: block; font-weight: 600; }
td .ci { display: block; font-size: 12px; color: var(--muted); }
td.diff { border-left: 1px dashed var(--line); }
td.diff.better .v { color: var(--better); }
td.diff.worse .v { color: var(--worse); }
td.diff.changed .v { color: var(--changed); }
td.diff.ns .v { color: var(--muted); font-weight: 500; }
td.muted { color: var(--muted); }
.verdicts h3 { font-size: 15px; margin: 10px 0 4px; }
.verdict-list { margin: 4px 0 12px; padding-left: 18px; font-size: 14px; line-height: 1.5; }
.verdict-list .better { color: var(--better); font-weight: 600; }
.verdict-list .worse { color: var(--worse); font-weight: 600; }
table.kpis.pivot { table-layout: fixed; width: 100%; font-size: 12px; }
table.kpis.pivot th.kpi { width: 170px; white-space: normal; }
table.kpis.pivot td { white-space: normal; overflow-wrap: anywhere; }
table.kpis.pivot th.variant { white-space: normal; word-break: break-word; font-size: 11px; vertical-align: bottom; }
table.kpis.pivot td, table.kpis.pivot th { padding: 3px 4px; }
table.kpis.pivot .ci { font-size: 10px; }
.legend-note { font-size: 13px; color: var(--muted); margin: 8px 0 0; }
.legend-note .better { color: var(--better); font-weight: 600; }
.legend-note .worse { color: var(--worse); font-weight: 600; }
.legend-note .changed { color: var(--changed); font-weight: 600; }
table.changes code { font-size: 13px; white-space: pre-wrap; word-break: break-word; }
table.changes th .words { display: block; font-weight: 400; font-size: 12.5px; color: var(--muted); }
table.changes td { white-space: pre-wrap; word-break: break-word; }
table.changes td.arrow { color: var(--muted); width: 1em; }
details { margin: 12px 0; border: 1px solid var(--line); border-radius: 8px; padding: 6px 12px; }
details > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
.warning { border: 2px solid #b26a00; background: #fff4e0; color: #4a2c00; border-radius: 8px; padding: 12px 16px;
           margin: 20px 0 0; }
.warning strong { display: block; font-size: 16px; margin-bottom: 4px; }
footer { margin-top: 40px; padding: 16px 0 30px; border-top: 1px solid var(--line); color: var(--muted);
         font-size: 13px; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
footer dt { font-weight: 600; }
footer dd { margin: 0; word-break: break-word; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 11pt; }
  header.top { background: none; color: #000; padding: 0 0 8px; border-bottom: 2px solid #000; }
  header.top p, .card .desc, .card .role { color: #333; }
  .card .desc { -webkit-line-clamp: unset; display: block; }
  .card { border-color: #999; background: none; }
  nav.toc { display: none; }
  .wrap { max-width: none; padding: 0; }
  section { break-before: auto; }
  h2 { break-after: avoid; }
  figure, table.kpis tr, .warning { break-inside: avoid; }
  .grid { grid-template-columns: 1fr !important; }
  figure { border: none; padding: 0; }
  .modebar-container { display: none !important; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: 3px 5px; }
  thead th { white-space: normal; }
  td .ci { font-size: 7.5pt; }
  .swatch, td.diff .v { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

# Before printing: open every collapsible block and fit charts to the paper width.
SCRIPT = """
(function () {
  function fit() {
    if (!window.Plotly) { return; }
    document.querySelectorAll('.js-plotly-plot').forEach(function (plot) { window.Plotly.Plots.resize(plot); });
  }
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
    fit();
  });
  window.addEventListener('afterprint', fit);
})();
"""


def figure_html(fig: go.Figure, div_id: str) -> str:
    """A figure's div and its Plotly.newPlot call, without plotly.js (embedded once in the head)."""
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=div_id, config=PLOT_CONFIG,
                       default_width="100%", default_height=f"{int(fig.layout.height or 400)}px", validate=False)


def _block(block: Block, number: int) -> str:
    classes = "wide" if block.wide else "half"
    if block.figure is not None:
        caption = f"<figcaption>{e(block.caption)}</figcaption>" if block.caption else ""
        return f'<figure class="{classes}">{figure_html(block.figure, f"fig-{number}")}{caption}</figure>'
    if block.note is not None:
        return f'<div class="note {classes}">{e(block.note)}</div>'
    return f'<div class="{classes}">{block.html or ""}</div>'


def _pair_halves(blocks: Sequence[Block]) -> list[Block]:
    """Half-width blocks sit two to a row; one left without a partner takes the whole row."""
    result = list(blocks)
    run: list[Block] = []
    for block in [*result, None]:
        if block is not None and not block.wide:
            run.append(block)
            continue
        if len(run) % 2:
            run[-1].wide = True
        run = []
    return result


def render(page: Page) -> str:
    """The whole page as one string of HTML."""
    cards = "".join(
        f'<div class="card">{swatch(c.colour)}<b>{e(c.label)}</b><span class="role">{e(c.role)}</span>'
        + (f'<div class="desc" title="{e(c.description)}">{e(c.description)}</div>' if c.description else "")
        + "</div>"
        for c in page.scenarios
    )
    toc = "".join(f'<a href="#{e(s.anchor)}">{e(s.title)}</a>' for s in page.sections)
    warnings = "".join(
        f'<div class="warning" role="alert"><strong>{e(heading)}</strong>{e(body)}</div>'
        for heading, body in page.warnings
    )
    number = 0
    sections = []
    for section in page.sections:
        blocks = []
        for block in _pair_halves(section.blocks):
            number += 1
            blocks.append(_block(block, number))
        intro = f'<p class="intro">{e(section.intro)}</p>' if section.intro else ""
        sections.append(f'<section id="{e(section.anchor)}"><h2>{e(section.title)}</h2>{intro}'
                        f'<div class="grid">{"".join(blocks)}</div></section>')
    footer = definition_list(page.footer) if page.footer else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ccsim">
<title>{e(page.title)}</title>
<style>{CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<header class="top"><div class="wrap"><h1>{e(page.title)}</h1><p>{e(page.subtitle)}</p>
<div class="cards">{cards}</div></div></header>
<nav class="toc" aria-label="Contents"><div class="wrap">{toc}</div></nav>
<main class="wrap">{warnings}{"".join(sections)}</main>
<footer><div class="wrap">{footer}</div></footer>
<script type="text/javascript">{SCRIPT}</script>
</body>
</html>
"""
