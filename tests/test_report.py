"""The HTML report: built from saved results, self-contained, escaped, and complete when data is optional."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from plotly.offline import get_plotlyjs

from ccsim.config.load import load_scenario
from ccsim.experiments.compare import compare, write_comparison
from ccsim.report import figures as F
from ccsim.report import format_plus_minus, format_signed, kpi_info
from ccsim.report import page as P
from ccsim.report import verdicts as V
from ccsim.report.build import (
    SECTIONS,
    ReportError,
    build_page,
    build_report,
    document_changes,
    load,
    paid_line_enabled,
    show_value,
    write_report,
)
from ccsim.report.changes import hours_minutes
from ccsim.report.context import ReportContext
from ccsim.report.sections import money
from tests.conftest import CONFIGS
from tests.journey_scenarios import two_tier

NASTY = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
def run_comparison(out: Path, *, names=("two tiers", "more first line"), tables: bool = True, days: int = 2) -> Path:
    base = two_tier(horizon={"days": days}, name=names[0], description=f"base of {names[0]}")
    variants = [two_tier(first_line=16 + i, horizon={"days": days}, name=name) for i, name in enumerate(names[1:])]
    comparison = compare(base, variants, replications=2, jobs=1, keep_tables=tables)
    write_comparison(out, comparison, {"command": "test"}, write_tables=tables, report=False)
    return out


def run_shipped(out: Path, files=("baseline.yaml", "policies/difficult_team.yaml", "policies/paid_line.yaml"),
                days: int = 1, replications: int = 2) -> Path:
    """The shipped baseline and policies through the real engine (a short horizon), saved as ``ccsim compare``
    saves them."""
    scenarios = [load_scenario(CONFIGS / f, overrides=[f"horizon.days={days}"]).scenario for f in files]
    comparison = compare(scenarios[0], scenarios[1:], replications=replications, jobs=1)
    write_comparison(out, comparison, {"command": "test"}, report=False)
    return out


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    return run_shipped(tmp_path_factory.mktemp("shipped") / "cmp")


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    return run_comparison(tmp_path_factory.mktemp("report") / "cmp")


def figures_of(page) -> list:
    return [block.figure for section in page.sections for block in section.blocks if block.figure is not None]


# --- building from saved results -----------------------------------------------------------------


def test_report_is_self_contained_and_complete(saved):
    html = build_report(saved)
    # plotly.js embedded exactly once; the page around it fetches nothing from anywhere.
    plotly_js = get_plotlyjs()
    assert html.count(plotly_js) == 1
    # Figure data travels as base64 ("bdata"), where any three letters can turn up by chance.
    page = re.sub(r'"bdata":"[^"]*"', '"bdata":""', html.replace(plotly_js, ""))
    assert page.count("Plotly.newPlot(") >= 12
    assert "<script src" not in page and "cdn" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    for anchor in ("summary", "changes", "tradeoff", "wait", "load", "burnout", "callers", "money"):
        assert f'id="{anchor}"' in html
    assert "more first line" in html and "two tiers" in html
    assert "@media print" in html
    assert "could not be drawn" not in html
    # The variant changes one headcount, and the report says so.
    assert "groups.first_line.staffing.headcount" in html


DIFFERENCE_CELL = re.compile(r'<td class="num diff (\w+)"[^>]*><span class="v">[^<]*'
                             r'(?:<span class="mark" aria-hidden="true">([▲▼])</span>)?</span>')


def test_headline_table_marks_significant_differences(shipped):
    """Each difference cell carries ▲/▼ exactly when its interval excludes zero, pointing with the
    difference, and the cell's colour class follows the measure's preferred direction."""
    loaded, comparison = load([shipped])
    ctx = ReportContext(loaded, comparison)
    assert ctx.paired
    names = [n for n in ("service_level", "asa_s", "abandon_rate", "redial_share", "difficult_share_calls",
                         "burnout_share", "cost_total") if n in ctx.kpi_names()]
    cells = DIFFERENCE_CELL.findall(P.kpi_table(ctx.kpi_rows(names), ctx.cards()))
    assert len(cells) == len(names) * len(ctx.variants)
    expected = []
    for name in names:
        for variant in ctx.variants:
            diff = ctx.differences[variant.label][name]
            significant = diff.excludes_zero and bool(diff.mean)
            mark = ("▲" if diff.mean > 0 else "▼") if significant else ""
            expected.append((kpi_verdict(diff, name) or "ns", mark))
    assert cells == expected
    assert any(mark for _, mark in cells), "no significant difference: the test shows nothing"
    html = build_report(shipped)
    assert "Δ vs baseline" in html
    assert "All " in html and " measures</summary>" in html


def kpi_verdict(diff, name: str) -> str:
    from ccsim.report import judgement

    return judgement(diff.mean, diff.excludes_zero, kpi_info(name))


def test_every_figure_has_title_axes_hover_and_scenario_colours(shipped):
    add = shipped
    loaded, comparison = load([add])
    page = build_page(ReportContext(loaded, comparison))
    figures = figures_of(page)
    assert len(figures) >= 15
    colours = F.scenario_colours([item.label for item in loaded])
    for fig in figures:
        assert fig.layout.title.text, fig
        for trace in fig.data:
            if trace.hoverinfo == "skip":
                continue
            assert trace.hovertemplate, (fig.layout.title.text, trace.name)
            # A trace named after a scenario carries that scenario's colour, in every chart.
            if trace.name in colours and trace.type == "scatter" and trace.mode and "lines" in trace.mode:
                assert trace.line.color == colours[trace.name], fig.layout.title.text
    titles = [fig.layout.title.text for fig in figures]
    assert any("Agent strain by time of day" in t for t in titles)
    assert any("Burnout over the whole horizon" in t for t in titles)
    assert any("Total cost per scenario" in t for t in titles)


def test_time_of_day_charts_have_axis_titles_with_units(saved):
    loaded, comparison = load([saved])
    page = build_page(ReportContext(loaded, comparison))
    for fig in figures_of(page):
        layout = fig.layout
        if "by time of day" in layout.title.text:
            assert "Time of day" in layout.xaxis.title.text
            assert re.search(r"\((%|s|agents|[a-z ]+)\)$", layout.yaxis.title.text), layout.yaxis.title.text


def test_report_from_single_and_several_results_folders(saved, tmp_path):
    single = build_report(saved / "two-tiers")
    assert "Simulation report: two tiers" in single
    assert 'id="changes"' not in single
    several = write_report([saved / "two-tiers", saved / "more-first-line"], tmp_path / "r.html")
    text = several.read_text()
    assert "paired replication by replication" in text
    assert "Δ vs two tiers" in text


def test_unpaired_when_seeds_differ(saved, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(saved / "more-first-line", other)
    document = yaml.safe_load((other / "scenario.yaml").read_text())
    document["seed"] += 1
    (other / "scenario.yaml").write_text(yaml.safe_dump(document))
    html = build_report([saved / "two-tiers", other])
    assert "unpaired (Welch)" in html


def test_report_without_tables_explains_what_is_missing(tmp_path):
    out = run_comparison(tmp_path / "bare", tables=False, days=1)
    html = build_report(out)
    assert "need the per-call tables" in html
    assert "could not be drawn" not in html
    assert "Average speed of answer by time of day" not in html
    assert "Plotly.newPlot(" in html  # KPI charts still drawn from the summaries


def test_user_strings_are_escaped(tmp_path):
    out = run_comparison(tmp_path / "nasty", names=(NASTY, NASTY + " 2"), days=1)
    html = build_report(out)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
    # Figure labels are HTML-escaped for plotly's text renderer, which would otherwise read tags.
    assert '"name":"&lt;script&gt;alert' in html
    folders = [p.name for p in out.iterdir() if p.is_dir()]
    assert all(re.fullmatch(r"[a-z0-9-]+", name) for name in folders), folders


def test_paid_line_shows_the_legal_note(saved, tmp_path):
    copy = tmp_path / "paid"
    shutil.copytree(saved, copy)
    path = copy / "more-first-line" / "scenario.yaml"
    document = yaml.safe_load(path.read_text())
    document["policies"] = {"paid_line": {"enabled": True, "price_per_minute": 0.5}}
    path.write_text(yaml.safe_dump(document))
    html = build_report(copy)
    assert "Legal note" in html and "C-568/15" in html and "reg. 41" in html and "PS15/19" in html
    document["policies"]["paid_line"]["enabled"] = False
    path.write_text(yaml.safe_dump(document))
    assert "Legal note" not in build_report(copy)


@pytest.mark.parametrize(("policies", "expected"), [
    (None, False), ({}, False), ({"paid_line": None}, False), ({"paid_line": {"enabled": False}}, False),
    ({"paid_line": {"enabled": True}}, True), ({"paid_line": {"price": 1}}, True), ({"paid_line": True}, True),
])
def test_paid_line_detection(policies, expected):
    document = {"name": "x"} if policies is None else {"name": "x", "policies": policies}
    assert paid_line_enabled(document) is expected


def test_bad_folders_are_report_errors(tmp_path):
    with pytest.raises(ReportError, match="no such folder"):
        load([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReportError, match="not a ccsim results folder"):
        load([tmp_path / "empty"])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "comparison.json").write_text(json.dumps({"scenarios": [{"label": "x", "folder": "../elsewhere"}]}))
    with pytest.raises(ReportError, match="invalid folder name"):
        load([bad])


def test_money_shows_every_component_with_the_currency(shipped):
    loaded, comparison = load([shipped])
    builder = ReportContext(loaded, comparison)
    section = money.section(builder)
    figures = [b.figure for b in section.blocks if b.figure is not None]
    stacked = next(f for f in figures if "per scenario" in f.layout.title.text)
    components = {t.name for t in stacked.data if t.type == "bar"}
    assert "customers lost" in components, components
    # Every scenario is in the stacked chart, the paid line included, and the parts add up to the total.
    for item in loaded:
        parts = builder.cost_components(item)
        assert parts is not None
        assert sum(parts.values()) == pytest.approx(builder.estimates[item.label]["cost_total"].mean)
    assert "EUR" in stacked.layout.title.text
    others = next(f for f in figures if "Revenue" in f.layout.title.text)
    assert any("Customers lost" in (a.text or "") for a in others.layout.annotations)
    # Money rows of the headline tables carry the currency as their unit.
    rows = {row.info.name: row.info.unit for row in builder.kpi_rows(["cost_total", "revenue", "asa_s"])}
    assert rows == {"cost_total": "EUR", "revenue": "EUR", "asa_s": "s"}


def test_verdicts_and_worst_group_from_paired_intervals(shipped):
    loaded, comparison = load([shipped])
    builder = ReportContext(loaded, comparison)
    verdicts = {v.variant: v for v in builder.verdicts()}
    html = build_report(shipped)
    assert "Verdicts against" in html
    for label, found in verdicts.items():
        for change in found.improvements + found.worsenings:
            difference = builder.differences[label][change.name]
            assert difference.excludes_zero
            preferred = kpi_info(change.name).better
            assert change.better == ((difference.mean < 0) == (preferred == "lower"))
        if not found.improvements and not found.worsenings:
            assert found.line == "no significant change"
    team = next(item for item in loaded if "care_team" in item.doc["groups"])
    worst = V.worst_group(builder.estimates[team.label], list(team.doc["groups"]))
    assert worst is not None and worst[0] == max(
        team.doc["groups"], key=lambda g: builder.estimates[team.label][f"burnout_share_{g}"].mean)
    assert "The group that burns out most" in html
    assert "Burnout" in html or "Duty time above the strain threshold: care team" in html


def test_verdict_wording():
    from ccsim.metrics.stats import Estimate

    found = V.verdict("x", {"burnout_share": Estimate(-0.052, 0.003, -0.058, -0.046, 6),
                            "redial_share": Estimate(0.006, 0.001, 0.004, 0.008, 6),
                            "cost_total": Estimate(-930.0, 40.0, -1010.0, -850.0, 6),
                            "asa_s": Estimate(2.0, 3.0, -4.0, 8.0, 6)}, "EUR")
    assert found.line == ("improves burnout −5.20 points [−5.80, −4.60]; cost −930 EUR [−1,010, −850] — "
                          "worsens redials +0.60 points [+0.40, +0.80]")
    assert V.verdict("y", {"asa_s": Estimate(2.0, 3.0, -4.0, 8.0, 6)}).line == "no significant change"


# --- pieces ---------------------------------------------------------------------------------------


def test_document_changes_reads_like_set_paths():
    base = {"name": "a", "seed": 1, "groups": {"g": {"staffing": {"headcount": [[28800.0, 10.0], [36000.0, 12.0]]},
                                                     "serves": ["q"]}},
            "overflow": [], "transfers": {"mode": "cold"}}
    variant = {"name": "b", "seed": 1, "groups": {"g": {"staffing": {"headcount": [[28800.0, 11.0]]},
                                                        "serves": ["q", "r"]}},
               "overflow": [{"queue": "q", "group": "g", "after": 60.0}], "transfers": {}}
    changes = {c.path: (c.old, c.new) for c in document_changes(base, variant)}
    assert "name" not in changes
    assert changes["groups.g.staffing.headcount"] == ("08:00: 10, 10:00: 12", "08:00: 11")
    assert changes["groups.g.serves"] == ("[q]", "[q, r]")
    assert changes["overflow.0.after"] == ("(not set)", "1 min")  # a duration, in minutes
    assert changes["transfers.mode"] == ("cold", "(not set)")
    assert "overflow" not in changes  # the empty list is implied by its new items
    assert document_changes(base, base) == []


def test_value_display():
    assert show_value(60.0) == "60"
    assert show_value(0.5) == "0.5"
    assert show_value("x" * 500).endswith("…")
    assert show_value({"a": 1}) == "{a: 1}"


def test_difference_formatting():
    share = kpi_info("service_level")
    assert format_plus_minus(0.0041, 0.0016, 0.0066, share) == "+0.41 ± 0.25"
    seconds = kpi_info("asa_s")
    assert format_plus_minus(-4.56, -7.09, -2.03, seconds) == "−4.6 ± 2.5"
    assert format_plus_minus(0.0, None, None, seconds) == "0"
    assert format_signed(321.7, kpi_info("agent_hours"), 0) == "+322"
    assert kpi_info("occupancy_first_line").label == "Occupancy: first line"
    assert kpi_info("something_new").label == "something new"
    assert kpi_info("service_level").clip(1.2) == 1.0
    assert kpi_info("something_new").clip(-3.0) == -3.0


# --- many scenarios, difficult callers, what changed, progress ----------------------------------


def test_line_charts_show_the_baseline_and_one_chosen_variant(shipped):
    loaded, comparison = load([shipped])
    ctx = ReportContext(loaded, comparison)
    labels = [item.label for item in loaded]
    page = build_page(ctx)
    by_clock = [f for f in figures_of(page) if "by time of day" in f.layout.title.text]
    assert by_clock
    for fig in by_clock:
        menu = fig.layout.updatemenus[0]
        assert [b.label for b in menu.buttons] == [f"{labels[0]} vs {v}" for v in labels[1:]]
        for index, button in enumerate(menu.buttons):
            shown = {trace.legendgroup.removesuffix("-required")
                     for trace, visible in zip(fig.data, button.args[0]["visible"]) if visible}
            assert shown == {labels[0], labels[index + 1]}, fig.layout.title.text
        # At first the baseline and the first variant are drawn, the others hidden.
        assert {t.legendgroup.removesuffix("-required") for t in fig.data if t.visible} == set(labels[:2])


def test_every_bar_carries_its_scenario_name(shipped):
    loaded, comparison = load([shipped])
    page = build_page(ReportContext(loaded, comparison))
    names = {F.scenario_name(item.label) for item in loaded}
    bars = [t for fig in figures_of(page) for t in fig.data if t.type == "bar" and t.orientation == "h"]
    assert bars
    for fig in figures_of(page):
        for trace in fig.data:
            if trace.type == "bar" and "Why calls" not in fig.layout.title.text \
                    and "spend their time" not in fig.layout.title.text:
                # Horizontal bars name their scenario on the row; none relies on the legend.
                assert trace.orientation == "h", fig.layout.title.text
                assert set(trace.y) <= names, (fig.layout.title.text, trace.y)


def test_palette_stays_distinct_for_twelve_variants():
    colours = F.scenario_colours([f"s{i}" for i in range(13)])
    assert len(set(colours.values())) == 13
    # Every colour also works as a band's fill (the palette mixes "#rrggbb" and "rgb()" forms).
    assert all(F._rgba(c, 0.15).startswith("rgba(") for c in colours.values())


def test_difficult_callers_section_from_the_engine(shipped):
    loaded, comparison = load([shipped])
    ctx = ReportContext(loaded, comparison)
    html = build_report(shipped)
    assert 'id="difficult"' in html and "Difficult callers" in html
    for name in ("difficult_share_calls", "difficult_share_talk", "difficult_talk_mean_s",
                 "difficult_calls_over_30min", "difficult_calls_over_60min", "difficult_made_by_failure",
                 "difficult_by_nature"):
        assert name in ctx.estimates[ctx.baseline.label], name
        assert f'title="{name}"' in html, name  # a row of the section's table
    estimate = ctx.estimates[ctx.baseline.label]["difficult_share_calls"]
    assert estimate.ci_low is not None and estimate.ci_low <= estimate.mean <= estimate.ci_high
    from ccsim.report.sections import difficult

    section = difficult.section(ctx)
    titles = [b.figure.layout.title.text for b in section.blocks if b.figure is not None]
    assert any("Difficult callers against" in t for t in titles)  # paired differences against the baseline


def test_what_changed_reads_in_hours_minutes_and_words():
    base = load_scenario(CONFIGS / "baseline.yaml").scenario.model_dump(mode="json")
    limit = load_scenario(CONFIGS / "policies" / "call_time_limit.yaml").scenario.model_dump(mode="json")
    changes = {c.path: c for c in document_changes(base, limit)}
    assert changes["policies.call_time_limit.limit"].new == "15 min"
    assert changes["policies.call_time_limit.callback_delay.median"].new == "4 h"
    assert "segments" not in " ".join(changes)  # an empty list on one side, nothing on the other
    assert changes["policies.call_time_limit.limit"].words
    team = load_scenario(CONFIGS / "policies" / "difficult_team.yaml").scenario.model_dump(mode="json")
    shifts = {c.path: c for c in document_changes(base, team)}
    assert shifts["groups.care_team.staffing.shifts.0.length"].new == "8 h 30 min"
    assert shifts["groups.care_team.staffing.shifts.0.start"].new == "08:00"
    assert not any("headcount_by_weekday" in p for p in shifts)
    assert show_value("after_cut_off") == "after cut off"


@pytest.mark.parametrize(("seconds", "words"), [(20, "20 s"), (90, "1 min 30 s"), (900, "15 min"), (3600, "1 h"),
                                                (30600, "8 h 30 min"), (86400 * 2, "2 days"), (0.5, "0.5 s")])
def test_hours_minutes(seconds, words):
    assert hours_minutes(seconds) == words


def test_one_scenario_report_has_no_one_bar_charts(shipped):
    loaded, _ = load([shipped / "baseline"])
    page = build_page(ReportContext(loaded))
    for fig in figures_of(page):
        for trace in fig.data:
            if trace.type == "bar":
                assert len(trace.x if trace.orientation != "h" else trace.y) > 1, fig.layout.title.text


def test_building_the_report_reports_each_step(saved, tmp_path):
    steps: list[tuple[str, int, int]] = []
    write_report(saved, tmp_path / "r.html", lambda step, number, of: steps.append((step, number, of)))
    assert [s[0] for s in steps] == ["reading the results", *(name for name, _ in SECTIONS), "writing the page"]
    assert [s[1] for s in steps] == list(range(len(steps)))
    assert {s[2] for s in steps} == {len(steps)}


def test_the_report_does_not_import_the_comparison_runner():
    """No import cycle between ccsim.experiments.compare (which writes reports) and the report: nothing
    the report's builder imports, at the top of a module or inside a function, leads back to it."""
    import ast

    from tests.conftest import ROOT

    def imports_of(module: str) -> set[str]:
        path = ROOT / Path(*module.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        if not path.exists():
            return set()
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ccsim"):
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name.startswith("ccsim")}
        return found

    # The package itself ("ccsim", the public API) imports everything; a module is judged by its own imports.
    seen, todo = {"ccsim"}, ["ccsim.report.build"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(imports_of(module) - seen)
    assert "ccsim.experiments.compare" not in seen
    assert "ccsim.results.names" in seen and "ccsim.metrics.paired" in seen


def test_every_measure_the_sections_name_is_emitted_and_catalogued(shipped):
    """The report asks only for measures the engine emits (here: the baseline, the difficult team and the
    paid line through the real engine) and the catalogue describes, filed under the section's topic."""
    from ccsim.metrics.catalogue import HEADLINE_KPIS, is_known
    from ccsim.report.context import COST_COMPONENTS
    from ccsim.report.sections import burnout, callers, difficult

    loaded, _ = load([shipped])
    emitted = set().union(*(item.estimates() for item in loaded))
    named = {"burnout": burnout.BURNOUT_KPIS, "callers": callers.CALLER_KPIS, "money": money.MONEY_KPIS,
             "difficult": difficult.SHARES + difficult.HOLD + difficult.CAUSES}
    for topic, names in named.items():
        for name in names:
            assert is_known(name) and name in emitted, name
            assert kpi_info(name).topic == topic, (name, kpi_info(name).topic)
    for name in [*HEADLINE_KPIS, *COST_COMPONENTS]:
        assert is_known(name) and name in emitted, name
