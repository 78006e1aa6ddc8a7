"""Add items to a top-level list of a YAML file, keeping every other byte as it was.

``docgates init`` adds plugin entries to ``mkdocs.yml`` and a hooks repository to
``.pre-commit-config.yaml``. Both files are the user's: comments, key order, quoting, anchors
and ``!!python/name`` tags must survive. A YAML dump would lose all of that, so the file is
parsed with PyYAML's composer (which builds nodes with their positions and constructs nothing)
and the new items are inserted as text at the end of the list, indented like its last item.

PyYAML does not round-trip; ruamel.yaml does, but it is one more dependency, reformats some
flow collections and cannot keep unknown tags without registering them, so this small editor
is hand-written on top of the positions PyYAML already gives.
"""

from __future__ import annotations

import yaml

from ..errors import ConfigError


class _Composer(yaml.SafeLoader):
    """Only ``compose`` is used: tags are kept on the nodes, nothing is constructed."""


def _compose(text: str, path: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(
            f"invalid YAML: {exc.problem or exc.context}",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        raise ConfigError(f"invalid YAML: {exc}", path=path) from None


def top_level(text: str, path: str, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The key node and value node of ``key`` in the top-level mapping (``None``: absent)."""
    root = _compose(text, path)
    if root is None:
        return None
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError("the file must be a mapping of settings", path=path, line=1)
    for key_node, value in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value
    return None


def scalar_items(node: yaml.Node | None) -> list[str]:
    """The names of a list's items: a plain item, or the single key of a one-key mapping."""
    if isinstance(node, yaml.MappingNode):
        return [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    if not isinstance(node, yaml.SequenceNode):
        return []
    names = []
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            names.append(item.value)
        elif isinstance(item, yaml.MappingNode) and item.value:
            first = item.value[0][0]
            if isinstance(first, yaml.ScalarNode):
                names.append(first.value)
    return names


def append_items(text: str, path: str, key: str, items: list[str]) -> str:
    """Return ``text`` with ``items`` (YAML fragments, one list item each) appended to ``key``.

    Each fragment is written as it would follow ``- `` at column 0; continuation lines are
    indented to match the list. A missing key is added at the end of the file as a block list.
    """
    if not items:
        return text
    found = top_level(text, path, key)
    if found is not None and _is_null(found[1]):
        # `key:` or `key: null`: drop the null, then the items go on the lines below the key.
        value = found[1]
        text = text[: value.start_mark.index] + text[value.end_mark.index :]
        lines = text.splitlines(keepends=True)
        key_line = found[0].start_mark.line
        lines[key_line] = lines[key_line].rstrip() + "\n"
        indent = _indent_of(lines[key_line]) + "  "
        at = key_line + 1
        return "".join(lines[:at] + _block_items(items, indent) + lines[at:])
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if found is None:
        block = [f"{key}:\n", *_block_items(items, "  ")]
        if lines and lines[-1].strip():
            block.insert(0, "\n")
        return "".join(lines + block)
    node = found[1]
    if isinstance(node, yaml.SequenceNode) and node.flow_style:
        return _append_flow(text, node, items, path, key)
    if isinstance(node, yaml.SequenceNode):
        last = node.value[-1]
        first_line = lines[node.value[0].start_mark.line]
        dash = first_line.rindex("-", 0, node.value[0].start_mark.column)
        indent = first_line[:dash]
        at = _line_after(last)
        while at - 1 > last.start_mark.line and lines[at - 1].strip()[:1] in ("", "#"):
            at -= 1  # keep blank lines and comments that belong to what follows
        return "".join(lines[:at] + _block_items(items, indent) + lines[at:])
    line = node.start_mark.line + 1
    raise ConfigError(
        f"'{key}' is not a list; add these entries by hand: {', '.join(items)}",
        path=path,
        line=line,
        key=key,
    )


def _is_null(node: yaml.Node) -> bool:
    return (
        isinstance(node, yaml.ScalarNode)
        and node.tag == "tag:yaml.org,2002:null"
        and node.value in ("", "~", "null", "Null", "NULL")
    )


def _block_items(items: list[str], indent: str) -> list[str]:
    out = []
    for item in items:
        first, *rest = item.splitlines()
        out.append(f"{indent}- {first}\n")
        out.extend(f"{indent}  {line}\n" if line else "\n" for line in rest)
    return out


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def _line_after(node: yaml.Node) -> int:
    """The index of the first line after ``node`` (a block item ends at its last content)."""
    end = node.end_mark
    return end.line if end.column == 0 else end.line + 1


def _append_flow(text: str, node: yaml.SequenceNode, items: list[str], path: str, key: str) -> str:
    if any("\n" in item for item in items):
        raise ConfigError(
            f"'{key}' is a flow list ([...]); add these entries by hand: {', '.join(items)}",
            path=path,
            line=node.start_mark.line + 1,
            key=key,
        )
    close = node.end_mark.index - 1  # a flow sequence ends just after its closing bracket
    joined = ", ".join(items)
    before = text[:close].rstrip()
    separator = "" if before.endswith("[") else ", "
    return f"{before}{separator}{joined}{text[close:]}"
