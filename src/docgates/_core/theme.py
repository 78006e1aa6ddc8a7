"""The files a theme adds to the built site, found in the installed theme's folders.

MkDocs copies every static file of the theme's folders (``custom_dir``, the theme, the themes it
``extends``, MkDocs' own templates) that ``docs_dir`` does not already have, and renders the
``static_templates`` (``404.html``, ``sitemap.xml``). A link to ``assets/images/favicon.png``
is therefore fine on a Material site although no source file shows it.

Nothing is imported: the theme's folder comes from its ``mkdocs.themes`` entry point and its
distribution's files; its ``mkdocs_theme.yml`` is read as data.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from .project import Project

_SKIP = (".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*")
_MARKDOWN = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


@dataclass(frozen=True)
class ThemeFiles:
    """What the theme adds: files by site path; ``missing`` names a theme that is not
    installed here (its files are then unknown)."""

    files: frozenset[str] = frozenset()
    missing: str | None = None
    dirs: tuple[Path, ...] = field(default=())


@lru_cache(maxsize=64)
def _theme_dir(name: str, group: str) -> Path | None:
    for entry in metadata.entry_points(group=group):
        if entry.name != name or entry.dist is None:
            continue
        module = entry.value.split(":", 1)[0]
        for candidate in (module.replace(".", "/"), module.replace(".", "/") + ".py"):
            located = Path(str(entry.dist.locate_file(candidate)))
            if located.is_dir():
                return located
            if located.is_file():
                return located.parent
    return None


@lru_cache(maxsize=8)
def _builtin_templates(kind: str) -> Path | None:
    for dist in ("properdocs", "mkdocs") if kind == "properdocs" else ("mkdocs", "properdocs"):
        try:
            folder = Path(str(metadata.distribution(dist).locate_file(f"{dist}/templates")))
        except metadata.PackageNotFoundError:
            continue
        if folder.is_dir():
            return folder
    return None


def _theme_config(folder: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load((folder / "mkdocs_theme.yml").read_text("utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=32)
def _walk(folder: Path, static: frozenset[str]) -> frozenset[str]:
    found = set()
    for base, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for name in names:
            rel = os.path.relpath(os.path.join(base, name), folder).replace(os.sep, "/")
            lower = rel.lower()
            if lower.endswith(_MARKDOWN) or any(fnmatch.fnmatch(lower, p) for p in _SKIP):
                continue
            if rel in static:
                continue
            found.add(rel)
    return frozenset(found)


def theme_files(project: Project) -> ThemeFiles:
    """The files the project's theme adds to the site."""
    theme = project.data.get("theme")
    options: dict[str, Any] = theme if isinstance(theme, dict) else {"name": theme}
    name = options.get("name")
    dirs: list[Path] = []
    custom = options.get("custom_dir")
    if isinstance(custom, str):
        dirs.append((project.root / custom).resolve())
    missing = None
    static: set[str] = {"404.html"} if name else set()
    group = "properdocs.themes" if project.kind == "properdocs" else "mkdocs.themes"
    seen: set[str] = set()
    while isinstance(name, str) and name and name not in seen:
        seen.add(name)
        folder = _theme_dir(name, group) or _theme_dir(name, "mkdocs.themes")
        if folder is None:
            missing = name
            break
        dirs.append(folder)
        config = _theme_config(folder)
        static.update(str(s) for s in config.get("static_templates") or [])
        name = config.get("extends")
    builtin = _builtin_templates(project.kind)
    if builtin is not None:
        dirs.append(builtin)
        static.update(p.name for p in builtin.iterdir() if p.is_file())
    files: set[str] = set()
    for folder in dirs:
        if folder.is_dir():
            files |= _walk(folder, frozenset(static))
    rendered = set(static)  # MkDocs renders each static template to its own name
    if "sitemap.xml" in rendered:
        rendered.add("sitemap.xml.gz")  # MkDocs writes both
    plugins = project.data.get("plugins", ["search"])
    if project.plugin("search") is not None or "plugins" not in project.data or plugins is None:
        rendered.add("search/search_index.json")
    return ThemeFiles(frozenset(files | rendered), missing, tuple(dirs))
