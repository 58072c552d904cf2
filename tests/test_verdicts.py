"""Verdict wording: a change reads as the measure, its signed difference, its unit and its interval."""

from ccsim.metrics.stats import Estimate
from ccsim.report.verdicts import change_text, verdict


def test_a_unit_that_repeats_the_measure_is_left_out():
    assert change_text("stress_mean", Estimate(-8.09, 0.3, -8.64, -7.53, 6)) == "strain −8.09 [−8.64, −7.53]"
    assert change_text("asa_s", Estimate(-1.9, 0.3, -2.58, -1.22, 6)) == "ASA −1.90 s [−2.58, −1.22]"


def test_an_interval_across_zero_is_no_significant_change():
    found = verdict("v", {"asa_s": Estimate(-1.0, 0.6, -2.2, 0.2, 6)})
    assert found.line == "no significant change"


def test_direction_follows_the_catalogue():
    found = verdict("v", {"asa_s": Estimate(2.0, 0.3, 1.4, 2.6, 6),
                          "service_level": Estimate(0.05, 0.01, 0.03, 0.07, 6)})
    assert [c.name for c in found.worsenings] == ["asa_s"]
    assert [c.name for c in found.improvements] == ["service_level"]
    assert found.line.startswith("improves service level +5")
