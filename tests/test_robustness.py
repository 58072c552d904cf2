"""Each way bad input once crashed ccsim or was accepted, as a one-change scenario (fast)."""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccsim import units
from ccsim.cli import app
from ccsim.config.types import StrictModel, _admits_bool

GOOD = textwrap.dedent(
    """\
    name: small
    horizon:
      days: 1
    arrivals:
      daily_volume: 300
    segments:
      regular:
        share: 1
        patience: {dist: exponential, mean: 240s}
        talk_time: {dist: lognormal, mean: 5min, cv: 1.1}
    queues:
      main: {}
    groups:
      first_line:
        serves: [main]
        staffing: {headcount: 6}
    """
)


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    return result.exit_code, output


def validate(tmp_path: Path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return invoke("validate", str(path))


def one_message(output: str) -> bool:
    """One distinct error line (the runner may show stderr twice: mixed into the output and on its own)."""
    return len({line for line in output.splitlines() if line.startswith("error:")}) == 1


def refused(tmp_path: Path, text: str, *fragments: str) -> str:
    code, output = validate(tmp_path, text)
    assert code == 2, output
    assert output.startswith("error: "), output
    for fragment in fragments:
        assert fragment in output, output
    return output


# 1. Numbers that are not numbers
@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("daily_volume: 300", "daily_volume: .inf", "finite"),
    ("daily_volume: 300", "daily_volume: .nan", "finite"),
    ("daily_volume: 300", "daily_volume: true", "yes/no"),
    ("daily_volume: 300", "daily_volume: 1e300", "less than or equal"),
    ("mean: 240s", "mean: 1e999s", "finite"),
    ("mean: 240s", "mean: 99999d", "ten years"),
    ("headcount: 6", "headcount: .inf", "finite"),
    ("talk_time: {dist: lognormal, mean: 5min, cv: 1.1}", "talk_time: {dist: weibull, shape: 0.001, mean: 5min}",
     "greater than or equal"),
    ("talk_time: {dist: lognormal, mean: 5min, cv: 1.1}", "talk_time: {dist: empirical, values: [60, .nan]}",
     "finite"),
    ("serves: [main]", "serves: [main]\n    talk_time_factor: .inf", "finite"),
])
def test_numbers_are_finite_and_physical(tmp_path, old, new, fragment):
    refused(tmp_path, GOOD.replace(old, new), fragment)


def test_every_numeric_field_refuses_yes_no_values():
    """A field added later gets the check too: every model inherits it from StrictModel."""
    def models(cls):
        yield cls
        for sub in cls.__subclasses__():
            yield from models(sub)
    numeric = [(m, n) for m in models(StrictModel) for n, f in m.model_fields.items() if f.annotation in (int, float)]
    assert numeric and all(not _admits_bool(m.model_fields[n].annotation) for m, n in numeric)


def test_numeric_fields_have_upper_bounds():
    from ccsim.config.scenario import Scenario
    unbounded = []

    def walk(schema, root, where):
        schema = root["$defs"][schema["$ref"].split("/")[-1]] if "$ref" in schema else schema
        for name, prop in schema.get("properties", {}).items():
            options = prop.get("anyOf", [prop])
            if any(o.get("type") in ("number", "integer") and "maximum" not in o and "exclusiveMaximum" not in o
                   for o in options):
                unbounded.append(f"{where}.{name}")
    root = Scenario.model_json_schema()
    for name, definition in root["$defs"].items():
        walk(definition, root, name)
    # Headcounts are bounded for the whole scenario (MAX_AGENTS), in Scenario's checks.
    assert set(unbounded) <= {"Shift.headcount", "Staffing.headcount"}, unbounded


