"""What changed between two scenarios: every setting that differs, in words a planner reads.

Scenario documents are the resolved scenarios results folders keep (every default filled in,
durations in seconds). Each differing setting is shown with its dotted path (as ``--set`` takes
it), the schema's description of the field in words, and values as people write them: durations
in hours and minutes, times of day as clock times, labels such as ``after_cut_off`` without
underscores. Settings unset on both sides (missing, empty or null) have no row.
"""

from __future__ import annotations

import json
import types
import typing
from functools import cache
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator

from ccsim import units
from ccsim.config.scenario import Scenario
from ccsim.report import page as P

_MISSING = object()
_IGNORED_PATHS = {"name", "description"}
_UNSET = (None, _MISSING, {}, [])
# Descriptions longer than this are cut at the first clause that fits.
_WORDS_LENGTH = 90


def flatten(document: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Nested mappings (and lists of mappings) as ``{path: leaf value}``; lists of plain values stay whole."""
    if isinstance(document, dict) and document:
        flat: dict[tuple[str, ...], Any] = {}
        for key, value in document.items():
            flat.update(flatten(value, (*prefix, str(key))))
        return flat
    if isinstance(document, list) and document and any(isinstance(v, (dict, list)) for v in document) \
            and not _is_step_function(document):
        flat = {}
        for index, value in enumerate(document):
            flat.update(flatten(value, (*prefix, str(index))))
        return flat
    return {prefix: document}

def _is_step_function(value: Any) -> bool:
    """A time-of-day step function as scenario documents store it: [[seconds, value], ...], times rising."""
    if not isinstance(value, list) or not value:
        return False
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                          for x in p) for p in value):
        return False
    times = [p[0] for p in value]
    return all(0 <= t <= 86400 for t in times) and times == sorted(times)

def _number(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else json.dumps(value)


def hours_minutes(seconds: float) -> str:
    """A duration as people say it: "45 s", "2 min 30 s", "1 h 30 min", "2 days 4 h"."""
    sign = "−" if seconds < 0 else ""
    value = abs(float(seconds))
    if value < 60:
        return f"{sign}{_number(round(value, 2))} s"
    if value < 3600:
        minutes, rest = divmod(round(value), 60)
        return f"{sign}{minutes} min" + (f" {rest} s" if rest else "")
    minutes = round(value / 60)
    if value < 86400 or minutes % 1440 and minutes % 60:
        hours, rest = divmod(minutes, 60)
        return f"{sign}{hours} h" + (f" {rest} min" if rest else "")
    days, hours = divmod(minutes // 60, 24)
    return f"{sign}{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")


def label_in_words(value: str) -> str:
    """A machine label ("after_cut_off", "first_line") with spaces for underscores."""
    return value.replace("_", " ")


def _unwrap(annotation: Any) -> tuple[list[Any], list[Any]]:
    """The plain types an annotation allows (unions and Annotated taken apart), and the metadata seen."""
    if typing.get_origin(annotation) is Annotated:
        inner, *metadata = typing.get_args(annotation)
        plain, seen = _unwrap(inner)
        return plain, [*metadata, *seen]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        plain, seen = [], []
        for arg in typing.get_args(annotation):
            if arg is type(None):
                continue
            more, meta = _unwrap(arg)
            plain += more
            seen += meta
        return plain, seen
    return [annotation], []


def _is_duration(metadata: list[Any]) -> bool:
    return any(isinstance(m, BeforeValidator) and m.func is units.parse_duration for m in metadata)


@cache
def field_of(path: tuple[str, ...]) -> tuple[bool, str]:
    """Whether the setting at ``path`` of a scenario document is a duration, and the schema's words for it.

    Mapping keys (queue and group names) and list indices are stepped over; in a union of models
    (the kinds of distribution) the first model that has the key speaks for it.
    """
    candidates: list[Any] = [Scenario]
    duration, words = False, ""
    for key in path:
        found: list[Any] = []
        duration, words = False, ""
        for candidate in candidates:
            plain, _ = _unwrap(candidate)
            for kind in plain:
                origin = typing.get_origin(kind)
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    field = kind.model_fields.get(key)
                    if field is None:
                        continue
                    annotation = field.annotation
                    inner, metadata = _unwrap(annotation)
                    if not words:
                        words = field.description or ""
                        duration = _is_duration([*field.metadata, *metadata])
                    found.append(annotation)
                elif origin in (dict, list, tuple):
                    args = typing.get_args(kind)
                    if args:
                        item = args[-1] if origin is dict else args[0]
                        found.append(item)
                        duration = duration or _is_duration(_unwrap(item)[1])
        candidates = found
        if not candidates:
            return False, ""
    return duration, _short(words)


def _short(description: str) -> str:
    """The first clause of a schema description, without sources in brackets."""
    text = description.split(" (")[0].split("; ")[0].split(". ")[0].strip().rstrip(".")
    return text if len(text) <= _WORDS_LENGTH else text[: _WORDS_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def show_value(value: Any, limit: int = 160, duration: bool = False) -> str:
    """A scenario value as short readable text (YAML flow style for lists and mappings).

    Step functions of the time of day read as they are written in scenario files ("08:00: 4, ...");
    a ``duration`` reads in hours and minutes; labels lose their underscores.
    """
    if value in _UNSET:
        return "(not set)"
    if _is_step_function(value):
        shown = ", ".join(f"{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d}: {_number(v)}" for t, v in value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = hours_minutes(value) if duration else _number(value)
    elif isinstance(value, str):
        shown = label_in_words(value)
    elif isinstance(value, (dict, list)):
        shown = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6).strip()
    else:
        shown = json.dumps(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def document_changes(baseline: dict[str, Any], variant: dict[str, Any]) -> list[P.Change]:
    """Every setting of ``variant`` that differs from ``baseline``, as dotted paths (old -> new)."""
    old, new = flatten(baseline), flatten(variant)
    paths = list(dict.fromkeys([*new, *old]))
    changes = []
    for path in paths:
        if ".".join(path) in _IGNORED_PATHS:
            continue
        before, after = old.get(path, _MISSING), new.get(path, _MISSING)
        if before == after or (before in _UNSET and after in _UNSET):
            continue  # the same, or unset on both sides
        duration, words = field_of(path)
        changes.append(P.Change(".".join(path), show_value(before, duration=duration),
                                show_value(after, duration=duration), words))
    return changes


def paid_line_enabled(document: dict[str, Any]) -> bool:
    """True when the scenario charges callers a premium rate (``policies.paid_line`` switched on)."""
    policies = document.get("policies")
    if not isinstance(policies, dict):
        return False
    paid = policies.get("paid_line")
    if not paid:
        return False
    return not (isinstance(paid, dict) and paid.get("enabled", True) is False)
