"""Render pages with the project's own Markdown extensions, to read the ids MkDocs would make.

The CLI has no build to look at, so where Python-Markdown and the configured extensions are
installed it renders each page that a link points into, exactly as MkDocs would (``toc``,
``tables`` and ``fenced_code`` always on, the configured extensions and options after them),
and reads every ``id`` of the result. Extensions that are not installed are left out and named
once; without Python-Markdown the links gate falls back to docgates' own slug rules.

Rendering imports the extensions the project names and runs their code (as ``mkdocs build``
does), so it is opt-in: ``anchor_ids: render``. The default, ``source``, imports nothing. What
the extensions print goes nowhere (never into the JSON on standard output). When one configured
extension cannot be imported, no page is rendered: a render without it loses what it renders
(headings inside its blocks), so docgates' own rules are used and the notice says why.
Python tags in the extensions' options (``!!python/name:``, ``!!python/object/apply:``) are
never imported or called, even then: :mod:`.standins` gives docgates' own twin of a slug
function, a fence formatter or an emoji index, and any other such option is left out.
"""

from __future__ import annotations

import contextlib
import importlib
import io
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from .anchors import ids_in_html
from .document import blank_lines, split_front_matter
from .mdconfig import MKDOCS_BUILTIN_EXTENSIONS, normalize_extensions
from .project import Project
from .source import read_text
from .standins import Unresolvable, stand_in
from .yamlload import OtherTag, PythonTag


def _quiet() -> contextlib.AbstractContextManager[Any]:
    """Whatever the project's extensions print is dropped (the CLI's output may be JSON)."""
    return contextlib.redirect_stdout(io.StringIO())


def resolve(value: Any, dropped: list[str], key: str = "", root: Path = Path()) -> Any:
    """``value`` with every Python tag replaced by its :func:`.standins.stand_in`; a tag
    without one is left out of its mapping or list, and its dotted key added to ``dropped``.

    Nothing is imported or called: a tag is only ever looked at as data.
    """
    if isinstance(value, OtherTag):
        return resolve(value.value, dropped, key, root)
    if isinstance(value, Mapping):
        separator = value.get("separator", "-")
        result = {}
        for name, item in value.items():
            where = f"{key}.{name}" if key else str(name)
            if isinstance(item, PythonTag):
                try:
                    result[name] = stand_in(item, str(name), separator, root)
                except Unresolvable:
                    dropped.append(f"{where} ({item.name})")
            else:
                result[name] = resolve(item, dropped, where, root)
        return result
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, PythonTag):
                dropped.append(f"{key} ({item.name})")
            else:
                items.append(resolve(item, dropped, key, root))
        return items
    return value


def _checked_name(markdown: Any, name: str) -> None:
    """``module:Class`` names are built by calling ``Class(**options)``: only a Markdown
    ``Extension`` class may be called (``os:system`` with a ``command`` option must not)."""
    if ":" not in name:
        return
    module_name, _, attr = name.partition(":")
    target = getattr(importlib.import_module(module_name), attr, None)
    if not (isinstance(target, type) and issubclass(target, markdown.Extension)):
        raise Unresolvable(f"'{attr}' is not a Markdown extension class")


FAST_HIGHLIGHT = True
"""Whether code is left unhighlighted where that changes no id (see :func:`_ids_highlighting`)."""


def _ids_highlighting(extensions: list[str], configs: dict[str, dict[str, Any]]) -> list[Any]:
    """``extensions``, with superfences' highlighter made one that lexes nothing where the
    result has the same ids.

    Pygments makes most of the cost of rendering a page with code, and no id: a code block's
    own id (``{ #id }``) is put on its element by pymdownx.highlight. Only the options that
    number lines (``line_spans``, ``line_anchors``, ``anchor_linenums``) put ids in the
    highlighted code, and a title in ``html`` mode is the page's own HTML: those blocks are
    highlighted as pymdownx.highlight highlights them. Fence options are read exactly as
    before (superfences still sees Pygments on), so the same fences are fences.
    """
    if not FAST_HIGHLIGHT or "pymdownx.superfences" not in extensions:
        return list(extensions)
    try:
        from pymdownx import highlight
    except ImportError:  # pragma: no cover - superfences imports it
        return list(extensions)
    if highlight.pygments is None:  # pragma: no cover - Pygments missing: nothing to save
        return list(extensions)

    class IdsOnly(highlight.Highlight):  # type: ignore[misc]
        def highlight(self, src: str, *args: Any, **kwargs: Any) -> Any:
            title = kwargs.get("title")
            if (
                len(args) > 2
                or kwargs.get("inline")
                or not self.use_pygments
                or self.line_spans
                or self.line_anchors
                or (title and self.title_mode == "html")
            ):
                return super().highlight(src, *args, **kwargs)
            value = kwargs.get("id_value") or ""
            at = f' id="{value}"' if value else ""
            return f'<div class="highlight"><pre{at}><code>{escape(src)}</code></pre></div>'

    class IdsOnlyExtension(highlight.HighlightExtension):  # type: ignore[misc]
        def get_pymdownx_highlighter(self) -> type:
            return IdsOnly

    # As superfences loads it when the config does not name it: disabled, its defaults.
    options = configs.get("pymdownx.highlight", {"_enabled": False})
    instance = IdsOnlyExtension(**options)
    result: list[Any] = list(extensions)
    if "pymdownx.highlight" in result:
        result[result.index("pymdownx.highlight")] = instance
    else:
        result.insert(result.index("pymdownx.superfences"), instance)
    return result


