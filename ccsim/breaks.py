"""Where a shift's breaks and off-phone blocks fall: the rota rule the model and the analytic rostering share.

Agents of one shift have their breaks staggered by the golden-ratio sequence of their index within
the shift (so neighbours never break together) over ``break_stagger``; a shift's off-phone share
(coaching, meetings) and the training policy's share are blocks of their own, placed in the middle
part of the shift past any break they would overlap. Times are run seconds.

A ground-floor module (it knows shifts and the duty kinds of the output schema, not the model),
so :mod:`ccsim.analytic.rostering` uses the same placement without importing the model.
"""

from __future__ import annotations

from ccsim import units
from ccsim.config.workforce import Shift
from ccsim.metrics import records as R

GOLDEN_FRACTION = 0.6180339887498949


def _place_block(begin: float, length: float, limit: float,
                 taken: list[tuple[float, float, int]]) -> tuple[float, float]:
    """A block of ``length`` from ``begin``, stepped past every piece in ``taken`` it would overlap."""
    for b_start, b_end, _ in sorted(taken):
        if begin < b_end and begin + length > b_start:
            begin = b_end  # step past a break it would overlap
    return begin, min(begin + length, limit)


def breaks_for(shift: Shift, index: int, start: float, training: float = 0.0) -> tuple[tuple[float, float, int], ...]:
    """Breaks and off-phone blocks of the ``index``-th agent of a shift starting at ``start`` (run seconds).

    ``training``: share of the shift the training policy takes off the phones, as a block of its
    own (kind ``training``) so planned and delivered training can be told from other off-phone time.
    """
    offset = round(shift.break_stagger * ((index * GOLDEN_FRACTION) % 1.0) / 60.0) * 60.0
    breaks = [(start + b.after + offset, start + b.after + offset + b.length, R.DUTY_BREAK) for b in shift.breaks]
    end_of_shift = start + shift.length
    training = min(training, max(0.0, 0.5 - shift.off_phone))
    for share, kind, phase in ((shift.off_phone, R.DUTY_OFF_PHONE, 0.5), (training, R.DUTY_TRAINING, 0.0)):
        if share <= 0:
            continue
        block = share * shift.length
        room = max(shift.length - 2 * units.HOUR - block, 0.0)
        begin = start + min(units.HOUR, shift.length / 4) + room * ((index * GOLDEN_FRACTION + phase) % 1.0)
        begin, end = _place_block(begin, block, end_of_shift, breaks)
        if end > begin:
            breaks.append((begin, end, kind))
    return tuple(sorted(breaks))
