"""One exact trace per branch of the caller journey, driven through the scripting seam.

Every distribution is deterministic and every probability 0 or 1, so each record's times follow
from the rules by hand; the comment above each test works them out. Agents are numbered in group
order: first_line's agent is 0, the experts' agent is 1.
"""

from __future__ import annotations

from typing import Any

import pytest

from ccsim import rng
from ccsim.config.load import deep_merge, scenario_from_dict
from ccsim.experiments.runner import simulate
from ccsim.model.script import Script, ScriptedCall
from tests.conftest import ALWAYS_OPEN


def det(seconds: float) -> dict[str, Any]:
    return {"dist": "deterministic", "value": seconds}


def scenario(**changes: Any):
    """Two queues, one agent each, talk 100 s, patience 1000 s, every conversation resolved."""
    data: dict[str, Any] = {
        "name": "trace",
        "seed": 3,
        "horizon": {"days": 1, "warmup_days": 0, "opening_hours": dict(ALWAYS_OPEN)},
        "arrivals": {"rates_per_hour": 1},
        "segments": {"regular": {"share": 1, "talk_time": det(100), "patience": det(1000)}},
        "queues": {"general": {}, "experts": {}},
        "groups": {"first_line": {"serves": ["general"], "staffing": {"headcount": 1}},
                   "experts": {"serves": ["experts"], "staffing": {"headcount": 1}}},
        "outcomes": {"groups": {"first_line": {"resolve": 1.0}, "experts": {"resolve": 1.0}}},
    }
    return scenario_from_dict(deep_merge(data, changes))


def run(spec, *calls: ScriptedCall):
    return simulate(spec, script=Script(tuple(calls)))


def legs_of(result) -> list[tuple]:
    legs = result.tables.legs
    return [(int(r.call_id), str(r.queue), r.t_enqueue, r.t_answer, r.t_end_talk, r.t_end, int(r.agent_id),
             str(r.talk_outcome) if isinstance(r.talk_outcome, str) else None)
            for r in legs.itertuples()]


def outcomes_of(result) -> list[str]:
    return result.tables.calls["outcome"].astype(str).tolist()


def test_resolved():
    # 10 s: answered at once by first_line's agent; 100 s of talk; resolved at 110 s.
    result = run(scenario(), ScriptedCall(10))
    assert legs_of(result) == [(0, "general", 10.0, 10.0, 110.0, 110.0, 0, "resolved")]
    assert outcomes_of(result) == ["resolved"]
    assert result.tables.stories["outcome"].astype(str).tolist() == ["resolved"]


def test_cold_transfer_queues_the_caller_again():
    # first_line transfers every call to the experts: the caller joins the experts' queue at 110 s,
    # where the expert answers at once and resolves at 210 s.
    spec = scenario(outcomes={"groups": {"first_line": {"resolve": 0.0, "transfer": {"experts": 1.0}}}})
    result = run(spec, ScriptedCall(10))
    assert legs_of(result) == [(0, "general", 10.0, 10.0, 110.0, 110.0, 0, "transfer_cold"),
                               (0, "experts", 110.0, 110.0, 210.0, 210.0, 1, "resolved")]
    calls = result.tables.calls
    assert outcomes_of(result) == ["resolved"] and calls["transfers"].tolist() == [1]


def test_warm_transfer_keeps_the_first_agent_for_the_handover():
    # As the cold transfer, but the first agent stays 30 s for the handover (busy until 140 s).
    spec = scenario(outcomes={"groups": {"first_line": {"resolve": 0.0, "transfer": {"experts": 1.0}}}},
                    policies={"warm_transfers": {"handover": 30}})
    result = run(spec, ScriptedCall(10))
    assert legs_of(result) == [(0, "general", 10.0, 10.0, 110.0, 140.0, 0, "transfer_warm"),
                               (0, "experts", 110.0, 110.0, 210.0, 210.0, 1, "resolved")]
    assert result.tables.legs["handover_s"].tolist() == [30.0, 0.0]


def test_overflow_lets_the_experts_answer_after_the_wait():
    # Calls at 10 and 20 s. The first takes first_line's agent; the second waits in general until it
    # has waited 20 s (40 s), when the experts may answer it too and their idle agent does.
    spec = scenario(overflow=[{"name": "spill", "queue": "general", "group": "experts", "after": 20}])
    result = run(spec, ScriptedCall(10), ScriptedCall(20))
    assert legs_of(result) == [(0, "general", 10.0, 10.0, 110.0, 110.0, 0, "resolved"),
                               (1, "general", 20.0, 40.0, 140.0, 140.0, 1, "resolved")]


