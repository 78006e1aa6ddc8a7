"""Which pages a nav plugin puts in the nav, read from its files without running it.

literate-nav (``SUMMARY.md``), awesome-pages (``.pages``) and awesome-nav (``.nav.yml``) build
the nav from files in ``docs_dir`` instead of ``nav:`` in the config. The orphan check needs
only one fact from them: which pages the nav reaches. This module follows each plugin's own
rules for that (links, folder entries, wildcards, ``...`` rest entries, ``hide``, ``ignore``,
``append_unmatched``); sorting, titles and flattening do not change what is reached.

A nav file that a plugin writes at build time (gen-files writing ``reference/SUMMARY.md``)
cannot be read: every page under its folder is then counted as reached, and
:attr:`NavReach.unknown` says so.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .project import Project
from .source import is_file, read_text
from .yamlload import load_yaml

LITERATE = ("literate-nav", "mkdocs-literate-nav")
AWESOME_PAGES = ("awesome-pages", "mkdocs-awesome-pages-plugin")
AWESOME_NAV = ("awesome-nav", "mkdocs-awesome-nav")
NAV_PLUGINS = (*LITERATE, *AWESOME_PAGES, *AWESOME_NAV)
#: Plugins that may write a nav file at build time.
_WRITERS = ("gen-files", "mkdocs-gen-files")


@dataclass
class NavReach:
    """The pages a plugin-built nav reaches."""

    plugin: str
    """The plugin and the files it reads, for messages: ``awesome-nav's .nav.yml files``."""
    pages: set[str] = field(default_factory=set)
    unknown: list[str] = field(default_factory=list)
    """Folders whose nav file is written at build time: their pages count as reached."""

    def reaches(self, uri: str) -> bool:
        return uri in self.pages or any(
            uri.startswith(f"{folder}/") or not folder for folder in self.unknown
        )


def nav_reach(project: Project, pages: Iterable[str]) -> NavReach | None:
    """What the project's nav plugin puts in the nav; ``None`` without such a plugin."""
    uris = sorted(pages)
    names = project.plugin_names
    writes = any(w in names for w in _WRITERS)
    for name in names:
        if name in AWESOME_NAV:
            entry = project.plugin(name)
            filename = str((entry.options if entry else {}).get("filename", ".nav.yml"))
            return _AwesomeNav(project, uris, filename).reach()
        if name in LITERATE:
            entry = project.plugin(name)
            nav_file = str((entry.options if entry else {}).get("nav_file", "SUMMARY.md"))
            return _LiterateNav(project, uris, nav_file, writes).reach()
        if name in AWESOME_PAGES:
            entry = project.plugin(name)
            filename = str((entry.options if entry else {}).get("filename", ".pages"))
            return _AwesomePages(project, uris, filename).reach()
    return None


def _read(path: Path) -> str | None:
    if not is_file(path):
        return None
    text, problem = read_text(path, path.name)
    return None if problem is not None else text


def _yaml(project: Project, path: Path) -> dict[str, Any]:
    """A nav plugin's YAML file, read as ``mkdocs.yml`` is: nothing imported, bounded in time
    and memory (an alias bomb, an alias that holds itself, nesting too deep or a file too
    large is a :class:`ConfigError` at its file and line, as invalid YAML is)."""
    text = _read(path)
    if not text:
        return {}
    data = load_yaml(text, project.rel(path)).data
    return data if isinstance(data, dict) else {}


def _folders(uris: list[str]) -> set[str]:
    folders = {""}
    for uri in uris:
        parent = posixpath.dirname(uri)
        while parent:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    return folders


def _join(folder: str, name: str) -> str:
    return posixpath.normpath(posixpath.join(folder, name)) if folder else posixpath.normpath(name)


# -- globs ------------------------------------------------------------------------------------


