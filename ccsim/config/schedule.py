"""Time-of-day step functions and opening hours, as written in scenario files."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from ccsim import units
from ccsim.config.types import WEEKDAYS


def _parse_steps(value: object) -> tuple[tuple[float, float], ...]:
    """``{"08:00": 40, "12:00": 35}`` -> ((28800, 40), (43200, 35)), sorted by time."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"must be >= 0, got {value}")
        return ((0.0, float(value)),)
    if isinstance(value, (tuple, list)) and all(isinstance(p, (tuple, list)) for p in value):
        return tuple(sorted((float(t), float(v)) for t, v in value))
    if not isinstance(value, dict) or not value:
        raise ValueError(
            'expected a number or a mapping of times of day to numbers, e.g. {"08:00": 40, "12:00": 35}'
        )
    steps = []
    for key, step_value in value.items():
        at = units.parse_clock(str(key))
        if isinstance(step_value, bool) or not isinstance(step_value, (int, float)):
            raise ValueError(f"value at {key} must be a number, got {step_value!r}")
        if step_value < 0:
            raise ValueError(f"value at {key} must be >= 0, got {step_value}")
        steps.append((at, float(step_value)))
    return tuple(sorted(steps))


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
        start, end = units.parse_clock(start_text), units.parse_clock(end_text)
        if end <= start:
            raise ValueError(f"closing time must be after opening time in {value!r}")
        return (start, end)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return (float(value[0]), float(value[1]))
    raise ValueError(f'expected "HH:MM-HH:MM" or "closed", got {value!r}')


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
