"""Load MkDocs-style YAML without importing anything, and remember where every key is.

``mkdocs.yml`` files carry Python tags (``!!python/name:pkg.func``,
``!!python/object/apply:pkg.func``) that MkDocs resolves by importing code, and ``!ENV`` /
``!relative`` tags. docgates never imports the project's code: Python tags become
:class:`PythonTag` values that describe what they name, ``!ENV`` is resolved from the
environment the way ``pyyaml-env-tag`` does, and every mapping key and sequence item gets its
line and column, so a configuration error can say exactly where it is.

Reading is bounded in time and memory whatever the file holds: each anchor is built once and
its aliases share the value (as PyYAML does), an alias that contains itself is an error, and a
file whose aliases would expand it by more than :data:`ALIAS_BUDGET` values (the "billion
laughs") is refused with a :class:`ConfigError` that names the anchor, before anything walks it.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import ConfigError

Key = tuple[str | int, ...]

ALIAS_BUDGET = 100_000
"""Values that aliases may add to a YAML document beyond the ones it writes out."""
MAX_YAML_CHARS = 16 * 1024 * 1024
"""The largest YAML text read (a config, front matter)."""
MAX_FLOW_DEPTH = 400
"""The deepest nesting of ``[...]``/``{...}`` read: PyYAML's scanner slows down with the square
of the depth (1,000 levels: 4 s) and its composer recurses out at about 550 anyway."""
_QUOTED_OR_COMMENT = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"|(?:^|\s)#[^\n]*")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


@dataclass(frozen=True)
class PythonTag:
    """A ``!!python/...`` value, kept as data: the tag kind, the dotted name and arguments."""

    kind: str
    name: str
    args: tuple[Any, ...] = ()
    kwds: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.kind, self.name))


@dataclass(frozen=True)
class OtherTag:
    """Any other application tag (``!relative``, custom tags): its name and plain value."""

    tag: str
    value: Any


@dataclass
class Located:
    """Loaded YAML plus the ``(line, column)`` (1-based) of every key and item."""

    path: str
    data: Any
    positions: dict[Key, tuple[int, int]] = field(default_factory=dict)

    def line_of(self, key: Key) -> int | None:
        """The line of ``key``, or of its nearest located parent."""
        while key:
            if key in self.positions:
                return self.positions[key][0]
            key = key[:-1]
        return None


class _Loader(yaml.SafeLoader):
    """A safe loader; tags are interpreted by :func:`_Builder`, never by importing."""


_CLoader: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's safe loader, when PyYAML was built with it (see ``load_yaml(fast=True)``)."""