def test_priority_callers_are_answered_first():
    # One agent busy 0-100 s. A regular caller waits from 10 s, a priority caller from 20 s: at 100 s
    # the priority caller is answered (until 200 s), then the regular caller.
    spec = scenario(segments={"regular": {"share": 0.5, "priority": 2},
                              "vip": {"share": 0.5, "priority": 1, "talk_time": det(100), "patience": det(1000)}})
    result = run(spec, ScriptedCall(0, segment="regular"), ScriptedCall(10, segment="regular"),
                 ScriptedCall(20, segment="vip"))
    answers = dict(zip(result.tables.legs["call_id"], result.tables.legs["t_answer"]))
    assert answers == {0: 0.0, 1: 200.0, 2: 100.0}


def test_misrouted_caller_is_handed_over_to_the_right_queue():
    # The menu takes 5 s and sends everyone to the wrong queue (the caller wants banking, in general;
    # loans, the only other option, is there so that a wrong queue exists). The expert finds out in the
    # 60 s handover and transfers the caller to general, where first_line answers at 75 s.
    spec = scenario(ivr={"time": det(5), "abandon": 0.0, "misroute": 1.0, "misroute_handover": 60,
                         "options": {"banking": {"share": 0.999999, "queue": "general"},
                                     "loans": {"share": 0.000001, "queue": "experts"}}})
    result = run(spec, ScriptedCall(10))
    assert legs_of(result) == [(0, "experts", 15.0, 15.0, 75.0, 75.0, 1, "misroute_transfer"),
                               (0, "general", 75.0, 75.0, 175.0, 175.0, 0, "resolved")]
    assert result.tables.calls["misrouted"].tolist() == [True]


LIMIT = {"limit": 60, "resolve_if_remaining_below": 0}


def test_call_time_limit_end_cuts_the_call():
    # The limit ends the 100 s conversation at 60 s (70 s); 40 s were left, so the caller is cut off
    # unresolved; nobody redials, so the problem is lost.
    result = run(scenario(policies={"call_time_limit": {**LIMIT, "at_limit": "end"}}), ScriptedCall(10))
    assert legs_of(result) == [(0, "general", 10.0, 10.0, 70.0, 70.0, 0, "cut_off")]
    assert outcomes_of(result) == ["cut_off"]
    assert result.tables.stories["outcome"].astype(str).tolist() == ["lost"]


def test_call_time_limit_transfer_sends_the_rest_to_the_experts():
    # At the limit (70 s) the first agent transfers the caller to the experts (the limit applies to
    # first_line only), who take the full 100 s.
    limit = {**LIMIT, "at_limit": "transfer", "transfer_to": "experts", "groups": ["first_line"]}
    result = run(scenario(policies={"call_time_limit": limit}), ScriptedCall(10))
    assert legs_of(result) == [(0, "general", 10.0, 10.0, 70.0, 70.0, 0, "transfer_cold"),
                               (0, "experts", 70.0, 70.0, 170.0, 170.0, 1, "resolved")]


def test_call_time_limit_callback_calls_back_later():
    # Cut at 70 s with a promised callback 3600 s later: the next attempt comes at 3670 s, is cut
    # again at 60 s of talk, and so on up to max_attempts (5): arrivals 10, 3670, 7330, 10990, 14650.
    limit = {**LIMIT, "at_limit": "callback", "callback_delay": det(3600)}
    result = run(scenario(policies={"call_time_limit": limit}, redials={}), ScriptedCall(10))
    calls = result.tables.calls
    assert calls["t_arrive"].tolist() == [10.0, 3670.0, 7330.0, 10990.0, 14650.0]
    assert calls["trigger"].astype(str).tolist() == ["fresh"] + ["after_cut_off"] * 4
    assert outcomes_of(result) == ["cut_off"] * 5
    assert result.tables.stories["outcome"].astype(str).tolist() == ["lost"]


def abuse_onset_draw(spec, story_id: int = 0, attempt: int = 0) -> float:
    """The keyed ABUSE_ONSET uniform of a scripted story's attempt (first leg)."""
    key = rng.mix64(rng.key64(spec.seed, 0, "stories"), story_id)
    return rng.Keyed(key).u(rng.slot(attempt, 0, rng.ABUSE_ONSET))