def glob_regex(pattern: str, *, globstar: bool = True) -> re.Pattern[str]:
    """A glob as wcmatch reads it with ``GLOBSTAR | EXTGLOB`` (awesome-nav's flags): ``*`` and
    ``?`` stay inside one folder, ``**`` spans folders, ``[...]`` classes, ``@(a|b)``."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i) and globstar:
            out.append(".*")
            i += 2
            if pattern.startswith("/", i):
                out[-1] = "(?:.*/)?"
                i += 1
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        elif char in "@+?*!" and pattern.startswith("(", i + 1) and ")" in pattern[i:]:
            end = pattern.index(")", i)
            options = "|".join(
                glob_regex(p, globstar=False).pattern[:-2] for p in pattern[i + 2 : end].split("|")
            )
            suffix = {"@": "", "+": "+", "?": "?", "*": "*"}.get(char)
            out.append(f"(?:{options}){suffix}" if suffix is not None else f"(?!{options})[^/]*")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z")


# -- awesome-nav --------------------------------------------------------------------------------


class _AwesomeNav:
    """mkdocs-awesome-nav 3: each folder's ``.nav.yml`` lists files, folders and globs; a
    folder without one lists its index page, then everything (``*``)."""

    DEFAULT_NAV: list[Any] = [
        {"glob": "@(index.md|README.md)", "ignore_no_matches": True},
        {"glob": "*", "ignore_no_matches": True},
    ]

    def __init__(self, project: Project, uris: list[str], filename: str) -> None:
        self.project = project
        self.filename = filename
        self.pages = set(uris)
        self.folders = _folders(uris)
        self.unvisited: set[tuple[str, bool]] = {(u, False) for u in uris} | {
            (f, True) for f in self.folders if f
        }
        self.reached: set[str] = set()

    def reach(self) -> NavReach:
        self.directory("", None, root=True)
        return NavReach(f"awesome-nav's {self.filename} files", self.reached)

    def config(self, folder: str, parent: dict[str, Any] | None) -> dict[str, Any]:
        data = _yaml(self.project, self.project.docs_dir / folder / self.filename)
        ignore = data.get("ignore")
        patterns = [ignore] if isinstance(ignore, str) else list(ignore or [])
        resolved: list[re.Pattern[str]] = []
        for pattern in patterns:
            pattern = str(pattern)
            if pattern == "$inherit":
                resolved.extend((parent or {}).get("_ignore", []))
            elif pattern.startswith("/"):
                resolved.append(glob_regex(pattern[1:]))
            else:
                resolved.append(glob_regex(_join(folder, "**") + "/" + pattern))
        append = data.get("append_unmatched")
        if append is None and parent is not None:
            append = parent.get("append_unmatched")
        return {
            "nav": data.get("nav") if isinstance(data.get("nav"), list) else None,
            "hide": bool(data.get("hide", False)),
            "append_unmatched": bool(append),
            "_ignore": resolved,
        }

    def directory(self, folder: str, parent: dict[str, Any] | None, *, root: bool = False) -> None:
        self.unvisited.discard((folder, True))
        config = self.config(folder, parent)
        items = list(config["nav"] if config["nav"] is not None else self.DEFAULT_NAV)
        if config["append_unmatched"]:
            items.append({"glob": "*", "ignore_no_matches": True})
        self.items(folder, items, config)

    def items(self, folder: str, items: list[Any], config: dict[str, Any]) -> None:
        # awesome-nav resolves pages first, then folders (deepest first), then globs.
        pages: list[str] = []
        folders: list[str] = []
        globs: list[tuple[str, dict[str, Any]]] = []
        sections: list[list[Any]] = []
        for item in items:
            if isinstance(item, str):
                target = _join(folder, item)
                if target in self.pages:
                    pages.append(target)
                elif target in self.folders:
                    folders.append(target)
                else:
                    globs.append((item, config))
            elif isinstance(item, dict) and "glob" in item:
                local = dict(config)
                local["append_unmatched"] = bool(item.get("append_unmatched"))
                globs.append((str(item["glob"]), local))
            elif isinstance(item, dict) and len(item) == 1:
                (value,) = item.values()
                if isinstance(value, list):
                    sections.append(value)
                elif isinstance(value, str):
                    target = _join(folder, value)
                    if target in self.pages:
                        pages.append(target)
                    elif target in self.folders:
                        folders.append(target)
        for page in pages:
            self.unvisited.discard((page, False))
            self.reached.add(page)
        for section in sections:
            self.items(folder, section, config)
        for sub in sorted(folders, key=lambda f: -f.count("/")):
            self.directory(sub, config)
        for pattern, local in globs:
            # As wcmatch matches them: a pattern ending in '/' matches folders only.
            only_dirs = pattern.endswith("/")
            regex = glob_regex(_join(folder, pattern.rstrip("/")))
            for path, is_dir in sorted(self.unvisited):
                if (only_dirs and not is_dir) or not regex.match(path):
                    continue
                shown = f"{path}/" if is_dir else path
                if any(r.match(shown) or r.match(path) for r in local["_ignore"]):
                    continue
                if is_dir:
                    if not self.config(path, local)["hide"]:
                        self.directory(path, local)
                else:
                    self.unvisited.discard((path, False))
                    self.reached.add(path)


# -- literate-nav ---------------------------------------------------------------------------------


class _LiterateNav:
    """mkdocs-literate-nav: the last list of a folder's ``SUMMARY.md`` is its nav; a folder link
    (``sub/``) reads that folder's file; a title with ``*`` is a wildcard; a folder without a
    nav file lists everything in it."""

    def __init__(self, project: Project, uris: list[str], nav_file: str, writes: bool) -> None:
        self.project = project
        self.nav_file = nav_file
        self.writes = writes
        self.pages = set(uris)
        self.folders = _folders(uris)
        self.reached: set[str] = set()
        self.unknown: list[str] = []

    def reach(self) -> NavReach:
        label = f"literate-nav's {self.nav_file} files"
        root_file = self.project.docs_dir / self.nav_file
        if self.project.nav is None or root_file.is_file():
            self.directory("", ())
        else:
            for entry in self.project.nav:
                if entry.is_url:
                    continue
                self.entry("", entry.target, ())
        return NavReach(label, self.reached, self.unknown)

    def entry(self, folder: str, target: str, stack: tuple[str, ...]) -> None:
        if "*" in target:
            self.wildcard(folder, target, stack)
            return
        path = _join(folder, target)
        if target.endswith("/") and (path in self.folders or self.writes):
            self.directory(path if path != "." else "", stack)
        elif path in self.pages:
            self.reached.add(path)

    def wildcard(self, folder: str, pattern: str, stack: tuple[str, ...]) -> None:
        regex = glob_regex(_join(folder, pattern.rstrip("/")), globstar=False)
        for uri in sorted(self.pages):
            if regex.match(uri) and not pattern.endswith("/"):
                self.reached.add(uri)
        for sub in sorted(self.folders):
            if sub and regex.match(sub):
                self.directory(sub, stack)

    def directory(self, folder: str, stack: tuple[str, ...]) -> None:
        if folder in stack:
            return
        stack = (folder, *stack)
        text = _read(self.project.docs_dir / folder / self.nav_file)
        if text is None:
            if self.writes:
                # gen-files may write this nav file at build time: it cannot be read here.
                self.unknown.append(folder)
                return
            self.wildcard(folder, "*", stack)
            return
        # The plugin takes its nav file out of the nav: it is no orphan.
        self.reached.add(_join(folder, self.nav_file))
        links = _last_list_links(text)
        if links is None:
            self.wildcard(folder, "*", stack)
            return
        for target in links:
            self.entry(folder, target, stack)


def _last_list_links(text: str) -> list[str] | None:
    """The link targets and wildcard titles of the nav list of a literate-nav file (the first
    list after ``<!--nav-->``, else the last list), in order; ``None`` without a list."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    marker = next(
        (i for i, t in enumerate(tokens) if t.type == "html_block" and "<!--nav-->" in t.content),
        None,
    )
    lists: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                start = index
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                lists.append((start, index))
    if marker is not None:
        lists = [span for span in lists if span[0] > marker][:1]
    if not lists:
        return None
    first, last = lists[-1]
    targets: list[str] = []
    for token in tokens[first:last]:
        if token.type != "inline":
            continue
        children = token.children or []
        hrefs = [str(c.attrs.get("href", "")) for c in children if c.type == "link_open"]
        if hrefs:
            targets.append(hrefs[0])
        elif "*" in token.content:
            targets.append(token.content.strip())
    return targets


