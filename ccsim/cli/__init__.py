"""Command-line interface: each command is a few lines over the library API.

Each command lives in a module that registers it on the typer app when imported. :func:`main`
imports only the module of the command being run: the library behind ``compare``, ``sweep`` or
``staff`` takes about a second to import, which ``ccsim run`` never needs. Anything else (help,
a mistyped command) and ``from ccsim.cli import app`` get the app with every command.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

# Command name -> the module that registers it, in the order ``ccsim --help`` lists them.
COMMAND_MODULES = {
    "run": "run_command",
    "compare": "compare_command",
    "report": "compare_command",
    "sweep": "sweep_command",
    "staff": "staff_command",
    "validate": "validate_command",
    "schema": "validate_command",
    "export": "export_command",
    "calibrate": "calibrate_command",
    "backtest": "backtest_command",
}


def registered(commands: list[str] | None = None) -> typer.Typer:
    """The typer app with ``commands`` registered (default: every command)."""
    names = list(COMMAND_MODULES) if commands is None else commands
    for module in dict.fromkeys(COMMAND_MODULES[name] for name in names):
        importlib.import_module(f"ccsim.cli.{module}")
    from ccsim.cli.common import app

    return app


def main() -> None:
    """The ``ccsim`` console script."""
    first = sys.argv[1] if len(sys.argv) > 1 else ""
    registered([first] if first in COMMAND_MODULES else None)()


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return registered()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMAND_MODULES", "app", "main", "registered"]
