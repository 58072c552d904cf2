"""`ccsim staff`: recommend agents per interval and group that meet service targets.

Exit codes: 0 when every interval's targets can be met; 1 when some cannot with the allowed
headcount (the results are still written and the message names the groups and intervals); 2 for
bad input (targets, scenario, options); 130 when interrupted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from ccsim.cli.common import (
    UserError,
    app,
    commit_output,
    console,
    elapsed,
    errors,
    prepare_output,
    print_warnings,
    progress_bar,
    user_errors,
)
from ccsim.config.load import load_scenario, resolve_file
from ccsim.experiments.runner import Interrupted, default_jobs
from ccsim.experiments.staffing import (
    DEFAULT_CHECK_REPLICATIONS,
    DEFAULT_ITERATIONS,
    DEFAULT_REPLICATIONS,
    MISSES,
    StaffingError,
    StaffingResult,
    TargetError,
    Targets,
    check_line,
    describe_intervals,
    parse_service_target,
    parse_share,
    recommend_staffing,
    write_outputs,
    write_scenario,
)
from ccsim.results import REPORT_FILE

_HOURS = ("erlang_c", "erlang_a", "simulated", "scheduled")


def read_targets(target: str | None, max_abandon: str | None, max_occupancy: str | None,
                 default: tuple[float, float]) -> Targets:
    """The targets from the command line (the service level defaults to the scenario's)."""
    try:
        level, threshold = parse_service_target(target) if target is not None else default
        return Targets(
            service_level=level, threshold=threshold,
            max_abandon=parse_share(max_abandon, "--max-abandon") if max_abandon is not None else None,
            max_occupancy=parse_share(max_occupancy, "--max-occupancy", allow_zero=False)
            if max_occupancy is not None else None,
        )
    except TargetError as exc:
        raise UserError(str(exc)) from None


def hours_table(result: StaffingResult, summary: dict) -> Table:
    """Per group: agent-hours on the phones by each method, paid hours and the schedule's cost."""
    currency = summary["currency"]
    table = Table(title=f"{result.scenario.name}: agent-hours over {result.layout.days} day(s) for "
                        f"{result.targets.label}", title_justify="left", show_edge=False, header_style="bold")
    table.add_column("group", no_wrap=True)
    for label in ("Erlang C", "Erlang A", "simulated", "scheduled", "paid", f"cost ({currency})"):
        table.add_column(label, justify="right", no_wrap=True)
    totals: dict[str, float | None] = dict.fromkeys((*_HOURS, "paid", "cost"), 0.0)
    for name, group in summary["groups"].items():
        hours = group["agent_hours"]
        values = [*(hours[k] for k in _HOURS), group["paid_hours"], group["cost"]["scheduled"]]
        for key, value in zip(list(totals), values):
            totals[key] = None if value is None or totals[key] is None else totals[key] + value
        table.add_row(name, *map(_hours, values))
    if len(summary["groups"]) > 1:
        table.add_row("all groups", *map(_hours, totals.values()), style="bold")
    return table


def _hours(value: float | None) -> str:
    """Whole hours, or a dash where an Erlang formula cannot meet the targets in some interval."""
    return "–" if value is None else f"{value:,.0f}"


def outcome_lines(result: StaffingResult, summary: dict) -> list[str]:
    """How the search ended, what the final check found and what the shifts leave over or short."""
    lines = []
    if result.converged:
        lines.append(f"search: settled after {result.iterations} iteration(s) "
                     f"({result.replications} replications each, the same seeds every time)")
    else:
        last = result.history[-1]["intervals_changed"] if result.history else {}
        lines.append(f"search: not settled after {result.iterations} iterations ({sum(last.values())} interval(s) "
                     "still moving); raise --iterations, or read the final check below")
    lines.append(check_line(summary["final_check"]))
    missed = [(plan.name, result.layout.day_types[index], result.layout.time_of(int(slot)))
              for plan in result.groups.values()
              for index, slot in zip(*np.nonzero(np.isin(plan.status, MISSES)))]
    if missed:
        lines.append(f"missed on the mean: {describe_intervals(missed, result.layout.interval)}")
    for name, group in summary["groups"].items():
        if group["shifts"] is not None:
            lines.append(f"{name}: the shifts leave {group['surplus_agent_hours']:,.0f} agent-hours over the "
                         f"requirement and {group['shortfall_agent_hours']:,.0f} short")
        for problem in group["shift_problems"]:
            lines.append(f"{name}: {problem}")
    for name in result.layout.fixed_groups:
        lines.append(f"{name}: first choice of no queue; its staffing is left as the scenario has it")
    return lines


def check_scenario_path(path: Path, overwrite: bool) -> None:
    """Refuse a ``--write-scenario`` path that cannot be written, before any simulation runs."""
    if path.is_dir():
        raise UserError(f"--write-scenario {path}: is a folder; give the YAML file to write")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise UserError(f"--write-scenario {path}: expected a file name ending in .yaml or .yml")
    if path.exists() and not overwrite:
        raise UserError(f"--write-scenario {path}: exists; choose another file or pass --overwrite")
    folder = path.resolve().parent
    if not folder.is_dir():
        raise UserError(f"--write-scenario {path}: folder {path.parent} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"--write-scenario {path}: folder {path.parent} is not writable")


@app.command(name="staff")
def staff_command(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML file."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for requirements.csv, summary.json and report.html."),
    target: str | None = typer.Option(None, "--target", "-t", help='Service level as PERCENT/SECONDS, e.g. "80/20" '
                                      "(default: the scenario's service_level)."),
    max_abandon: str | None = typer.Option(None, "--max-abandon", help="Most abandonment per interval, e.g. 5%."),
    max_occupancy: str | None = typer.Option(None, "--max-occupancy", help="Most occupancy per interval, e.g. 90%."),
    replications: int = typer.Option(DEFAULT_REPLICATIONS, "--replications", "-r", min=2,
                                     help="Replications per simulation of the search."),
    check_reps: int = typer.Option(DEFAULT_CHECK_REPLICATIONS, "--check-reps", min=2,
                                   help="Replications of the final check of the written roster (fresh seeds)."),
    iterations: int = typer.Option(DEFAULT_ITERATIONS, "--iterations", "-k", min=1,
                                   help="Most simulations of candidate staffings."),
    max_agents: int | None = typer.Option(None, "--max-agents", min=1, help="Most agents a group may have in one "
                                          "interval (default: 10 per Erlang of load plus 100)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes (0 = all cores)."),
    sets: list[str] = typer.Option([], "--set", help="Override a value: dotted.path=value (repeatable)."),
    scenario_out: Path | None = typer.Option(None, "--write-scenario", help="Also write a copy of the scenario file "
                                             "with the recommended roster to this YAML file."),
    keep_overrides: bool = typer.Option(False, "--keep-overrides", help="Put the --set overrides into the "
                                        "--write-scenario file too (default: the file as written, new roster)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Allow writing into a non-empty folder or over the "
                                   "--write-scenario file."),
) -> None:
    """Recommend agents per interval and group: Erlang C, Erlang A and simulation, then shifts."""
    with user_errors():
        loaded = load_scenario(scenario_file, sets)
        scenario = loaded.scenario
        print_warnings(scenario)
        level = scenario.service_level
        targets = read_targets(target, max_abandon, max_occupancy, (level.target, level.threshold))
        if scenario_out is not None:
            check_scenario_path(scenario_out, overwrite)
        source = loaded.data if keep_overrides else resolve_file(scenario_file, {})[0]
        folder = prepare_output(out, overwrite)
        started = time.perf_counter()
        budget = replications * (iterations + 1) + check_reps  # load, the iterations, the final check
        with progress_bar() as progress:
            task = progress.add_task("load", total=budget)

            def stage(label: str, count: int) -> None:
                if label.startswith("final"):  # the search may stop early: only the check is left
                    progress.update(task, total=int(progress.tasks[0].completed) + count)
                progress.update(task, description=label)

            try:
                result = recommend_staffing(
                    scenario, targets, replications=replications, iterations=iterations,
                    check_replications_count=check_reps,
                    jobs=jobs or default_jobs(), max_agents=max_agents, base_dir=scenario_file.parent,
                    on_stage=stage, on_done=lambda _: progress.advance(task))
            except StaffingError as exc:
                raise UserError(str(exc)) from None
            except Interrupted:
                errors.print("interrupted; nothing written")
                raise typer.Exit(130) from None
        from ccsim.report.staff_report import write_staff_report  # plotly is heavy: load it only here

        table, summary = write_outputs(folder.path, result)
        write_staff_report(folder.path / REPORT_FILE, table, summary)
        report = commit_output(folder) / REPORT_FILE
        if scenario_out is not None:
            write_scenario(scenario_out, result, source)
        console.print(hours_table(result, summary))
        console.print("hours are agents on the phones per interval summed over the horizon; paid hours include "
                      "breaks and off-phone time of the shifts", style="dim", highlight=False)
        if any(v is None for g in summary["groups"].values() for v in g["agent_hours"].values()):
            console.print("–: the Erlang formula cannot meet the targets in some interval (more than 10 agents per "
                          "Erlang plus 100)", style="dim", highlight=False)
        for line in outcome_lines(result, summary):
            console.print(line, highlight=False)
        if scenario_out is not None and sets and not keep_overrides:
            console.print(f"{scenario_out} has the scenario file's settings without the --set overrides (the "
                          "roster was planned with them; --keep-overrides writes them too)", style="dim",
                          highlight=False)
        written = f", scenario {scenario_out}" if scenario_out is not None else ""
        console.print(f"results in {out}/, report {report}{written} ({elapsed(started)})", highlight=False)
        unreachable = result.unreachable()
        if unreachable:
            errors.print("[bold red]targets unreachable:[/] " + escape(
                         f"{targets.label} cannot be met in {len(unreachable)} "
                         f"interval(s) with the most agents allowed: "
                         f"{describe_intervals(unreachable, result.layout.interval)} "
                         "(raise --max-agents or relax the targets; the results are written)"),
                         highlight=False, soft_wrap=True, markup=True)
            raise typer.Exit(1)
