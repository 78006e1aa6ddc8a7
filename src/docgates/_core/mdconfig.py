"""What a project's Markdown configuration means for parsing.

MkDocs renders pages with Python-Markdown and the extensions listed in ``markdown_extensions``.
Which constructs exist (admonitions, content tabs, ``///`` blocks, fences nested in lists...)
depends on that list, so the parser is configured from it, never from guesses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .yamlload import OtherTag, PythonTag

#: MkDocs always loads these, whatever ``markdown_extensions`` says.
MKDOCS_BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")

_BUNDLES = {
    "extra": ("abbr", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "tables"),
    "pymdownx.extra": (
        "pymdownx.betterem",
        "pymdownx.superfences",
        "footnotes",
        "attr_list",
        "def_list",
        "tables",
        "abbr",
        "md_in_html",
    ),
}

#: Default admonition types of ``pymdownx.blocks.admonition``.
BLOCK_ADMONITION_TYPES = frozenset(
    ["note", "attention", "caution", "danger", "error", "tip", "hint", "warning", "important"]
)


def normalize_extension_name(name: str) -> str:
    """``markdown.extensions.toc`` -> ``toc``; other names are kept as they are."""
    return name.removeprefix("markdown.extensions.")


@dataclass(frozen=True)
class SnippetsOptions:
    """The options of ``pymdownx.snippets`` that decide what a ``--8<--`` line includes."""

    base_path: tuple[Path, ...]
    check_paths: bool = False
    auto_append: tuple[str, ...] = ()
    restrict_base_path: bool = True
    dedent_subsections: bool = False


@dataclass(frozen=True)
class SlugifySpec:
    """How heading ids are made: the slugify function named in the config and its options."""

    name: str = "default"
    kwds: Mapping[str, Any] = field(default_factory=dict)
    separator: str = "-"


@dataclass(frozen=True)
class MarkdownOptions:
    """The parse-relevant facts of a project's Markdown configuration."""

    extensions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    superfences: bool = True
    fenced_code: bool = True
    custom_fences: frozenset[str] = frozenset()
    admonition: bool = True
    details: bool = True
    tabbed: bool = True
    blocks: frozenset[str] = frozenset({"admonition", "details", "tab", "html"})
    block_admonition_types: frozenset[str] = BLOCK_ADMONITION_TYPES
    attr_list: bool = True
    md_in_html: bool = True
    arithmatex: bool = True
    footnotes: bool = True
    def_list: bool = True
    tables: bool = True
    snippets: SnippetsOptions | None = None
    mdx_include: bool = False
    mdx_include_base: Path | None = None
    include_variants: bool = False
    slugify: SlugifySpec = field(default_factory=SlugifySpec)
    tab_length: int = 4
    indented_headers: bool = False
    """``codehilite``: an indented block may name its language on a first ``#!python`` or
    ``:::python`` line."""
    assumed: bool = False
    """True when no configuration was found and every common extension is assumed on."""

    @classmethod
    def assume_material(cls, root: Path) -> MarkdownOptions:
        """The options of a typical Material site, used when there is no configuration."""
        return cls(
            snippets=SnippetsOptions(base_path=(root,)),
            mdx_include=True,
            mdx_include_base=root,
            include_variants=True,
            assumed=True,
        )

    @property
    def uses_blocks(self) -> bool:
        return bool(self.blocks)


def normalize_extensions(raw: Any) -> dict[str, dict[str, Any]]:
    """``markdown_extensions`` as a list of names/``{name: options}`` or a mapping -> dict."""
    result: dict[str, dict[str, Any]] = {}
    items: Iterable[Any]
    if raw is None:
        items = ()
    elif isinstance(raw, Mapping):
        items = [{k: v} for k, v in raw.items()]
    elif isinstance(raw, list):
        items = raw
    else:
        items = [raw]
    for item in items:
        if isinstance(item, str):
            result.setdefault(normalize_extension_name(item), {})
        elif isinstance(item, Mapping):
            for name, options in item.items():
                opts = dict(options) if isinstance(options, Mapping) else {}
                result[normalize_extension_name(str(name))] = opts
    return result


