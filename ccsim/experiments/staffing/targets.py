"""Service targets for ``ccsim staff``: what every interval must achieve, read from the command line.

:class:`Targets` holds the service level (answered within a threshold, of answered plus abandoned
queue visits, as the ``service_level`` KPI counts it) and the optional abandonment and occupancy
caps; :func:`parse_service_target` and :func:`parse_share` read ``--target 80/20``,
``--max-abandon 5%`` and ``--max-occupancy 90%``, raising :class:`TargetError` with one line that
says what is wrong.

Units: shares in [0, 1] (80 % is 0.80); the threshold in seconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ccsim import units


class TargetError(ValueError):
    """A target the user wrote that cannot be read or cannot hold; the text is the whole message."""


@dataclass(frozen=True)
class Targets:
    """What every interval must achieve.

    Attributes:
        service_level: share of queue visits answered within ``threshold`` of those offered
            (answered + abandoned), as the ``service_level`` KPI measures it.
        threshold: seconds.
        max_abandon: largest share of queue visits abandoned (None: no target).
        max_occupancy: largest share of agents' time on the phones spent busy (None: no target).
    """

    service_level: float
    threshold: float
    max_abandon: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.service_level <= 1.0:
            raise TargetError(f"service level must lie in (0, 1], got {self.service_level!r}")
        if not (math.isfinite(self.threshold) and self.threshold > 0):
            raise TargetError(f"threshold must be > 0 seconds, got {self.threshold!r}")
        if self.max_abandon is not None and not 0.0 <= self.max_abandon <= 1.0:
            raise TargetError(f"max abandonment must lie in [0, 1], got {self.max_abandon!r}")
        if self.max_occupancy is not None and not 0.0 < self.max_occupancy <= 1.0:
            raise TargetError(f"max occupancy must lie in (0, 1], got {self.max_occupancy!r}")

    @property
    def label(self) -> str:
        """E.g. ``80/20, abandonment <= 5 %, occupancy <= 90 %``."""
        parts = [f"{_percent(self.service_level)}/{units.format_duration(self.threshold).removesuffix('s')}"
                 if self.threshold < 60 else
                 f"{_percent(self.service_level)} % within {units.format_duration(self.threshold)}"]
        if self.max_abandon is not None:
            parts.append(f"abandonment <= {_percent(self.max_abandon)} %")
        if self.max_occupancy is not None:
            parts.append(f"occupancy <= {_percent(self.max_occupancy)} %")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, float | None]:
        return {"service_level": self.service_level, "threshold_s": self.threshold,
                "max_abandon": self.max_abandon, "max_occupancy": self.max_occupancy}


def _percent(share: float) -> str:
    return f"{share * 100:g}"


_SERVICE_TARGET = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*%?\s*/\s*(\S.*?)\s*$")


def parse_service_target(text: str) -> tuple[float, float]:
    """``"80/20"`` -> (0.80, 20.0): a percentage answered within a threshold (seconds or with a unit).

    The percentage lies between 1 and 100 (``"80%/20s"`` and ``"95/1min"`` are accepted too).
    Raises :class:`TargetError` with one line saying what is wrong.
    """
    match = _SERVICE_TARGET.match(str(text))
    if not match:
        raise TargetError(f"--target {text}: expected PERCENT/SECONDS such as 80/20 "
                          "(80 % of calls answered within 20 s)")
    percent = float(match.group(1))
    if not 1.0 <= percent <= 100.0:
        raise TargetError(f"--target {text}: the service level is a percentage between 1 and 100, got {percent:g}")
    try:
        threshold = units.parse_duration(match.group(2))
    except ValueError:
        raise TargetError(f"--target {text}: the threshold {match.group(2)!r} is not a duration "
                          "(seconds, or with a unit: 20s, 1min)") from None
    if threshold <= 0:
        raise TargetError(f"--target {text}: the threshold must be longer than 0 s")
    return percent / 100.0, threshold


def parse_share(text: str, option: str, allow_zero: bool = True) -> float:
    """``"5%"`` or ``"0.05"`` -> 0.05 for the command-line option ``option``; TargetError otherwise."""
    try:
        share = units.parse_fraction(text)
    except ValueError:
        raise TargetError(f"{option} {text}: expected a percentage such as 5% (or a share such as 0.05) "
                          "between 0 and 100 %") from None
    if share == 0 and not allow_zero:
        raise TargetError(f"{option} {text}: must be more than 0 %")
    return share
