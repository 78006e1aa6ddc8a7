"""docgates' own versions of the functions a ``mkdocs.yml`` names with Python tags.

Real configs name functions with ``!!python/name:`` and ``!!python/object/apply:``: a slug
function for ``toc``, a ``format`` for a custom fence, an emoji index and generator. When the
CLI renders pages for their ids it needs something in their place, and it never imports or calls
what a config names (the config is data that a pull request can change:
``!!python/object/apply:os.system`` must not run). Each stand-in here does what the named
function does as far as ids are concerned, and no more; :func:`stand_in` picks one by the option
and the name, or raises :class:`Unresolvable` (the option is then left out).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from .anchors import slugger, spec_from_value
from .yamlload import PythonTag


class Unresolvable(Exception):
    """A ``!!python/...`` value docgates has no stand-in for (it is never imported)."""


def plain_fence(source: str, language: str, class_name: str, *args: Any, **kwargs: Any) -> str:
    """A custom fence's ``format``: the code, escaped (ids come from headings, not fences)."""
    return f'<pre class="{escape(class_name)}"><code>{escape(source)}</code></pre>'


def icon_element(index: str, shortname: str, *args: Any, **kwargs: Any) -> Element:
    """An emoji generator: an empty element, as ``to_svg``/``to_png`` give no heading text."""
    return Element("span", {"class": index})


def alt_text(index: str, shortname: str, alias: str, uc: Any, alt: str, *args: Any) -> str:
    """``pymdownx.emoji.to_alt``: the emoji's own characters."""
    return alt


_EMOJI_DBS = {"emojione": "emojione_db", "gemoji": "gemoji_db", "twemoji": "twemoji_db"}


@lru_cache(maxsize=8)
def _emoji_db(db: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    # pymdownx's shortcode tables: data modules of the extension being rendered.
    module = importlib.import_module(f"pymdownx.{db}")
    return module.name, module.emoji, module.aliases


def _icon_names(folders: tuple[Path, ...]) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {}
    for base in folders:
        for svg in base.rglob("*.svg") if base.is_dir() else ():
            name = ":" + "-".join(svg.relative_to(base).with_suffix("").parts) + ":"
            names.setdefault(name, {"name": name, "path": str(svg)})
    return names


def _material_icons() -> Path | None:
    """Material's bundled icons, found without importing the theme."""
    spec = importlib.util.find_spec("material")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / ".icons"


def emoji_index(table: str, root: Path, material: bool) -> Any:
    """An emoji index: pymdownx's table of ``table``, and for Material's ``twemoji`` the icons
    it bundles and those of ``custom_icons`` (as ``material.extensions.emoji.twemoji``)."""

    def index(options: dict[str, Any], md: Any) -> dict[str, Any]:
        name, emoji, aliases = _emoji_db(_EMOJI_DBS[table])
        merged = dict(emoji)
        if material:
            folders = [root / str(p) for p in options.get("custom_icons", []) or []]
            bundled = _material_icons()
            folders += [bundled] if bundled is not None else []
            for shortname, entry in _icon_names(tuple(folders)).items():
                if shortname not in merged and shortname not in aliases:
                    merged[shortname] = entry
        return {"name": name, "emoji": merged, "aliases": dict(aliases)}

    return index


def stand_in(value: PythonTag, key: str, separator: Any = "-", root: Path = Path()) -> Any:
    """What the option ``key`` holding ``value`` becomes when rendering; never the function
    ``value`` names. :class:`Unresolvable` when docgates has no twin of it."""
    module, _, func = value.name.rpartition(".")
    if key == "slugify":
        spec = spec_from_value(value, separator)
        found = slugger(spec) if spec is not None else None
        if found is not None and found.known:
            return found.function
    elif key == "format" and value.kind == "name":
        return plain_fence
    elif key == "emoji_index" and value.kind == "name" and func in _EMOJI_DBS:
        if module == "pymdownx.emoji":
            return emoji_index(func, root, material=False)
        if module in ("material.extensions.emoji", "materialx.emoji") and func == "twemoji":
            return emoji_index(func, root, material=True)
    elif key == "emoji_generator" and value.kind == "name":
        return alt_text if func == "to_alt" else icon_element
    raise Unresolvable(value.name)
