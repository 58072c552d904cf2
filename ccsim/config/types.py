"""Annotated field types shared by the scenario models: durations, clock times, shares."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from ccsim import units

Duration = Annotated[
    float,
    BeforeValidator(units.parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": r"^\s*[-+]?[0-9.]+(e[-+]?[0-9]+)?\s*[a-zA-Z]*\s*$"},
            ],
            "description": f"Duration: {units.DURATION_HELP}.",
        }
    ),
]
"""A duration in seconds; scenario files may add a unit."""

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
    """Base of every scenario part: unknown keys are errors and parts never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
