"""Scenario files -> validated :class:`~ccsim.config.scenario.Scenario`.

Pipeline: YAML (with the line of every key) -> ``extends:`` overlays (a variant states only what
differs from its base) -> ``--set dotted.path=value`` overrides -> pydantic validation. Any
problem a user can cause becomes one :class:`ScenarioError` naming the file, the line, the field
path and what is allowed; the CLI prints it and exits with code 2.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ccsim.config.scenario import Scenario

Path_ = tuple[Any, ...]
Positions = dict[Path_, tuple[str, int | None]]

_CLOCK_LIKE = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


class ScenarioError(Exception):
    """A problem with a scenario that the user can fix; its text is the whole message."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from."""

    scenario: Scenario
    data: dict[str, Any]
    sources: tuple[str, ...]


def _where(file: str, line: int | None) -> str:
    return f"{file}:{line}" if line else file


def _construct(node: yaml.Node, loader: yaml.SafeLoader, file: str, path: Path_, positions: Positions) -> Any:
    positions.setdefault(path, (file, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader)
            if isinstance(key, (dict, list)):
                raise ScenarioError([f"{_where(file, key_node.start_mark.line + 1)}: a key must be a plain value"])
            if key in result:
                dotted = ".".join(str(p) for p in (*path, key))
                raise ScenarioError(
                    [f"{_where(file, key_node.start_mark.line + 1)}: {dotted}: key given twice in the same block"]
                )
            positions[(*path, key)] = (file, key_node.start_mark.line + 1)
            result[key] = _construct(value_node, loader, file, (*path, key), positions)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, loader, file, (*path, index), positions) for index, item in enumerate(node.value)
        ]
    return _scalar(node, loader)


