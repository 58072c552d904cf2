"""Seeded randomness with common random numbers.

Layout: one root seed per invocation; replication ``r`` owns ``SeedSequence(root, spawn_key=(r, k))``
for each named purpose ``k``. Stream numbers are fixed in :data:`STREAMS` (never ``hash()``), so a
stream means the same thing in every run, process and Python version.

Two kinds of draws:

* **Vectorised streams** (:func:`stream`): numpy Generators for bulk draws whose order never
  depends on the simulated history, such as a day's arrival times or the customer base.
* **Keyed draws** (:class:`Keyed`): each problem story (one reason for calling, with all its
  redials and transfers) has a 64-bit key; a uniform for "attempt 2, leg 1, patience" is a pure
  function of that key and the slot. Values therefore do not depend on what else happened in the
  run, which keeps common random numbers aligned across scenarios even after their histories
  diverge (a policy that ends a call early does not shift every later caller's draws). The
  mixing function is SplitMix64 (Steele, Lea & Flood 2014), whose outputs pass BigCrush.
"""

from __future__ import annotations

from typing import Final

import numpy as np

STREAMS = {
    "arrivals": 1,
    "busyness": 2,
    "population": 3,
    "stories": 4,
    "agents": 5,
    "workforce": 6,
}

# Final: the compiled build reads them as constants, not from the module's namespace per draw.
_MASK: Final = (1 << 64) - 1
_GOLDEN: Final = 0x9E3779B97F4A7C15
_TO_UNIT: Final = 2.0**-53
_M32: Final = 0xFFFFFFFF
_M16: Final = 0xFFFF
_MIX1: Final = 0xBF58476D1CE4E5B9  # SplitMix64's two multipliers
_MIX2: Final = 0x94D049BB133111EB
_QUARTERS_COUNTER_LIMIT: Final = 1 << 30  # unit_by_quarters' counters stay below this
# The three odd constants in 16-bit pieces, lowest first (for unit_by_quarters).
_G0: Final = _GOLDEN & _M16
_G1: Final = (_GOLDEN >> 16) & _M16
_G2: Final = (_GOLDEN >> 32) & _M16
_G3: Final = _GOLDEN >> 48
_C1_0: Final = _MIX1 & _M16
_C1_1: Final = (_MIX1 >> 16) & _M16
_C1_2: Final = (_MIX1 >> 32) & _M16
_C1_3: Final = _MIX1 >> 48
_C2_0: Final = _MIX2 & _M16
_C2_1: Final = (_MIX2 >> 16) & _M16
_C2_2: Final = (_MIX2 >> 32) & _M16
_C2_3: Final = _MIX2 >> 48

def seed_sequence(root_seed: int, replication: int, purpose: str) -> np.random.SeedSequence:
    """The seed sequence of one purpose in one replication."""
    return np.random.SeedSequence(root_seed, spawn_key=(replication, STREAMS[purpose]))


def stream(root_seed: int, replication: int, purpose: str) -> np.random.Generator:
    """A numpy Generator for one purpose in one replication."""
    return np.random.Generator(np.random.PCG64(seed_sequence(root_seed, replication, purpose)))


def key64(root_seed: int, replication: int, purpose: str) -> int:
    """A 64-bit integer key derived from the seed sequence of one purpose."""
    state = seed_sequence(root_seed, replication, purpose).generate_state(2, np.uint32)
    return (int(state[0]) << 32) | int(state[1])


def mix64(key: int, counter: int) -> int:
    """SplitMix64 of ``key + counter * golden``: a 64-bit integer, uniform over keys."""
    z = (key + counter * _GOLDEN) & _MASK
    z = ((z ^ (z >> 30)) * _MIX1) & _MASK
    z = ((z ^ (z >> 27)) * _MIX2) & _MASK
    return z ^ (z >> 31)


def unit(z: int) -> float:
    """Map a 64-bit integer to a uniform in the open interval (0, 1)."""
    return ((z >> 11) + 0.5) * _TO_UNIT


def mix64_array(keys: np.ndarray | int, counters: np.ndarray) -> np.ndarray:
    """:func:`mix64` element-wise (numpy broadcasting), as uint64: the same values bit for bit.

    uint64 arithmetic wraps modulo 2**64, which is exactly what the scalar form's masks do.
    """
    z = np.asarray(keys, dtype=np.uint64) + np.asarray(counters, dtype=np.uint64) * np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
    return z ^ (z >> np.uint64(31))


