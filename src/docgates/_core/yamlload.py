"""Load MkDocs-style YAML without importing anything, and remember where every key is.

``mkdocs.yml`` files carry Python tags (``!!python/name:pkg.func``,
``!!python/object/apply:pkg.func``) that MkDocs resolves by importing code, and ``!ENV`` /
``!relative`` tags. docgates never imports the project's code: Python tags become
:class:`PythonTag` values that describe what they name, ``!ENV`` is resolved from the
environment the way ``pyyaml-env-tag`` does, and every mapping key and sequence item gets its
line and column, so a configuration error can say exactly where it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import ConfigError

Key = tuple[str | int, ...]


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


_PY_PREFIX = "tag:yaml.org,2002:python/"


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: dict[Key, tuple[int, int]] = {}
        self.loader = _Loader("")

    def build(self, node: yaml.Node, key: Key) -> Any:
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
                return yaml.safe_load(os.environ[name]) if os.environ[name] else None
        return default


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


def load_yaml(text: str, path: str) -> Located:
    """Parse YAML text; a syntax error becomes a :class:`ConfigError` at its line."""
    try:
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
    builder = _Builder(path)
    data = builder.build(node, ()) if node is not None else None
    return Located(path, data, builder.positions)
