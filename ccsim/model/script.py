"""A scripting seam: fresh calls at given times with given attributes, instead of random arrivals.

For exact traces of the model's mechanisms (tests, documentation, debugging a surprising run):

    script = Script((ScriptedCall(8 * 3600, segment="difficult", abusive=True),))
    records = ContactCentre(scenario, script=script).run()

Scripted calls replace the scenario's fresh arrivals on every day (days with no scripted call get
none). Everything else (talk times, patience, outcomes, redials) is drawn as usual from the
caller's keyed random numbers, so deterministic distributions in the scenario make a run exact.
Times are seconds from 00:00 of the first reported day; with warm-up days, negative times fall
in the warm-up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScriptedCall:
    """One scripted fresh call and what it forces (None: drawn as usual).

    ``difficult``/``abusive`` apply to every attempt of the call's problem (its redials too).
    """

    at: float  # seconds from 00:00 of the first reported day
    segment: str | None = None
    person: int | None = None
    difficult: bool | None = None
    abusive: bool | None = None


@dataclass(frozen=True)
class Script:
    """Scripted fresh calls, in any order."""

    calls: tuple[ScriptedCall, ...]

    def on_day(self, day: int, lead: float) -> list[tuple[float, ScriptedCall]]:
        """The (run time, call) pairs of simulated ``day``, in time order; ``lead``: warm-up seconds."""
        start, end = day * 86400.0, (day + 1) * 86400.0
        chosen = [(call.at + lead, call) for call in self.calls if start <= call.at + lead < end]
        return sorted(chosen, key=lambda pair: pair[0])