class Renderer:
    """Renders the pages of one project with Python-Markdown; ``available`` says if it can."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.missing: list[str] = []
        self.not_called: list[str] = []
        """Options holding a Python tag docgates has no stand-in for: left out, not called."""
        self.failed: dict[str, str] = {}
        self._md: Any = None
        self.available = False
        try:
            import markdown
        except ImportError:
            self.reason = "Python-Markdown is not installed"
            return
        configured = normalize_extensions(project.data.get("markdown_extensions"))
        names = list(dict.fromkeys([*MKDOCS_BUILTIN_EXTENSIONS, *configured]))
        extensions: list[str] = []
        configs: dict[str, dict[str, Any]] = {}
        for name in names:
            options = configured.get(name, {})
            dropped: list[str] = []
            try:
                _checked_name(markdown, name)
                resolved = self._options(name, resolve(options, dropped, root=project.root))
                with _quiet():
                    markdown.Markdown(extensions=[name], extension_configs={name: resolved})
            except Unresolvable as exc:
                self.missing.append(f"{name} ({exc})")
                continue
            except Exception:  # an extension that cannot load is left out, and named
                self.missing.append(name)
                continue
            extensions.append(name)
            configs[name] = resolved
            self.not_called.extend(f"{name}: {option}" for option in dropped)
        if self.missing:
            self.reason = (
                "markdown extensions cannot be imported here: "
                + ", ".join(self.missing)
                + "; rendering without them would lose what they make"
            )
            return
        with _quiet():
            self._md = markdown.Markdown(
                extensions=_ids_highlighting(extensions, configs), extension_configs=configs
            )
        self.available = True
        self.reason = ""

    def _options(self, name: str, options: dict[str, Any]) -> dict[str, Any]:
        """Make path options absolute: MkDocs runs with the config's folder as working dir."""
        root = self.project.root
        if name == "pymdownx.snippets":
            # The folders docgates resolved from the config (MkDocs' '!relative' included).
            known = self.project.markdown.snippets
            bases = [str(b) for b in known.base_path] if known else [str(root)]
            options = {**options, "base_path": bases}
            options["url_download"] = False  # reading ids fetches nothing from the network
            if "auto_append" in options:
                options["auto_append"] = [str(a) for a in options["auto_append"] or []]
        elif name in ("mdx_include", "markdown_include.include") and "base_path" in options:
            base = self.project.markdown.mdx_include_base or root / str(options["base_path"])
            options = {**options, "base_path": str(base)}
        return options

    def ids(self, path: Path, text: str | None = None) -> set[str] | None:
        """Every id of the rendered page, or ``None`` when it cannot be rendered."""
        if not self.available:
            return None
        rel = self.project.rel(path)
        if text is None:
            loaded, problem = read_text(path, rel)
            if loaded is None or problem is not None:
                return None
            text = loaded
        lines, _ = split_front_matter(text)
        body = blank_lines(text, lines)
        try:
            with _quiet():
                rendered = self._md.reset().convert(body)
        except Exception as exc:  # the page breaks an extension: use docgates' own ids
            self.failed[rel] = f"{type(exc).__name__}: {exc}"
            return None
        return ids_in_html(rendered)

    def notice(self) -> str | None:
        """What the user should know about how ids were made (said once per run)."""
        if not self.available:
            return f"{self.reason}: anchors are checked against docgates' own slug rules"
        parts = []
        if self.not_called:
            parts.append(
                "options naming Python code were left out (docgates never imports or calls "
                "what the config names): " + ", ".join(self.not_called)
            )
        if self.failed:
            first = next(iter(self.failed.items()))
            parts.append(
                f"{len(self.failed)} page(s) could not be rendered for their ids "
                f"(first: {first[0]}: {first[1]}); docgates' own slug rules were used"
            )
        return "; ".join(parts) or None
