"""The caller journey: conservation of persons and attempts, transfers, redials, difficulty."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim import analytic
from ccsim.experiments.runner import replicate, simulate
from ccsim.metrics.stats import estimate, paired_difference
from tests.conftest import mmn, modified
from tests.journey_scenarios import two_tier


def check_accounting(result) -> None:
    calls, stories, legs, persons = (result.tables.calls, result.tables.stories, result.tables.legs,
                                     result.tables.persons)
    # Every story is recorded once, with as many attempts as it has calls.
    assert stories["story_id"].is_unique
    assert set(calls["story_id"]) == set(stories["story_id"])
    per_story = calls.groupby("story_id").size()
    assert (per_story.reindex(stories["story_id"]).to_numpy() == stories["attempts"].to_numpy()).all()
    # Attempts of a story are numbered 1..n in time order.
    for _, rows in calls.groupby("story_id"):
        assert rows["attempt"].tolist() == list(range(1, len(rows) + 1))
        assert rows["t_arrive"].is_monotonic_increasing
    # A story ends resolved on its last attempt, lost after a failed one, or is still open.
    last = calls.sort_values("attempt").groupby("story_id").tail(1).set_index("story_id")
    outcome = stories.set_index("story_id")["outcome"].astype(str)
    last_outcome = last["outcome"].astype(str).reindex(outcome.index)
    resolved = outcome == "resolved"
    assert last_outcome[resolved].isin(["resolved", "self_served"]).all()
    assert (~last_outcome[outcome == "lost"].isin(["resolved", "self_served", "open"])).all()
    # Persons: every story belongs to one, and their counts add up.
    assert persons["stories"].sum() == len(stories)
    assert persons["attempts"].sum() == len(calls)
    assert (persons["resolved"] + persons["lost"] + persons["open"] == persons["stories"]).all()
    # Legs: numbered per call, and every call that reached a queue has them.
    counts = legs.groupby("call_id").size().reindex(calls["call_id"]).fillna(0).to_numpy()
    assert (counts == calls["legs"].to_numpy()).all()
    assert (calls["transfers"] <= calls["legs"] - 1 + (calls["legs"] == 0)).all()


@pytest.mark.parametrize("mode", ["cold", "warm"])
def test_every_person_and_attempt_is_accounted_for(mode):
    result = simulate(two_tier(transfers={"mode": mode}))
    check_accounting(result)
    outcomes = set(result.tables.calls["outcome"].astype(str))
    assert {"resolved", "abandoned", "unresolved", "self_served", "ivr_abandoned"} <= outcomes


def test_accounting_holds_when_understaffed():
    check_accounting(simulate(two_tier(first_line=8, experts=3)))


def test_misrouted_callers_are_always_transferred():
    result = simulate(two_tier(ivr={"misroute": 0.3}))
    calls, legs = result.tables.calls, result.tables.legs
    misrouted = set(calls.loc[calls["misrouted"], "call_id"])
    first_legs = legs[(legs["leg"] == 0) & legs["call_id"].isin(misrouted) & (legs["outcome"] == "answered")]
    assert len(first_legs) > 50
    assert (first_legs["talk_outcome"].astype(str) == "misroute_transfer").all()
    assert np.allclose(first_legs["talk_s"], 60.0)
    # Nobody correctly routed gets a misroute transfer.
    others = legs[~legs["call_id"].isin(misrouted)]
    assert (others["talk_outcome"].astype(str) != "misroute_transfer").all()


def test_warm_transfer_never_loses_its_caller():
    result = simulate(two_tier(first_line=14, experts=3, transfers={"mode": "warm", "handover": 30}))
    legs = result.tables.legs.sort_values(["call_id", "leg"])
    previous = legs.groupby("call_id")["talk_outcome"].shift(1).astype(object)
    after_warm = legs[previous == "transfer_warm"]
    assert len(after_warm) > 100
    assert (after_warm["outcome"].astype(str) != "abandoned").all()
    warm = legs[legs["talk_outcome"].astype(str) == "transfer_warm"]
    assert (warm["handover_s"] == 30.0).all()
    # The same understaffed expert tier loses cold-transferred callers.
    cold = simulate(two_tier(first_line=14, experts=3)).tables.legs.sort_values(["call_id", "leg"])
    previous = cold.groupby("call_id")["talk_outcome"].shift(1).astype(object)
    assert (cold[previous == "transfer_cold"]["outcome"].astype(str) == "abandoned").any()


def test_transfer_cap_stops_the_chain():
    # Experts send everyone back to the first line, which sends 40 % back to experts: long chains.
    scenario = two_tier(outcomes={"groups": {"first_line": {"resolve": 0.3, "transfer": {"experts": 0.6}},
                                             "experts": {"resolve": 0.0, "transfer": {"general": 1.0}}}},
                        transfers={"max_transfers": 3, "at_cap": "lose"})
    calls = simulate(scenario).tables.calls
    assert calls["transfers"].max() == 3
    assert (calls["outcome"].astype(str) == "transfer_cap").any()
    assert (calls.loc[calls["outcome"].astype(str) == "transfer_cap", "transfers"] == 3).all()


def test_redials_come_back_as_new_attempts_of_the_same_story():
    result = simulate(two_tier(first_line=9))
    calls = result.tables.calls
    redials = calls[calls["attempt"] > 1]
    assert len(redials) > 100
    assert set(redials["trigger"].astype(str)) <= {"after_abandoned", "after_ivr_abandoned", "after_unresolved"}
    assert (calls.groupby("story_id")["person_id"].nunique() == 1).all()
    assert calls.groupby("story_id")["attempt"].max().max() <= 5
    assert result.kpis["redial_share"] > 0.05


def test_redials_wait_for_the_next_opening():
    base = two_tier(first_line=9)
    hours = {day: "08:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    calls = simulate(modified(base, horizon={"opening_hours": hours})).tables.calls
    time_of_day = calls["t_arrive"] % 86400
    assert ((time_of_day >= 8 * 3600) & (time_of_day < 18 * 3600)).all()
    morning = calls[(calls["attempt"] > 1) & (calls["day"] == 1) & (time_of_day < 9 * 3600)]
    assert len(morning) > 0


def test_difficult_callers_talk_longer_and_can_be_abusive():
    calls = simulate(two_tier()).tables.calls
    answered = calls[calls["t_first_answer"].notna() & (calls["transfers"] == 0)]
    difficult = answered[answered["difficult"]]
    normal = answered[~answered["difficult"]]
    assert difficult["talk_s"].mean() > 1.8 * normal["talk_s"].mean()
    assert calls["abusive"].sum() > 0
    assert not (calls["abusive"] & ~calls["difficult"]).any()


def test_features_switched_off_give_the_single_queue_model():
    plain = mmn(agents=50, days=1, warmup=0)
    off = modified(plain, ivr={"enabled": False, "options": {"a": {"share": 1, "queue": "main"}}},
                   redials={"enabled": False})
    a, b = simulate(plain).tables.legs, simulate(off).tables.legs
    columns = ["call_id", "t_enqueue", "t_answer", "t_end", "agent_id"]
    assert a[columns].equals(b[columns])


def test_fewer_first_line_agents_feed_redials_and_difficult_callers():
    # The articles' loop: understaffing -> abandonment -> redials -> frustrated, difficult callers.
    # Nobody is difficult by nature here, so difficulty comes only from failed attempts.
    natural = {"segments": {"regular": {"share": 1.0}, "difficult": {"share": 0.0}}, "replications": 6}
    full = replicate(two_tier(first_line=14, **natural), jobs=2, keep_tables=False)
    cut = replicate(two_tier(first_line=8, **natural), jobs=2, keep_tables=False)
    for kpi in ("abandon_rate", "redial_share", "difficult_share_calls"):
        difference = paired_difference([r.kpis[kpi] for r in cut], [r.kpis[kpi] for r in full])
        assert difference.ci_low > 0, f"{kpi}: {difference}"


def test_redial_fixed_point_matches_erlang_a():
    # Stationary M/M/n+M with redials after abandoning (probability r, no decay, exponential delay):
    # the total offered rate solves lambda = lambda0 + r * lambda * P_ab(lambda) (the fixed point of Koole's Erlang X).
    fresh, talk, patience, agents, r = 600 / 3600, 300.0, 300.0, 48, 0.6
    scenario = mmn(rate_per_hour=600, agents=agents, days=2, warmup=4 * 3600, replications=6,
                   redials={"max_attempts": 100, "queue_abandon": {"probability": r, "decay": 1.0,
                                                                   "delay": {"dist": "exponential", "mean": 600}},
                            "ivr_abandon": None, "unresolved": None, "cut_off": None, "hung_up": None})
    total = fresh
    for _ in range(200):
        total = fresh + r * total * analytic.erlang_a(agents, total, talk, patience).p_abandon
    horizon = 2 * 86400 - 4 * 3600
    rates = [result.kpis["offered"] / horizon for result in replicate(scenario, jobs=2, keep_tables=False)]
    measured = estimate(rates)
    assert abs(measured.mean - total) < 4 * measured.se + 0.003 * total, (measured, total)
    assert total > fresh * 1.02  # the redials are a real share of the load