_PY_PREFIX = "tag:yaml.org,2002:python/"


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: dict[Key, tuple[int, int]] = {}
        self.loader = _Loader("")
        self.built: dict[int, Any] = {}
        """Values by node: an anchor's aliases get the value built the first time."""
        self.building: set[int] = set()

    def build(self, node: yaml.Node, key: Key) -> Any:
        ident = id(node)
        if ident in self.built:
            return self.built[ident]
        if ident in self.building:
            raise self._error("an alias refers to the value that holds it", node, key)
        self.building.add(ident)
        try:
            value = self._build(node, key)
        finally:
            self.building.discard(ident)
        self.built[ident] = value
        return value

    def _error(self, problem: str, node: yaml.Node, key: Key) -> ConfigError:
        return ConfigError(problem, path=self.path, line=node.start_mark.line + 1, key=_dotted(key))

    def _build(self, node: yaml.Node, key: Key) -> Any:
        tag = node.tag or ""
        if tag.startswith(_PY_PREFIX):
            return self._python(node, tag[len(_PY_PREFIX) :], key)
        if tag == "!ENV":
            return self._env(node)
        if isinstance(node, yaml.MappingNode):
            if tag.startswith("!"):
                return OtherTag(tag, self._mapping(node, key))
            return self._mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            items = self._sequence(node, key)
            return OtherTag(tag, items) if tag.startswith("!") else items
        if tag.startswith("!"):
            return OtherTag(tag, node.value)
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, TypeError, AttributeError) as exc:
            # PyYAML raises more than ConstructorError on malformed values (a bad timestamp).
            problem = getattr(exc, "problem", None) or f"not a valid {tag.rsplit(':', 1)[-1]}"
            raise ConfigError(
                f"cannot read value: {problem}",
                path=self.path,
                line=node.start_mark.line + 1,
                key=_dotted(key),
            ) from None

    def _mapping(self, node: yaml.MappingNode, key: Key) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            name = self.build(key_node, key)
            if isinstance(name, (list, dict)):
                raise ConfigError(
                    "a mapping key must be a plain value",
                    path=self.path,
                    line=key_node.start_mark.line + 1,
                    key=_dotted(key),
                )
            child = (*key, str(name))
            self.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[name] = self.build(value_node, child)
        return result

    def _sequence(self, node: yaml.SequenceNode, key: Key) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            child = (*key, index)
            self.positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(self.build(item, child))
        return items

    def _python(self, node: yaml.Node, kind_and_name: str, key: Key) -> PythonTag:
        kind, _, name = kind_and_name.partition(":")
        args: tuple[Any, ...] = ()
        kwds: dict[str, Any] = {}
        if isinstance(node, yaml.MappingNode):
            value = self._mapping(node, key)
            args = tuple(value.get("args", ()) or ())
            kwds = dict(value.get("kwds", {}) or {})
        elif isinstance(node, yaml.SequenceNode):
            args = tuple(self._sequence(node, key))
        elif isinstance(node, yaml.ScalarNode) and node.value and not name:
            name = str(node.value)
        return PythonTag(kind, name, args, kwds)

    def _env(self, node: yaml.Node) -> Any:
        # pyyaml-env-tag: a name, or a list of names whose last item is the default.
        if isinstance(node, yaml.ScalarNode):
            names, default = [node.value], None
        elif isinstance(node, yaml.SequenceNode) and node.value:
            values = [self.build(item, ()) for item in node.value]
            names, default = [str(v) for v in values[:-1]], values[-1]
            if len(values) == 1:
                names, default = [str(values[0])], None
        else:
            raise ConfigError(
                "!ENV expects a variable name or a list of names and a default",
                path=self.path,
                line=node.start_mark.line + 1,
            )
        for name in names:
            if name in os.environ:
                return self._env_value(os.environ[name], node)
        return default

    def _env_value(self, value: str, node: yaml.Node) -> Any:
        """A variable's value as pyyaml-env-tag reads it: one scalar, typed by YAML's implicit
        resolvers (``true``, ``3``, ``null``), never parsed as a document."""
        tag = self.loader.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        try:
            return self.loader.construct_object(yaml.ScalarNode(tag, value), deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            return value  # e.g. a date that does not exist: the text as it is


def _dotted(key: Key) -> str | None:
    if not key:
        return None
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def dotted(key: Key) -> str | None:
    """``('plugins', 0, 'docgates/code', 'timeout')`` as ``plugins[0].docgates/code.timeout``."""
    return _dotted(key)


def _check_aliases(root: yaml.Node, path: str) -> None:
    """Refuse a document whose aliases would expand it past :data:`ALIAS_BUDGET` values, or
    that holds itself: sizes are counted per node, once, without expanding anything."""
    sizes: dict[int, int] = {}
    uses: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        ident = id(node)
        if done:
            open_.discard(ident)
            parts = _children(node)
            sizes[ident] = 1 + sum(sizes[id(child)] for child in parts)
            continue
        uses[ident] = uses.get(ident, 0) + 1
        if ident in sizes:
            continue
        if ident in open_:
            raise ConfigError(
                "an alias refers to the value that holds it",
                path=path,
                line=node.start_mark.line + 1,
            )
        nodes[ident] = node
        open_.add(ident)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)))
    added = sizes[id(root)] - len(nodes)
    if added > ALIAS_BUDGET:
        shared = [i for i, n in uses.items() if n > 1]
        worst = nodes[max(shared, key=lambda i: sizes[i] * uses[i])] if shared else root
        raise ConfigError(
            f"aliases of the anchor on this line would expand the YAML by {added:,} values "
            f"(at most {ALIAS_BUDGET:,} are read): not read",
            path=path,
            line=worst.start_mark.line + 1,
        )


def too_deep(text: str) -> bool:
    """Whether ``text`` nests ``[``/``{`` deeper than PyYAML can read in reasonable time."""
    return ("[" in text or "{" in text) and _flow_depth(text) > MAX_FLOW_DEPTH


def _flow_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest in ``text`` (quoted strings and comments left out)."""
    brackets = _NOT_BRACKET.sub("", _QUOTED_OR_COMMENT.sub("", text))
    depth = deepest = 0
    for char in brackets:
        depth = depth + 1 if char in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load_yaml(text: str, path: str, *, fast: bool = False) -> Located:
    """Parse YAML text; a syntax error becomes a :class:`ConfigError` at its line.

    ``fast``: compose with libyaml when PyYAML has it, for text MkDocs itself reads with
    libyaml (a page's front matter): ten times faster, the same nodes; anything libyaml does
    not read is read again with the Python loader, which says what is wrong.
    """
    if len(text) > MAX_YAML_CHARS:
        raise ConfigError(
            f"the YAML is {len(text):,} characters long, more than the {MAX_YAML_CHARS:,} read",
            path=path,
        )
    if too_deep(text):
        raise ConfigError(
            f"invalid YAML: nested too deeply to read (more than {MAX_FLOW_DEPTH} levels)",
            path=path,
        )
    node: yaml.Node | None = None
    composed = False
    if fast and _CLoader is not None:
        with contextlib.suppress(Exception):  # the Python loader below reports it
            node, composed = yaml.compose(text, Loader=_CLoader), True
    try:
        if not composed:
            node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(
            f"invalid YAML: {problem}",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        raise ConfigError(f"invalid YAML: {exc}", path=path) from None
    except RecursionError:
        raise ConfigError("invalid YAML: nested too deeply to read", path=path) from None
    if node is None:
        return Located(path, None, {})
    _check_aliases(node, path)
    builder = _Builder(path)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise ConfigError("invalid YAML: nested too deeply to read", path=path) from None
    return Located(path, data, builder.positions)
