"""Time spent in spans, split over the planning-interval grid (vectorised, exact)."""

from __future__ import annotations

import numpy as np


def cumulative_overlap(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """F(edge) = total time of all spans [start, end) that lies before ``edge``, for each edge.

    Uses sum_i min(edge, x_i) = (sum of x_i below edge) + edge * (count of x_i at or above edge),
    evaluated for the ends and the starts with one sort each.
    """
    def summed_minimum(points: np.ndarray) -> np.ndarray:
        points = np.sort(points)
        prefix = np.concatenate(([0.0], np.cumsum(points)))
        below = np.searchsorted(points, edges, side="left")
        return prefix[below] + edges * (len(points) - below)

    return summed_minimum(ends) - summed_minimum(starts)


def time_per_slot(
    starts: np.ndarray,
    ends: np.ndarray,
    keys: np.ndarray,
    n_keys: int,
    interval: float,
    n_slots: int,
) -> np.ndarray:
    """Seconds of span time in each slot, per key: an array of shape (n_keys, n_slots)."""
    edges = np.arange(n_slots + 1) * interval
    result = np.zeros((n_keys, n_slots))
    valid = np.isfinite(starts) & np.isfinite(ends) & (ends > starts)
    for key in range(n_keys):
        chosen = valid & (keys == key)
        if chosen.any():
            result[key] = np.diff(cumulative_overlap(starts[chosen], ends[chosen], edges))
    return result
