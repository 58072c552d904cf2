"""Policy comparison: common random numbers, paired differences, the comparison folder and `ccsim compare`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ccsim.cli import app
from ccsim.experiments.compare import (
    compare,
    crn_width_ratio,
    paired_differences,
    slugify,
    unique_labels,
    unique_slugs,
    write_comparison,
)
from ccsim.results import read_results
from tests.conftest import CONFIGS, mmn
from tests.journey_scenarios import two_tier

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


# --- names and folders -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b\\c", "", "   ", "CON", "nul", "Überlauf à 60 s",
                                  "日本語", "x" * 300, ".hidden", "-dash-", "tab\tand\nnewline"])
def test_slugs_are_safe_folder_names(name):
    slug = slugify(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert len(slug) <= 60
    assert slug not in {"con", "nul", "prn", "aux"}


def test_slugs_are_unique_even_when_names_collide():
    names = ["Baseline", "baseline", "BASELINE!", "base line", "base-line", "", "日本"]
    slugs = unique_slugs(names)
    assert len(set(slugs)) == len(slugs)
    assert slugs[:3] == ["baseline", "baseline-2", "baseline-3"]
    assert slugify("Überlauf nach 60 s") == "uberlauf-nach-60-s"


def test_labels_are_made_unique_with_hints():
    assert unique_labels(["a", "b"], ["x", "y"]) == ["a", "b"]
    assert unique_labels(["base", "base"], ["baseline", "more"]) == ["base", "base (more)"]
    assert unique_labels(["s", "s", "s"], ["f", "f", "f"]) == ["s", "s (f)", "s (f) #2"]


# --- statistics ----------------------------------------------------------------------------------


def test_paired_intervals_are_narrower_than_unpaired(record_property):
    # One more agent on a stationary queue: a small policy change, measured with the same callers.
    base = mmn(rate_per_hour=300, agents=27, days=1, warmup=3600, name="27 agents")
    more = mmn(rate_per_hour=300, agents=28, days=1, warmup=3600, name="28 agents", seed=99)
    comparison = compare(base, [more], replications=8, jobs=1, keep_tables=False)
    variant = comparison.variants[0]
    # The variant ran on the baseline's seed, so both saw exactly the same arrivals.
    assert variant.scenario.seed == base.seed
    assert comparison.differences["28 agents"]["offered"].paired.mean == 0.0
    ratios = {kpi: crn_width_ratio(comparison, kpi)["28 agents"] for kpi in ("asa_s", "service_level", "abandon_rate")}
    print(f"paired/unpaired 95 % interval width, 8 replications: {ratios}")
    for kpi, ratio in ratios.items():
        record_property(f"crn_width_ratio_{kpi}", round(ratio, 4))
        assert ratio < 0.6, f"{kpi}: common random numbers should narrow the interval a lot, ratio {ratio:.2f}"
    asa = comparison.differences["28 agents"]["asa_s"]
    assert asa.paired.excludes_zero and asa.paired.mean < 0
    assert abs(asa.paired.mean - asa.unpaired.mean) < 1e-9  # same point estimate, narrower interval


def test_identical_scenarios_differ_by_exactly_zero():
    scenario = two_tier(horizon={"days": 1})
    comparison = compare(scenario, [scenario], replications=3, jobs=1, keep_tables=False)
    assert [run.label for run in comparison.runs] == ["two tiers", "two tiers (2)"]
    differences = comparison.differences["two tiers (2)"]
    assert len(differences) > 40
    for kpi, difference in differences.items():
        paired = difference.paired
        if paired.mean is None:  # a KPI undefined in every replication (NaN) has nothing to compare
            continue
        assert paired.mean == 0.0, kpi
        assert paired.ci_low == 0.0 and paired.ci_high == 0.0, kpi
        assert not paired.excludes_zero, kpi


def test_paired_differences_use_common_replications_only():
    base = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}, index=pd.Index([0, 1, 2, 3], name="replication"))
    variant = pd.DataFrame({"x": [2.0, 3.0, 5.0], "only_here": [1.0, 1.0, 1.0]},
                           index=pd.Index([0, 1, 2], name="replication"))
    differences = paired_differences(base, variant)
    assert set(differences) == {"x"}
    assert differences["x"].paired.n == 3
    assert differences["x"].paired.mean == pytest.approx((1 + 1 + 2) / 3)


def test_compare_needs_a_variant_and_unique_labels():
    scenario = mmn(days=1)
    with pytest.raises(ValueError, match="at least one variant"):
        compare(scenario, [], replications=2, jobs=1)
    with pytest.raises(ValueError, match="unique"):
        compare(scenario, [scenario], replications=1, jobs=1, labels=["same", "same"])


def test_parallel_comparison_equals_serial():
    base, variant = two_tier(horizon={"days": 1}), two_tier(first_line=16, horizon={"days": 1}, name="16 first line")
    serial = compare(base, [variant], replications=2, jobs=1, keep_tables=False)
    parallel = compare(base, [variant], replications=2, jobs=2, keep_tables=False)
    for a, b in zip(serial.runs, parallel.runs):
        assert [r.kpis for r in a.results] == [r.kpis for r in b.results]


# --- the comparison folder ----------------------------------------------------------------------


def test_comparison_folder_layout(tmp_path):
    base = two_tier(horizon={"days": 1})
    variant = two_tier(first_line=16, horizon={"days": 1}, name="16 first line / more")
    comparison = compare(base, [variant], replications=2, jobs=1)
    report = write_comparison(tmp_path, comparison, {"command": "test"})
    assert report == tmp_path / "report.html" and report.exists()
    document = json.loads((tmp_path / "comparison.json").read_text())
    assert document["baseline"] == "two tiers"
    assert document["variants"] == ["16 first line / more"]
    assert [s["folder"] for s in document["scenarios"]] == ["two-tiers", "16-first-line-more"]
    difference = document["differences"]["16 first line / more"]["asa_s"]
    assert set(difference) >= {"mean", "se", "ci_low", "ci_high", "n", "excludes_zero"}
    assert difference["n"] == 2
    for entry in document["scenarios"]:
        saved = read_results(tmp_path / entry["folder"])
        assert saved.summary["scenario"] == entry["label"]
        assert saved.scenario["seed"] == base.seed
        assert (tmp_path / entry["folder"] / "tables" / "intervals.parquet").exists()
    table = pd.read_csv(tmp_path / "comparison.csv")
    expected = {"variant", "metric", "difference", "ci_low", "ci_high", "excludes_zero", "width_ratio"}
    assert expected <= set(table.columns)
    assert set(table["variant"]) == {"16 first line / more"}


# --- the command ---------------------------------------------------------------------------------


def test_cli_compare_writes_results_table_and_report(tmp_path):
    out = tmp_path / "cmp"
    variant = CONFIGS / "examples" / "overflow_to_experts.yaml"
    code, output = invoke("compare", str(CONFIGS / "baseline.yaml"), str(variant), "--set", "horizon.days=1",
                          "-r", "2", "--jobs", "1", "--out", str(out))
    assert code == 0, output
    assert "against baseline" in output
    assert "service_level" in output and "asa_s" in output
    # A row carries ▲/▼ exactly when the paired interval of its difference excludes zero.
    differences = json.loads((out / "comparison.json").read_text())["differences"]
    (per_kpi,) = differences.values()
    rows = {line.split()[0]: line for line in output.splitlines() if line.split() and line.split()[0] in per_kpi}
    assert {"service_level", "asa_s"} <= set(rows)
    for name, line in rows.items():
        diff = per_kpi[name]
        significant = bool(diff["excludes_zero"] and diff["mean"])
        mark = ("▲" if diff["mean"] > 0 else "▼") if significant else None
        assert (mark in line if mark else not ("▲" in line or "▼" in line)), (name, line, diff)
    assert (out / "report.html").exists()
    assert "report: step 1 of" in output  # building the report shows its steps
    assert (out / "baseline" / "summary.json").exists()
    assert (out / "overflow-to-experts-after-60-s" / "tables" / "legs.parquet").exists()
    provenance = json.loads((out / "baseline" / "provenance.json").read_text())
    assert provenance["replications_done"] == [0, 1]
    assert provenance["label"] == "baseline"


def test_cli_compare_same_file_twice_gives_zero_differences(tmp_path):
    out = tmp_path / "same"
    baseline = str(CONFIGS / "baseline.yaml")
    code, output = invoke("compare", baseline, baseline, "--set", "horizon.days=1", "-r", "2", "--jobs", "1",
                          "--no-tables", "--out", str(out))
    assert code == 0, output
    document = json.loads((out / "comparison.json").read_text())
    assert document["variants"] == ["baseline (baseline)"]
    for kpi, difference in document["differences"]["baseline (baseline)"].items():
        if difference["mean"] is not None:
            assert difference["mean"] == 0.0, kpi
            assert not difference["excludes_zero"], kpi
    assert not (out / "baseline" / "tables").exists()
    assert "need the per-call tables" in (out / "report.html").read_text()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["BASE"], "needs a baseline and at least one variant"),
        (["BASE", "missing.yaml"], "file not found"),
        (["BASE", "BASE", "--set", "horizon.days=-1"], "horizon.days"),
        (["BASE", "BASE", "--set", "nonsense"], "expected dotted.path=value"),
    ],
)
def test_cli_compare_bad_input_is_one_clear_message(tmp_path, args, fragment):
    args = [str(CONFIGS / "baseline.yaml") if a == "BASE" else str(tmp_path / a) if a.endswith(".yaml") else a
            for a in args]
    code, output = invoke("compare", *args, "--out", str(tmp_path / "out"))
    assert code == 2, output
    assert "Traceback" not in output
    assert fragment in output


def test_cli_compare_refuses_a_non_empty_folder(tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "something.txt").write_text("keep me")
    baseline = str(CONFIGS / "baseline.yaml")
    code, output = invoke("compare", baseline, baseline, "--out", str(out))
    assert code == 2
    assert "--overwrite" in output


# --- `ccsim report` ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved_comparison(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("saved") / "cmp"
    base = two_tier(horizon={"days": 1})
    comparison = compare(base, [two_tier(first_line=16, horizon={"days": 1}, name="more first line")],
                         replications=2, jobs=1)
    write_comparison(out, comparison, {"command": "test"}, report=False)
    return out


def test_cli_report_rebuilds_from_a_comparison_folder(saved_comparison):
    code, output = invoke("report", str(saved_comparison))
    assert code == 0, output
    html = (saved_comparison / "report.html").read_text()
    assert "Policy comparison" in html and "more first line" in html


def test_cli_report_from_results_folders(saved_comparison, tmp_path):
    single = tmp_path / "single.html"
    code, output = invoke("report", str(saved_comparison / "two-tiers"), "--out", str(single))
    assert code == 0, output
    assert "Simulation report: two tiers" in single.read_text()
    pair = tmp_path / "pair.html"
    code, output = invoke("report", str(saved_comparison / "two-tiers"), str(saved_comparison / "more-first-line"),
                          "--out", str(pair))
    assert code == 0, output
    assert "paired replication by replication" in pair.read_text()


@pytest.mark.parametrize("case", ["missing", "not_results", "out_is_folder"])
def test_cli_report_bad_input(saved_comparison, tmp_path, case):
    if case == "missing":
        args, fragment = [str(tmp_path / "nowhere")], "no such folder"
    elif case == "not_results":
        (tmp_path / "empty").mkdir()
        args, fragment = [str(tmp_path / "empty")], "not a ccsim results folder"
    else:
        args, fragment = [str(saved_comparison), "--out", str(tmp_path)], "is a folder"
    code, output = invoke("report", *args)
    assert code == 2, output
    assert "Traceback" not in output
    assert fragment in output
