"""Where a result came from: command, sources, seed, versions, run id and times."""

from __future__ import annotations

import datetime as dt
import platform
import sys
import uuid
from typing import Any


def new_run_id() -> str:
    """A fresh identifier for one invocation; every file of its folder is marked with it."""
    return uuid.uuid4().hex


def now() -> str:
    """The current UTC time to the second, ISO 8601."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def command_line() -> str:
    """The command as typed (``ccsim`` and its arguments)."""
    return " ".join(["ccsim", *sys.argv[1:]])


def environment() -> dict[str, str]:
    """Versions that determine the numbers."""
    import numpy
    import pandas
    import simpy

    from ccsim import __version__

    return {
        "ccsim": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "simpy": simpy.__version__,
        "pandas": pandas.__version__,
        "platform": sys.platform,
    }


def run_provenance(run_id: str, sources: list[str], seed: int, replications_requested: int,
                   replications_done: list[int], interrupted: bool, started: str, wall_s: float,
                   **extra: Any) -> dict[str, Any]:
    """What ``provenance.json`` holds for one run (``wall_s`` in seconds; ``started`` from :func:`now`)."""
    return {
        "command": command_line(),
        "run_id": run_id,
        "sources": list(sources),
        "seed": seed,
        "replications_requested": replications_requested,
        "replications_done": list(replications_done),
        "interrupted": interrupted,
        "started": started,
        "wall_s": round(wall_s, 3),
        **extra,
    }