def unit_array(z: np.ndarray) -> np.ndarray:
    """:func:`unit` element-wise: exact in float64 (``z >> 11`` has 53 bits), so bit-identical."""
    return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT


def unit_by_quarters(key_hi: int, key_lo: int, counter: int) -> float:
    """``unit(mix64(key, counter))`` computed on 16-bit pieces, for the compiled build: the same value bit for bit.

    ``key_hi`` and ``key_lo`` are the key's upper and lower 32 bits; ``counter`` is below 2**30.
    The compiled build does integer arithmetic in machine words only while every product has
    factors below 2**30; past that, each operation makes a Python integer, and a draw cost about
    5,000 instructions. Here every product is of 16-bit pieces (or the counter and a piece), so
    a draw stays in machine words (about 50 ns against 380 ns). Interpreted, the plain form is
    five times faster than this one, so the interpreted build keeps it (see :data:`_BY_QUARTERS`).
    """
    a1 = counter * _G1
    s = key_lo + counter * _G0 + ((a1 & _M16) << 16)
    lo = s & _M32
    hi = (key_hi + (s >> 32) + (a1 >> 16) + counter * _G2 + (((counter * _G3) & _M16) << 16)) & _M32
    lo ^= ((hi << 2) | (lo >> 30)) & _M32  # z ^= z >> 30
    hi ^= hi >> 30
    hi, lo = _times_quarters(hi, lo, _C1_0, _C1_1, _C1_2, _C1_3)
    lo ^= ((hi << 5) | (lo >> 27)) & _M32  # z ^= z >> 27
    hi ^= hi >> 27
    hi, lo = _times_quarters(hi, lo, _C2_0, _C2_1, _C2_2, _C2_3)
    lo ^= ((hi << 1) | (lo >> 31)) & _M32  # z ^= z >> 31
    hi ^= hi >> 31
    return ((hi << 21) + (lo >> 11) + 0.5) * _TO_UNIT  # ((z >> 11) + 0.5) * 2**-53


def _times_quarters(hi: int, lo: int, c0: int, c1: int, c2: int, c3: int) -> tuple[int, int]:
    """(upper, lower 32 bits) of ``(hi * 2**32 + lo) * c`` modulo 2**64; ``c`` in 16-bit pieces, c0 the lowest."""
    z0 = lo & _M16
    z1 = lo >> 16
    z2 = hi & _M16
    z3 = hi >> 16
    r1 = z0 * c1 + z1 * c0
    low = z0 * c0 + ((r1 & _M16) << 16)
    r3 = z0 * c3 + z1 * c2 + z2 * c1 + z3 * c0  # only its lowest 16 bits stay below 2**64
    high = (low >> 32) + (r1 >> 16) + z0 * c2 + z1 * c1 + z2 * c0 + ((r3 & _M16) << 16)
    return high & _M32, low & _M32


# The compiled build draws by quarters, the interpreted one with whole integers: the faster way in
# each (identical values; tests/test_rng_vector.py checks both against mix64).
_BY_QUARTERS: Final = not __file__.endswith(".py")


def _keyed_unit(key: int, key_hi: int, key_lo: int, counter: int) -> float:
    """``unit(mix64(key, counter))`` the faster way for this build; ``key_hi``/``key_lo`` are the key's halves."""
    if _BY_QUARTERS and counter < _QUARTERS_COUNTER_LIMIT:
        return unit_by_quarters(key_hi, key_lo, counter)
    return unit(mix64(key, counter))


class Keyed:
    """Uniforms addressed by slot for one story: ``u(slot)`` is fixed by (key, slot).

    Slots are built with :func:`slot` from the attempt number, the leg within the attempt and
    the purpose, so every random quantity of a caller has its own address.
    """

    __slots__ = ("key", "_hi", "_lo")

    def __init__(self, key: int):
        self.key = key
        self._hi = key >> 32
        self._lo = key & _M32

    def u(self, slot_number: int) -> float:
        return _keyed_unit(self.key, self._hi, self._lo, slot_number)

    def u_at(self, attempt: int, leg: int, purpose: int) -> float:
        """``u(slot(attempt, leg, purpose))`` in one call (the engine's hot path)."""
        return _keyed_unit(self.key, self._hi, self._lo, (attempt * LEGS + leg) * PURPOSES + purpose)


