"""Annotated field types shared by the scenario models: durations, clock times, shares.

:class:`StrictModel`, the base of every scenario part, holds the rules every number obeys
wherever it appears (a field, a mapping value, a list item): it is finite, and ``true`` /
``false`` are not numbers. Ranges come from :mod:`ccsim.config.limits`.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from ccsim import units
from ccsim.config.limits import MAX_DURATION


def _within_limit(seconds: float) -> float:
    if abs(seconds) > MAX_DURATION:
        raise ValueError(f"must be at most {units.format_duration(MAX_DURATION)} (ten years), "
                         f"got {units.format_duration(abs(seconds))}")
    return seconds


Duration = Annotated[
    float,
    BeforeValidator(units.parse_duration),
    AfterValidator(_within_limit),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "maximum": MAX_DURATION},
                {"type": "string", "pattern": units.DURATION_PATTERN},
            ],
            "description": f"Duration: {units.DURATION_HELP}.",
        }
    ),
]
"""A duration in seconds (at most ten years); scenario files may add a unit."""

Clock = Annotated[
    float,
    BeforeValidator(units.parse_clock),
    PlainSerializer(units.format_clock, return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "description": f"Time of day: {units.CLOCK_HELP}."}
    ),
]
"""A time of day in seconds after midnight."""

Fraction = Annotated[
    float,
    BeforeValidator(units.parse_fraction),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": r"^\s*[0-9.]+\s*%\s*$"},
            ],
            "description": f"Share: {units.FRACTION_HELP}.",
        }
    ),
]
"""A share between 0 and 1."""


class StrictModel(BaseModel):
    """Base of every scenario part: unknown keys are errors and parts never change after loading.

    No number may be infinite or NaN (``allow_inf_nan``), and a yes/no value given where the
    field holds no yes/no value is refused before pydantic would read ``true`` as 1.
    """

    # Field descriptions may be given as a docstring under the field (they feed the reference docs).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True)

    @model_validator(mode="before")
    @classmethod
    def _no_yes_no_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for name, field in cls.model_fields.items():
            if name in data and not _admits_bool(field.annotation):
                inside = _bool_inside(data[name])
                if inside is not None:
                    raise ValueError(f"{'.'.join([name, *inside])}: expected a number or text, got a yes/no value "
                                     f"({str(_at(data[name], inside)).lower()})")
        return data


def _admits_bool(annotation: Any) -> bool:
    """Whether a field's type takes ``true``/``false`` itself or in a sub-model that checks its own fields."""
    if annotation is bool or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return True
    if isinstance(annotation, (typing.ForwardRef, str)):
        return True  # a sub-model not yet defined: it checks itself
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return any(isinstance(a, bool) for a in args)
    if typing.get_origin(annotation) is Annotated:
        return _admits_bool(args[0])
    return any(_admits_bool(a) for a in args if a is not type(None) and not isinstance(a, types.EllipsisType))


def _bool_inside(value: Any) -> list[str] | None:
    """The path to the first yes/no value inside plain data, or None."""
    if isinstance(value, bool):
        return []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
    for key, item in items:
        inside = _bool_inside(item)
        if inside is not None:
            return [str(key), *inside]
    return None


def _at(value: Any, path: list[str]) -> Any:
    for key in path:
        value = value[key] if isinstance(value, dict) else value[int(key)]
    return value


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
