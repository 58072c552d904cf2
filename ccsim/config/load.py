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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ccsim.config.limits import MAX_SCENARIO_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES
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


class _Builder:
    """Plain data from a YAML node graph, safe against hostile files.

    An alias is built once and shared (PyYAML's own constructor would rebuild it at every use,
    so a "billion laughs" file never finishes); the size of the data with every alias expanded
    and the nesting depth are bounded; an alias that contains itself is refused; a constructor's
    complaint (``!!float abc``, the date 2026-13-45) becomes a message with its line.
    """

    def __init__(self, loader: yaml.SafeLoader, file: str, positions: Positions):
        self.loader, self.file, self.positions = loader, file, positions
        self.built: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()

    def fail(self, node: yaml.Node, problem: str) -> ScenarioError:
        return ScenarioError([f"{_where(self.file, node.start_mark.line + 1)}: {problem}"])

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.positions.setdefault(path, (self.file, node.start_mark.line + 1))
        key = id(node)
        if key in self.open:
            raise self.fail(node, "an alias refers to a block that contains it")
        if key in self.built:
            return self.built[key]
        if depth > MAX_YAML_DEPTH:
            raise self.fail(node, f"nested more than {MAX_YAML_DEPTH} levels deep")
        self.open.add(key)
        try:
            value = self._build(node, path, depth)
        finally:
            self.open.discard(key)
        self.built[key] = value
        return value

    def _build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        if isinstance(node, yaml.MappingNode):
            own = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
            try:
                self.loader.flatten_mapping(node)
            except yaml.MarkedYAMLError as exc:
                raise self.fail(node, f"YAML merge error: {exc.problem}") from None
            merged_count = len(node.value) - own  # merged pairs come first; the block's own keys override them
            result: dict[Any, Any] = {}
            own_keys: set[Any] = set()
            size = 1
            for index, (key_node, value_node) in enumerate(node.value):
                key = self.scalar(key_node)
                if isinstance(key, (dict, list)):
                    raise self.fail(key_node, "a key must be a plain value")
                if index >= merged_count:
                    if key in own_keys:
                        dotted = ".".join(str(p) for p in (*path, key))
                        raise self.fail(key_node, f"{dotted}: key given twice in the same block")
                    own_keys.add(key)
                    self.positions[(*path, key)] = (self.file, key_node.start_mark.line + 1)
                result[key] = self.build(value_node, (*path, key), depth + 1)
                size += self.sizes.get(id(value_node), 1)
            self.count(node, size)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = [self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
            self.count(node, 1 + sum(self.sizes.get(id(item), 1) for item in node.value))
            return items
        return self.scalar(node)

    def count(self, node: yaml.Node, size: int) -> None:
        self.sizes[id(node)] = size
        if size > MAX_YAML_NODES:
            raise self.fail(node, f"more than {MAX_YAML_NODES:,} values once aliases are expanded")

    def scalar(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.style is None and _CLOCK_LIKE.match(node.value):
            # YAML 1.1 reads 08:30 as the base-60 integer 510; in a scenario it is always a clock time.
            return node.value
        if not isinstance(node, yaml.ScalarNode):
            return self.build(node, ())
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise self.fail(node, f"YAML error: {exc.problem}") from None
        except (ValueError, TypeError, OverflowError):
            tag = node.tag.rsplit(":", 1)[-1].split(",")[-1]
            raise self.fail(node, f"{node.value[:40]!r} is not a valid {tag}") from None


def read_yaml(path: Path) -> tuple[dict[str, Any], Positions]:
    """Read one YAML file into plain data and the (file, line) of every key."""
    file = str(path)
    try:
        info = path.stat()
        if path.is_file() and info.st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError([f"{file}: larger than {MAX_SCENARIO_BYTES // 2**20} MiB; not a scenario file"])
        if not path.is_dir() and not path.is_file():
            raise ScenarioError([f"{file}: not a regular file"])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{file}: file not found"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{file}: is a directory, not a scenario file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{file}: cannot read file ({exc})"]) from None
    if _bracket_depth(text) > MAX_YAML_DEPTH:
        # Checked before parsing: PyYAML's parser recurses once per level and is slow to fail.
        raise ScenarioError([f"{file}: nested more than {MAX_YAML_DEPTH} levels deep"])
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        positions: Positions = {}
        data = {} if node is None else _Builder(loader, file, positions).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError([f"{_where(file, line)}: YAML syntax error: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{file}: YAML error: {exc}"]) from None
    except RecursionError:
        raise ScenarioError([f"{file}: nested too deeply (at most {MAX_YAML_DEPTH} levels)"]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError([f"{file}:1: a scenario file must be a mapping of keys to values"])
    return data, positions


def _bracket_depth(text: str) -> int:
    """The deepest nesting of flow brackets outside quotes and comments (a cheap upper bound of depth)."""
    depth = deepest = 0
    for line in text.splitlines():
        quote = ""
        for char in line:
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#":
                break
            elif char in "[{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in "]}":
                depth = max(depth - 1, 0)
    return deepest