def _scalar(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if isinstance(node, yaml.ScalarNode) and node.style is None and _CLOCK_LIKE.match(node.value):
        # YAML 1.1 reads 08:30 as the base-60 integer 510; in a scenario it is always a clock time.
        return node.value
    return loader.construct_object(node, deep=True)


def read_yaml(path: Path) -> tuple[dict[str, Any], Positions]:
    """Read one YAML file into plain data and the (file, line) of every key."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{file}: file not found"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{file}: is a directory, not a scenario file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{file}: cannot read file ({exc})"]) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        positions: Positions = {}
        data = {} if node is None else _construct(node, loader, file, (), positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError([f"{_where(file, line)}: YAML syntax error: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{file}: YAML error: {exc}"]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError([f"{file}:1: a scenario file must be a mapping of keys to values"])
    return data, positions


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """Overlay ``overlay`` on ``base``: mappings merge key by key, anything else is replaced.

    A ``null`` in the overlay removes the key, so the model's default applies again.
    """
    merged = dict(base)
    for key, value in overlay.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict) and not _new_family(merged[key], value):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _new_family(base: dict[str, Any], overlay: dict[str, Any]) -> bool:
    """A distribution block naming another family replaces the old block instead of merging into it."""
    return "dist" in overlay and overlay["dist"] != base.get("dist")


def resolve_file(path: Path, positions: Positions, _chain: tuple[Path, ...] = ()) -> tuple[dict[str, Any], list[str]]:
    """Read a file and everything it ``extends``; return the merged data and the files used."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in _chain:
        cycle = " -> ".join(str(p) for p in (*_chain, resolved))
        raise ScenarioError([f"{path}: extends forms a cycle: {cycle}"])
    data, own_positions = read_yaml(path)
    parents = data.pop("extends", None)
    if parents is None:
        positions.update(own_positions)
        return data, [str(path)]
    if isinstance(parents, str):
        parents = [parents]
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        line = own_positions.get(("extends",), (str(path), None))[1]
        raise ScenarioError([f"{_where(str(path), line)}: extends: expected a file name or a list of file names"])
    merged: dict[str, Any] = {}
    sources: list[str] = []
    for parent in parents:
        parent_path = path.parent / parent
        if not parent_path.exists():
            line = own_positions.get(("extends",), (str(path), None))[1]
            raise ScenarioError([f"{_where(str(path), line)}: extends: file not found: {parent_path}"])
        parent_data, parent_sources = resolve_file(parent_path, positions, (*_chain, resolved))
        merged = deep_merge(merged, parent_data)
        sources.extend(parent_sources)
    positions.update(own_positions)
    return deep_merge(merged, data), [*sources, str(path)]


def parse_override(text: str) -> tuple[list[str], Any]:
    """``"groups.tier1.staffing.headcount=40"`` -> (["groups", ...], 40). Values are read as YAML."""
    if "=" not in text:
        raise ScenarioError([f"--set {text}: expected dotted.path=value"])
    dotted, raw = text.split("=", 1)
    keys = [k for k in dotted.strip().split(".")]
    if not dotted.strip() or any(not k for k in keys):
        raise ScenarioError([f"--set {text}: expected dotted.path=value"])
    try:
        value = yaml.safe_load(raw) if not _CLOCK_LIKE.match(raw.strip()) else raw.strip()
    except yaml.YAMLError:
        value = raw
    return keys, value


def apply_override(data: dict[str, Any], keys: list[str], value: Any) -> dict[str, Any]:
    """Return a copy of ``data`` with the value at ``keys`` replaced (lists indexed by number)."""
    if not keys:
        return value
    head, rest = keys[0], keys[1:]
    if isinstance(data, list):
        try:
            index = int(head)
            copy = list(data)
            copy[index] = apply_override(copy[index], rest, value)
            return copy
        except (ValueError, IndexError):
            raise ScenarioError([f"--set: {head!r} is not an index of a list of {len(data)} items"]) from None
    copy = dict(data) if isinstance(data, dict) else {}
    child = copy.get(head, {})
    copy[head] = apply_override(child if isinstance(child, (dict, list)) else {}, rest, value) if rest else value
    if value is None and not rest:
        copy.pop(head)
    return copy


@functools.cache
def _schema() -> dict[str, Any]:
    return Scenario.model_json_schema()


def _follow(schema: dict[str, Any], key: Any, root: dict[str, Any]) -> dict[str, Any] | None:
    """The sub-schema reached from ``schema`` by ``key`` (a property, dict key, index or union tag)."""
    schema = _deref(schema, root)
    if "discriminator" in schema and key in schema["discriminator"].get("mapping", {}):
        return _deref({"$ref": schema["discriminator"]["mapping"][key]}, root)
    for combinator in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(combinator, []):
            found = _follow(option, key, root)
            if found is not None:
                return found
    if isinstance(key, str) and key in schema.get("properties", {}):
        return _deref(schema["properties"][key], root)
    if isinstance(key, int) and "items" in schema:
        return _deref(schema["items"], root)
    if isinstance(key, int) and "prefixItems" in schema:
        items = schema["prefixItems"]
        return _deref(items[key], root) if key < len(items) else None
    if isinstance(schema.get("additionalProperties"), dict):
        return _deref(schema["additionalProperties"], root)
    return None


def _deref(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        schema = root["$defs"][name]
    return schema


def allowed_keys(loc: Path_) -> list[str]:
    """The keys a scenario allows in the block at ``loc`` (empty when unknown)."""
    root = _schema()
    schema: dict[str, Any] | None = root
    for key in loc:
        if schema is None:
            return []
        schema = _follow(schema, key, root)
    if schema is None:
        return []
    keys: set[str] = set(schema.get("properties", {}))
    for combinator in ("anyOf", "oneOf"):
        for option in schema.get(combinator, []):
            keys.update(_deref(option, root).get("properties", {}))
    return sorted(keys)


def _data_path(loc: Path_, data: Any) -> Path_:
    """The path in the file for a pydantic error location.

    Pydantic puts union tags ("lognormal") and validator names in ``loc`` that the file does not
    have; they are dropped. A key the file lacks (a missing or unknown key) is kept and ends the walk.
    """
    path: list[Any] = []
    current = data
    for key in loc:
        if _has(current, key):
            path.append(key)
            current = current[key]
        elif key == "[key]" or not isinstance(current, (dict, list)) or _is_tag(key, current):
            continue
        else:
            path.append(key)
            current = None
    return tuple(path)


def _has(block: Any, key: Any) -> bool:
    if isinstance(block, dict):
        return key in block
    return isinstance(block, list) and isinstance(key, int) and 0 <= key < len(block)


def _is_tag(key: Any, block: Any) -> bool:
    generated = {"function-after", "function-before", "function-plain", "function-wrap"}
    return isinstance(block, dict) and (block.get("dist") == key or key in generated)


def _format(loc: Path_) -> str:
    return ".".join(str(k) for k in loc) if loc else "(top level)"


def _locate(path: Path_, positions: Positions, default_file: str) -> str:
    for end in range(len(path), -1, -1):
        if path[:end] in positions:
            file, line = positions[path[:end]]
            return _where(file, line)
    return default_file


def _message(error: dict[str, Any], path: Path_) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        # The raw location keeps union tags (e.g. "lognormal"), which pick the right block's keys.
        allowed = allowed_keys(tuple(error["loc"])[:-1])
        close = difflib.get_close_matches(key, [k for k in allowed if k != key], n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listing = f" Allowed keys here: {', '.join(allowed)}." if allowed else ""
        return f"unknown key {key!r}{hint}{listing}"
    if kind == "missing":
        return "required key is missing"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    if kind == "union_tag_invalid":
        context = error.get("ctx", {})
        tag = context.get("tag", "?")
        expected = str(context.get("expected_tags", "")).replace("'", "")
        options = [t.strip() for t in expected.split(",")]
        close = difflib.get_close_matches(str(tag), options, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        message = f"unknown distribution {tag!r}{hint}; allowed: {expected}"
    if kind == "union_tag_not_found":
        message = "a distribution needs 'dist:' naming its family (exponential, lognormal, gamma, ...)"
    return message


def _explicit_path(message: str, positions: Positions) -> Path_ | None:
    """A cross-field message starts with the dotted path it is about ("segments.x.queue: ...")."""
    head = message.split(":", 1)[0].strip()
    if not head or " " in head:
        return None
    path = tuple(head.split("."))
    return path if any(p[: len(path)] == path for p in positions) else None


def validation_problems(exc: ValidationError, data: dict[str, Any], positions: Positions, file: str) -> list[str]:
    """Turn a pydantic error into lines of "file:line: field.path: what is wrong"."""
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        path = _data_path(tuple(error["loc"]), data)
        message = _message(error, path)
        explicit = _explicit_path(message, positions) if not path else None
        if explicit is not None:
            problems.append(f"{_locate(explicit, positions, file)}: {message}")
        else:
            problems.append(f"{_locate(path, positions, file)}: {_format(path)}: {message}")
    return problems


def load_scenario(
    path: str | Path, overrides: list[str] | tuple[str, ...] = (), *, validate: bool = True
) -> LoadedScenario:
    """Read, merge, override and validate a scenario file. Raises :class:`ScenarioError`."""
    path = Path(path)
    positions: Positions = {}
    data, sources = resolve_file(path, positions)
    for text in overrides:
        keys, value = parse_override(text)
        data = apply_override(data, keys, value)
        positions[tuple(keys)] = (f"--set {text}", None)
    return LoadedScenario(scenario=validate_data(data, positions, str(path), path.parent), data=data,
                          sources=tuple(sources))


def validate_data(data: dict[str, Any], positions: Positions, file: str, base_dir: Path) -> Scenario:
    """Validate merged scenario data; errors name the file and line each value came from."""
    try:
        return Scenario.model_validate(data, context={"base_dir": str(base_dir)})
    except ValidationError as exc:
        problems = validation_problems(exc, data, positions, file)
        shown = problems[:12] + ([f"... and {len(problems) - 12} more"] if len(problems) > 12 else [])
        raise ScenarioError(shown) from None


def scenario_from_dict(data: dict[str, Any], base_dir: str | Path = ".") -> Scenario:
    """Validate scenario data built in code (tests, sweeps)."""
    return validate_data(data, {}, "<scenario>", Path(base_dir))
