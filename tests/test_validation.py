"""The simulator against exact queueing results (Erlang C and Erlang A).

Each case is a stationary M/M/n (Erlang C) or M/M/n+M (Erlang A) system, open around the clock.
Independent replications give each KPI a mean and a standard error; the test passes when every
KPI lies within 4 standard errors of the exact value. The default run uses a reduced size; the
slow target (``make test-slow``) uses enough replications that the SE could reveal a bias of 2 %
of the value (at least 1 percentage point, or 1 s for waits), and asserts that too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from ccsim import analytic
from ccsim.experiments.runner import replicate
from ccsim.metrics.stats import summarise
from tests.conftest import mmn

THRESHOLD = 20.0


@dataclass(frozen=True)
class Case:
    name: str
    rate_per_hour: float
    mean_talk: float
    agents: int
    mean_patience: float | None  # None: Erlang C
    seed: int  # each case its own, so that the cases' sampling errors are independent
    slow_replications: int = 400

    def exact(self) -> dict[str, float]:
        rate = self.rate_per_hour / 3600.0
        if self.mean_patience is None:
            levels = analytic.erlang_c_service_levels(self.agents, rate, self.mean_talk, THRESHOLD)
            return {
                "p_wait": analytic.erlang_c(self.agents, rate * self.mean_talk),
                "asa_s": analytic.erlang_c_asa(self.agents, rate, self.mean_talk),
                "service_level": levels["of_offered"],
                "occupancy": rate * self.mean_talk / self.agents,
            }
        result = analytic.erlang_a(self.agents, rate, self.mean_talk, self.mean_patience)
        levels = analytic.erlang_a_service_levels(self.agents, rate, self.mean_talk, self.mean_patience, THRESHOLD)
        return {
            "p_wait": result.p_wait,
            "abandon_rate": result.p_abandon,
            "mean_wait_s": result.mean_wait,
            "service_level": levels["of_offered"],
            "service_level_of_answered": levels["of_answered"],
            "occupancy": result.occupancy,
        }

    def days_per_replication(self) -> int:
        """Enough days for about 14,000 calls per replication."""
        return max(1, math.ceil(14_000 / (self.rate_per_hour * 24)))


CASES = [
    Case("erlang_a_oracle_53", 600, 300, 53, 300, seed=20261124),  # the worked M/M/53+M example
    Case("erlang_a_oracle_57", 600, 300, 57, 300, seed=20261125),
    Case("erlang_a_overloaded_45", 600, 300, 45, 300, seed=20261126),  # offered load 50 > 45 agents
    Case("erlang_a_small_3", 30, 300, 3, 600, seed=20261127),  # n <= 5
    Case("erlang_c_57", 600, 300, 57, None, seed=20261128),
    Case("erlang_c_small_5", 42, 300, 5, None, seed=20261129, slow_replications=640),  # n <= 5; ASA: heavy tail
]

# The slow run must be able to see a bias of 2 % of the exact value, or of the absolute floor where
# that is larger (1 percentage point for probabilities, 1 s for waits): 4 SE must be below it.
RELATIVE_BIAS = 0.02
ABSOLUTE_FLOOR = {"mean_wait_s": 1.0, "asa_s": 1.0}
PROBABILITY_FLOOR = 0.01


def detectable_bias(name: str, exact: float) -> float:
    return max(RELATIVE_BIAS * abs(exact), ABSOLUTE_FLOOR.get(name, PROBABILITY_FLOOR))


def check(case: Case, replications: int, require_power: bool) -> None:
    scenario = mmn(rate_per_hour=case.rate_per_hour, mean_talk=case.mean_talk, agents=case.agents,
                   mean_patience=case.mean_patience, days=case.days_per_replication(), warmup=3600,
                   seed=case.seed, replications=replications)
    results = replicate(scenario, jobs=2, keep_tables=False)
    estimates = summarise([r.kpis for r in results])
    failures = []
    for name, exact in case.exact().items():
        estimate = estimates[name]
        error = estimate.mean - exact
        if abs(error) > 4 * estimate.se:
            failures.append(f"{name}: simulated {estimate.mean:.5g} (SE {estimate.se:.3g}) vs exact {exact:.5g}")
        if require_power and 4 * estimate.se > detectable_bias(name, exact):
            failures.append(f"{name}: SE {estimate.se:.3g} too large to reveal a bias of "
                            f"{detectable_bias(name, exact):.3g}")
    assert not failures, f"{case.name}:\n" + "\n".join(failures)


def test_each_case_has_its_own_seed():
    # Common random numbers across cases would make their errors move together: one unlucky seed
    # would pass or fail all six at once.
    assert len({case.seed for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matches_exact_results_reduced_size(case):
    check(case, replications=8, require_power=False)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matches_exact_results_full_size(case):
    check(case, replications=case.slow_replications, require_power=True)
