"""Bad input: one clear message (file, line, field, what is allowed), exit code 2, no traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccsim.cli import app

runner = CliRunner()

GOOD = textwrap.dedent(
    """\
    name: small
    horizon:
      days: 1
    arrivals:
      daily_volume: 500
    segments:
      regular:
        share: 0.75
        patience: {dist: exponential, mean: 240s}
        talk_time: {dist: lognormal, mean: 5min, cv: 1.1}
      priority:
        share: 0.25
        patience: {dist: exponential, mean: 600s}
        talk_time: {dist: lognormal, mean: 5min, cv: 1.1}
    queues:
      main: {}
    groups:
      first_line:
        serves: [main]
        staffing: {headcount: 6}
    """
)


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def validate(*args: str):
    result = runner.invoke(app, ["validate", *args])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


def assert_user_error(code: int, output: str, *fragments: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"


def test_good_file_validates(tmp_path):
    code, output = validate(str(write(tmp_path, GOOD)))
    assert code == 0, output
    assert "ok" in output


def test_missing_file(tmp_path):
    code, output = validate(str(tmp_path / "nope.yaml"))
    assert_user_error(code, output, "nope.yaml", "file not found")


def test_broken_yaml_names_the_line(tmp_path):
    path = write(tmp_path, GOOD.replace("  days: 1", "  days: [1"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:", "YAML syntax error")


def test_unknown_key_suggests_the_nearest(tmp_path):
    path = write(tmp_path, GOOD.replace("staffing: {headcount: 6}", "staffing: {hedcount: 6}"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:20", "groups.first_line.staffing.hedcount",
                      "did you mean 'headcount'")


def test_unknown_distribution_parameter_lists_allowed_keys(tmp_path):
    path = write(tmp_path, GOOD.replace("{dist: exponential, mean: 240s}", "{dist: exponential, maen: 240s}"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:9", "maen", "did you mean 'mean'", "Allowed keys here: dist, mean")


def test_unknown_distribution_family(tmp_path):
    path = write(tmp_path, GOOD.replace("dist: lognormal, mean: 5min, cv: 1.1}\n  priority",
                                        "dist: lognormul, mean: 5min, cv: 1.1}\n  priority"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:10", "lognormul", "did you mean 'lognormal'")


def test_wrong_type(tmp_path):
    path = write(tmp_path, GOOD.replace("days: 1", "days: many"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:3", "horizon.days", "integer")


def test_negative_volume(tmp_path):
    path = write(tmp_path, GOOD.replace("daily_volume: 500", "daily_volume: -5"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:5", "arrivals.daily_volume", "greater than 0")


def test_zero_mean_talk_time(tmp_path):
    path = write(tmp_path, GOOD.replace("mean: 5min, cv: 1.1}\n  priority", "mean: 0, cv: 1.1}\n  priority"))
    code, output = validate(str(path))
    assert_user_error(code, output, "segments.regular.talk_time.mean", "greater than 0")


def test_shares_must_sum_to_one(tmp_path):
    path = write(tmp_path, GOOD.replace("share: 0.25", "share: 0.5"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:6", "segments", "shares must sum to 1", "1.25")


def test_impossible_distribution_parameters(tmp_path):
    path = write(tmp_path, GOOD.replace("{dist: lognormal, mean: 5min, cv: 1.1}\n  priority",
                                        "{dist: lognormal, mean: 5min}\n  priority"))
    code, output = validate(str(path))
    assert_user_error(code, output, "segments.regular.talk_time", "lognormal needs exactly one of")


def test_bad_duration_unit(tmp_path):
    path = write(tmp_path, GOOD.replace("mean: 240s", "mean: 240 parsecs"))
    code, output = validate(str(path))
    assert_user_error(code, output, "segments.regular.patience.mean", '"4.5min"')


def test_queue_served_by_no_group(tmp_path):
    path = write(tmp_path, GOOD.replace("  main: {}", "  main: {}\n  complaints: {}"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:17", "queues.complaints: served by no agent group")


def test_group_serving_unknown_queue(tmp_path):
    path = write(tmp_path, GOOD.replace("serves: [main]", "serves: [main, mian]"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:19", "unknown queue 'mian'")


def test_duplicate_key(tmp_path):
    path = write(tmp_path, GOOD.replace("  days: 1", "  days: 1\n  days: 2"))
    code, output = validate(str(path))
    assert_user_error(code, output, "scenario.yaml:4", "horizon.days", "given twice")


def test_extends_and_error_in_the_variant_names_the_variant(tmp_path):
    write(tmp_path, GOOD, "base.yaml")
    variant = write(tmp_path, "extends: base.yaml\ngroups:\n  first_line:\n    staffing: {headcount: -1}\n",
                    "variant.yaml")
    code, output = validate(str(variant))
    assert_user_error(code, output, "variant.yaml:4", "groups.first_line.staffing.headcount", ">= 0")


def test_extends_missing_parent(tmp_path):
    variant = write(tmp_path, "extends: nowhere.yaml\n", "variant.yaml")
    code, output = validate(str(variant))
    assert_user_error(code, output, "variant.yaml:1", "nowhere.yaml")


def test_bad_set_override(tmp_path):
    path = write(tmp_path, GOOD)
    code, output = validate(str(path), "--set", "horizon.days=zero")
    assert_user_error(code, output, "--set horizon.days=zero", "horizon.days")


def test_set_override_applies(tmp_path):
    path = write(tmp_path, GOOD)
    code, output = validate(str(path), "--set", "horizon.days=3")
    assert code == 0 and "3 day(s)" in output


@pytest.mark.parametrize("interval", ["7min", "45min"])
def test_interval_must_be_allowed(tmp_path, interval):
    path = write(tmp_path, GOOD.replace("  days: 1", f"  days: 1\n  interval: {interval}"))
    code, output = validate(str(path))
    assert_user_error(code, output, "horizon", "interval must be one of")


def test_run_refuses_non_empty_output(tmp_path):
    path = write(tmp_path, GOOD)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "not empty" in result.output + result.stderr
    assert (out / "keep.txt").read_text() == "precious"
