"""Output of ``ccsim staff``: the requirements table, ``summary.json``, the scenario copy with the
recommended staffing, and intervals named for messages.

Units: agent-hours and paid hours over the horizon; cost in the scenario's currency (paid hours
times the group's ``hourly_cost``); shares in [0, 1]; times as clock times ``HH:MM``; the interval
in seconds.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ccsim import units
from ccsim.config.load import scenario_from_dict
from ccsim.experiments.staffing.check import JUDGED_STATUSES
from ccsim.experiments.staffing.layout import agent_hours
from ccsim.experiments.staffing.recommend import StaffingResult
from ccsim.experiments.staffing.roster import apply_roster
from ccsim.results import atomic_write, scenario_document, write_json


def requirements_table(result: StaffingResult) -> pd.DataFrame:
    """One row per group, day type and open interval: every method's headcount and the final check."""
    layout = result.layout
    rows = []
    for plan in result.groups.values():
        shortfall = plan.shifts.shortfall if plan.shifts else np.zeros(layout.shape)
        surplus = plan.shifts.surplus if plan.shifts else np.zeros(layout.shape)
        for index, day in enumerate(layout.day_types):
            for slot in np.flatnonzero(layout.open[index]):
                cell = (index, slot)
                check = plan.check
                rows.append({
                    "day": day,
                    "days": len(layout.days_of_type[index]),
                    "time": layout.time_of(int(slot)),
                    "group": plan.name,
                    "load_erlangs": round(float(plan.analytic.load[cell]), 3),
                    "calls": round(float(check.calls[cell]), 2),
                    "erlang_c": _integer_or_none(plan.analytic.erlang_c[cell]),
                    "erlang_a": _integer_or_none(plan.analytic.erlang_a[cell]),
                    "simulated": int(plan.simulated[cell]),
                    "scheduled": round(float(plan.scheduled[cell]), 2),
                    "over_under": round(float(plan.scheduled[cell] - plan.simulated[cell]), 2),
                    "shortfall": round(float(shortfall[cell]), 2),
                    "surplus": round(float(surplus[cell]), 2),
                    **{f"{short}_{part}": _rounded(getattr(check, attr)[kind][cell])
                       for short, kind in (("sl", "service_level"), ("abandon", "abandon"),
                                           ("occupancy", "occupancy"))
                       for part, attr in (("mean", "mean"), ("ci_low", "low"), ("ci_high", "high"))},
                    "status": plan.status[cell],
                })
    return pd.DataFrame(rows)


def _integer_or_none(value: float) -> int | None:
    return int(value) if math.isfinite(value) else None


def _rounded(value: float) -> float | None:
    return round(float(value), 4) if math.isfinite(value) else None


def group_totals(result: StaffingResult) -> dict[str, dict[str, Any]]:
    """Per group: agent-hours on the phones over the horizon by each method, paid hours and cost."""
    layout = result.layout
    totals = {}
    for plan in result.groups.values():
        hours = {
            "erlang_c": agent_hours(plan.analytic.erlang_c, layout),
            "erlang_a": agent_hours(plan.analytic.erlang_a, layout),
            "simulated": agent_hours(plan.simulated, layout),
            "scheduled": agent_hours(plan.scheduled, layout),
        }
        paid = plan.shifts.paid_hours if plan.shifts else hours["simulated"]
        beyond_reach = {method: int((~np.isfinite(values) & layout.open).sum())
                        for method, values in (("erlang_c", plan.analytic.erlang_c),
                                               ("erlang_a", plan.analytic.erlang_a))}
        # An Erlang total with intervals beyond the solver's reach would understate: none is given.
        shown = {k: None if beyond_reach.get(k) else round(v, 2) for k, v in hours.items()}
        totals[plan.name] = {
            "queues": list(plan.queues),
            "handle_time_s": round(plan.analytic.handle, 2),
            "measured_handle_time_s": round(plan.analytic.measured_handle, 2)
            if math.isfinite(plan.analytic.measured_handle) else None,
            "agent_hours": shown,
            "paid_hours": round(paid, 2),
            "hourly_cost": plan.hourly_cost,
            "cost": {**{k: None if v is None else round(v * plan.hourly_cost, 2) for k, v in shown.items()
                        if k != "scheduled"},
                     "scheduled": round(paid * plan.hourly_cost, 2)},
            "erlang_intervals_beyond_reach": beyond_reach,
            "shifts": plan.shifts.counts if plan.shifts else None,
            "shift_problems": plan.shifts.problems if plan.shifts else [],
            "shortfall_agent_hours": round(agent_hours(plan.shifts.shortfall, layout), 2) if plan.shifts else 0.0,
            "surplus_agent_hours": round(agent_hours(plan.shifts.surplus, layout), 2) if plan.shifts else 0.0,
            "final_check": {status: int((plan.status == status).sum()) for status in JUDGED_STATUSES},
        }
    return totals


