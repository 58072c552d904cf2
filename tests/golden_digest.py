"""Digest of the single-queue model's output, to prove later features leave it unchanged when off.

Run as a script to print the digest of the reference scenario; the test compares against the value
stored in ``tests/golden/single_queue.json``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ccsim.experiments.runner import simulate
from tests.conftest import mmn

GOLDEN = Path(__file__).parent / "golden" / "single_queue.json"
LEG_COLUMNS = ["call_id", "t_enqueue", "t_answer", "t_end_talk", "t_end", "agent_id"]


def reference_scenario():
    """A busy single-queue day with wrap-up, a changing headcount and a closed night."""
    hours = {day: "07:00-22:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return mmn(agents=50, days=2, warmup=0, seed=99, horizon={"opening_hours": hours},
               groups={"agents": {"staffing": {"headcount": {"07:00": 30, "09:00": 52, "17:00": 40}},
                                  "wrap_up": {"dist": "lognormal", "mean": 30, "cv": 0.5}}})


def digest() -> dict[str, object]:
    result = simulate(reference_scenario())
    legs = result.tables.legs[LEG_COLUMNS].to_numpy(dtype=float)
    hashed = hashlib.sha256(np.round(legs, 6).tobytes()).hexdigest()
    return {"legs": int(len(legs)), "sha256": hashed,
            "kpis": {k: round(result.kpis[k], 9) for k in ("asa_s", "abandon_rate", "service_level", "occupancy")}}


if __name__ == "__main__":
    print(json.dumps(digest(), indent=2))
