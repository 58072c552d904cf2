"""The CLI starts without the library a command does not need, and still knows every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer.main

import ccsim.cli
from ccsim.cli import COMMAND_MODULES

CLI_DIR = Path(ccsim.cli.__file__).parent


def _modules_loaded_by(*argv: str) -> set[str]:
    """Modules imported by ``ccsim ARGV`` (a help page: nothing runs), in a fresh interpreter."""
    code = ("import sys; sys.argv = ['ccsim', *sys.argv[1:]]\n"
            "from ccsim.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    return set(done.stderr.split())


def test_every_command_module_is_in_the_map_and_registers_its_commands() -> None:
    on_disk = {path.stem for path in CLI_DIR.glob("*_command.py")}
    assert on_disk == set(COMMAND_MODULES.values())
    registered = typer.main.get_group(ccsim.cli.registered()).commands
    assert set(registered) == set(COMMAND_MODULES)


def test_a_command_loads_only_its_own_module() -> None:
    loaded = _modules_loaded_by("run", "--help")
    assert "ccsim.cli.run_command" in loaded
    others = {f"ccsim.cli.{module}" for module in COMMAND_MODULES.values()} - {"ccsim.cli.run_command"}
    assert not loaded & others
    # The library is imported when the command runs, not to parse its options.
    assert not loaded & {"pandas", "pyarrow", "scipy", "plotly", "ccsim.model.centre", "ccsim.experiments.compare"}


def test_help_lists_every_command() -> None:
    done = subprocess.run([sys.executable, "-m", "ccsim", "--help"], capture_output=True, text=True, check=True)
    for name in COMMAND_MODULES:
        assert f" {name} " in done.stdout
