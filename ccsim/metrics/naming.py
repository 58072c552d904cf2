"""How names of groups, queues and segments appear inside metric names."""

from __future__ import annotations

import re


def metric_key(name: str) -> str:
    """A group or queue name as it appears inside a metric name (lower case, underscores)."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()
