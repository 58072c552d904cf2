"""What every section of the report reads: the scenarios, their estimates and their differences.

A :class:`ReportContext` is built once from the loaded scenarios (the first is the baseline) and
handed to each section in :mod:`ccsim.report.sections`. Differences to the baseline are paired
replication by replication when the scenarios share a seed (common random numbers, as ``ccsim
compare`` runs them), and unpaired (Welch) otherwise; the page says which.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ccsim.metrics.kpis import metric_key
from ccsim.metrics.paired import paired_differences
from ccsim.metrics.stats import Estimate, estimate, unpaired_difference
from ccsim.report import figures as F
from ccsim.report import kpi_info
from ccsim.report import page as P
from ccsim.report import verdicts as V
from ccsim.report.changes import document_changes
from ccsim.report.loading import Loaded, concat_tables
from ccsim.report.measures import difference_measure, measure_of

# The parts that add up to cost_total (ccsim.metrics.kpis.money_kpis); cost_training is a view across
# cost_agents and cost_trainers, shown on its own rather than stacked.
COST_COMPONENTS = ["cost_agents", "cost_trainers", "cost_hiring", "cost_telephony", "cost_lost_customers"]


class ReportContext:
    """The baseline (first) and its variants, with their estimates, per-replication KPIs and differences."""

    def __init__(self, loaded: list[Loaded], comparison: dict[str, Any] | None = None):
        self.loaded = loaded
        self.comparison = comparison
        self.colours = F.scenario_colours([item.label for item in loaded])
        for item in loaded:
            item.colour = self.colours[item.label]
        self.baseline = loaded[0]
        self.variants = loaded[1:]
        self.estimates = {item.label: item.estimates() for item in loaded}
        self.frames = {item.label: item.per_replication() for item in loaded}
        self.paired = self._pairable()
        self.differences = self._differences()
        self.intervals, self.intervals_missing = concat_tables(
            loaded, "intervals", ["replication", "day", "time", "t_start", "open", "queue", "offered", "answered",
                                  "abandoned", "answered_within_threshold", "asa_s"])

    def _pairable(self) -> bool:
        if self.comparison is not None:
            return True
        seeds = {item.doc.get("seed") for item in self.loaded}
        base = set(self.frames[self.baseline.label].index)
        return len(seeds) == 1 and all(base & set(self.frames[v.label].index) for v in self.variants)

    def _differences(self) -> dict[str, dict[str, Estimate]]:
        base = self.frames[self.baseline.label]
        result = {}
        for variant in self.variants:
            frame = self.frames[variant.label]
            if self.paired:
                result[variant.label] = {k: d.paired for k, d in paired_differences(base, frame).items()}
            else:
                result[variant.label] = {
                    k: unpaired_difference(frame[k].to_numpy(dtype=float), base[k].to_numpy(dtype=float))
                    for k in base.columns if k in frame.columns
                }
        return result

    def kpi_names(self) -> list[str]:
        names: list[str] = []
        for item in self.loaded:
            names.extend(k for k in self.estimates[item.label] if k not in names)
        return names

    def kpi_rows(self, names: Sequence[str]) -> list[P.KpiRow]:
        rows = []
        currency = self.currency()
        for name in names:
            values = [self.estimates[item.label].get(name) for item in self.loaded]
            diffs = [self.differences[v.label].get(name) for v in self.variants]
            info = kpi_info(name)
            if info.kind == "money" and currency and not info.unit:
                info = dataclasses.replace(info, unit_text=currency)  # money shows its currency in every table
            rows.append(P.KpiRow(info, values, diffs))
        return rows

    def kpi_frame(self, names: Sequence[str]) -> pd.DataFrame:
        rows = []
        for item in self.loaded:
            for name in names:
                est = self.estimates[item.label].get(name)
                if est is not None and est.mean is not None:
                    rows.append({"scenario": item.label, "kpi": name, "mean": est.mean,
                                 "ci_low": est.ci_low, "ci_high": est.ci_high})
        frame = pd.DataFrame(rows, columns=["scenario", "kpi", "mean", "ci_low", "ci_high"])
        return frame.astype({"mean": float, "ci_low": float, "ci_high": float})

    def measures(self, names: Sequence[str]) -> dict[str, F.Measure]:
        result = {}
        for name in names:
            if not any(name in self.estimates[item.label] for item in self.loaded):
                continue
            result[name] = measure_of(name)
        return result

    def present(self, names: Sequence[str]) -> list[str]:
        return [n for n in names if any(n in self.estimates[item.label] for item in self.loaded)]

    def groups(self) -> list[str]:
        return list(dict.fromkeys(g for item in self.loaded for g in item.doc.get("groups", {})))

    def queues(self) -> list[str]:
        return list(dict.fromkeys(q for item in self.loaded for q in item.doc.get("queues", {})))

    def note_missing(self, missing: list[str], what: str) -> P.Block | None:
        if not missing:
            return None
        return P.Block(note=f"{what} need the per-call tables, which these results lack for: {', '.join(missing)} "
                            "(run without --no-tables to save them).")

    def verdicts(self) -> list[V.Verdict]:
        """One verdict per variant, from its differences against the baseline."""
        return [V.verdict(v.label, self.differences[v.label], self.currency()) for v in self.variants]

    def difference_block(self, names: Sequence[str]) -> P.Block:
        rows = []
        for variant in self.variants:
            for name in names:
                diff = self.differences[variant.label].get(name)
                if diff is None or diff.mean is None:
                    continue
                scale = kpi_info(name).scale
                rows.append({"variant": variant.label, "kpi": name, "mean": diff.mean * scale,
                             "ci_low": diff.ci_low * scale if diff.ci_low is not None else np.nan,
                             "ci_high": diff.ci_high * scale if diff.ci_high is not None else np.nan,
                             "excludes_zero": diff.excludes_zero})
        frame = pd.DataFrame(rows, columns=["variant", "kpi", "mean", "ci_low", "ci_high", "excludes_zero"])
        measures = {name: difference_measure(name, self.currency()) for name in names if name in set(frame["kpi"])}
        fig = F.difference_panels(frame, title=f"Change against {F.text(self.baseline.label)}, with 95 % intervals",
                                  colours=self.colours, measures=measures)
        return P.Block(figure=fig, caption="Filled marker: the interval excludes zero; open marker: it includes "
                                           "zero (no clear change). Shares in percentage points.")

    def currency(self) -> str:
        doc = self.baseline.doc
        costs = doc.get("costs") if isinstance(doc.get("costs"), dict) else {}
        return str(costs.get("currency") or doc.get("currency") or "")

    def cost_estimates(self) -> tuple[dict[str, Estimate], str]:
        """Total cost per scenario: the ``cost_total`` KPI, else agent-hours x hourly cost per group."""
        if self.present(["cost_total"]):
            result = {i.label: self.estimates[i.label]["cost_total"] for i in self.loaded
                      if "cost_total" in self.estimates[i.label]}
            label = "Total cost"
        else:
            result = {}
            for item in self.loaded:
                per_group = self.staff_cost(item)
                if per_group is not None:
                    result[item.label] = estimate(per_group.sum(axis=1).to_numpy())
            label = "Agent cost"
        # No hourly costs in the scenarios: every cost is zero, and a chart of zeros says nothing.
        if not any(abs(e.mean or 0.0) > 0 for e in result.values()):
            return {}, label
        return result, label

    def staff_cost(self, item: Loaded) -> pd.DataFrame | None:
        frame = self.frames[item.label]
        columns = {}
        for group, spec in item.doc.get("groups", {}).items():
            rate = spec.get("hourly_cost") if isinstance(spec, dict) else None
            column = f"agent_hours_{metric_key(str(group))}"
            if rate is None or column not in frame.columns:
                continue
            columns[str(group)] = frame[column].astype(float) * float(rate)
        return pd.DataFrame(columns) if columns else None

    def cost_components(self, item: Loaded) -> dict[str, float] | None:
        """Means of the parts that add up to ``cost_total`` (None when the results carry none)."""
        estimates = self.estimates[item.label]
        parts = {k: estimates[k].mean for k in COST_COMPONENTS if k in estimates and estimates[k].mean is not None}
        return parts or None

    def nonzero(self, name: str) -> bool:
        return any(abs(self.estimates[i.label][name].mean or 0.0) > 0 for i in self.loaded
                   if name in self.estimates[i.label])

    def open_times(self) -> dict[str, set[str]]:
        if self.intervals.empty:
            return {}
        return {str(k): set(v) for k, v in self.intervals.groupby("scenario")["time"].unique().items()}

    def cards(self) -> list[P.ScenarioCard]:
        cards = []
        base_description = str(self.baseline.doc.get("description", "") or "")
        for index, item in enumerate(self.loaded):
            description = str(item.doc.get("description", "") or "")
            if index and description == base_description:
                # Variants usually inherit the baseline's description; saying it again tells nothing.
                changed = len(document_changes(self.baseline.doc, item.doc))
                description = f"{changed} setting(s) differ from {self.baseline.label}: see What changed."
            role = "baseline" if index == 0 and self.variants else ("variant" if index else "scenario")
            cards.append(P.ScenarioCard(item.label, item.colour, role, description, item.run.path.name,
                                        self.run_replications(item)))
        return cards

    @staticmethod
    def run_replications(item: Loaded) -> int:
        return int(len(item.run.replications))

    @property
    def single(self) -> bool:
        """One scenario only: bar charts would have one bar per panel, which the tables say better."""
        return not self.variants

    def kpi_bars(self, names: Sequence[str], title: str, *, columns: int = 3,
                 measures: dict[str, F.Measure] | None = None, wide: bool = True) -> P.Block | None:
        """A panel of bars per KPI, one bar per scenario with its 95 % interval; None for one scenario
        or when none of ``names`` is in the results."""
        kpis = measures if measures is not None else self.measures(names)
        if self.single or not kpis:
            return None
        return P.Block(figure=F.kpi_bars(self.kpi_frame(list(kpis)), title=title, colours=self.colours,
                                         measures=kpis, columns=columns), wide=wide)
