"""Invariants that hold in every run: conservation, Little's law, no agent in two calls at once."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.experiments.runner import simulate
from ccsim.model.centre import ContactCentre
from tests.conftest import mmn, modified


def check_conservation(result) -> None:
    calls, legs = result.tables.calls, result.tables.legs
    # Every call appears once, with exactly one outcome.
    assert calls["call_id"].is_unique
    assert calls["outcome"].notna().all()
    # Every leg belongs to a call, every call has its legs numbered 0..n-1.
    assert set(legs["call_id"]) <= set(calls["call_id"])
    counts = legs.groupby("call_id").size()
    assert (counts.reindex(calls["call_id"]).fillna(0).to_numpy() == calls["legs"].to_numpy()).all()
    # Every call that reached a queue ended answered, abandoned or still in the system.
    assert set(calls["outcome"].astype(str)) <= {"resolved", "abandoned", "open"}
    answered = legs["outcome"].astype(str) == "answered"
    assert (legs.loc[answered, "agent_id"] >= 0).all()
    assert (legs["wait_s"].dropna() >= 0).all()
    assert (legs.loc[answered, "talk_s"] >= 0).all()


def check_agents_never_double_booked(result) -> None:
    legs = result.tables.legs
    served = legs[legs["agent_id"] >= 0].sort_values(["agent_id", "t_answer"])
    for _, rows in served.groupby("agent_id"):
        starts = rows["t_answer"].to_numpy()
        ends = rows["t_end"].to_numpy()
        assert (starts[1:] >= ends[:-1] - 1e-9).all()


def test_conservation_and_booking_on_a_busy_day():
    result = simulate(mmn(agents=45, days=1, warmup=0))
    check_conservation(result)
    check_agents_never_double_booked(result)
    assert result.kpis["offered"] == len(result.tables.calls)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rate=st.floats(10, 400),
    agents=st.integers(1, 30),
    talk=st.floats(30, 900),
    patience=st.one_of(st.none(), st.floats(1, 900)),
    wrap=st.floats(0, 60),
    seed=st.integers(0, 2**31),
)
def test_invariants_hold_for_random_small_centres(rate, agents, talk, patience, wrap, seed):
    base = mmn(rate_per_hour=rate, agents=agents, mean_talk=talk, mean_patience=patience, days=1, warmup=0,
               seed=seed)
    hours = {"mon": "08:00-12:00", "tue": "09:00-17:00", "wed": "08:00-20:00", "thu": "closed",
             "fri": "08:00-20:00", "sat": "10:00-11:00", "sun": "closed"}
    scenario = modified(base, horizon={"opening_hours": hours},
                        groups={"agents": {"wrap_up": {"dist": "exponential", "mean": wrap + 1e-3}}})
    result = simulate(scenario)
    check_conservation(result)
    check_agents_never_double_booked(result)
    # The one day simulated is a Monday: nobody comes on duty before it opens at 08:00.
    assert scenario.horizon.start_date.weekday() == 0
    duty = result.tables.duty
    assert ((duty["t_start"] % 86400) >= 8 * 3600).all()


def test_nobody_is_on_duty_and_nobody_calls_on_a_closed_day():
    # Monday open 08-12, Tuesday closed, Wednesday open 09-10: three days simulated.
    hours = {"mon": "08:00-12:00", "tue": "closed", "wed": "09:00-10:00", "thu": "closed", "fri": "closed",
             "sat": "closed", "sun": "closed"}
    scenario = modified(mmn(rate_per_hour=120, agents=4, days=3, warmup=0), horizon={"opening_hours": hours})
    assert scenario.horizon.start_date.weekday() == 0
    result = simulate(scenario)
    check_conservation(result)
    duty, calls = result.tables.duty, result.tables.calls
    on_duty_days = set((duty["t_start"] // 86400).astype(int))
    assert on_duty_days == {0, 2}, on_duty_days
    assert ((duty["t_start"] % 86400) >= np.where(duty["t_start"] // 86400 == 0, 8, 9) * 3600).all()
    assert set((calls["t_arrive"] // 86400).astype(int)) == {0, 2}
    # Calls arrive only while open (Monday 08-12, Wednesday 09-10).
    at = calls["t_arrive"].to_numpy()
    monday = (at >= 8 * 3600) & (at < 12 * 3600)
    wednesday = (at >= 2 * 86400 + 9 * 3600) & (at < 2 * 86400 + 10 * 3600)
    assert (monday | wednesday).all()


def test_littles_law_for_the_queue():
    # Sample the number of callers waiting every 5 s of simulated time and compare its average
    # with (arrival rate into the queue) x (mean time in queue): L = lambda W.
    scenario = mmn(agents=52, days=1, warmup=0)
    centre = ContactCentre(scenario, 0)
    samples: list[int] = []

    def sample(event) -> None:
        samples.append(sum(queue.waiting for queue in centre.queues))
        centre.env.timeout(5.0).callbacks.append(sample)

    centre.env.timeout(5.0).callbacks.append(sample)
    records = centre.run()
    waits = np.array([(leg[6] if np.isnan(leg[4]) else leg[4]) - leg[3] for leg in records.legs])
    waits = np.nan_to_num(waits, nan=86400.0 - np.array([leg[3] for leg in records.legs]))
    horizon = 86400.0
    little = len(records.legs) / horizon * waits.mean()
    sampled = float(np.mean(samples))
    assert little > 0.5
    assert abs(sampled - little) / little < 0.02
