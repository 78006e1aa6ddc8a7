"""Find and read a project's configuration: ``mkdocs.yml``, ``properdocs.yml`` or ``zensical.toml``.

Nothing is imported and nothing is built: the configuration is read as data (see
:mod:`.yamlload`) and turned into the facts the checks need: where the pages are, the nav,
which pages are excluded or deliberately left out of the nav, how the Markdown is configured,
and the docgates settings from the plugin entries and ``pyproject.toml``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import config as cfg
from .errors import ConfigError
from .mdconfig import MarkdownOptions, build_markdown_options
from .source import normalize_newlines, relpath
from .yamlload import MAX_YAML_CHARS, Key, Located, load_yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_NAMES = (
    "properdocs.yml",
    "properdocs.yaml",
    "mkdocs.yml",
    "mkdocs.yaml",
    "zensical.toml",
)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
DEFAULT_EXCLUDE = (".*", "/templates/")
PLUGIN_PREFIX = "docgates/"


class Patterns:
    """gitignore-style patterns (``exclude_docs``, ``not_in_nav``...), matched as MkDocs does.

    MkDocs' default exclusions alone are matched without building a pathspec (most sites set
    nothing else, and the CLI starts on every pre-commit run).
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = [line for line in lines if line.strip() and not line.startswith("#")]
        self._spec: Any = None

    def match_file(self, uri: str) -> bool:
        """True when the ``/``-separated path ``uri`` (relative to docs_dir) matches."""
        if self.lines == list(DEFAULT_EXCLUDE):
            parts = uri.split("/")
            return any(part.startswith(".") for part in parts) or parts[0] == "templates"
        if self._spec is None:
            import pathspec

            self._spec = pathspec.GitIgnoreSpec.from_lines(self.lines)
        return bool(self._spec.match_file(uri))

    def __bool__(self) -> bool:
        return bool(self.lines)


@dataclass(frozen=True)
class NavEntry:
    """One page (or link) in ``nav``, with the place in the config file that names it."""

    title: str | None
    target: str
    path: str
    line: int | None
    column: int | None

    @property
    def is_url(self) -> bool:
        return "://" in self.target or self.target.startswith(("mailto:", "/"))

    @property
    def uri(self) -> str:
        """The ``src_uri`` MkDocs looks the entry up by: ``./a//b.md`` is ``a/b.md``."""
        return PurePosixPath(self.target.lstrip("/")).as_posix()


@dataclass
class PluginEntry:
    """A ``plugins:`` entry: its name, options and the key under which it was found."""

    name: str
    options: dict[str, Any]
    key: Key


