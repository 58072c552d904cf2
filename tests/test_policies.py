"""Each policy moves the measures it targets, compared with the baseline under common random numbers."""

from __future__ import annotations

import pytest

from ccsim.config.load import load_scenario
from ccsim.experiments.runner import replicate
from ccsim.metrics.stats import estimate, paired_difference
from tests.conftest import CONFIGS

# A day of warm-up is enough for these directions (the default week is for measuring levels).
MEDIUM = ["horizon.days=2", "horizon.warmup_days=1", "replications=5", "customer_base.size=100000"]


def run(name: str, *extra: str):
    path = CONFIGS / ("baseline.yaml" if name == "baseline" else f"policies/{name}.yaml")
    scenario = load_scenario(path, [*MEDIUM, *extra]).scenario
    return replicate(scenario, jobs=2, keep_tables=False)


@pytest.fixture(scope="module")
def baseline():
    return run("baseline")


def difference(variant, baseline, kpi: str):
    return paired_difference([r.kpis[kpi] for r in variant], [r.kpis[kpi] for r in baseline])


def assert_direction(variant, baseline, expectations: dict[str, str]) -> None:
    failures = []
    for kpi, sign in expectations.items():
        d = difference(variant, baseline, kpi)
        ok = d.ci_low is not None and (d.ci_low > 0 if sign == "+" else d.ci_high < 0)
        if not ok:
            failures.append(f"{kpi}: expected {sign}, got {d}")
    assert not failures, "\n".join(failures)


def test_call_time_limit_shortens_talk_but_brings_callers_back(baseline):
    assert_direction(run("call_time_limit"), baseline, {"talk_share": "-", "cut_off_rate": "+",
                                                        "redial_share": "+"})


def test_permission_to_hang_up_lowers_burnout(baseline):
    # At the published rate (about 3 terminations per 100,000 calls) the permission works only through
    # the control it gives agents over abuse (a 30 % buffer on the strain of 0.7 % of calls): burnout
    # falls by a fraction of a point, and never rises.
    hang_up = run("hang_up")
    burnout = difference(hang_up, baseline, "burnout_share")
    assert burnout.mean < 0 and burnout.ci_high < 0.001, burnout
    assert estimate([r.kpis["hung_up_per_100k"] for r in hang_up]).mean < 20


def test_ending_every_abusive_call_cuts_hostile_talk(baseline):
    # The mechanism itself: with every abusive call ending after the warning, hostile talk falls.
    assert_direction(run("hang_up", "policies.hang_up.terminable_share=1"), baseline,
                     {"hung_up_calls": "+", "hostile_minutes_per_agent_day": "-", "stress_mean": "-"})


def test_paid_line_deters_difficult_callers_and_earns_revenue(baseline):
    assert_direction(run("paid_line"), baseline, {"difficult_share_calls": "-", "revenue": "+",
                                                  "deterred_share": "+", "customers_lost": "+", "asa_s": "-"})


def test_training_raises_resolution_and_cuts_transfers(baseline):
    assert_direction(run("training", "policies.training.ramp_weeks=0"), baseline,
                     {"fcr": "+", "transfers_per_call": "-", "resolution_rate_first_line": "+", "cost_total": "+"})


def test_ivr_redesign_cuts_misroutes_and_menu_hang_ups(baseline):
    assert_direction(run("ivr_redesign"), baseline, {"misroute_rate": "-", "ivr_abandon_rate": "-"})


def test_warm_transfers_lose_no_transferred_caller(baseline):
    # Warm transfers protect the transferred caller; the hand-over time and their priority cost the
    # others some service, which the report shows beside it.
    warm = run("warm_transfers")
    assert all(r.kpis["transfer_abandon_rate"] == 0 for r in warm)
    assert_direction(warm, baseline, {"transfer_abandon_rate": "-"})


def test_team_for_difficult_callers_relieves_the_first_line(baseline):
    assert_direction(run("difficult_team"), baseline, {"occupancy_first_line": "-", "stress_mean": "-"})


def test_callback_offer_cuts_abandonment(baseline):
    assert_direction(run("callback", "policies.callback.offer_after=15s"), baseline, {"abandon_rate": "-"})


def test_policies_switched_off_give_the_baseline_exactly(baseline):
    off = ["policies.hang_up.enabled=false", "policies.training.enabled=false",
           "policies.warm_transfers.enabled=false", "policies.ivr_redesign.enabled=false"]
    switched_off = run("combined", *off)
    for a, b in zip(switched_off, baseline):
        assert a.kpis == pytest.approx(b.kpis, nan_ok=True, rel=0, abs=0)


def test_combined_policies_run_together(baseline):
    combined = run("combined")
    assert_direction(combined, baseline, {"misroute_rate": "-", "transfers_per_call": "-", "burnout_share": "-"})


def test_paid_line_quota_bills_only_minutes_beyond_it(baseline):
    quota = run("paid_line_quota", "policies.paid_line.free_minutes_per_month=10")
    flat = run("paid_line_quota", "policies.paid_line.free_minutes_per_month=0")
    assert_direction(quota, baseline, {"revenue": "+", "difficult_share_calls": "-"})
    assert_direction(quota, flat, {"revenue": "-", "billed_minutes": "-", "deterred_share": "-"})


def test_training_effects_scale_with_hours_with_diminishing_returns():
    from ccsim.config.policies import Training

    dose = {hours: Training(hours_per_week=hours * 3600).dose() for hours in (0, 1, 2, 4, 40)}
    assert dose[0] == 0 and dose[2] == pytest.approx(1.0)
    assert dose[1] == pytest.approx(0.622, abs=1e-3) and dose[4] == pytest.approx(1.368, abs=1e-3)
    assert dose[40] < 1 / (1 - 2.718281828 ** -1) + 1e-9
