"""Command-line interface: each command is a few lines over the library API."""

from ccsim.cli import compare_command, run_command, sweep_command, validate_command  # noqa: F401  (registers the commands)
from ccsim.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
