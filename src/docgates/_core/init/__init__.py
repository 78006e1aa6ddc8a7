"""``docgates init``: set a project up with the docgates pipeline.

:func:`plan` works out every change (nothing is written); :func:`apply` writes them. Two kinds of
change:

- ``edit``: entries added to a file the user already has (the plugins in ``mkdocs.yml``, the
  docgates hooks in an existing ``.pre-commit-config.yaml``); every other line is kept as it was.
- ``write``: a file docgates owns (the four workflows, the semgrep rules, a new pre-commit
  config). An existing file with other content is never replaced unless ``force`` is given.

Each change carries a unified diff, so the front can show exactly what happens.
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..atomic import write_atomically
from ..source import normalize_newlines
from . import yamledit
from .context import STATUS_PLUGIN, InitContext, InitOptions, available_plugins, detect
from .render import ACTIONS, TOOLS, WORKFLOWS, render

__all__ = [
    "ACTIONS",
    "TOOLS",
    "Change",
    "InitContext",
    "InitOptions",
    "apply",
    "available_plugins",
    "detect",
    "plan",
]

PRE_COMMIT = ".pre-commit-config.yaml"
SEMGREP_RULES = ".semgrep/rules.yml"
GITIGNORE = ".gitignore"
IGNORED = ".docgates/"
"""docgates' own state (caches, the status history): never committed."""


@dataclass(frozen=True)
class Change:
    """One file ``init`` wants to create or change."""

    path: str
    """Relative to the project root, with ``/`` separators."""
    old: str | None
    """The file's current text (``None``: it does not exist)."""
    new: str
    kind: str
    """``write`` (a file docgates owns) or ``edit`` (entries added to the user's file)."""
    summary: str = ""

    @property
    def status(self) -> str:
        """``create``, ``unchanged``, ``edit`` or ``conflict`` (exists with other content)."""
        if self.old is None:
            return "create"
        if self.old == self.new:
            return "unchanged"
        return "edit" if self.kind == "edit" else "conflict"

    def diff(self) -> str:
        old = [] if self.old is None else self.old.splitlines(keepends=True)
        before = "/dev/null" if self.old is None else f"a/{self.path}"
        lines = difflib.unified_diff(
            old, self.new.splitlines(keepends=True), before, f"b/{self.path}"
        )
        return "".join(lines)


def plan(context: InitContext) -> list[Change]:
    """Every change ``init`` would make in the project, in the order it makes them."""
    root = context.root
    changes = [_config_change(context), _pre_commit_change(context), _gitignore_change(context)]
    for name in WORKFLOWS:
        path = f".github/workflows/{name}.yml"
        changes.append(Change(path, _read(root / path), render(f"{name}.yml.j2", context), "write"))
    changes.append(
        Change(
            SEMGREP_RULES, _read(root / SEMGREP_RULES), render("semgrep.yml.j2", context), "write"
        )
    )
    return [c for c in changes if c is not None]


def apply(context: InitContext, changes: list[Change], *, force: bool = False) -> list[Change]:
    """Write the changes; returns the conflicts left unwritten (all written with ``force``)."""
    skipped = []
    for change in changes:
        status = change.status
        if status == "unchanged":
            continue
        if status == "conflict" and not force:
            skipped.append(change)
            continue
        target = context.root / change.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            # The user's file keeps its line endings and byte order mark (CRLF, UTF-8 BOM).
            write_atomically(target, _encoded(change.new, target.read_bytes()))
        else:
            target.write_text(change.new, encoding="utf-8", newline="\n")
    return skipped


def _encoded(text: str, before: bytes) -> bytes:
    """``text`` (with ``\\n`` endings) in the form the file had: its BOM, and CRLF when most
    of its lines ended so."""
    crlf = before.count(b"\r\n")
    if crlf and crlf >= before.count(b"\n") - crlf:
        text = text.replace("\n", "\r\n")
    bom = codecs.BOM_UTF8 if before.startswith(codecs.BOM_UTF8) else b""
    return bom + text.encode("utf-8")


def _read(path: Path) -> str | None:
    if not path.is_file():
        return None
    return normalize_newlines(path.read_text(encoding="utf-8-sig"))