def test_agent_hangs_up_on_abuse_and_blocks_the_repeat_abuser():
    # An abusive caller talks 1000 s if let be. Abuse begins at 1000 u (the call's ABUSE_ONSET draw);
    # after a 30 s warning the agent ends the call. The caller redials 600 s later and, with one
    # termination on record (block_after 1), is sent to the written channel: the problem is diverted.
    spec = scenario(
        segments={"regular": {"talk_time": det(1000)}},
        difficulty={"base": 0.0, "talk_factor": det(1.0), "abusive_share": 1.0},
        policies={"hang_up": {"terminable_share": 1.0, "warning_time": det(30), "block_after": 1,
                              "deterrence": 0.0}},
        redials={"hung_up": {"probability": 1.0, "delay": det(600)}},
    )
    onset = 1000.0 * abuse_onset_draw(spec)
    assert onset + 30 < 1000, "this seed's draw lets the warning end the call first"
    result = run(spec, ScriptedCall(10, difficult=True, abusive=True))
    end = 10.0 + onset + 30.0
    assert legs_of(result) == [(0, "general", 10.0, 10.0, pytest.approx(end), pytest.approx(end), 0, "hung_up")]
    calls = result.tables.calls
    assert outcomes_of(result) == ["hung_up", "blocked"]
    assert calls["t_arrive"].tolist() == [10.0, pytest.approx(end + 600.0)]
    assert result.tables.stories["outcome"].astype(str).tolist() == ["diverted"]
    assert result.kpis["hung_up_per_100k"] == pytest.approx(1e5 / 2)


def test_callback_offer_measures_the_wait_for_the_callback_not_as_a_wait_on_the_line():
    # One agent busy 0-100 s. A caller waiting from 10 s is offered a callback at 30 s and accepts;
    # at 100 s the agent dials (30 s) and talks 100 s. Waits on the line: only the first caller's 0 s.
    spec = scenario(policies={"callback": {"offer_after": 20, "acceptance": 1.0, "reach": 1.0, "dial_time": 30}})
    result = run(spec, ScriptedCall(0), ScriptedCall(10))
    legs = result.tables.legs
    assert legs["callback"].tolist() == [False, True]
    assert legs["t_answer"].tolist() == [0.0, 100.0]
    assert legs["t_end_talk"].tolist() == [100.0, 230.0]
    assert result.kpis["asa_s"] == 0.0
    assert result.kpis["time_to_callback_s"] == 90.0
    assert result.kpis["callback_share"] == 0.5


def test_paid_line_deters_and_the_churned_customer_never_calls_again():
    # The price puts every caller off (elasticity 100 per currency unit); every deterred caller leaves
    # the company. The same person's second problem at 1000 s is then not a call at all.
    spec = scenario(policies={"paid_line": {"price_per_minute": 1.0, "elasticity": {"regular": 100.0},
                                            "churn_if_deterred": 1.0}})
    result = run(spec, ScriptedCall(10, person=7), ScriptedCall(1000, person=7))
    assert outcomes_of(result) == ["deterred"]
    assert result.tables.legs.empty
    assert result.kpis["customers_lost"] == 1.0
    assert result.kpis["churned_contacts"] == 1.0


