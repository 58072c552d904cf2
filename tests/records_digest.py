"""Digests of every record the engine writes for the shipped scenarios, for comparing two builds.

Run as a script with one or more scenario files: prints one JSON line per file with the SHA-256
of each record kind's bytes and of the run's counters, for a short run (three days, one of them
warm-up, replication 1), and the file the engine's centre module was loaded from. ``tests/test_compiled.py``
runs it under the pure and the compiled build and asks for the same digests.
"""

from __future__ import annotations

import hashlib
import json
import sys

from ccsim.config.load import load_scenario
from ccsim.model import centre
from ccsim.model.centre import ContactCentre

KINDS = ("legs", "calls", "stories", "duty", "breaks", "agent_days", "strain_intervals", "expected_arrivals",
         "busyness")


def digests(path: str) -> dict[str, object]:
    scenario = load_scenario(path, ["horizon.days=3", "horizon.warmup_days=1"]).scenario
    records = ContactCentre(scenario, 1).run()
    out: dict[str, object] = {kind: hashlib.sha256(getattr(records, kind).tobytes()).hexdigest() for kind in KINDS}
    out["counters"] = repr(sorted(records.counters.items()))
    out["person_frustration"] = repr(sorted(records.person_frustration.items()))
    out["calls_recorded"] = int(len(records.calls))
    return out


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps({"scenario": path, "engine": centre.__file__, **digests(path)}))
