"""One line per policy: what it significantly improves and worsens, from the paired intervals only.

A change counts when its 95 % interval excludes zero; "better" and "worse" follow the
catalogue's direction of each measure (:mod:`ccsim.metrics.catalogue`). Measures without a
preferred direction are left out: a verdict says what got better or worse, not what moved.
Per-group burnout and per-queue service levels are judged with the overall ones, so a team that
burns out cannot hide behind the centre's average.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ccsim.metrics.catalogue import HEADLINE_KPIS, kpi_info, metric_key, split_name
from ccsim.metrics.stats import Estimate
from ccsim.report import decimals_for, format_signed

BREAKDOWNS_JUDGED = ("burnout_share", "service_level", "abandon_rate", "stress_mean")
"""Measures whose per-group and per-queue forms enter the verdicts too."""

SHORT_LABELS = {
    "burnout_share": "burnout", "service_level": "service level", "asa_s": "ASA", "abandon_rate": "abandonment",
    "redial_share": "redials", "wait_p90_s": "90th-percentile wait", "fcr": "first-contact resolution",
    "cost_total": "cost", "stress_mean": "strain", "absence_rate": "absence", "lost_share": "problems given up",
    "difficult_share_calls": "difficult calls", "attrition_annualised": "attrition", "customers_lost":
    "customers lost", "attempts_per_resolution": "attempts per resolution", "transfers_per_call": "transfers",
}


@dataclass(frozen=True)
class Change:
    """One significant change: the measure, its words, and whether it is an improvement."""

    name: str
    text: str
    better: bool


@dataclass(frozen=True)
class Verdict:
    """A variant's significant improvements and worsenings against the baseline."""

    variant: str
    improvements: list[Change]
    worsenings: list[Change]

    @property
    def line(self) -> str:
        """"improves ...; worsens ..." or "no significant change"."""
        parts = []
        if self.improvements:
            parts.append("improves " + "; ".join(c.text for c in self.improvements))
        if self.worsenings:
            parts.append("worsens " + "; ".join(c.text for c in self.worsenings))
        return " — ".join(parts) if parts else "no significant change"


def short_label(name: str) -> str:
    """A measure's name in a few words ("burnout: care team")."""
    found = split_name(name)
    if found is None:
        return name.replace("_", " ")
    info, key = found
    words = SHORT_LABELS.get(info.name, info.label[0].lower() + info.label[1:])
    return f"{words}: {key.replace('_', ' ')}" if key else words


def change_text(name: str, difference: Estimate, currency: str = "") -> str:
    """"burnout −5.2 points [−5.8, −4.6]": the difference with its interval, in display units."""
    info = kpi_info(name)
    assert difference.mean is not None and difference.ci_low is not None and difference.ci_high is not None
    decimals = decimals_for((difference.ci_high - difference.ci_low) / 2.0, info)
    unit = {"share": " points", "money": f" {currency}" if currency else ""}.get(info.kind, "")
    words = short_label(name)
    # A unit that repeats the measure's own name ("strain -8.1 strain") says nothing.
    if not unit and info.unit and info.unit not in words.split(":")[0]:
        unit = f" {info.unit}"
    low, high = (format_signed(v, info, decimals) for v in (difference.ci_low, difference.ci_high))
    return f"{words} {format_signed(difference.mean, info, decimals)}{unit} [{low}, {high}]"


def judged_names(available: Sequence[str]) -> list[str]:
    """The measures a verdict looks at, in reading order: the headline's, then per-group and per-queue forms."""
    present = set(available)
    names = [n for n in HEADLINE_KPIS if n in present and kpi_info(n).better is not None]
    for base in BREAKDOWNS_JUDGED:
        for name in available:
            found = split_name(name)
            if found is not None and found[0].name == base and found[1]:
                names.append(name)
    return list(dict.fromkeys(names))


def verdict(variant: str, differences: Mapping[str, Estimate], currency: str = "") -> Verdict:
    """The verdict of one variant from its paired differences against the baseline."""
    improvements: list[Change] = []
    worsenings: list[Change] = []
    for name in judged_names(list(differences)):
        difference = differences[name]
        info = kpi_info(name)
        if not difference.excludes_zero or difference.mean is None or info.better is None:
            continue
        better = (difference.mean < 0) == (info.better == "lower")
        change = Change(name, change_text(name, difference, currency), better)
        (improvements if better else worsenings).append(change)
    return Verdict(variant, improvements, worsenings)


def worst_group(estimates: Mapping[str, Estimate], groups: Sequence[str]) -> tuple[str, Estimate] | None:
    """The agent group with the highest burnout share (duty time above the strain threshold), if measured."""
    measured: list[tuple[str, Estimate]] = []
    for group in groups:
        found = estimates.get(f"burnout_share_{metric_key(group)}")
        if found is not None and found.mean is not None:
            measured.append((group, found))
    if not measured:
        return None
    return max(measured, key=lambda pair: pair[1].mean or 0.0)
