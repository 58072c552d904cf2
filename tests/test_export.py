"""`ccsim export` and `ccsim --version`, as a user meets them: real runs, read back by pandas."""

from __future__ import annotations

from importlib.metadata import version

import pandas as pd
import pytest
from typer.testing import CliRunner

from ccsim.cli import app
from ccsim.results import read_results
from tests.test_staff import SMALL_YAML

runner = CliRunner()


def cli(*args: str):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    scenario = root / "small.yaml"
    scenario.write_text(SMALL_YAML.replace("days: 1", "days: 8").replace('{mon: "08:00-12:00"}',
                                                                        '{mon: "08:00-12:00", tue: "08:00-12:00"}'))
    code, output = cli("run", str(scenario), "--out", str(root / "run"), "-r", "2", "-j", "1", "--no-report")
    assert code == 0, output
    code, output = cli("staff", str(scenario), "--target", "80/20", "--out", str(root / "staff"), "-r", "2",
                       "-j", "1")
    assert code == 0, output
    return root


def test_version_is_the_package_metadata_everywhere(small_run):
    code, output = cli("--version")
    assert code == 0 and output.strip() == f"ccsim {version('ccsim')}"
    assert read_results(small_run / "run").provenance["environment"]["ccsim"] == version("ccsim")


def test_parquet_tables_carry_timestamps_beside_seconds(small_run):
    run = read_results(small_run / "run")
    legs = run.table("legs")
    answered = legs.dropna(subset=["t_answer"])
    expected = pd.Timestamp("2026-01-05") + pd.to_timedelta(answered["t_answer"], unit="s")
    assert (abs(answered["answer_at"] - expected) < pd.Timedelta(milliseconds=1)).all()
    intervals = run.table("intervals")
    assert intervals["start_at"].iloc[0] == pd.Timestamp("2026-01-05 08:00")
    assert set(run.table("agent_days")["date"].dt.strftime("%a")) <= {"Mon", "Tue"} or run.table("agent_days").empty


def test_excel_and_csv_open_in_pandas_with_real_timestamps_and_conserve_calls(small_run):
    folder = small_run / "run"
    code, output = cli("export", str(folder), "--format", "xlsx", "--requirements", str(small_run / "staff"))
    assert code == 0, output
    sheets = pd.read_excel(folder / "interval-report.xlsx", sheet_name=None)
    assert list(sheets) == ["intervals", "days", "weeks", "about"]
    intervals, days, weeks = sheets["intervals"], sheets["days"], sheets["weeks"]
    assert pd.api.types.is_datetime64_any_dtype(intervals["interval_start"])
    assert intervals["interval_start"].iloc[0] == pd.Timestamp("2026-01-05 08:00")
    assert set(intervals["weekday"]) == {"Mon", "Tue"}
    assert list(weeks["week_start"].drop_duplicates()) == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-12")]
    # Every queue visit is counted once: offered in the report times replications is every leg.
    legs = read_results(folder).table("legs")
    queue = intervals[intervals["level"] == "queue"]
    assert queue["offered"].sum() * 2 == pytest.approx(len(legs))
    assert days.loc[days["level"] == "queue", "offered"].sum() == pytest.approx(queue["offered"].sum())
    assert weeks.loc[weeks["level"] == "queue", "handled"].sum() == pytest.approx(queue["handled"].sum())
    # ASA pools waits: a day's ASA is total wait over total answered of its intervals.
    answered = legs[legs["outcome"] == "answered"]
    monday = answered[answered["t_enqueue"] < 86400]
    first_day = days[(days["level"] == "queue") & (days["date"] == pd.Timestamp("2026-01-05"))]
    assert first_day["asa_s"].iloc[0] == pytest.approx(monday["wait_s"].mean(), abs=0.06)
    # Agents: required comes from the staffing run, for every open interval of the group.
    requirements = pd.read_csv(small_run / "staff" / "requirements.csv")
    groups = intervals[intervals["level"] == "group"]
    mondays = groups[groups["weekday"] == "Mon"]
    want = requirements[requirements["day"] == "mon"].set_index("time")["simulated"]
    got = mondays.set_index(mondays["interval_start"].dt.strftime("%H:%M"))["agents_required"]
    got = got.groupby(level=0).first()
    assert got[want.index].to_dict() == pytest.approx(want.to_dict())
    assert got.drop(want.index).isna().all()  # agents still on after closing: no requirement there
    open_hours = groups["interval_start"].dt.hour < 12
    assert (groups.loc[open_hours, "agents_scheduled"] == 8).all() and (groups["occupancy"].between(0, 1)).all()

    code, output = cli("export", str(folder), "--format", "csv", "--out", str(small_run / "report.csv"))
    assert code == 0, output
    table = pd.read_csv(small_run / "report.csv", parse_dates=["interval_start", "interval_end"])
    assert table["interval_start"].iloc[0] == pd.Timestamp("2026-01-05 08:00")
    assert table["agents_required"].isna().all()  # no staffing run given: unknown, not zero
    pd.testing.assert_series_equal(table["offered"], intervals["offered"], check_dtype=False)
    assert (small_run / "report-days.csv").exists() and (small_run / "report-weeks.csv").exists()


@pytest.mark.parametrize("args, fragment", [
    (["--format", "pdf"], "use one of csv, xlsx"),
    (["--requirements", "nowhere"], "requirements.csv"),
])
def test_bad_export_requests_give_one_message_and_exit_code_2(small_run, args, fragment):
    code, output = cli("export", str(small_run / "run"), "--out", str(small_run / "x.xlsx"), *args)
    assert code == 2 and fragment in output and "Traceback" not in output


def test_export_refuses_a_folder_that_is_not_results_and_existing_files(small_run):
    code, output = cli("export", str(small_run / "staff"))
    assert code == 2 and "not a results folder" in output
    code, output = cli("export", str(small_run / "run"), "--format", "xlsx")
    assert code == 2 and "--overwrite" in output


def test_terminal_tables_show_money_in_the_currency_and_keep_long_names(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SMALL_YAML.replace("name: small", "name: a small desk with a rather long scenario name "
                                                          "for the planners"))
    code, output = cli("run", str(scenario), "--out", str(tmp_path / "r"), "-j", "1", "--no-report",
                       "--set", "costs.currency=GBP")
    assert code == 0, output
    cost_row = next(line for line in output.splitlines() if line.strip().startswith("cost_total"))
    assert "GBP" in cost_row
    assert "a small desk with a rather long scenario name for the planners" in output
