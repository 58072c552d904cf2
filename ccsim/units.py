"""Units used everywhere in ccsim.

Inside the model every time is a float number of **seconds**; a run's clock starts at 00:00 of
its first day. Scenario files may write durations with a unit ("20s", "4.5min", "1.5h", "2d"),
times of day as "HH:MM", and shares as "5%". This module turns those strings into numbers and
back; it is the only place that knows the spellings.
"""

from __future__ import annotations

import math
import re

SECOND = 1.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0

_UNITS = {
    "": SECOND,
    "s": SECOND,
    "sec": SECOND,
    "secs": SECOND,
    "second": SECOND,
    "seconds": SECOND,
    "m": MINUTE,
    "min": MINUTE,
    "mins": MINUTE,
    "minute": MINUTE,
    "minutes": MINUTE,
    "h": HOUR,
    "hr": HOUR,
    "hrs": HOUR,
    "hour": HOUR,
    "hours": HOUR,
    "d": DAY,
    "day": DAY,
    "days": DAY,
}

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*([a-zA-Z]*)\.?\s*$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*")
_COMPOUND = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[a-zA-Z]+\s*){2,4}$")
_HMS = re.compile(r"^\s*(\d{1,3}):(\d{2}):(\d{2})\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([aApP]\.?[mM]\.?)?\s*$")

DURATION_PATTERN = (
    r"^\s*([-+]?[0-9.]+(e[-+]?[0-9]+)?\s*[a-zA-Z]*\.?|([0-9.]+\s*[a-zA-Z]+\s*){2,4}|\d{1,3}:\d{2}:\d{2})\s*$"
)
_PERCENT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+))\s*%\s*$")

DURATION_HELP = (
    'a number of seconds or a string with a unit such as "20s", "30 secs", "4.5min", "1.5h", "1h 30min", "2d", '
    'or "H:MM:SS"'
)
CLOCK_HELP = 'a time of day "HH:MM" between "00:00" and "24:00" (also "8:30", "8am", "5:30pm")'
FRACTION_HELP = 'a number between 0 and 1 or a percentage such as "5%"'


def parse_duration(value: object) -> float:
    """Return ``value`` as seconds.

    Accepts ints and floats (already seconds) and strings with an optional unit. Raises
    ``ValueError`` with an explanation of the allowed forms otherwise.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected {DURATION_HELP}, got {value!r}")
    if isinstance(value, (int, float)):
        return _finite(float(value), value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match and match.group(2).lower() in _UNITS:
            return _finite(float(match.group(1)) * _UNITS[match.group(2).lower()], value)
        if _COMPOUND.match(value):  # "1h 30min", "2min30s": each part a unit, largest first
            parts = [(float(n), u.lower()) for n, u in _DURATION_PART.findall(value)]
            scales = [_UNITS.get(u) for _, u in parts]
            if all(scales) and scales == sorted(scales, reverse=True) and len(set(scales)) == len(scales):
                return _finite(sum(n * scale for (n, _), scale in zip(parts, scales)), value)
        match = _HMS.match(value)
        if match:
            hours, minutes, seconds = (int(g) for g in match.groups())
            if minutes < 60 and seconds < 60:
                return float(hours * HOUR + minutes * MINUTE + seconds)
        if re.match(r"^\s*\d{1,2}:\d{2}\s*$", value):
            raise ValueError(
                f"{value!r} could be hours:minutes or minutes:seconds; write it with a unit such as "
                f'"1h 30min" or "1min 30s", or as "H:MM:SS"'
            )
    raise ValueError(f"expected {DURATION_HELP}, got {value!r}")


def _finite(seconds: float, given: object) -> float:
    if not math.isfinite(seconds):
        raise ValueError(f"expected a finite duration, got {given!r}")
    return seconds


def parse_clock(value: object) -> float:
    """Return a time of day ("08:30", or seconds after midnight) as seconds (0 to 86400 inclusive)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= DAY:
        return float(value)
    if isinstance(value, str):
        match = _CLOCK.match(value)
        # A bare number of hours ("8") is a time only with am/pm; "08" alone is more likely a slip.
        if match and (match.group(2) is not None or match.group(4)):
            hours, minutes, seconds = (int(g or 0) for g in match.groups()[:3])
            half = (match.group(4) or "").lower()[:1]
            if half and not 1 <= hours <= 12:
                hours = -1  # "13pm" and "0am" are no times
            elif half:
                hours = hours % 12 + (12 if half == "p" else 0)
            total = hours * HOUR + minutes * MINUTE + seconds
            if hours >= 0 and minutes < 60 and seconds < 60 and total <= DAY:
                return float(total)
    raise ValueError(f"expected {CLOCK_HELP}, got {value!r}")


def parse_fraction(value: object) -> float:
    """Return a share in [0, 1] from a number or a percentage string."""
    if isinstance(value, bool):
        raise ValueError(f"expected {FRACTION_HELP}, got {value!r}")
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if not match:
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"expected {FRACTION_HELP}, got {value!r}") from None
        else:
            value = float(match.group(1)) / 100.0
    if isinstance(value, (int, float)) and 0.0 <= float(value) <= 1.0:  # NaN fails both comparisons
        return float(value)
    raise ValueError(f"expected {FRACTION_HELP}, got {value!r}")


def format_clock(seconds: float) -> str:
    """Format seconds after midnight as "HH:MM", or "HH:MM:SS" when not on a whole minute."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def format_duration(seconds: float) -> str:
    """Format a duration compactly with the largest unit that keeps it readable."""
    if seconds >= DAY and seconds % DAY == 0:
        return f"{seconds / DAY:g}d"
    if seconds >= HOUR and seconds % (HOUR / 4) == 0:
        return f"{seconds / HOUR:g}h"
    if seconds >= MINUTE and seconds % 1 == 0 and seconds % 6 == 0:
        return f"{seconds / MINUTE:g}min"
    return f"{seconds:.15g}s"
