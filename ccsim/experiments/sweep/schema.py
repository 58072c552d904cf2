"""The experiment file's schema: a base scenario, what to vary, replications and what to chart.

Pydantic models only; what the schema cannot say (one layout, distinct names, no seed per
point) and the points' own scenarios are checked by :mod:`ccsim.experiments.sweep.load`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

DEFAULT_METRICS = ["service_level", "asa_s", "abandon_rate", "occupancy", "burnout_share", "cost_total"]
# Chosen by the experiment itself: a point that changed them would break common random numbers.
RESERVED_PATHS = ("seed", "replications")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


Settings = dict[str, Any]
"""Dotted scenario paths (``groups.first_line.staffing.shifts.0.headcount``) to values."""


class Factor(_Strict):
    """One thing varied on the grid: values of a dotted path, or named levels that set several paths."""

    label: str | None = Field(default=None, description="Axis title in the report (default: the key).")
    values: list[Any] | None = Field(default=None, min_length=1, description="Values of the path named by the key.")
    levels: dict[str, Settings] | None = Field(
        default=None, min_length=1, description="Named levels, each setting dotted paths (the key is a name)."
    )


def _bare_list(value: Any) -> Any:
    # `path: [a, b]` is the short form of `path: {values: [a, b]}`.
    return {"values": value} if isinstance(value, list) else value


class NamedPoint(_Strict):
    """One explicitly listed point."""

    name: str = Field(min_length=1)
    settings: Settings = Field(default_factory=dict, alias="set")


class Experiment(_Strict):
    """An experiment file: a base scenario, what to vary, replications and what to chart."""

    name: str = Field(min_length=1)
    description: str = ""
    base: str = Field(min_length=1, description="Scenario file, relative to the experiment file.")
    replications: int | None = Field(default=None, ge=1, le=100000, description="Default: the base's.")
    seed: int | None = Field(default=None, ge=0, description="Root seed of every point (default: the base's).")
    settings: Settings = Field(default_factory=dict, alias="set", description="Applied to every point first.")
    factors: dict[str, Annotated[Factor, BeforeValidator(_bare_list)]] = Field(default_factory=dict)
    points: list[NamedPoint] = Field(default_factory=list)
    metrics: list[str] = Field(default_factory=lambda: list(DEFAULT_METRICS), min_length=1)
    objectives: dict[str, Literal["min", "max"]] | None = Field(
        default=None, min_length=1, description="KPIs of the trade-off front, each to minimise or maximise "
        "(default: ccsim.experiments.sweep.objectives.DEFAULT_OBJECTIVES).")
    reference: str | dict[str, Any] | None = Field(
        default=None, description="The point others are compared with: its name, or factor values (default: the "
        "first point).")


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts, as the file spells them (``set``, not ``settings``)."""
    return [field.alias or name for name, field in model.model_fields.items()]