# 2. Every form of a field is checked
@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("headcount: 6", "headcount: [[0, -3]]", ">= 0"),
    ("headcount: 6", "headcount: [[0, null]]", "must be a number"),
    ("days: 1", 'days: 1\n  opening_hours: {mon: ["20:00", "08:00"]}', "closing time must be after"),
    ("days: 1", "days: 1\n  warmup: 2d", "warmup"),
    ("queues:", "customer_base: {size: 10, segment_sizes: {regular: 50}}\nqueues:", "customer_base.size"),
    ("queues:", "policies: {call_time_limit: {transfer_to: nowhere}}\nqueues:", "unknown queue 'nowhere'"),
])
def test_every_form_and_cross_field_rule(tmp_path, old, new, fragment):
    refused(tmp_path, GOOD.replace(old, new), fragment)


# 3. Hostile YAML
@pytest.mark.parametrize(("text", "fragment"), [
    ("a: &a [*a]\n", "alias"),
    ("x: " + "[" * 5000 + "]" * 5000 + "\n", "nested"),
    ("".join(f"{c}: &{c} [{','.join(['*' + p] * 9) if p else ','.join(['lol'] * 9)}]\n"
             for p, c in zip(["", *"abcdefgh"], "abcdefghi")), "aliases are expanded"),
    (GOOD.replace("days: 1", "days: 1\n  start_date: 2026-13-45"), "not a valid"),
    (GOOD.replace("daily_volume: 300", "daily_volume: !!float abc"), "not a valid float"),
])
def test_hostile_yaml_is_refused_quickly(tmp_path, text, fragment):
    started = time.perf_counter()
    refused(tmp_path, text, fragment)
    assert time.perf_counter() - started < 10


def test_misspelt_null_in_a_variant_is_an_unknown_key(tmp_path):
    (tmp_path / "base.yaml").write_text(GOOD)
    (tmp_path / "v.yaml").write_text("extends: base.yaml\nredails: null\n")
    code, output = invoke("validate", str(tmp_path / "v.yaml"))
    assert code == 2 and "unknown key 'redails'" in output and "redials" in output


# 4. Messages are text, not markup
@pytest.mark.parametrize("name", ["'[/]'", "':x: [bold]b'"])
def test_markup_in_names_is_printed_as_text(tmp_path, name):
    code, output = validate(tmp_path, GOOD.replace("name: small", f"name: {name}"))
    assert code == 0 and name.strip("'") in output.replace("\n", "")
    output = refused(tmp_path, GOOD + f"{name}: 1\n", "unknown key")
    assert name.strip("'") in output.replace("\n", "")


# 5. Files named in a scenario
@pytest.mark.parametrize("file", ["../../../../../../etc/passwd", "/dev/zero", "missing.csv"])
def test_empirical_files_are_read_safely(tmp_path, file):
    output = refused(tmp_path, GOOD.replace("talk_time: {dist: lognormal, mean: 5min, cv: 1.1}",
                                            f"talk_time: {{dist: empirical, file: {file}}}"))
    assert "root:" not in output


def test_empirical_paths_stay_in_the_scenario_folder_unless_absolute(tmp_path):
    (tmp_path / "talk.csv").write_text("seconds\n240\n300\n360\n")
    (tmp_path / "scenarios" / "data").mkdir(parents=True)
    (tmp_path / "scenarios" / "data" / "talk.csv").write_text("seconds\n240\n300\n")

    def with_file(name: str) -> str:
        return GOOD.replace("talk_time: {dist: lognormal, mean: 5min, cv: 1.1}",
                            f"talk_time: {{dist: empirical, file: '{name}'}}")

    folder = tmp_path / "scenarios"
    for climbing in ("../talk.csv", "data/../../talk.csv"):
        code, output = validate(folder, with_file(climbing))
        assert code == 2 and "must stay inside the scenario's folder" in output, output
    for allowed in ("data/talk.csv", "./data/../data/talk.csv", str(tmp_path / "talk.csv")):
        code, output = validate(folder, with_file(allowed))
        assert code == 0, output