def _config_change(context: InitContext) -> Change | None:
    if context.kind == "zensical":
        return None  # Zensical runs no third-party plugins: the CLI and pre-commit are its fronts
    path = context.config_file
    text = _read(context.root / path) or ""
    node = yamledit.top_level(text, path, "plugins")
    present = set(yamledit.scalar_items(node[1])) if node else set()
    wanted = [name for name in context.plugins if name not in present]
    if node is None and wanted:
        wanted.insert(0, "search")  # MkDocs' default list, which a plugins key replaces
    entries = [context.plugin_entry(name) for name in wanted]
    node_value = node[1] if node else None
    if isinstance(node_value, yaml.SequenceNode) and node_value.flow_style:
        entries = wanted  # a flow list takes names only; the status gate's options stay defaults
    new = yamledit.append_items(text, path, "plugins", entries)
    summary = list(wanted)
    if STATUS_PLUGIN in wanted and _status_nav_wanted(new, path):
        # With a nav, the generated pages would be orphans no menu leads to: list them.
        new = yamledit.append_items(new, path, "nav", [STATUS_NAV])
        summary.append("nav: Project status")
    return Change(path, text, new, "edit", summary=", ".join(summary))


STATUS_NAV = "Project status:\n  - CI status: status/index.md\n  - Coverage: status/coverage.md"
"""The nav entry for the status gate's pages (at their default places)."""


def _status_nav_wanted(text: str, path: str) -> bool:
    node = yamledit.top_level(text, path, "nav")
    if node is None or not isinstance(node[1], yaml.SequenceNode) or node[1].flow_style:
        return False  # no nav: MkDocs lists every page, the generated ones too
    return not any(
        isinstance(n, yaml.ScalarNode) and n.value.lstrip("./") == "status/index.md"
        for n in _walk(node[1])
    )


def _walk(node: yaml.Node) -> list[yaml.Node]:
    found = [node]
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _walk(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found += [key, *_walk(value)]
    return found


def _gitignore_change(context: InitContext) -> Change:
    old = _read(context.root / GITIGNORE)
    lines = (old or "").splitlines()
    patterns = {line.strip().lstrip("/").rstrip("/") for line in lines}
    if ".docgates" in patterns or ".docgates/*" in patterns:
        return Change(GITIGNORE, old, old or "", "edit")
    head = (old or "").rstrip("\n")
    block = "# docgates: caches and the status history\n" + IGNORED + "\n"
    new = f"{head}\n\n{block}" if head else block
    return Change(GITIGNORE, old, new, "edit", summary=IGNORED)


def _pre_commit_change(context: InitContext) -> Change:
    path = context.root / PRE_COMMIT
    old = _read(path)
    entry = render("hooks-entry.yaml.j2", context).rstrip("\n")
    if old is None:
        return Change(
            PRE_COMMIT,
            None,
            render("pre-commit-config.yaml.j2", context, hooks_entry=entry),
            "write",
        )
    node = yamledit.top_level(old, PRE_COMMIT, "repos")
    if node is not None and _has_docgates(node[1], context.hooks_repo):
        return Change(PRE_COMMIT, old, old, "edit")
    new = yamledit.append_items(old, PRE_COMMIT, "repos", [entry])
    return Change(PRE_COMMIT, old, new, "edit", summary="the docgates hook")


def _has_docgates(repos: object, hooks_repo: str | None) -> bool:
    """Whether ``repos`` already holds a docgates hook (by id, or the hooks repository)."""
    if not isinstance(repos, yaml.SequenceNode):
        return False
    for item in repos.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        for key, value in item.value:
            if (
                hooks_repo is not None
                and key.value == "repo"
                and isinstance(value, yaml.ScalarNode)
                and value.value.rstrip("/") == hooks_repo.rstrip("/")
            ):
                return True
            if key.value == "hooks" and "docgates" in _hook_ids(value):
                return True
    return False


def _hook_ids(hooks: object) -> set[str]:
    ids: set[str] = set()
    if isinstance(hooks, yaml.SequenceNode):
        for hook in hooks.value:
            if isinstance(hook, yaml.MappingNode):
                ids.update(
                    v.value
                    for k, v in hook.value
                    if k.value == "id" and isinstance(v, yaml.ScalarNode)
                )
    return ids
