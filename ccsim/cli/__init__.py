"""Command-line interface: each command is a few lines over the library API."""

# Importing a command module registers its command on the app.
from ccsim.cli import (  # noqa: F401
    backtest_command,
    calibrate_command,
    compare_command,
    export_command,
    run_command,
    staff_command,
    sweep_command,
    validate_command,
)
from ccsim.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