# 6. Output folders
LOG = Path(__file__).resolve().parent.parent / "data" / "anonymous_bank_1999-02-01_14.tsv.gz"
EXPERIMENT = "name: e\nbase: s.yaml\nreplications: 2\nfactors: {groups.first_line.staffing.headcount: [6, 7]}\n"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("run")
    (folder / "s.yaml").write_text(GOOD)
    assert invoke("run", str(folder / "s.yaml"), "--out", str(folder / "out"), "-r", "2", "-j", "1",
                  "--no-report")[0] == 0
    return folder


@pytest.mark.parametrize("command", ["run", "compare", "staff", "sweep", "export", "calibrate", "backtest"])
def test_out_that_cannot_be_created(small_run, tmp_path, command):
    (tmp_path / "file").write_text("x")
    bad = str(tmp_path / "file" / "sub")
    scenario = str(small_run / "s.yaml")
    (tmp_path / "e.yaml").write_text(EXPERIMENT.replace("s.yaml", scenario))
    args = {
        "run": ["run", scenario, "-r", "1"],
        "compare": ["compare", scenario, scenario, "-r", "1"],
        "staff": ["staff", scenario, "-r", "2", "-k", "1"],
        "sweep": ["sweep", str(tmp_path / "e.yaml"), "-j", "1"],
        "export": ["export", str(small_run / "out"), "--format", "csv"],
        "calibrate": ["calibrate", str(LOG)],
        "backtest": ["backtest", str(LOG), scenario, "-r", "2"],
    }[command]
    started = time.perf_counter()
    code, output = invoke(*args, "--out", bad)
    assert code == 2, output
    assert output.startswith("error: --out ") and one_message(output), output
    assert "cannot" in output, output
    if command in ("staff", "calibrate"):  # refused before the search or the estimation, not after
        assert time.perf_counter() - started < 30
    assert not list(tmp_path.glob(".*partial*"))