SHIFT = {"name": "day", "start": "08:00", "length": "8h", "headcount": 1, "break_stagger": 0,
         "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}


def test_a_break_due_during_a_late_break_is_deferred_not_dropped():
    # Breaks planned 09:00-09:30 and 09:15-09:30. A call from 08:59:00 lasts 100 s, so the first break
    # starts at 09:00:40 and runs its 30 min to 09:30:40; the second, due while the agent is still on
    # the first, waits and runs its full 15 min from 09:30:40 to 09:45:40.
    shift = {**SHIFT, "breaks": [{"after": "1h", "length": "30min"}, {"after": "75min", "length": "15min"}]}
    spec = scenario(groups={"first_line": {"staffing": {"headcount": None, "shifts": [shift]}}})
    result = run(spec, ScriptedCall(8 * 3600 + 3540))
    breaks = result.tables.breaks
    nine = 9 * 3600.0
    assert breaks["t_planned"].tolist() == [nine, nine + 900]
    assert breaks["t_start"].tolist() == [nine + 40, nine + 1840]
    assert breaks["delivered_s"].tolist() == [1800.0, 900.0]
    assert breaks["result"].astype(str).tolist() == ["deferred", "deferred"]
    duty = result.tables.duty
    taken = duty[duty["kind"].astype(str) == "break"]
    assert taken["t_start"].tolist() == [nine + 40, nine + 1840]


def test_a_deferred_break_is_cut_at_the_end_of_duty():
    # Duty 08:00-09:10 with a 20-minute break planned at 08:50. The call from 08:49 lasts 17 min (to
    # 09:06), so the break starts then and has 4 minutes before duty ends: shortened to 240 s.
    shift = {**SHIFT, "length": "70min", "breaks": [{"after": "50min", "length": "20min"}]}
    spec = scenario(groups={"first_line": {"staffing": {"headcount": None, "shifts": [shift]}}},
                    segments={"regular": {"talk_time": det(1020)}})
    result = run(spec, ScriptedCall(8 * 3600 + 49 * 60))
    breaks = result.tables.breaks
    assert breaks["t_start"].tolist() == [9 * 3600 + 360.0]
    assert breaks["delivered_s"].tolist() == [240.0]
    assert breaks["result"].astype(str).tolist() == ["shortened"]


def test_warm_up_carries_a_pending_redial_into_the_reported_window():
    # One warm-up day. A caller at 23:50 of the warm-up day finds no agent (nobody on duty from 23:30),
    # gives up after 50 s and redials 1000 s later: 450 s into the first reported day, where the
    # agent (on from 00:00) answers at once. Only the redial belongs to the window.
    spec = scenario(
        horizon={"warmup_days": 1},
        segments={"regular": {"patience": det(50)}},
        groups={"first_line": {"staffing": {"headcount": {"00:00": 1, "23:30": 0}}}},
        redials={"queue_abandon": {"probability": 1.0, "delay": det(1000), "return_to": "start"}},
    )
    result = run(spec, ScriptedCall(-600))
    calls = result.tables.calls
    assert calls["t_arrive"].tolist() == [450.0]
    assert calls["attempt"].tolist() == [2]
    assert calls["trigger"].astype(str).tolist() == ["after_abandoned"]
    assert legs_of(result) == [(1, "general", 450.0, 450.0, 550.0, 550.0, 0, "resolved")]
    assert result.tables.stories.empty  # the problem began in the warm-up
    assert result.kpis["offered"] == 1.0


def abandoned_at_the_experts(return_to: str):
    """first_line transfers everyone to the experts, whose agent is busy; waiting callers give up after 50 s."""
    return scenario(
        outcomes={"groups": {"first_line": {"resolve": 0.0, "transfer": {"experts": 1.0}}}},
        segments={"regular": {"share": 0.5, "patience": det(50)},
                  "expert_only": {"share": 0.5, "queue": "experts", "talk_time": det(1000), "patience": det(50)}},
        redials={"queue_abandon": {"probability": 1.0, "delay": det(500), "return_to": return_to}},
    )


def test_a_redial_after_abandoning_the_experts_goes_back_to_the_experts():
    # first_line transfers to the experts, whose agent is busy with another caller until 1000 s; the
    # transferred caller gives up there after 50 s and redials 500 s later, straight to the experts.
    spec = abandoned_at_the_experts("queue_left")
    result = run(spec, ScriptedCall(0, segment="expert_only"), ScriptedCall(10, segment="regular"))
    calls = result.tables.calls.set_index("call_id")
    legs = result.tables.legs
    second = legs[legs["call_id"] == 1]
    assert second["queue"].astype(str).tolist() == ["general", "experts"]
    assert second["t_end"].tolist() == [110.0, 160.0]  # abandoned the experts' queue at 160 s
    redial = calls[calls["attempt"] == 2]
    assert redial["t_arrive"].tolist() == [660.0]
    assert redial["first_queue"].astype(str).tolist() == ["experts"]


def test_a_redial_told_to_start_over_goes_through_the_first_line_again():
    # The same journey with return_to: start: the redial joins general, where it began.
    spec = abandoned_at_the_experts("start")
    result = run(spec, ScriptedCall(0, segment="expert_only"), ScriptedCall(10, segment="regular"))
    calls = result.tables.calls
    assert calls.loc[calls["attempt"] == 2, "first_queue"].astype(str).tolist() == ["general"]
