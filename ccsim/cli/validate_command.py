"""`ccsim validate` and `ccsim schema`: check scenario files without running them."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from ccsim.cli.common import app, console, user_errors


@app.command()
def validate(
    scenario_files: list[Path] = typer.Argument(..., help="Scenario YAML files."),
    sets: list[str] = typer.Option([], "--set", help="Override a value: dotted.path=value (repeatable)."),
) -> None:
    """Check scenario files (syntax, keys, values, cross-references) without running them."""
    from ccsim.config.load import load_scenario  # here, not at start-up: see ccsim.cli.common

    with user_errors():
        for path in scenario_files:
            loaded = load_scenario(path, sets)
            scenario = loaded.scenario
            console.print(
                "[green]ok[/] " + escape(
                    f"{path}: {scenario.name!r}, {scenario.horizon.days} day(s), "
                    f"{len(scenario.groups)} group(s), {len(scenario.queues)} queue(s), "
                    f"{scenario.replications} replication(s)"
                ),
                highlight=False, markup=True,
            )


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from ccsim.config.scenario import Scenario

    document = Scenario.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "ccsim scenario"
    typer.echo(json.dumps(document, indent=2))
