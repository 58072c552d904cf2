"""The vectorised keyed draws give exactly the scalar values (ccsim.rng has one mixing function)."""

from __future__ import annotations

import numpy as np

from ccsim import rng


def test_mix64_array_matches_scalar_on_many_keys_and_slots() -> None:
    generator = np.random.default_rng(7)
    keys = [0, 1, (1 << 64) - 1, *(int(k) for k in generator.integers(0, 2**63, 200, dtype=np.uint64) * 2 + 1)]
    counters = [0, 1, 31, 32, rng.slot(3, 15, 31), (1 << 24) | 5, *range(0, 4096, 97)]
    table = rng.mix64_array(np.array(keys, dtype=np.uint64)[:, None], np.array(counters, dtype=np.uint64)[None, :])
    units = rng.unit_array(table)
    for i, key in enumerate(keys):
        for j, counter in enumerate(counters):
            assert int(table[i, j]) == rng.mix64(key, counter)
            assert units[i, j].item() == rng.unit(rng.mix64(key, counter)) == rng.Keyed(key).u(counter)


def test_draws_by_quarters_equal_the_whole_integer_mix_bit_for_bit() -> None:
    """The compiled build's way of drawing (rng.unit_by_quarters), checked here in the interpreted one too."""
    generator = np.random.default_rng(11)
    keys = [0, 1, (1 << 32) - 1, 1 << 32, 1 << 63, (1 << 64) - 1,
            *(int(k) for k in generator.integers(0, 2**63, 2000, dtype=np.uint64) * 2 + 1)]
    counters = [0, 1, 31, 32, rng.slot(3, 15, 31), (1 << 16) - 1, 1 << 16, (1 << 30) - 1,
                *(int(c) for c in generator.integers(0, 2**30, 20))]
    for key in keys:
        for counter in counters:
            assert rng.unit_by_quarters(key >> 32, key & 0xFFFFFFFF, counter) == rng.unit(rng.mix64(key, counter))


def _check_block(base: int, blocks: list[list[rng.PrimedKeyed]], story_ids: np.ndarray) -> None:
    for primed_block in blocks:
        for story_id, primed in zip(story_ids.tolist(), primed_block):
            plain = rng.Keyed(rng.mix64(base, story_id))
            assert primed.key == plain.key
            for attempt in range(3):
                for leg in range(3):
                    for purpose in range(rng.PURPOSES):
                        value = primed.u_at(attempt, leg, purpose)
                        assert type(value) is float
                        assert value == plain.u_at(attempt, leg, purpose)
                        assert primed.u(rng.slot(attempt, leg, purpose)) == plain.u(rng.slot(attempt, leg, purpose))


def test_primed_draws_answer_as_keyed_on_every_slot_before_and_after_learning() -> None:
    base = rng.key64(3, 1, "stories")
    story_ids = np.arange(40, dtype=np.uint64) | np.uint64(5 << 24)
    primer = rng.Primer(base)
    cold = primer.block(story_ids)
    assert cold[0].first == [] and max(cold[0].position) == -1  # nothing asked for yet: nothing drawn ahead
    cold[0].u_at(0, 0, rng.TALK)
    cold[0].u(rng.PATIENCE)
    partly = primer.block(story_ids)
    drawn = {purpose for purpose, place in enumerate(partly[0].position) if place >= 0}
    assert drawn == {rng.TALK, rng.PATIENCE} and len(partly[0].first) == 2
    _check_block(base, [cold, partly], story_ids)  # reads every purpose: the next block draws them all
    assert min(primer.block(story_ids)[0].position) >= 0
    _check_block(base, [primer.block(story_ids)], story_ids)