def config_path(value: Any, root: Path, docs_dir: Path | None = None) -> Path:
    """A path option of the config as MkDocs reads it: relative to the config's folder (the
    working directory of ``mkdocs build``), or MkDocs' ``!relative $config_dir`` /
    ``!relative $docs_dir`` tag (with a sub-path after it). Plain ``!relative`` (the current
    page's folder) is read as ``docs_dir``."""
    if isinstance(value, OtherTag) and value.tag == "!relative":
        text = str(value.value or "").strip()
        for name, base in (("$config_dir", root), ("$docs_dir", docs_dir or root / "docs")):
            if text.startswith(name):
                return (base / text[len(name) :].lstrip("/\\")).resolve()
        return (docs_dir or root / "docs").resolve()
    return (root / str(value)).resolve()


def build_markdown_options(
    raw_extensions: Any,
    root: Path,
    *,
    builtins: Iterable[str] = MKDOCS_BUILTIN_EXTENSIONS,
    docs_dir: Path | None = None,
) -> MarkdownOptions:
    """Derive :class:`MarkdownOptions` from a ``markdown_extensions`` value."""
    configured = normalize_extensions(raw_extensions)
    exts: dict[str, dict[str, Any]] = {name: {} for name in builtins}
    for name, options in configured.items():
        for member in _BUNDLES.get(name, (name,)):
            exts.setdefault(member, {})
        exts[name] = options
    has = exts.__contains__

    superfences = exts.get("pymdownx.superfences")
    custom = frozenset(
        str(fence.get("name"))
        for fence in (superfences or {}).get("custom_fences", []) or []
        if isinstance(fence, Mapping) and fence.get("name")
    )
    blocks = frozenset(
        name.removeprefix("pymdownx.blocks.")
        for name in exts
        if name.startswith("pymdownx.blocks.")
    )
    admonition_types = BLOCK_ADMONITION_TYPES
    block_admonition = exts.get("pymdownx.blocks.admonition")
    if block_admonition and isinstance(block_admonition.get("types"), list):
        admonition_types = frozenset(
            str(t.get("name") if isinstance(t, Mapping) else t) for t in block_admonition["types"]
        )

    snippets = None
    if has("pymdownx.snippets"):
        opts = exts["pymdownx.snippets"]
        base = opts.get("base_path", ["."])
        bases = [base] if isinstance(base, (str, OtherTag)) else list(base or ["."])
        snippets = SnippetsOptions(
            base_path=tuple(config_path(b, root, docs_dir) for b in bases),
            check_paths=bool(opts.get("check_paths", False)),
            auto_append=tuple(str(a) for a in opts.get("auto_append", []) or []),
            restrict_base_path=bool(opts.get("restrict_base_path", True)),
            dedent_subsections=bool(opts.get("dedent_subsections", False)),
        )
    include_opts = exts.get("mdx_include", {})
    include_base = config_path(include_opts.get("base_path", "."), root, docs_dir)

    return MarkdownOptions(
        extensions=exts,
        superfences=superfences is not None,
        fenced_code=has("fenced_code"),
        custom_fences=custom,
        admonition=has("admonition"),
        details=has("pymdownx.details"),
        tabbed=has("pymdownx.tabbed"),
        blocks=blocks,
        block_admonition_types=admonition_types,
        attr_list=has("attr_list"),
        md_in_html=has("md_in_html"),
        arithmatex=has("pymdownx.arithmatex"),
        footnotes=has("footnotes"),
        def_list=has("def_list"),
        tables=has("tables"),
        snippets=snippets,
        mdx_include=has("mdx_include"),
        mdx_include_base=include_base,
        include_variants=has("markdown_include_variants"),
        slugify=_slugify_spec(exts.get("toc", {})),
        tab_length=int(exts.get("pymdownx.superfences", {}).get("tab_length", 4) or 4),
        indented_headers=has("codehilite") and not has("pymdownx.highlight"),
    )


def _slugify_spec(toc: Mapping[str, Any]) -> SlugifySpec:
    separator = str(toc.get("separator", "-"))
    value = toc.get("slugify")
    if isinstance(value, PythonTag):
        return SlugifySpec(value.name, dict(value.kwds), separator)
    if isinstance(value, str):
        return SlugifySpec(value, {}, separator)
    return SlugifySpec("default", {}, separator)