def test_out_is_never_the_current_folder(small_run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for out in (".", str(tmp_path.parent)):
        code, output = invoke("run", str(small_run / "s.yaml"), "-r", "1", "--out", out, "--overwrite")
        assert code == 2 and "is the current folder" in output, output
    assert Path.cwd() == tmp_path and tmp_path.is_dir()


def test_staff_refuses_a_bad_write_scenario_path_before_the_search(small_run, tmp_path):
    (tmp_path / "file").write_text("x")
    started = time.perf_counter()
    code, output = invoke("staff", str(small_run / "s.yaml"), "--out", str(tmp_path / "out"), "-r", "2", "-k", "5",
                          "--write-scenario", str(tmp_path / "file" / "staffed.yaml"))
    assert code == 2 and "--write-scenario" in output and one_message(output), output
    assert time.perf_counter() - started < 20 and not (tmp_path / "out").exists()


def test_overwrite_replaces_and_report_refuses_incomplete(small_run, tmp_path):
    scenario = str(small_run / "s.yaml")
    out = tmp_path / "out"
    assert invoke("run", scenario, "--out", str(out), "-r", "1", "--jobs", "1")[0] == 0
    (out / "tables" / "stale.parquet").write_bytes(b"old")
    assert invoke("run", scenario, "--out", str(out), "-r", "1", "--jobs", "1", "--overwrite",
                  "--no-report")[0] == 0
    assert not (out / "tables" / "stale.parquet").exists() and not (out / "report.html").exists()
    (out / "tables" / "stale.parquet").write_bytes(b"old")
    code, output = invoke("report", str(out))
    assert code == 2 and "mixed" in output and one_message(output)
    (out / "tables" / "stale.parquet").unlink()
    (out / "complete.json").unlink()  # as a folder of a run killed while writing would be
    code, output = invoke("report", str(out))
    assert code == 2 and "incomplete" in output
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep")
    code, output = invoke("run", scenario, "--out", str(other), "--overwrite")
    assert code == 2 and (other / "notes.txt").exists()


def test_a_run_that_fails_while_writing_leaves_the_old_folder_whole(small_run, tmp_path, monkeypatch):
    import shutil

    import ccsim.results.run as written

    out = tmp_path / "out"
    shutil.copytree(small_run / "out", out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(written, "mark_complete", disk_full)  # every file but the marker is written
    result = CliRunner().invoke(app, ["run", str(small_run / "s.yaml"), "--out", str(out), "-r", "1", "-j", "1",
                                      "--overwrite", "--seed", "99"])
    assert isinstance(result.exception, OSError)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the unfinished folder is gone
    result = CliRunner().invoke(app, ["run", str(small_run / "s.yaml"), "--out", str(tmp_path / "new"), "-r", "1"])
    assert isinstance(result.exception, OSError) and not (tmp_path / "new").exists()


def test_a_killed_run_leaves_no_folder_that_report_accepts(tmp_path):
    import signal
    import subprocess
    import sys

    (tmp_path / "s.yaml").write_text(GOOD.replace("days: 1", "days: 20"))
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-c", "from ccsim.cli import main; main()", "run",
                              str(tmp_path / "s.yaml"), "--out", str(out), "-r", "3", "-j", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob(".out.partial-*")):
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.partial-*")), "the run made no folder to write into"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert not out.exists()
    code, output = invoke("report", str(out))
    assert code == 2 and "no such folder" in output


def test_complete_marker_lists_the_files_and_the_run(small_run):
    out = small_run / "out"
    marker = json.loads((out / "complete.json").read_text())
    assert {"summary.json", "provenance.json", "tables/calls.parquet"} <= set(marker["files"])
    assert marker["run_id"] == json.loads((out / "provenance.json").read_text())["run_id"]


def test_report_refuses_a_comparison_with_a_folder_of_another_run(small_run, tmp_path):
    import shutil

    scenario = str(small_run / "s.yaml")
    variant = tmp_path / "v.yaml"
    variant.write_text(GOOD.replace("headcount: 6", "headcount: 7").replace("name: small", "name: seven"))
    for name in ("a", "b"):
        assert invoke("compare", scenario, str(variant), "--out", str(tmp_path / name), "-r", "2", "-j", "1",
                      "--no-tables")[0] == 0
    assert invoke("report", str(tmp_path / "a"))[0] == 0
    shutil.rmtree(tmp_path / "a" / "seven")
    shutil.copytree(tmp_path / "b" / "seven", tmp_path / "a" / "seven")
    code, output = invoke("report", str(tmp_path / "a"))
    assert code == 2 and "mixed" in output and "complete.json" in output


def test_read_results_returns_a_validated_scenario(small_run):
    import shutil

    from ccsim.config.scenario import Scenario
    from ccsim.results import read_results

    saved = read_results(small_run / "out")
    assert isinstance(saved.validated, Scenario) and saved.validated.horizon.days == 1
    shutil.copytree(small_run / "out", small_run / "broken")
    text = (small_run / "broken" / "scenario.yaml").read_text()
    (small_run / "broken" / "scenario.yaml").write_text(text.replace("days: 1", "days: -1", 1))
    with pytest.raises(ValueError, match="not a valid scenario"):
        read_results(small_run / "broken")


# 8. Unbounded work
@pytest.mark.parametrize(("old", "new"), [
    ("headcount: 6", "headcount: 10000000"),
    ("staffing: {headcount: 6}", "staffing: {shifts: [{name: a, start: '08:00', length: 8h, headcount: 1000000}]}"),
    ("days: 1", "days: 3000"),
])
def test_work_is_bounded(tmp_path, old, new):
    text = GOOD.replace(old, new)
    if "days: 3000" in text:
        text = text.replace("daily_volume: 300", "daily_volume: 100000")
    refused(tmp_path, text, "at most")


def test_the_work_bound_counts_the_warm_up_days(tmp_path):
    # 18 reported days of a million calls fit the bound of 20 million; a week of warm-up before them does not.
    text = GOOD.replace("daily_volume: 300", "daily_volume: 1000000")
    code, output = validate(tmp_path, text.replace("horizon:\n  days: 1", "horizon:\n  days: 18\n  warmup_days: 0"))
    assert code == 0, output
    refused(tmp_path, text.replace("horizon:\n  days: 1", "horizon:\n  days: 18\n  warmup_days: 7"),
            "25 simulated day(s), warm-up included")


# 9. Two false rejections, and the duration and clock forms planners write (issue 14, item 5)
def test_merge_key_with_override_and_unit_min(tmp_path):
    code, output = validate(tmp_path, GOOD.replace("horizon:\n  days: 1", "horizon: {<<: {days: 3}, days: 1}"))
    assert code == 0, output
    (tmp_path / "talk.csv").write_text("minutes\n4\n5\n6\n")
    code, output = validate(tmp_path, GOOD.replace(
        "talk_time: {dist: lognormal, mean: 5min, cv: 1.1}", "talk_time: {dist: empirical, file: talk.csv, unit: min}"))
    assert code == 0, output


@pytest.mark.parametrize(("text", "seconds"), [("30 secs", 30), ("1h 30min", 5400), ("2min30s", 150),
                                               ("0:01:30", 90), ("30 sec.", 30)])
def test_duration_forms(text, seconds):
    assert units.parse_duration(text) == seconds


@pytest.mark.parametrize(("text", "seconds"), [("8:00", 28800), ("8am", 28800), ("5:30pm", 63000), ("24:00", 86400)])
def test_clock_forms(text, seconds):
    assert units.parse_clock(text) == seconds


def test_ambiguous_durations_show_the_accepted_form(tmp_path):
    refused(tmp_path, GOOD.replace("mean: 240s", "mean: 1:30"), '"1h 30min"')
    refused(tmp_path, GOOD.replace("mean: 240s", "mean: 30 parsecs"), '"30 secs"')


# 7. Processes: a stopped sweep starts nothing queued; a damaged sweep folder resumes; pools die with their parent
def _sweep_folder(tmp_path: Path, replications: int = 2):
    from ccsim.experiments.sweep import SweepFolder, load_experiment

    (tmp_path / "s.yaml").write_text(GOOD)
    (tmp_path / "e.yaml").write_text(EXPERIMENT.replace("replications: 2", f"replications: {replications}"))
    plan = load_experiment(tmp_path / "e.yaml")
    folder = SweepFolder(tmp_path / "out")
    folder.start(plan)
    return plan, folder


def started_slowly(task):
    """A task function that notes when it starts, then takes long enough for a stop to come in between."""
    from ccsim.experiments.sweep import TaskResult

    started = Path(os.environ["STARTED_TASKS"])
    name = f"{task.point}-{task.replication}"
    (started / name).write_text(repr(time.time()))
    # The first task is short: its result stops the sweep while the other worker is still busy, so
    # that worker's next task is one queued before the stop.
    wall = 0.2 if name == os.environ["FIRST_TASK"] else 1.2
    time.sleep(wall)
    return TaskResult(task.point, task.replication, {"offered": 1.0}, wall, "test")


def test_after_a_stop_no_queued_task_starts(tmp_path, monkeypatch):
    from ccsim.experiments.backends import STOP, LocalBackend
    from ccsim.experiments.sweep import run_sweep

    plan, folder = _sweep_folder(tmp_path, replications=6)
    started = tmp_path / "started"
    started.mkdir()
    monkeypatch.setenv("STARTED_TASKS", str(started))  # the pool's workers inherit both
    first = plan.tasks()[0]
    monkeypatch.setenv("FIRST_TASK", f"{first.point}-{first.replication}")
    stopped_at: list[float] = []

    def stop_after_the_first(_):
        if not stopped_at:
            stopped_at.append(time.time())
            STOP.request()

    try:
        run = run_sweep(plan, folder, LocalBackend(2), on_result=stop_after_the_first, function=started_slowly)
    finally:
        STOP.requested = False
    starts = sorted(float(p.read_text()) for p in started.iterdir())
    assert run.interrupted and len(starts) < len(plan.tasks())
    # Two workers, each with tasks queued ahead: whatever started after the stop was queued, not running.
    assert all(t < stopped_at[0] for t in starts), (starts, stopped_at)
    assert run.done == len(starts)


def test_resume_reruns_a_damaged_task_and_survives_a_corrupt_manifest(tmp_path):
    plan, folder = _sweep_folder(tmp_path)
    out = tmp_path / "out"
    code, output = invoke("sweep", str(tmp_path / "e.yaml"), "--out", str(out), "-j", "1", "--overwrite")
    assert code == 0, output
    reference = (out / "points.csv").read_text()
    damaged = sorted(out.glob("tasks/*/rep-1.parquet"))[0]
    damaged.write_bytes(damaged.read_bytes()[:40])  # truncated, as by a full disk
    (out / "sweep.json").write_text('{"fingerprint": "abc", "poi')
    kept = {p: p.stat().st_mtime_ns for p in out.glob("tasks/*/rep-*.parquet") if p != damaged}
    code, output = invoke("sweep", str(tmp_path / "e.yaml"), "--out", str(out), "-j", "1", "--resume")
    assert code == 0, output
    assert "3 already done" in " ".join(output.split())
    assert all(p.stat().st_mtime_ns == t for p, t in kept.items())
    assert (out / "points.csv").read_text() == reference
    json.loads((out / "sweep.json").read_text())  # rewritten whole
    (out / "sweep.json").write_text("not json")
    stored = next(out.glob("tasks/*/scenario.yaml"))
    stored.write_text(stored.read_text().replace("seed:", "seed: 1\n#", 1))
    code, output = invoke("sweep", str(tmp_path / "e.yaml"), "--out", str(out), "-j", "1", "--resume")
    assert code == 2 and "unreadable" in output, output


def test_resume_with_fewer_replications_is_refused(tmp_path):
    _sweep_folder(tmp_path)
    out = tmp_path / "out"
    assert invoke("sweep", str(tmp_path / "e.yaml"), "--out", str(out), "-j", "1", "--overwrite")[0] == 0
    code, output = invoke("sweep", str(tmp_path / "e.yaml"), "--out", str(out), "-j", "1", "--resume", "-r", "1")
    assert code == 2 and "--replications 2" in " ".join(output.split()), output
    code, output = invoke("sweep", str(tmp_path / "e.yaml"), "--out", str(out), "-j", "1", "--resume", "-r", "3")
    assert code == 0 and "4 already done" in " ".join(output.split()), output


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("command", ["run", "compare", "staff"])
def test_pool_workers_die_with_their_parent(tmp_path, command):
    import os
    import signal
    import subprocess
    import sys

    scenario = tmp_path / "s.yaml"
    scenario.write_text(GOOD.replace("days: 1", "days: 60").replace("daily_volume: 300", "daily_volume: 3000"))
    args = {"run": ["run", str(scenario), "-r", "4"], "compare": ["compare", str(scenario), str(scenario), "-r", "4"],
            "staff": ["staff", str(scenario), "-r", "4", "-k", "2"]}[command]
    parent = subprocess.Popen([sys.executable, "-c", "from ccsim.cli import main; main()", *args,
                               "--out", str(tmp_path / "out"), "--jobs", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = [w for w in _children(parent.pid)
                   if "python" in Path(f"/proc/{w}/cmdline").read_text(errors="replace")]
    assert workers, "no pool workers started"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.2)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    for worker in alive:  # leave nothing behind even when the test fails
        os.kill(worker, signal.SIGKILL)
    assert not alive
