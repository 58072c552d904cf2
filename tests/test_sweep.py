"""`ccsim sweep`: the same table with one worker, two, or a Dask cluster; kill and resume; failures.

The sweeps are tiny (an M/M/n+M queue open one day, 4 points x 2 replications), so the whole
file runs in well under a minute on two cores.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs
from typer.testing import CliRunner

from ccsim.cli import app
from ccsim.experiments.backends import BackendError, DaskBackend, LocalBackend
from ccsim.experiments.sweep import (
    POINTS_PARQUET,
    REPLICATIONS_PARQUET,
    SweepFolder,
    Task,
    TaskResult,
    load_experiment,
    run_sweep,
    run_task,
    short_names,
    write_tables,
)
from ccsim.report.sweep_report import non_dominated

runner = CliRunner()

SCENARIO = textwrap.dedent(
    """\
    name: small queue
    seed: 11
    replications: 5
    horizon:
      days: 1
      interval: 30min
      opening_hours: {mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00",
                      fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00"}
    arrivals: {rates_per_hour: 240}
    segments:
      everyone:
        share: 1
        talk_time: {dist: exponential, mean: 300}
        patience: {dist: exponential, mean: 300}
    queues: {main: {}}
    groups:
      agents:
        serves: [main]
        hourly_cost: 30
        staffing: {headcount: 22}
    service_level: {threshold: 20, short_abandon: 0}
    """
)

# The factor's label and the experiment's name hold markup, which the report must show literally.
GRID = textwrap.dedent(
    """\
    name: agents <b>x</b> demand & co
    base: queue.yaml
    replications: 2
    factors:
      groups.agents.staffing.headcount:
        label: Agents <i>on duty</i> & more
        values: [20, 24]
      arrivals.rates_per_hour: [220, 260]
    metrics: [service_level, asa_s, occupancy, cost_total]
    """
)

# One point is a typo with too many zeros: the schema accepts it, the simulation cannot draw it.
WITH_FAILURE = textwrap.dedent(
    """\
    name: named points
    base: queue.yaml
    replications: 2
    points:
      - {name: as planned, set: {}}
      - {name: two more agents, set: {groups.agents.staffing.headcount: 24}}
      - {name: typo in demand, set: {arrivals.rates_per_hour: 240000000000000000000000}}
    metrics: [service_level, asa_s]
    """
)


def write_experiment(folder: Path, text: str, name: str = "experiment.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "queue.yaml").write_text(SCENARIO)
    path = folder / name
    path.write_text(text)
    return path


def sweep(*args: str):
    """Exit code and everything printed, with the terminal's line breaks undone."""
    result = runner.invoke(app, ["sweep", *args])
    return result.exit_code, " ".join(result.output.split())


def tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.read_parquet(out / POINTS_PARQUET), pd.read_parquet(out / REPLICATIONS_PARQUET)


def assert_same_tables(out: Path, reference: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    points, replications = tables(out)
    pd.testing.assert_frame_equal(points, reference[0], check_exact=True)
    pd.testing.assert_frame_equal(replications, reference[1], check_exact=True)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> Path:
    return write_experiment(tmp_path_factory.mktemp("sweep"), GRID)


@pytest.fixture(scope="module")
def reference(experiment, tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The grid run in this process, one task after the other."""
    out = tmp_path_factory.mktemp("reference")
    plan = load_experiment(experiment)
    folder = SweepFolder(out)
    folder.start(plan)
    run = run_sweep(plan, folder, LocalBackend(1))
    write_tables(plan, folder, run, {})
    return tables(out)


# --- expansion and validation -------------------------------------------------------------------


def test_grid_expands_in_a_stable_order_with_one_seed(experiment):
    plan = load_experiment(experiment)
    assert [p.name for p in plan.points] == [
        "headcount=20, rates_per_hour=220", "headcount=20, rates_per_hour=260",
        "headcount=24, rates_per_hour=220", "headcount=24, rates_per_hour=260",
    ]
    assert [p.id for p in plan.points][0] == "headcount-20-rates-per-hour-220"
    assert {s.seed for s in plan.scenarios.values()} == {11}  # common random numbers
    assert plan.replications == 2
    tasks = plan.tasks()
    assert len(tasks) == 8 and [t.replication for t in tasks[:4]] == [0, 0, 0, 0]
    assert plan.fingerprint() == load_experiment(experiment).fingerprint()
    assert load_experiment(experiment, replications=5).replications == 5


def test_short_names_keep_paths_apart():
    assert short_names(["a.b.headcount", "a.c.headcount", "x.rate"]) == ["b.headcount", "c.headcount", "rate"]


def test_non_dominated_points():
    values = np.array([[1.0, 5.0], [2.0, 2.0], [3.0, 3.0], [5.0, 1.0], [np.nan, 0.0], [1.0, 5.0]])
    assert non_dominated(values).tolist() == [True, True, False, True, False, True]


def test_invalid_points_are_reported_up_front_and_nothing_runs(tmp_path):
    path = write_experiment(tmp_path, textwrap.dedent(
        """\
        name: bad points
        base: queue.yaml
        factors:
          groups.agents.staffing.headcount: [20, -3]
          arrivals.rates_per_hr: [240]
        """))
    out = tmp_path / "out"
    code, output = sweep(str(path), "--out", str(out))
    assert code == 2, output
    assert "Traceback" not in output
    # Every point has the typo: said once, at the experiment's line, with a suggestion.
    assert f"every point: {path}:5: arrivals.rates_per_hr: unknown key 'rates_per_hr'; did you mean " \
           "'rates_per_hour'?" in output
    assert f"point 'headcount=-3, rates_per_hr=240': {path}:4: groups.agents.staffing.headcount" in output
    assert not out.exists()


def test_experiment_file_errors_name_the_line(tmp_path):
    path = write_experiment(tmp_path, "name: x\nbase: queue.yaml\nreplicatons: 3\nfactors: {seed: [1, 2]}\n")
    code, output = sweep(str(path), "--out", str(tmp_path / "out"))
    assert code == 2, output
    assert f"{path}:3: replicatons: unknown key 'replicatons'; did you mean 'replications'?" in output
    path.write_text("name: x\nbase: queue.yaml\nfactors: {seed: [1, 2]}\n")
    code, output = sweep(str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "seed: set by the experiment's own 'seed' key" in output, output
    path.write_text("name: x\nbase: missing.yaml\nfactors: {horizon.days: [1, 2]}\n")
    code, output = sweep(str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and f"{path}:2: base: scenario file not found" in output, output


# --- identical results wherever the tasks run ---------------------------------------------------


def test_two_workers_give_the_same_table_as_one(experiment, reference, tmp_path):
    code, output = sweep(str(experiment), "--out", str(tmp_path / "out"), "--jobs", "2")
    assert code == 0, output
    assert_same_tables(tmp_path / "out", reference)


def test_a_dask_cluster_gives_the_same_table(experiment, reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        code, output = sweep(str(experiment), "--out", str(tmp_path / "out"), "--scheduler",
                             cluster.scheduler_address)
    assert code == 0, output
    assert "Dask at" in output
    assert_same_tables(tmp_path / "out", reference)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["tasks"] == {"total": 8, "done": 8, "failed": 0, "not_run": 0}


def test_without_dask_the_scheduler_option_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask[distributed] were not installed
    with pytest.raises(BackendError, match=r"pip install 'ccsim\[distributed\]'"):
        DaskBackend("tcp://127.0.0.1:1")


# --- kill and resume ----------------------------------------------------------------------------

# The CLI in a child process with Python's own Ctrl-C handler, whatever the test runner set.
CHILD = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from ccsim.cli import main; main()"


def _start(experiment: Path, out: Path, jobs: int, log: Path) -> subprocess.Popen:
    with log.open("w") as stream:  # a file, not a pipe: nothing waits on a pipe a dead process's children hold
        return subprocess.Popen([sys.executable, "-c", CHILD, "sweep", str(experiment), "--out", str(out), "--jobs",
                                 str(jobs), "--replications", "6"], stdout=stream, stderr=subprocess.STDOUT)


def _wait_for_tasks(out: Path, process: subprocess.Popen, count: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        done = len(list(out.glob("tasks/*/rep-*.parquet")))
        if done >= count:
            return done
        time.sleep(0.02)
    pytest.fail(f"the sweep finished or stalled before {count} tasks were written")


@pytest.mark.parametrize(("kill", "jobs"), [(signal.SIGINT, 1), (signal.SIGKILL, 2)], ids=["ctrl-c", "crash"])
def test_resume_after_a_kill_completes_the_same_table(experiment, tmp_path, kill, jobs):
    out = tmp_path / "out"
    log = tmp_path / "log.txt"
    process = _start(experiment, out, jobs, log)
    _wait_for_tasks(out, process, 3)
    process.send_signal(kill)
    process.wait(timeout=60)
    stderr = log.read_text()
    written = len(list(out.glob("tasks/*/rep-*.parquet")))
    assert 3 <= written < 24, stderr
    if kill == signal.SIGINT:
        assert process.returncode == 130, stderr
        assert "--resume" in stderr and "Traceback" not in stderr
    before = {p: p.stat().st_mtime_ns for p in out.glob("tasks/*/rep-*.parquet")}

    code, output = sweep(str(experiment), "--out", str(out), "--resume", "--replications", "6", "--jobs", "2")
    assert code == 0, output
    assert f"{written} already done" in output
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())  # finished tasks were not run again
    uninterrupted = tmp_path / "uninterrupted"
    code, output = sweep(str(experiment), "--out", str(uninterrupted), "--replications", "6", "--jobs", "2")
    assert code == 0, output
    assert_same_tables(out, tables(uninterrupted))


def test_resume_refuses_a_changed_experiment(tmp_path):
    path = write_experiment(tmp_path, GRID)
    out = tmp_path / "out"
    assert sweep(str(path), "--out", str(out), "--jobs", "1")[0] == 0
    code, output = sweep(str(path), "--out", str(out))
    assert code == 2 and "folder is not empty; resume the sweep in it with --resume" in output, output
    path.write_text(GRID.replace("[220, 260]", "[220, 300]"))
    code, output = sweep(str(path), "--out", str(out), "--resume")
    assert code == 2, output
    assert "the experiment differs" in output and "rates-per-hour-300" in output
    code, output = sweep(str(path), "--out", str(out), "--overwrite", "--jobs", "1")
    assert code == 0, output
    assert not list(out.glob("tasks/*-260/*"))  # the earlier sweep's tasks are gone


# --- failures -----------------------------------------------------------------------------------


def test_a_nonsense_point_is_refused_before_any_task_runs(tmp_path):
    # 2.4e23 calls an hour: the point is refused when the sweep is planned, with the point's name and
    # the experiment file's line, and nothing runs.
    path = write_experiment(tmp_path, WITH_FAILURE)
    out = tmp_path / "out"
    code, output = sweep(str(path), "--out", str(out), "--jobs", "2")
    assert code == 2, output
    assert "point 'typo in demand'" in output and "experiment.yaml:7" in output and "Traceback" not in output
    assert not list(out.glob("tasks/*/rep-*.json"))


def fails_in_one_point(task: Task) -> TaskResult:
    """A task function that raises on every replication of one point, as a model error would."""
    if task.point == "headcount-24-rates-per-hour-260":
        raise ValueError("lam value too large")
    return run_task(task)


def test_a_failing_task_does_not_stop_the_others(experiment, tmp_path):
    plan = load_experiment(experiment, replications=2)
    folder = SweepFolder(tmp_path)
    folder.start(plan)
    run = run_sweep(plan, folder, LocalBackend(2), function=fails_in_one_point)
    failed = folder.errors(plan)
    assert not run.interrupted and run.failed == 2 and run.done + run.failed == 8
    assert all("lam value too large" in f["error"] for f in failed)
    assert {f["point"] for f in failed} == {"headcount-24-rates-per-hour-260"}


def dies_in_one_task(task: Task) -> TaskResult:
    """A task function whose worker process dies on one task, as when the system kills it for memory."""
    if task.point == "headcount-24-rates-per-hour-260" and task.replication == 0:
        os._exit(9)
    return run_task(task)


def test_a_dying_worker_fails_its_tasks_and_a_new_pool_runs_the_rest(experiment, tmp_path):
    plan = load_experiment(experiment, replications=3)
    folder = SweepFolder(tmp_path)
    folder.start(plan)
    run = run_sweep(plan, folder, LocalBackend(2), function=dies_in_one_task)
    failed = folder.errors(plan)
    assert not run.interrupted and run.done + run.failed == 12
    # The tasks in flight when the worker died fail with it; every other task finishes.
    assert 1 <= run.failed <= 4 and all("BrokenProcessPool" in f["error"] for f in failed)
    assert ("headcount-24-rates-per-hour-260", 0) in {(f["point"], f["replication"]) for f in failed}


# --- the report ---------------------------------------------------------------------------------


def test_report_is_self_contained_and_escapes_names(experiment, tmp_path):
    out = tmp_path / "out"
    code, output = sweep(str(experiment), "--out", str(out), "--jobs", "1")
    assert code == 0, output
    assert "agents <b>x</b> demand & co" in output  # the terminal shows the name as written
    for name in ("points.csv", "points.parquet", "replications.parquet", "summary.json", "sweep.json",
                 "experiment.yaml", "report.html", "tasks/headcount-20-rates-per-hour-220/scenario.yaml"):
        assert (out / name).exists(), name
    html = (out / "report.html").read_text()
    assert "Agents &lt;i&gt;on duty&lt;/i&gt; &amp; more" in html
    assert "agents &lt;b&gt;x&lt;/b&gt; demand &amp; co" in html
    assert "<i>on duty</i>" not in html and "<b>x</b>" not in html
    # plotly.js embedded exactly once; the page around it fetches nothing from anywhere.
    plotly_js = get_plotlyjs()
    assert html.count(plotly_js) == 1
    page = re.sub(r'"bdata":"[^"]*"', '"bdata":""', html.replace(plotly_js, ""))  # base64 figure data
    assert "<script src" not in page and "cdn" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "Heatmaps" in html and "Trade-off front" in html
    points = pd.read_csv(out / "points.csv")
    assert {"groups.agents.staffing.headcount", "service_level_mean", "service_level_ci_low", "asa_s_se",
            "cost_total_n"} <= set(points.columns)


def test_named_points_report(tmp_path):
    path = write_experiment(tmp_path, WITH_FAILURE.replace(
        "  - {name: typo in demand, set: {arrivals.rates_per_hour: 240000000000000000000000}}\n",
        "  - {name: \"rota <b>B</b>\", set: {groups.agents.staffing.headcount: 26}}\n"))
    out = tmp_path / "out"
    code, output = sweep(str(path), "--out", str(out), "--jobs", "1")
    assert code == 0, output
    html = (out / "report.html").read_text()
    assert "Measures at each point" in html and "rota &lt;b&gt;B&lt;/b&gt;" in html and "<b>B</b>" not in html
    assert os.path.getsize(out / "report.html") > 1_000_000  # plotly.js embedded