class PrimedKeyed(Keyed):
    """:class:`Keyed` with some uniforms of attempt 0, leg 0 already drawn (see :class:`Primer`).

    Most of a story's draws fall on that first leg; answering them from a list saves the 64-bit
    arithmetic, and the values are the same as :class:`Keyed` gives. A purpose its block did not
    draw is computed here and noted in ``wanted``, so that the next blocks draw it too. Each story
    holds its own values (not a view of its block's), so they go with the story when it ends.
    """

    __slots__ = ("first", "position", "wanted")

    def __init__(self, key: int, first: list[float], position: list[int], wanted: list[bool]):
        Keyed.__init__(self, key)
        self.first = first  # u(slot(0, 0, purpose)) of the purposes drawn ahead
        self.position = position  # by purpose: its place in ``first``, or -1 (shared by the block)
        self.wanted = wanted  # the Primer's: purposes the next blocks draw ahead

    def u(self, slot_number: int) -> float:
        if slot_number < PURPOSES:
            place = self.position[slot_number]
            if place >= 0:
                return self.first[place]
            self.wanted[slot_number] = True
        return Keyed.u(self, slot_number)

    def u_at(self, attempt: int, leg: int, purpose: int) -> float:
        if attempt == 0 and leg == 0:
            place = self.position[purpose]
            if place >= 0:
                return self.first[place]
            self.wanted[purpose] = True
        return Keyed.u_at(self, attempt, leg, purpose)


class Primer:
    """Keys of blocks of stories, ``mix64(base, counter)``, with their first-leg uniforms drawn in one pass.

    Only the purposes the run reads are drawn: which ones depends on the scenario (no menu, no
    menu draws), so the primer starts with none and draws, for every later block, each purpose a
    story of an earlier block asked for. Drawing ahead never changes a value, only when it is computed.
    """

    __slots__ = ("base", "wanted")

    def __init__(self, base: int):
        self.base = base
        self.wanted = [False] * PURPOSES

    def column(self, counters: np.ndarray, purpose: int) -> np.ndarray:
        """``u_at(0, 0, purpose)`` of the stories ``counters`` as float64, the values their draws give bit for bit.

        For choices made for a whole block at once (a fresh story's segment and person).
        """
        return unit_array(mix64_array(mix64_array(self.base, counters), np.array(purpose, dtype=np.uint64)))

    def block(self, counters: np.ndarray) -> list[PrimedKeyed]:
        keys = mix64_array(self.base, counters)
        wanted = self.wanted
        purposes = [purpose for purpose in range(PURPOSES) if wanted[purpose]]
        position = [-1] * PURPOSES
        for place, purpose in enumerate(purposes):
            position[purpose] = place
        # slot(0, 0, purpose) is the purpose itself.
        drawn = unit_array(mix64_array(keys[:, None], np.array(purposes, dtype=np.uint64)[None, :])).tolist()
        return [PrimedKeyed(key, first, position, wanted) for key, first in zip(keys.tolist(), drawn)]


# Purposes of keyed draws. Never renumber (it changes every result); retired numbers stay unused.
PERSON: Final = 0
SEGMENT: Final = 1
PATIENCE: Final = 2
TALK: Final = 3
WRAP: Final = 4
OUTCOME: Final = 5
DIFFICULT: Final = 6
ABUSE: Final = 7
IVR_TIME: Final = 8
IVR_OPTION: Final = 9
IVR_SELF_SERVICE: Final = 10
IVR_ABANDON: Final = 11
MISROUTE: Final = 12
REDIAL: Final = 13
REDIAL_DELAY: Final = 14
TRANSFER_TARGET: Final = 15
DIFFICULT_FACTOR: Final = 16
ABUSE_ONSET: Final = 17
PAID_LINE: Final = 18
CALLBACK: Final = 20
IVR_ABANDON_TIME: Final = 22
HANG_UP_WARNING: Final = 24
CHURN: Final = 25
CALLBACK_ACCEPT: Final = 26
CALLBACK_REACH: Final = 27
CUT_CALLBACK: Final = 28
HANG_UP_SEVERE: Final = 29
PURPOSES: Final = 32
LEGS: Final = 16


def slot(attempt: int, leg: int, purpose: int) -> int:
    """The slot number of one purpose on one leg of one attempt (all counted from 0)."""
    return (attempt * LEGS + leg) * PURPOSES + purpose
