"""The report in a real browser: every chart draws, nothing errs, nothing leaves the page.

Uses Debian's chromium through Playwright. Without /usr/bin/chromium the test is skipped, unless
CCSIM_REQUIRE_BROWSER=1 asks for it to fail instead (for CI machines that must run it). A
full-page screenshot is saved to test-artifacts/ for a human to look at: report.png for three
scenarios, compare-eleven.png for the shipped baseline and its ten policies at 1400 pixels wide
(one simulated day after one warm-up day, two replications, so the default suite stays fast).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ccsim.config.load import load_scenario
from ccsim.experiments.compare import compare, write_comparison
from ccsim.report.build import write_report
from tests.conftest import CONFIGS, ROOT
from tests.test_report import run_comparison

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A name plotly would read as markup if it were not escaped; it must show literally.
ODD_NAME = "rota <b>B</b> & co"
# The shipped baseline and every shipped policy, as `ccsim compare configs/baseline.yaml configs/policies/*.yaml`.
ELEVEN = [CONFIGS / "baseline.yaml", *sorted((CONFIGS / "policies").glob("*.yaml"))]

pytestmark = pytest.mark.browser


def _need_browser():
    if not CHROMIUM.exists():
        if os.environ.get("CCSIM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and CCSIM_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CCSIM_REQUIRE_BROWSER") == "1":
            pytest.fail("playwright is not installed and CCSIM_REQUIRE_BROWSER=1")
        pytest.skip("playwright not installed")
    return sync_playwright


PLOTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
    const svg = plot.querySelector('.main-svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const marks = plot.querySelectorAll(
        '.main-svg .trace, .main-svg .point, .main-svg path.js-line, .main-svg .annotation-text');
    const title = plot.querySelector('.gtitle');
    return {id: plot.id, width: box.width, height: box.height, marks: marks.length,
            title: title ? title.textContent : ''};
})"""
OVERFLOW_JS = """() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth,
    wide: [...document.querySelectorAll('.table-wrap, figure, .verdicts')]
        .filter(el => el.scrollWidth > el.clientWidth + 1)
        .map(el => (el.closest('section') || {id: '?'}).id + ': ' + el.scrollWidth + ' > ' + el.clientWidth)})"""
DRAWN_JS = ("() => { const plots = document.querySelectorAll('.js-plotly-plot');"
            " return plots.length > 0 && [...plots].every(p => p.querySelector('.main-svg')); }")


def test_eleven_scenarios_fit_1400_pixels(tmp_path):
    """The headline, verdicts and money of the baseline and ten policies fit the width; every chart draws."""
    sync_playwright = _need_browser()
    assert len(ELEVEN) == 11
    scenarios = [load_scenario(path, ["horizon.days=1", "horizon.warmup_days=1"]).scenario for path in ELEVEN]
    comparison = compare(scenarios[0], scenarios[1:], replications=2, jobs=1)
    out = tmp_path / "cmp"
    report = write_comparison(out, comparison, {"command": "test"})
    labels = [run.label for run in comparison.runs]
    assert "could not be drawn" not in report.read_text()
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(report.as_uri(), wait_until="load")
            page.wait_for_function(DRAWN_JS, timeout=60_000)
            plots = page.evaluate(PLOTS_JS)
            overflow = page.evaluate(OVERFLOW_JS)
            verdicts = page.locator(".verdict-list li").count()
            headline = page.locator("#summary table.kpis").first.inner_text()
            selectors = page.locator("#wait .updatemenu-container").count()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "compare-eleven.png"), full_page=True)
        finally:
            browser.close()
    assert not errors, f"page errors: {errors}"
    assert overflow["page"] <= overflow["viewport"], overflow
    assert overflow["wide"] == [], overflow
    assert verdicts >= len(ELEVEN) - 1
    # Every scenario is named in the headline; the time-of-day charts offer one variant at a time.
    assert all(label in " ".join(headline.split()) for label in labels), headline[:400]
    assert selectors >= 3
    for plot in plots:
        assert plot["width"] > 200 and plot["height"] > 150, plot
        assert plot["marks"] > 0, f"empty chart: {plot}"


def test_report_renders_offline_in_chromium(tmp_path):
    sync_playwright = _need_browser()
    out = run_comparison(tmp_path / "cmp", names=("baseline", "more first line", ODD_NAME), days=2)
    report = write_report(out)

    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))

            def route(route):
                # Anything but the file itself would be a request leaving the page: record and refuse it.
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    requests.append(route.request.url)
                    route.abort()

            page.route("**/*", route)
            page.goto(report.as_uri(), wait_until="load")
            page.wait_for_function(DRAWN_JS, timeout=30_000)
            figures = page.locator("figure").count()
            plots = page.evaluate(PLOTS_JS)
            legend_texts = page.evaluate(
                "() => [...document.querySelectorAll('.legendtext')].map(t => t.textContent)")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()

    assert not requests, f"the report tried to load: {requests}"
    assert not errors, f"console errors: {errors}"
    assert len(plots) == figures >= 12
    for plot in plots:
        assert plot["width"] > 200 and plot["height"] > 150, plot
        assert plot["marks"] > 0, f"empty chart: {plot}"
        assert plot["title"], f"untitled chart: {plot}"
    assert ODD_NAME in legend_texts, "a scenario name was read as markup instead of shown literally"
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000
