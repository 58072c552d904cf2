"""What every pool worker process does at start, whichever command started the pool."""

from __future__ import annotations

import os
import threading
import time


def watch_parent(every: float = 0.5) -> None:
    """Exit this worker as soon as its parent is gone.

    A parent killed outright (kill -9, out of memory) cannot stop its pool, and the workers would
    wait for tasks forever; a daemon thread checks the parent every ``every`` seconds.
    """
    threading.Thread(target=_exit_with_parent, args=(os.getppid(), every), daemon=True).start()


def _exit_with_parent(parent: int, every: float) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)
