"""Fresh demand: expected calls per planning interval and the arrival times of each day.

The process is a nonhomogeneous Poisson process with a rate that is constant within each
interval: the count in an interval is Poisson and, given the count, the times are independent
uniforms in the interval. That is exact for piecewise-constant rates and needs no thinning.
A daily busyness factor Z_d ~ Gamma(shape 1/cv^2, scale cv^2) (mean 1) multiplies every rate of
day d (Oreshkin, Régnard & L'Ecuyer, "Rate-based daily arrival process models with application to call
centres", Operations Research 64(2), 2016).
"""

from __future__ import annotations

import numpy as np

from ccsim import rng
from ccsim.config.scenario import Arrivals, Weekday
from ccsim.model.calendar import Calendar, step_averages

_WEEKDAY_NAMES: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def expected_counts(arrivals: Arrivals, calendar: Calendar) -> np.ndarray:
    """Expected fresh calls per slot of the horizon before the busyness factor (length n_slots)."""
    per_day = calendar.slots_per_day
    counts = np.zeros(calendar.n_slots)
    if arrivals.rates_per_hour is not None:
        hourly = step_averages(arrivals.rates_per_hour, calendar.interval, per_day)
        base = hourly * calendar.interval / 3600.0
    else:
        profile = (
            step_averages(arrivals.intraday_profile, calendar.interval, per_day)
            if arrivals.intraday_profile is not None
            else np.ones(per_day)
        )
    for day in range(calendar.days):
        weight = arrivals.day_of_week.get(_WEEKDAY_NAMES[calendar.weekday[day]], 1.0)
        open_slots = calendar.open_mask[calendar.day_slots(day)]
        date = calendar.date(day)
        dated = arrivals.rates_by_date.get(date) if arrivals.rates_by_date and date is not None else None
        if dated is not None:  # a replayed date: its own rates, no weekday weight
            hourly_on_date = step_averages(dated, calendar.interval, per_day)
            counts[calendar.day_slots(day)] = np.where(open_slots, hourly_on_date * calendar.interval / 3600.0, 0.0)
            continue
        if arrivals.rates_per_hour is not None:
            counts[calendar.day_slots(day)] = np.where(open_slots, base * weight, 0.0)
            continue
        assert arrivals.daily_volume is not None  # the schema requires it without rates_per_hour
        shares = np.where(open_slots, profile, 0.0)
        total = shares.sum()
        if total > 0:
            counts[calendar.day_slots(day)] = arrivals.daily_volume * weight * shares / total
    return counts


def busyness_factors(arrivals: Arrivals, days: int, seed: int, replication: int) -> np.ndarray:
    """Daily busyness factors Z_d (mean 1); all ones when ``busyness_cv`` is 0."""
    generator = rng.stream(seed, replication, "busyness")
    if arrivals.busyness_cv <= 0:
        return np.ones(days)
    cv2 = arrivals.busyness_cv**2
    return generator.gamma(1.0 / cv2, cv2, size=days)


def day_arrival_times(
    expected: np.ndarray, calendar: Calendar, day: int, factor: float, seed: int, replication: int
) -> np.ndarray:
    """Sorted arrival times (run seconds) of fresh calls on ``day``.

    Each day draws from its own stream, so changing the horizon length or another day's volume
    leaves a day's arrivals unchanged (common random numbers across scenarios).
    """
    sequence = np.random.SeedSequence(seed, spawn_key=(replication, rng.STREAMS["arrivals"], day))
    generator = np.random.Generator(np.random.PCG64(sequence))
    slots = calendar.day_slots(day)
    means = expected[slots] * factor
    counts = generator.poisson(means)
    starts = (np.arange(calendar.slots_per_day) + day * calendar.slots_per_day) * calendar.interval
    offsets = generator.random(int(counts.sum())) * calendar.interval
    times = np.repeat(starts, counts) + offsets
    times.sort()
    return times
