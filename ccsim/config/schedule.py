"""Time-of-day step functions and opening hours, as written in scenario files."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from ccsim import units
from ccsim.config.types import WEEKDAYS


def _parse_steps(value: object) -> tuple[tuple[float, float], ...]:
    """``{"08:00": 40, "12:00": 35}`` or ``[["08:00", 40], ...]`` -> ((28800, 40), (43200, 35)), sorted by time.

    Both forms, and a single constant, go through the same checks: times of day, finite numbers
    that are not yes/no values, nothing negative, no time given twice.
    """
    if _is_number(value):
        return ((0.0, _step_number(value, "value")),)
    pairs: list[tuple[object, object]]
    if isinstance(value, dict) and value:
        pairs = list(value.items())
    elif isinstance(value, (tuple, list)) and value and all(isinstance(p, (tuple, list)) for p in value):
        if any(len(p) != 2 for p in value):
            raise ValueError('each step of a list must be a pair [time of day, value], e.g. [["08:00", 40]]')
        pairs = [(p[0], p[1]) for p in value]
    else:
        raise ValueError(
            'expected a number or a mapping of times of day to numbers, e.g. {"08:00": 40, "12:00": 35}'
        )
    steps: dict[float, float] = {}
    for key, step_value in pairs:
        at = units.parse_clock(key if _is_number(key) else str(key))
        if at in steps:
            raise ValueError(f"time {units.format_clock(at)} is given twice")
        steps[at] = _step_number(step_value, f"value at {key}")
    return tuple(sorted(steps.items()))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _step_number(value: object, what: str) -> float:
    if not _is_number(value):
        raise ValueError(f"{what} must be a number, got {value!r}")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{what} must be a finite number >= 0, got {value!r}")
    return number


def _steps_document(steps: tuple[tuple[float, float], ...]) -> dict[str, float]:
    return {units.format_clock(at): (int(v) if float(v).is_integer() else v) for at, v in steps}


def _hours_document(span: tuple[float, float] | None) -> str:
    return "closed" if span is None else f"{units.format_clock(span[0])}-{units.format_clock(span[1])}"


StepFunction = Annotated[
    tuple[tuple[float, float], ...],
    BeforeValidator(_parse_steps),
    PlainSerializer(_steps_document, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {
                    "type": "object",
                    "patternProperties": {r"^\d{1,2}:\d{2}$": {"type": "number", "minimum": 0}},
                    "additionalProperties": False,
                },
            ],
            "description": "A constant, or values from a time of day on: {\"08:00\": 40, \"12:00\": 35}.",
        }
    ),
]
"""A piecewise-constant function of the time of day: each value holds from its time to the next."""


def step_value(steps: tuple[tuple[float, float], ...], seconds_of_day: float) -> float:
    """Value of a step function at a time of day; 0 before its first step."""
    value = 0.0
    for at, step in steps:
        if at <= seconds_of_day:
            value = step
        else:
            break
    return value


def _parse_hours(value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in {"closed", "off", ""}:
        return None
    if isinstance(value, str) and "-" in value:
        start_text, end_text = value.split("-", 1)
        return _span(units.parse_clock(start_text), units.parse_clock(end_text), value)
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_number(v) or isinstance(v, str) for v in value):
        return _span(units.parse_clock(value[0]), units.parse_clock(value[1]), value)
    raise ValueError(f'expected "HH:MM-HH:MM" or "closed", got {value!r}')


def _span(start: float, end: float, given: object) -> tuple[float, float]:
    if end <= start:
        raise ValueError(f"closing time must be after opening time in {given!r}")
    return (start, end)


OpenSpan = Annotated[
    tuple[float, float] | None,
    BeforeValidator(_parse_hours),
    PlainSerializer(_hours_document, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}|closed)$",
            "description": 'Opening hours "HH:MM-HH:MM" (up to "24:00"), or "closed".',
        }
    ),
]


def parse_weekday(value: str) -> int:
    """'mon' -> 0 ... 'sun' -> 6."""
    key = value.strip().lower()[:3]
    if key not in WEEKDAYS:
        raise ValueError(f"unknown weekday {value!r}; use one of {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(key)