@dataclass
class Project:
    """Everything docgates knows about a documentation project before reading any page."""

    root: Path
    config_path: Path | None
    kind: str
    docs_dir: Path
    markdown: MarkdownOptions
    nav: list[NavEntry] | None = None
    use_directory_urls: bool = True
    exclude_docs: Patterns | None = None
    not_in_nav: Patterns | None = None
    draft_docs: Patterns | None = None
    plugins: list[PluginEntry] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    located: Located | None = None
    pyproject: dict[str, Any] = field(default_factory=dict)
    pyproject_path: Path | None = None
    removed: PluginExclusions | None = None
    """Files a plugin removes from the site (mkdocs-exclude's ``glob``/``regex``)."""

    # -- paths ---------------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        """``path`` relative to the project root, ``/``-separated (the form findings use)."""
        return relpath(path, self.root)

    def doc_uri(self, path: Path) -> str:
        """``path`` relative to ``docs_dir`` (MkDocs' ``src_uri``)."""
        return relpath(path, self.docs_dir)

    @property
    def config_rel(self) -> str:
        return self.rel(self.config_path) if self.config_path else "<no config>"

    def is_excluded(self, uri: str) -> bool:
        """True when ``uri`` is not built: ``exclude_docs``, or a plugin removes it."""
        spec = self.exclude_docs
        if spec and spec.match_file(uri):
            return True
        return self.removed is not None and self.removed.match(uri) is not None

    def pages(self) -> Iterator[Path]:
        """Markdown pages under ``docs_dir`` that MkDocs would build, sorted.

        As MkDocs does, a ``README.md`` next to an ``index.md`` is left out (both would be the
        folder's index page; MkDocs keeps ``index.md`` and warns)."""
        if not self.docs_dir.is_dir():
            return
        found = []
        for path in self.docs_dir.rglob("*"):
            if (
                path.suffix.lower() in MARKDOWN_SUFFIXES
                and path.is_file()
                and not self.is_excluded(self.doc_uri(path))
            ):
                found.append(path)
        shadowed = readme_conflicts(found)
        yield from sorted(p for p in found if p not in shadowed)

    # -- settings ------------------------------------------------------------------------
    def plugin(self, name: str) -> PluginEntry | None:
        for entry in self.plugins:
            if entry.name == name:
                return entry
        return None

    @property
    def plugin_names(self) -> set[str]:
        return {entry.name for entry in self.plugins}

    def settings(self, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> cfg.Settings:
        """Resolve every gate's settings: plugin entry, then ``[tool.docgates]``, then the
        environment (``DOCGATES_CACHE_URL``, ``DOCGATES_HISTORY_URL``), then flags."""
        settings = cfg.Settings()
        for gate, klass in cfg.GATES.items():
            value: cfg.GateSettings = klass()
            entry = self.plugin(PLUGIN_PREFIX + gate)
            if entry is not None:
                value = cfg.parse_gate(
                    klass,
                    entry.options,
                    gate=f"plugins.{entry.name}",
                    path=self.config_rel,
                    locate=self._locator(entry.key),
                    base=value,
                )
            table = self.pyproject.get(gate)
            if isinstance(table, Mapping):
                if entry is not None:
                    settings.notices.extend(self._disagreements(gate, entry, value, table))
                value = cfg.parse_gate(
                    klass,
                    table,
                    gate=f"tool.docgates.{gate}",
                    path=self.rel(self.pyproject_path) if self.pyproject_path else None,
                    locate=self._toml_locator(gate),
                    base=value,
                )
            from_env = cfg.environment_options(gate, os.environ)
            if from_env:
                value = cfg.parse_gate(klass, from_env, gate="environment", base=value)
            if overrides and gate in overrides:
                value = cfg.parse_gate(klass, overrides[gate], gate=f"--{gate} option", base=value)
            settings.gates[gate] = value
        return settings

    def _disagreements(
        self, gate: str, entry: PluginEntry, plugin: cfg.GateSettings, table: Mapping[str, Any]
    ) -> list[str]:
        """Notices for options that the plugin entry and ``[tool.docgates.<gate>]`` both set
        to different values (``[tool.docgates]`` wins, in the CLI and in the plugins)."""
        notes = []
        pyproject = self.rel(self.pyproject_path) if self.pyproject_path else "pyproject.toml"
        for key in table:
            if key not in entry.options:
                continue
            ours = getattr(plugin, str(key), None)
            theirs = cfg.parse_gate(type(plugin), {key: table[key]}, gate=gate)
            if getattr(theirs, str(key), None) != ours:
                notes.append(
                    f"'{key}' of docgates/{gate} is {entry.options[key]!r} in "
                    f"{self.config_rel} and {table[key]!r} in {pyproject} "
                    f"[tool.docgates.{gate}]; the {pyproject} value is used"
                )
        return notes

    def _locator(self, base: Key) -> cfg.Locator:
        located = self.located

        def locate(key: tuple[str, ...]) -> int | None:
            return located.line_of((*base, *key)) if located else None

        return locate

    def _toml_locator(self, gate: str) -> cfg.Locator:
        text = self.pyproject_path.read_text("utf-8") if self.pyproject_path else ""

        def locate(key: tuple[str, ...]) -> int | None:
            return _toml_line(text, key[0]) if key else None

        return locate


class PluginExclusions:
    """The ``glob`` and ``regex`` options of the mkdocs-exclude plugin (``exclude``).

    The plugin drops every file whose ``src_path`` matches a glob (``fnmatch``, where ``*``
    also matches ``/``) or a regular expression (``re.match``) from MkDocs' files in
    ``on_files``: the file is neither built nor copied, and links to it are broken links."""

    def __init__(self, globs: list[str], regexes: list[str]) -> None:
        import re

        self.globs = globs
        self.regexes = [(r, re.compile(r)) for r in regexes]

    def match(self, uri: str) -> str | None:
        """The pattern that removes ``uri``, if one does."""
        import fnmatch

        for glob in self.globs:
            if fnmatch.fnmatchcase(uri, glob):
                return f"glob '{glob}'"
        for text, regex in self.regexes:
            if regex.match(uri):
                return f"regex '{text}'"
        return None


def _plugin_exclusions(plugins: list[PluginEntry], located: Located) -> PluginExclusions | None:
    import re

    entry = next((e for e in plugins if e.name == "exclude"), None)
    if entry is None:
        return None
    lists: dict[str, list[str]] = {}
    for key in ("glob", "regex"):
        value = entry.options.get(key)
        items = value if isinstance(value, list) else [] if value is None else [value]
        lists[key] = [str(v) for v in items]
    for text in lists["regex"]:
        try:
            re.compile(text)
        except re.error as exc:
            raise ConfigError(
                f"invalid regular expression {text!r}: {exc}",
                path=located.path,
                line=located.line_of((*entry.key, "regex")),
                key="plugins.exclude.regex",
            ) from None
    return PluginExclusions(lists["glob"], lists["regex"])


def readme_conflicts(paths: list[Path]) -> dict[Path, Path]:
    """``README`` pages that MkDocs drops because an ``index`` page is in the same folder,
    each with that index page."""
    by_folder: dict[Path, list[Path]] = {}
    for path in paths:
        if path.stem in ("index", "README"):
            by_folder.setdefault(path.parent, []).append(path)
    shadowed: dict[Path, Path] = {}
    for members in by_folder.values():
        index = next((p for p in sorted(members) if p.stem == "index"), None)
        if index is not None:
            shadowed.update((p, index) for p in members if p.stem == "README")
    return shadowed


def _toml_line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith((f"{key} ", f"{key}=", f'"{key}"')):
            return number
    return None


def find_config(start: Path) -> Path | None:
    """The nearest config file in ``start`` or a parent folder."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file():
                return path
    return None


def load_project(
    start: Path | None = None, *, config_file: Path | None = None, docs_dir: Path | None = None
) -> Project:
    """Load the project that ``start`` (a folder or file) belongs to.

    With no config file anywhere above ``start``, the project is ``start`` itself (or its
    ``docs/`` folder) with the Markdown options of a typical Material site; ``assumed`` on the
    Markdown options says so.
    """
    start = (start or Path.cwd()).resolve()
    path = config_file.resolve() if config_file else find_config(start)
    if path is None:
        root = start if start.is_dir() else start.parent
        docs = docs_dir or (root / "docs" if (root / "docs").is_dir() else root)
        return Project(
            root=root,
            config_path=None,
            kind="none",
            docs_dir=docs.resolve(),
            markdown=MarkdownOptions.assume_material(root),
            exclude_docs=_spec(DEFAULT_EXCLUDE),
        )
    if not path.is_file():
        raise ConfigError("config file not found", path=str(path))
    root = path.parent
    if path.suffix == ".toml":
        data, located = _load_zensical(path, root)
        kind = "zensical"
    else:
        located = _load_yaml_with_inherit(path, root, seen=())
        data = located.data
        kind = "properdocs" if path.name.startswith("properdocs") else "mkdocs"
    project = _project_from(data, located, path, root, kind)
    if docs_dir is not None:
        project.docs_dir = docs_dir.resolve()
    _load_pyproject(project)
    return project


def _read(path: Path, root: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_CHARS:
            raise ConfigError(
                f"the file is {size:,} bytes, more than the {MAX_YAML_CHARS:,} read",
                path=relpath(path, root),
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=relpath(path, root)) from None
    try:
        return normalize_newlines(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            "config file is not valid UTF-8", path=relpath(path, root), line=line
        ) from None


def _load_yaml_with_inherit(path: Path, root: Path, seen: tuple[Path, ...]) -> Located:
    rel = relpath(path, root)
    if path in seen:
        raise ConfigError("INHERIT forms a cycle", path=rel, key="INHERIT")
    located = load_yaml(_read(path, root), rel)
    if located.data is None:
        located.data = {}
    if not isinstance(located.data, dict):
        raise ConfigError("the config must be a mapping of settings", path=rel, line=1)
    parent_name = located.data.pop("INHERIT", None)
    if parent_name is None:
        return located
    parent_path = (path.parent / str(parent_name)).resolve()
    if not parent_path.is_file():
        raise ConfigError(
            f"INHERIT points to a missing file '{parent_name}'",
            path=rel,
            line=located.line_of(("INHERIT",)),
            key="INHERIT",
        )
    parent = _load_yaml_with_inherit(parent_path, root, (*seen, path))
    merged = _merge(parent.data, located.data)
    positions = {**parent.positions, **located.positions}
    result = Located(rel, merged, positions)
    result.inherited_from = parent  # type: ignore[attr-defined]
    return result


def _merge(parent: Any, child: Any) -> Any:
    """MkDocs' INHERIT merge: mappings merge key by key, everything else is replaced."""
    if isinstance(parent, dict) and isinstance(child, dict):
        merged = dict(parent)
        for key, value in child.items():
            merged[key] = _merge(parent.get(key), value) if key in parent else value
        return merged
    return child


def _extension_depth(name: str) -> int:
    """How many dotted parts a full extension name has, judged from its first parts."""
    if name.startswith("pymdownx.blocks") or name.split(".", maxsplit=1)[0] in (
        "material",
        "zensical",
        "markdown",
    ):
        return 3
    return 2 if name.startswith("pymdownx") else 1


def _flatten_toml_extensions(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``[project.markdown_extensions.pymdownx.superfences]`` nests tables; undo that."""
    result: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and name.count(".") + 1 < _extension_depth(name):
            result.update(_flatten_toml_extensions(value, name))
        else:
            result[name] = value
    return result


def _load_zensical(path: Path, root: Path) -> tuple[dict[str, Any], Located]:
    rel = relpath(path, root)
    text = _read(path, root)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = getattr(exc, "lineno", None)
        if line is None and "(at line " in message:
            line = int(message.split("(at line ")[1].split(",", maxsplit=1)[0])
        raise ConfigError(f"invalid TOML: {message}", path=rel, line=line) from None
    project = doc.get("project", {})
    if not isinstance(project, dict):
        raise ConfigError("[project] must be a table", path=rel, key="project")
    data = dict(project)
    if isinstance(data.get("markdown_extensions"), Mapping):
        data["markdown_extensions"] = _flatten_toml_extensions(data["markdown_extensions"])
    positions: dict[Key, tuple[int, int]] = {}
    for number, line_text in enumerate(text.split("\n"), 1):
        key = line_text.split("=", 1)[0].strip().strip('"')
        if "=" in line_text and key and (key,) not in positions:
            positions[(key,)] = (number, 1)
    return data, Located(rel, data, positions)


def _spec(lines: Any) -> Patterns:
    if isinstance(lines, str):
        lines = lines.split("\n")
    return Patterns([str(line) for line in lines or []])


def _project_from(
    data: dict[str, Any], located: Located, path: Path, root: Path, kind: str
) -> Project:
    rel = located.path

    def expect(key: str, types: type | tuple[type, ...], what: str) -> Any:
        value = data.get(key)
        if value is not None and not isinstance(value, types):
            raise ConfigError(
                f"expected {what}, got {value!r}", path=rel, line=located.line_of((key,)), key=key
            )
        return value

    docs = expect("docs_dir", str, "a folder path") or "docs"
    docs_dir = (root / docs).resolve()
    exclude = expect("exclude_docs", (str, list), "gitignore-style patterns") or ""
    not_in_nav = expect("not_in_nav", (str, list), "gitignore-style patterns")
    draft = expect("draft_docs", (str, list), "gitignore-style patterns")
    extensions = expect("markdown_extensions", (list, dict), "a list of extensions")
    expect("plugins", (list, dict), "a list of plugins")
    expect("nav", list, "a list of pages and sections")
    use_dir_urls = expect("use_directory_urls", bool, "true or false")
    plugins = _plugin_entries(data.get("plugins"), located)
    if kind == "zensical" and extensions is None:
        # Zensical enables the common extensions when none are configured.
        markdown = MarkdownOptions.assume_material(root)
    else:
        markdown = build_markdown_options(extensions, root, docs_dir=docs_dir)
    return Project(
        root=root,
        config_path=path,
        kind=kind,
        docs_dir=docs_dir,
        markdown=markdown,
        nav=_nav_entries(data.get("nav"), located) if "nav" in data else None,
        use_directory_urls=True if use_dir_urls is None else use_dir_urls,
        exclude_docs=_spec([*DEFAULT_EXCLUDE, *_lines(exclude)]),
        not_in_nav=_spec(_lines(not_in_nav)) if not_in_nav else None,
        draft_docs=_spec(_lines(draft)) if draft else None,
        plugins=plugins,
        data=data,
        located=located,
        removed=_plugin_exclusions(plugins, located),
    )


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [line for line in value.split("\n") if line.strip()]
    return [str(v) for v in value]


def _plugin_entries(raw: Any, located: Located) -> list[PluginEntry]:
    entries: list[PluginEntry] = []
    if isinstance(raw, Mapping):
        raw = [{k: v} for k, v in raw.items()]
    for index, item in enumerate(raw or []):
        if isinstance(item, str):
            entries.append(PluginEntry(item, {}, ("plugins", index, item)))
        elif isinstance(item, Mapping):
            for name, options in item.items():
                if options is not None and not isinstance(options, Mapping):
                    raise ConfigError(
                        f"options of plugin '{name}' must be a mapping, got {options!r}",
                        path=located.path,
                        line=located.line_of(("plugins", index, str(name))),
                        key=f"plugins.{name}",
                    )
                entries.append(
                    PluginEntry(str(name), dict(options or {}), ("plugins", index, str(name)))
                )
    return entries


def _nav_entries(raw: Any, located: Located) -> list[NavEntry]:
    entries: list[NavEntry] = []

    def walk(items: Any, key: Key) -> None:
        if not isinstance(items, list):
            return
        for index, item in enumerate(items):
            here = (*key, index)
            if isinstance(item, str):
                line, column = located.positions.get(here, (None, None))
                entries.append(NavEntry(None, item, located.path, line, column))
            elif isinstance(item, Mapping):
                for title, value in item.items():
                    sub = (*here, str(title))
                    if isinstance(value, list):
                        walk(value, sub)
                    elif isinstance(value, str):
                        line, column = located.positions.get(sub, (None, None))
                        entries.append(NavEntry(str(title), value, located.path, line, column))

    walk(raw, ("nav",))
    return entries


def _load_pyproject(project: Project) -> None:
    for folder in (project.root, *project.root.parents):
        path = folder / "pyproject.toml"
        if path.is_file():
            break
    else:
        return
    rel = project.rel(path)
    try:
        doc = tomllib.loads(_read(path, project.root))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=rel) from None
    table = doc.get("tool", {}).get("docgates")
    if table is None:
        return
    if not isinstance(table, dict):
        raise ConfigError("[tool.docgates] must be a table", path=rel, key="tool.docgates")
    project.pyproject = table
    project.pyproject_path = path
