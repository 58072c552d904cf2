"""Scripted traces: deterministic times, so every event of the run is known in advance."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.experiments.runner import simulate
from ccsim.model import arrivals as arrival_model
from tests.conftest import mmn, modified


def scripted(monkeypatch: pytest.MonkeyPatch, times: list[float]) -> None:
    """Replace day 0's fresh arrivals by ``times`` (seconds); later days get none."""

    def fake(expected, calendar, day, factor, seed, replication):
        return np.array(times if day == 0 else [], dtype=float)

    monkeypatch.setattr(arrival_model, "day_arrival_times", fake)


def deterministic(agents: int, talk: float, patience: float, wrap: float = 0.0):
    base = mmn(agents=agents, warmup=0)
    return modified(
        base,
        segments={"everyone": {"talk_time": {"dist": "deterministic", "value": talk},
                               "patience": {"dist": "deterministic", "value": patience}}},
        groups={"agents": {"wrap_up": {"dist": "deterministic", "value": wrap}}},
    )


def test_two_agents_four_callers_exact_sequence(monkeypatch):
    # Agents 0 and 1 idle from 00:00. Callers at 10, 20, 30, 40 s; talk 100 s, wrap 10 s,
    # patience 50 s. Caller 0 -> agent 0 (longest idle), caller 1 -> agent 1. Caller 2 waits from
    # 30 s and gives up at 80 s; caller 3 waits from 40 s and gives up at 90 s.
    scripted(monkeypatch, [10.0, 20.0, 30.0, 40.0])
    result = simulate(deterministic(agents=2, talk=100.0, patience=50.0, wrap=10.0))
    legs = result.tables.legs
    assert legs["call_id"].tolist() == [0, 1, 2, 3]
    assert legs["outcome"].astype(str).tolist() == ["answered", "answered", "abandoned", "abandoned"]
    assert legs["agent_id"].tolist() == [0, 1, -1, -1]
    assert legs["t_answer"].iloc[:2].tolist() == [10.0, 20.0]
    assert legs["t_end_talk"].iloc[:2].tolist() == [110.0, 120.0]
    assert legs["t_end"].tolist() == [120.0, 130.0, 80.0, 90.0]
    assert legs["wait_s"].tolist() == [0.0, 0.0, 50.0, 50.0]
    calls = result.tables.calls
    assert calls["outcome"].astype(str).tolist() == ["resolved", "resolved", "abandoned", "abandoned"]
    assert calls["t_end"].tolist() == [110.0, 120.0, 80.0, 90.0]


def test_waiting_caller_is_answered_when_an_agent_frees(monkeypatch):
    # One agent; talk 100 s, wrap 5 s, patience 1000 s. Calls at 0.5, 1, 2 s: the second is answered
    # at 105.5 s (after the first call's wrap-up), the third at 210.5 s.
    scripted(monkeypatch, [0.5, 1.0, 2.0])
    result = simulate(deterministic(agents=1, talk=100.0, patience=1000.0, wrap=5.0))
    legs = result.tables.legs
    assert legs["t_answer"].tolist() == [0.5, 105.5, 210.5]
    assert legs["wait_s"].tolist() == [0.0, 104.5, 208.5]
    assert (legs["agent_id"] == 0).all()
    agents = result.tables.agents.set_index("agent_id")
    assert agents.loc[0, "calls"] == 3
    assert agents.loc[0, "talk_s"] == 300.0
    assert agents.loc[0, "wrap_s"] == 15.0


def test_longest_idle_agent_answers_first(monkeypatch):
    # Three agents. Calls at 1 and 2 s take agents 0 and 1 (both idle since 00:00; ties go by rota
    # order). Agent 0 is free again at 11 s, agent 1 at 12 s. A call at 20 s goes to agent 2, idle
    # since 00:00, not to agent 0 or 1.
    scripted(monkeypatch, [1.0, 2.0, 20.0])
    result = simulate(deterministic(agents=3, talk=10.0, patience=100.0))
    assert result.tables.legs["agent_id"].tolist() == [0, 1, 2]


def test_headcount_drop_lets_busy_agent_finish(monkeypatch):
    # Two agents until 00:30, then one. Agent 1 answers at 1790 s a 100 s call; at 00:30 it finishes
    # the call (1890 s) before leaving, and takes no new call.
    scripted(monkeypatch, [1780.0, 1790.0, 1850.0])
    base = deterministic(agents=2, talk=100.0, patience=1000.0)
    scenario = modified(base, groups={"agents": {"staffing": {"headcount": {"00:00": 2, "00:30": 1}}}})
    result = simulate(scenario)
    legs = result.tables.legs
    assert legs["agent_id"].tolist() == [0, 1, 0]
    assert legs["t_answer"].tolist() == [1780.0, 1790.0, 1880.0]
    duty = result.tables.duty
    agent1 = duty[duty["agent_id"] == 1]
    assert agent1["t_start"].tolist() == [0.0]
    assert agent1["t_end"].tolist() == [1890.0]


def test_callers_waiting_at_closing_are_served_by_agents_on_duty(monkeypatch):
    # Open 08:00-09:00 with one agent. A call at 08:59:30 waits for the call in progress and is still
    # answered after closing: the agent drains the queue before going home.
    scripted(monkeypatch, [8 * 3600 + 3000.0, 8 * 3600 + 3570.0])
    base = deterministic(agents=1, talk=600.0, patience=10_000.0)
    hours = {day: "08:00-09:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    result = simulate(modified(base, horizon={"opening_hours": hours}))
    legs = result.tables.legs
    assert legs["t_answer"].tolist() == [8 * 3600 + 3000.0, 8 * 3600 + 3600.0]
    duty = result.tables.duty
    assert duty["t_end"].tolist() == [8 * 3600 + 4200.0]


def test_caller_still_waiting_at_the_end_is_counted_open(monkeypatch):
    scripted(monkeypatch, [86_000.0, 86_100.0])
    result = simulate(deterministic(agents=1, talk=1000.0, patience=10_000.0))
    calls = result.tables.calls
    assert calls["outcome"].astype(str).tolist() == ["open", "open"]
    assert result.tables.legs["outcome"].astype(str).tolist() == ["open", "open"]
    assert result.kpis["open_at_end"] == 2
