"""Mutated copies of the shipped scenarios never crash or hang the CLI, and nonsense is refused.

Each case changes one thing in a shipped scenario (a value's type, a non-finite or absurd number,
a list form, a missing section, an unknown key, markup, or the YAML text itself) and runs the
real command in-process. Every outcome must be exit 2 with messages and no traceback, or exit 0.
The default run uses a fast profile; ``make test-slow`` runs the long one and prints its tally.
"""

from __future__ import annotations

import copy
import signal
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccsim.cli import app

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "configs").rglob("*.yaml"))
SMALL = """\
name: small
horizon: {days: 1, opening_hours: {mon: "08:00-12:00"}}
arrivals: {daily_volume: 200, intraday_profile: {"08:00": 1, "10:00": 2}}
segments:
  regular: {share: 0.8, patience: {dist: exponential, mean: 240s}, talk_time: {dist: lognormal, mean: 4min, cv: 1}}
  priority: {share: 0.2, talk_time: {dist: gamma, mean: 5min, cv: 0.8}}
queues: {main: {}}
groups:
  first_line: {serves: [main], staffing: {headcount: {"08:00": 4, "10:00": 6}}, hourly_cost: 30}
service_level: {threshold: 20s, target: 0.8}
"""
NASTY = [None, True, False, float("inf"), float("-inf"), float("nan"), -1, 0, 1e300, 10**7, "[/]", ":x:",
         "[bold]x", [], {}, [[0, -1]], [[None, 3]], ["20:00", "08:00"], "abc", "08:00", "30 secs", "1e999s",
         "2026-13-45", {"dist": "weibull", "shape": 0.001, "mean": 60}, {"dist": "empirical", "values": [float("nan")]},
         {"dist": "empirical", "file": "../../../../etc/passwd"}, {"dist": "empirical", "file": "/dev/zero"}]
TEXT_NOISE = ["[", "]", "{", "}", ":", "&a", "*a", "!!float abc", "<<: *a", "\t", "- ", "\n  ", "'", "%"]
TIMEOUT_S = 60
tally: Counter[str] = Counter()


def _paths(value, prefix=()):
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*prefix, key))


def _replace(data, path, value, delete=False):
    data = copy.deepcopy(data)
    if not path:
        return value
    block = data
    for key in path[:-1]:
        block = block[key]
    if delete and isinstance(block, dict) or delete and isinstance(block, list):
        block.pop(path[-1])
    else:
        block[path[-1]] = value
    return data


@st.composite
def mutated(draw, texts):
    text = draw(st.sampled_from(texts))
    data = yaml.safe_load(text)
    kind = draw(st.sampled_from(["value", "value", "delete", "unknown", "text", "truncate"]))
    if kind == "text":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from(TEXT_NOISE)) + text[at:]
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    path = draw(st.sampled_from(list(_paths(data))[1:]))
    if kind == "unknown":
        parent = path[:-1]
        block = data
        for key in parent:
            block = block[key]
        if isinstance(block, dict):
            return yaml.safe_dump(_replace(data, (*parent, draw(st.sampled_from(["colour", "hedcount", "[/]"]))), 1))
    mutated_data = _replace(data, path, draw(st.sampled_from(NASTY)), delete=kind == "delete")
    return yaml.safe_dump(mutated_data, allow_unicode=True)


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang


def check(tmp: Path, text: str, command: list[str]) -> str:
    """Run one case; return its outcome ("exit 2", "exit 0") or fail the test."""
    scenario = tmp / "scenario.yaml"
    scenario.write_text(text)
    args = [command[0], str(scenario), *command[1:]]
    if command[0] == "run":
        args += ["--out", str(tmp / "out"), "--overwrite"]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT_S)
    try:
        result = CliRunner().invoke(app, args)
    except _Hang:
        tally["hang"] += 1
        pytest.fail(f"hung for {TIMEOUT_S} s on:\n{text}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    if crashed or "Traceback" in output:
        tally["traceback"] += 1
        pytest.fail(f"{type(result.exception).__name__}: {result.exception}\non:\n{text}")
    outcome = f"exit {result.exit_code}"
    tally[f"{command[0]} {outcome}"] += 1
    tally["cases"] += 1
    assert result.exit_code in (0, 2), (outcome, output, text)
    if result.exit_code == 2:
        assert output.startswith("error: "), output
    return outcome


SHIPPED_TEXTS = [p.read_text() for p in SHIPPED if "extends" not in p.read_text()]
FAST = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
LONG = settings(max_examples=600, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _validate_case(tmp_path_factory, text):
    check(tmp_path_factory.mktemp("v"), text, ["validate"])


def _run_case(tmp_path_factory, text):
    check(tmp_path_factory.mktemp("r"), text, ["run", "-r", "1", "--jobs", "1", "--no-report"])


@FAST
@given(text=mutated(SHIPPED_TEXTS))
def test_validate_mutated_shipped_scenarios(tmp_path_factory, text):
    _validate_case(tmp_path_factory, text)


@settings(FAST, max_examples=15)
@given(text=mutated([SMALL]))
def test_run_mutated_small_scenario(tmp_path_factory, text):
    _run_case(tmp_path_factory, text)


@pytest.mark.slow
@LONG
@given(text=mutated(SHIPPED_TEXTS))
def test_validate_mutated_shipped_scenarios_long(tmp_path_factory, text):
    _validate_case(tmp_path_factory, text)


@pytest.mark.slow
@settings(LONG, max_examples=300)
@given(text=mutated([SMALL]))
def test_run_mutated_small_scenario_long(tmp_path_factory, text):
    _run_case(tmp_path_factory, text)


def teardown_module(module):
    if tally:
        print("\nfuzz tally:", dict(sorted(tally.items())))