def deep_merge(
    base: dict[str, Any], overlay: dict[str, Any], removed: list[Path_] | None = None, _at: Path_ = ()
) -> dict[str, Any]:
    """Overlay ``overlay`` on ``base``: mappings merge key by key, anything else is replaced.

    A ``null`` in the overlay removes the key, so the model's default applies again; the path of
    every removed key is added to ``removed`` so that a misspelt one can still be refused.
    """
    merged = dict(base)
    for key, value in overlay.items():
        if value is None:
            merged.pop(key, None)
            if removed is not None:
                removed.append((*_at, key))
        elif isinstance(value, dict) and isinstance(merged.get(key), dict) and not _new_family(merged[key], value):
            merged[key] = deep_merge(merged[key], value, removed, (*_at, key))
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
    removed: list[Path_] = []
    result = deep_merge(merged, data, removed)
    for where in removed:
        _refuse_unknown(where, own_positions, str(path))
    return result, [*sources, str(path)]


def _refuse_unknown(path: Path_, positions: Positions, file: str) -> None:
    """A ``null`` that removes a key no scenario has is a misspelling, not a removal."""
    allowed = allowed_keys(path[:-1])
    key = path[-1]
    if allowed and key not in allowed:
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError([f"{_locate(path, positions, file)}: {_format(path)}: unknown key {str(key)!r}{hint} "
                             f"Allowed keys here: {', '.join(allowed)}."])


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


def apply_override(data: dict[str, Any] | list[Any], keys: list[str], value: Any) -> Any:
    """Return a copy of ``data`` with the value at ``keys`` replaced (lists indexed by number)."""
    if not keys:
        return value
    head, rest = keys[0], keys[1:]
    if isinstance(data, list):
        try:
            index = int(head)
            items = list(data)
            items[index] = apply_override(items[index], rest, value)
            return items
        except (ValueError, IndexError):
            raise ScenarioError([f"--set: {head!r} is not an index of a list of {len(data)} items"]) from None
    copy: dict[str, Any] = dict(data) if isinstance(data, dict) else {}
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


def _message(error: Mapping[str, Any], path: Path_) -> str:
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


def _relative_path(path: Path_, message: str, data: Any) -> tuple[Path_, str]:
    """A block's check may name a field inside it first ("daily_volume: ..."); point at that field."""
    head, _, rest = message.partition(": ")
    if not rest or " " in head:
        return path, message
    block = data
    for key in path:
        block = block[key] if _has(block, key) else None
    found: list[Any] = []
    for key in head.split("."):
        key_ = int(key) if isinstance(block, list) and key.isdigit() else key
        if not _has(block, key_):
            return path, message
        found.append(key_)
        block = block[key_]
    return (*path, *found), rest


def validation_problems(exc: ValidationError, data: dict[str, Any], positions: Positions, file: str) -> list[str]:
    """Turn a pydantic error into lines of "file:line: field.path: what is wrong"."""
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        path = _data_path(tuple(error["loc"]), data)
        message = _message(error, path)
        path, message = _relative_path(path, message, data)
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