def summary_document(result: StaffingResult) -> dict[str, Any]:
    """``summary.json``: targets, how the search went, per-group hours and costs, unreachable intervals."""
    layout = result.layout
    return {
        "scenario": result.scenario.name,
        "seed": result.scenario.seed,
        "targets": result.targets.to_dict(),
        "target_label": result.targets.label,
        "horizon_days": layout.days,
        "interval_s": layout.interval,
        "day_types": {day: len(days) for day, days in zip(layout.day_types, layout.days_of_type)},
        "replications": result.replications,
        "seeds": {"search": [0, result.replications - 1],
                  "final_check": [result.check_replications.start, result.check_replications.stop - 1]},
        "final_check": result.final_check,
        "iterations": result.iterations,
        "max_iterations": result.max_iterations,
        "converged": result.converged,
        "patience_s": None if not result.groups else next(iter(result.groups.values())).analytic.patience,
        "groups": group_totals(result),
        "fixed_groups": list(layout.fixed_groups),
        "unreachable": [{"group": g, "day": d, "time": t} for g, d, t in result.unreachable()],
        "history": result.history,
        "currency": result.scenario.costs.currency,
        "run_time_s": round(result.run_time_s, 2),
    }


def staffed_scenario_document(result: StaffingResult) -> dict[str, Any]:
    """The scenario searched on with the written roster, as the full document (durations in seconds).

    Groups on a headcount get ``headcount_by_weekday`` step functions (net, on the phones) for the
    weekdays planned; groups with shift types keep them with the recommended agents per weekday.
    Other weekdays keep what the scenario had. This is the scenario the final check simulated.
    """
    data = apply_roster(scenario_document(result.scenario), result.roster)
    data["name"] = f"{result.scenario.name} (staffed for {result.targets.label})"
    scenario_from_dict(data, result.base_dir)  # the copy must load as it is written
    return data


def human_scenario_document(result: StaffingResult, source: dict[str, Any]) -> dict[str, Any]:
    """The scenario file's own data (``source``: as written, ``extends`` merged) with the written roster.

    Only the staffing headcounts, the service-level targets and the name change, so clock times,
    durations such as ``"8.5h"`` and everything else read as the user wrote them. ``source`` holds
    the run's ``--set`` overrides only when the caller put them in.
    """
    data = apply_roster(source, result.roster)
    data["name"] = f"{result.scenario.name} (staffed for {result.targets.label})"
    targets = result.targets
    level = {**(data.get("service_level") or {}), "threshold": units.format_duration(targets.threshold),
             "target": round(targets.service_level, 6)}
    if targets.max_abandon is not None:
        level["max_abandon"] = round(targets.max_abandon, 6)
    data["service_level"] = level
    scenario_from_dict(data, result.base_dir)  # the copy must load as it is written
    return data


class _PlainDumper(yaml.SafeDumper):
    """YAML without anchors: a block shared in the source (``breaks: *full_day``) is written out each time."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Clock times and opening hours in double quotes, as the shipped scenarios write them ("08:00").
    style = '"' if _CLOCK_TEXT.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CLOCK_TEXT = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?(-\d{1,2}:\d{2}(:\d{2})?)?$")
_PlainDumper.add_representer(str, _text)


def scenario_yaml(data: dict[str, Any]) -> str:
    """Scenario data as YAML in the shipped files' style: small leaf blocks on one line, keys in order."""
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, default_flow_style=None,
                     width=110)


REQUIREMENTS_FILE = "requirements.csv"
SUMMARY_FILE = "summary.json"


def write_outputs(out: Path, result: StaffingResult) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Write ``requirements.csv`` and ``summary.json`` into ``out``; return what was written."""
    table = requirements_table(result)
    summary = summary_document(result)
    atomic_write(out / REQUIREMENTS_FILE, table.to_csv(index=False).encode())
    write_json(out / SUMMARY_FILE, summary)
    return table, summary


def write_scenario(path: Path, result: StaffingResult, source: dict[str, Any]) -> None:
    """Write the scenario file with the recommended roster (see :func:`human_scenario_document`)."""
    header = (f"# {result.scenario.name}: staffing recommended by `ccsim staff` for {result.targets.label}\n"
              "# (headcounts are agents on the phones; shifts are counted with their breaks).\n")
    atomic_write(path, (header + scenario_yaml(human_scenario_document(result, source))).encode())


def describe_intervals(cells: list[tuple[str, str, str]], interval: float) -> str:
    """``[(group, day, "08:00"), ...]`` -> ``"first_line mon 08:00-09:00, tue 08:00-08:30; experts ..."``.

    Consecutive intervals merge into one range (end = the last interval's end).
    """
    by_group: dict[str, dict[str, list[float]]] = {}
    for group, day, clock in cells:
        by_group.setdefault(group, {}).setdefault(day, []).append(units.parse_clock(clock))
    parts = []
    for group, days in by_group.items():
        ranges = []
        for day, starts in days.items():
            starts = sorted(starts)
            first = previous = starts[0]
            for start in [*starts[1:], None]:
                if start is not None and start == previous + interval:
                    previous = start
                    continue
                ranges.append(f"{day} {units.format_clock(first)}-{units.format_clock(previous + interval)}")
                if start is not None:
                    first = previous = start
        parts.append(f"{group} " + ", ".join(ranges))
    return "; ".join(parts)