# -- awesome-pages --------------------------------------------------------------------------------


class _AwesomePages:
    """mkdocs-awesome-pages-plugin: a folder's ``.pages`` ``nav:`` lists its entries, ``...``
    stands for the rest; ``hide: true`` hides the folder; no ``nav:`` lists everything."""

    def __init__(self, project: Project, uris: list[str], filename: str) -> None:
        self.project = project
        self.filename = filename
        self.pages = set(uris)
        self.folders = _folders(uris)
        self.reached: set[str] = set()

    def reach(self) -> NavReach:
        if self.project.nav is not None:
            for entry in self.project.nav:
                if entry.target.strip() == "...":
                    self.directory("")
                elif not entry.is_url and entry.uri in self.pages:
                    self.reached.add(entry.uri)
        else:
            self.directory("")
        return NavReach(f"awesome-pages' {self.filename} files", self.reached)

    def children(self, folder: str) -> list[str]:
        prefix = f"{folder}/" if folder else ""
        found = {u for u in self.pages if posixpath.dirname(u) == folder}
        found |= {f for f in self.folders if f and posixpath.dirname(f) == folder}
        return sorted(p[len(prefix) :] for p in found)

    def directory(self, folder: str) -> None:
        data = _yaml(self.project, self.project.docs_dir / folder / self.filename)
        if data.get("hide"):
            return
        nav = data.get("nav", data.get("arrange"))
        children = self.children(folder)
        chosen: list[str] = []
        if isinstance(nav, list):
            listed = set()
            for item in nav:
                name = next(iter(item.values())) if isinstance(item, dict) and item else item
                if isinstance(name, str):
                    listed.add(name.rstrip("/"))
            for item in nav:
                name = next(iter(item.values())) if isinstance(item, dict) and item else item
                if not isinstance(name, str):
                    continue
                if name.strip().startswith("..."):
                    chosen += [c for c in children if c not in listed]
                else:
                    chosen.append(name.rstrip("/"))
        else:
            chosen = children
        for name in chosen:
            path = _join(folder, name)
            if path in self.pages:
                self.reached.add(path)
            elif path in self.folders:
                self.directory(path)
