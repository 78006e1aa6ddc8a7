"""The code gate on API pages: the Python examples of the docstrings mkdocstrings renders.

A page's ``::: identifier`` lines (mkdocstrings' autodoc syntax, with their YAML options) name
the objects it renders. They are loaded as mkdocstrings-python loads them: by griffe, statically,
from the handler's ``paths`` (relative to the config file; the config's folder by default) and
``sys.path``. Each object's docstring is parsed in the directive's ``docstring_style``, and the
members the handler renders below it are followed with its own rules (``members``, ``filters``,
``inherited_members``, ``show_submodules``, ``merge_init_into_class``, ``show_docstring_*``).

What mkdocstrings renders as Python code is checked: fenced Python blocks in every part it
renders as Markdown (the text, admonitions, the descriptions of parameters, returns...) and the
``>>>`` examples of "Examples" sections (rendered as ``pycon``). Each is compiled as a page's
block is, and a finding points at the ``.py`` file's own line (see :mod:`..docmap`), naming the
page that renders it. Objects no page renders are not read.

griffe is imported only when a page has a ``:::`` line (the ``docstrings`` extra).
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import findings
from ..config import CodeSettings
from ..docmap import LinePlace, line_places
from ..document import CodeBlock, CodeLine, Document
from ..errors import ConfigError
from ..findings import Finding, Severity
from ..source import Source, Span
from ..yamlload import load_yaml
from . import code as code_check
from .proof import Proof, RenderedBlock, normalize

if TYPE_CHECKING:
    from ..engine import RunContext

# mkdocstrings' own pattern for an autodoc line (mkdocstrings/_internal/extension.py).
_DIRECTIVE = re.compile(r"^(?P<heading>#{1,6} *|)::: ?(?P<name>.+?) *$")
_DEFAULT_FILTERS = ["!^_[^_]"]  # mkdocstrings-python's default
#: Which ``show_docstring_*`` option shows a section of each kind (docstring.html.jinja).
_SHOWN_BY = {
    "text": "show_docstring_description",
    "admonition": "show_docstring_description",
    "attributes": "show_docstring_attributes",
    "functions": "show_docstring_functions",
    "classes": "show_docstring_classes",
    "type aliases": "show_docstring_type_aliases",
    "modules": "show_docstring_modules",
    "type parameters": "show_docstring_type_parameters",
    "parameters": "show_docstring_parameters",
    "other parameters": "show_docstring_other_parameters",
    "raises": "show_docstring_raises",
    "warns": "show_docstring_warns",
    "yields": "show_docstring_yields",
    "receives": "show_docstring_receives",
    "returns": "show_docstring_returns",
    "examples": "show_docstring_examples",
}


@dataclass(frozen=True)
class Directive:
    """One ``::: identifier`` line of a page."""

    identifier: str
    options: dict[str, Any]
    handler: str | None
    page: str
    span: Span


@dataclass
class Handler:
    """The python handler's configuration (``plugins.mkdocstrings.handlers.python``)."""

    base_dir: Path
    paths: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    default_handler: str = "python"
    load_external_modules: bool | None = None
    run_project_code: bool = False
    """Load the griffe ``extensions`` and let griffe inspect compiled modules (inside a build,
    which runs them anyway); the CLI runs no project code."""
    collection: Any = None
    """Inside a build: the modules mkdocstrings-python loaded for it (griffe's
    ``ModulesCollection``): the very objects it rendered, not loaded a second time."""

    @classmethod
    def from_plugin(cls, options: dict[str, Any], base_dir: Path, **kw: Any) -> Handler:
        handlers = options.get("handlers") if isinstance(options.get("handlers"), dict) else {}
        python = handlers.get("python") if isinstance(handlers, dict) else None
        python = python if isinstance(python, dict) else {}
        paths = python.get("paths")
        opts = python.get("options")
        return cls(
            base_dir=base_dir,
            paths=[str(p) for p in paths] if isinstance(paths, list) else [],
            options=dict(opts) if isinstance(opts, dict) else {},
            default_handler=str(options.get("default_handler") or "python"),
            load_external_modules=python.get("load_external_modules"),
            **kw,
        )

    def search_paths(self) -> list[str]:
        """As mkdocstrings-python builds them: the configured paths (globs expanded, relative
        to the config file's folder; that folder when none), first, then ``sys.path``."""
        import glob
        import os
        import sys

        paths: list[str] = []
        for pattern in self.paths:
            full = pattern if os.path.isabs(pattern) else str(self.base_dir / pattern)
            paths.extend(sorted(glob.glob(full)) or [])
        if not self.paths:
            paths.append(str(self.base_dir))
        search = [p for p in sys.path if p]
        for path in reversed(paths):
            path = os.path.abspath(path)
            if path in search:
                search.remove(path)
            search.insert(0, path)
        return search


def directives(doc: Document, *, markdown_exec: bool = False) -> list[Directive]:
    """The ``:::`` lines of a page (its final Markdown inside a build), outside code blocks,
    with their YAML options (the indented lines below, as mkdocstrings reads them).

    With ``markdown_exec`` (the plugin is on), a ``md exec="on"`` fence is Markdown the
    build renders in place: its ``:::`` lines are read too.
    """
    lines = doc.source.lines
    code: set[int] = set()
    for block in doc.blocks:
        if block.source is not doc.source:
            continue
        if markdown_exec and _renders_markdown(block):
            continue
        count = len(block.text.split("\n")) if block.text else 0
        code.update(range(block.first - 1, block.first + count + 1))
    found = []
    for index, line in enumerate(lines):
        if index in code or ":::" not in line:
            continue
        indent = len(line) - len(line.lstrip(" "))
        match = _DIRECTIVE.match(line[indent:])
        if match is None:
            continue
        yaml_lines = _options_block(lines, index, indent)
        span = doc.source.span(index, indent)
        options: dict[str, Any] = {}
        handler = None
        if yaml_lines:
            try:
                data = load_yaml("\n".join(yaml_lines) + "\n", span.path).data
            except ConfigError:
                data = None  # mkdocstrings fails the build on it
            if isinstance(data, dict):
                handler = data.get("handler")
                options = (
                    dict(data.get("options") or {}) if isinstance(data.get("options"), dict) else {}
                )
        found.append(Directive(match["name"], options, handler, doc.rel, span))
    return found


def _renders_markdown(block: CodeBlock) -> bool:
    """A markdown-exec fence whose text is rendered as Markdown (``md exec="on"``)."""
    exec_on = block.option("exec") not in (None, "0", "false", "off", "no")
    return exec_on and (block.lang or "").lower() in ("md", "markdown")


def _options_block(lines: list[str], index: int, indent: int) -> list[str]:
    """The lines below a ``:::`` line indented four more (Python-Markdown's ``detab``)."""
    pad = " " * (indent + 4)
    out: list[str] = []
    at = index + 1
    # YAML options separated from the ':::' line by a blank line (mkdocstrings allows it)
    if (
        at + 1 < len(lines)
        and not lines[at].strip()
        and lines[at + 1].startswith((pad + "handler:", pad + "options:"))
    ):
        at += 1
    while at < len(lines) and lines[at].strip() and lines[at].startswith(pad):
        out.append(lines[at][len(pad) :])
        at += 1
    return out


# -- what the handler renders ----------------------------------------------------------------


@dataclass
class Example:
    """A block of Python code mkdocstrings renders from a docstring."""

    block: CodeBlock
    owner: str
    """The object whose docstring holds it (``pkg.mod.func``)."""


class Renderer:
    """Loads modules with griffe once per run and lists the examples a directive renders."""

    def __init__(self, handler: Handler, ctx: RunContext) -> None:
        import griffe

        self.griffe = griffe
        self.handler = handler
        self.ctx = ctx
        self.global_options = handler.options
        self.loader: Any = None
        self.failed: dict[str, str] = {}
        self.sources: dict[Path, str | None] = {}
        self.docstrings = 0

    def _options(self, local: dict[str, Any]) -> dict[str, Any]:
        return {**self.global_options, **local}

    def _loader(self, options: dict[str, Any]) -> Any:
        if self.loader is None:
            griffe = self.griffe
            extensions = None
            if self.handler.run_project_code:
                try:
                    extensions = griffe.load_extensions(*self._extension_paths(options))
                except Exception as exc:  # mkdocstrings reports it and fails the build
                    self.failed["extensions"] = str(exc) or type(exc).__name__
            self.loader = griffe.GriffeLoader(
                extensions=extensions,
                search_paths=self.handler.search_paths(),
                allow_inspection=bool(options.get("allow_inspection", True))
                and self.handler.run_project_code,
                force_inspection=bool(options.get("force_inspection", False))
                and self.handler.run_project_code,
            )
        return self.loader

    def _extension_paths(self, options: dict[str, Any]) -> list[Any]:
        out: list[Any] = []
        for ext in options.get("extensions") or []:
            name, opts = next(iter(ext.items())) if isinstance(ext, dict) else (ext, None)
            name = str(name)
            if name.endswith(".py") or ".py:" in name or "/" in name or "\\" in name:
                name = str((self.handler.base_dir / name).resolve())
            out.append({name: opts} if opts is not None else name)
        return out

    def collect(self, identifier: str, options: dict[str, Any]) -> Any:
        """The griffe object of ``identifier`` (``None``, with the reason kept, if griffe
        cannot load it: mkdocstrings then fails the build on its own)."""
        module = identifier.split(".", 1)[0]
        built = self.handler.collection
        if built is not None:
            with _quiet(self.griffe):
                try:
                    if module in built:
                        return built[identifier]
                except (KeyError, self.griffe.AliasResolutionError):
                    pass  # not rendered by mkdocstrings: load it here, as it would
        loader = self._loader(options)
        with _quiet(self.griffe):
            if module not in loader.modules_collection and module not in self.failed:
                try:
                    for pre in options.get("preload_modules") or []:
                        if pre not in loader.modules_collection:
                            loader.load(pre, try_relative_path=False)
                    loader.load(
                        module,
                        try_relative_path=False,
                        find_stubs_package=bool(options.get("find_stubs_package", False)),
                    )
                    loader.resolve_aliases(
                        implicit=False, external=self.handler.load_external_modules
                    )
                except (ImportError, OSError, SyntaxError, ValueError) as exc:
                    self.failed[module] = str(exc) or type(exc).__name__
            if module in self.failed:
                return None
            try:
                return loader.modules_collection[identifier]
            except (KeyError, self.griffe.AliasResolutionError):
                self.failed[identifier] = f"'{identifier}' could not be found"
                return None

    def examples(self, directive: Directive) -> Iterator[Example]:
        options = self._options(directive.options)
        obj = self.collect(directive.identifier, options)
        if obj is None:
            return
        seen: set[str] = set()
        for owner in self._rendered(obj, options, True, seen):
            yield from self._docstring_examples(owner, options, directive)

    def _rendered(self, obj: Any, options: dict[str, Any], root: bool, seen: set[str]) -> Any:
        """The objects whose docstrings the handler renders for ``obj`` (its templates' rules:
        children.html.jinja and ``do_filter_objects``)."""
        griffe = self.griffe
        try:
            target = obj.final_target if obj.is_alias else obj
            path = target.path
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return
        if path in seen:
            return
        seen.add(path)
        merge_init = bool(options.get("merge_init_into_class", False))
        yield target
        if target.is_class and merge_init:
            init = _member(target, "__init__", griffe)
            if init is not None:
                yield init
        if not (target.is_module or target.is_class):
            return
        members_list = options.get("members") if root else None
        for child in self._children(target, options, members_list):
            if target.is_class and child.name == "__init__" and merge_init:
                continue
            filters = options.get("filters", _DEFAULT_FILTERS)
            try:
                if child.is_module:
                    if not options.get("show_submodules", False):
                        continue
                    shown = not child.is_alias or child.is_public
                else:
                    shown = not child.is_imported or child.is_public
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
            if filters == "public" or members_list is not None or shown:
                yield from self._rendered(child, options, False, seen)

    def _children(self, obj: Any, options: dict[str, Any], members_list: Any) -> list[Any]:
        """``do_filter_objects`` of mkdocstrings-python, on ``obj.all_members``."""
        griffe = self.griffe
        try:
            members = dict(obj.all_members)
        except (griffe.AliasResolutionError, griffe.CyclicAliasError, ValueError):
            members = dict(obj.members)
        inherited = options.get("inherited_members", False)
        specified = not isinstance(inherited, bool)
        if inherited is True:
            objects = list(members.values())
        elif inherited is False:
            objects = [m for m in members.values() if not m.inherited]
        else:
            names = set(inherited or ())
            objects = [m for m in members.values() if not m.inherited or m.name in names]
        if members_list is True:
            return objects
        if members_list is False or members_list == []:
            return [m for m in objects if m.inherited]
        if members_list is not None:
            wanted = set(members_list) if isinstance(members_list, list) else set()
            return [m for m in objects if m.name in wanted or (specified and m.inherited)]
        filters = options.get("filters", _DEFAULT_FILTERS)
        if filters == "public":
            objects = [m for m in objects if _safe(lambda m=m: m.is_public)]
        elif filters:
            rules = [
                (re.compile(str(f).removeprefix("!")), str(f).startswith("!")) for f in filters
            ]
            objects = [m for m in objects if _keep(m.name, rules) or (specified and m.inherited)]
        return objects

    def _docstring_examples(
        self, obj: Any, options: dict[str, Any], directive: Directive
    ) -> Iterator[Example]:
        docstring = obj.docstring
        if docstring is None or not docstring.value:
            return
        self.docstrings += 1
        if not _may_hold_code(docstring.value):
            return  # most docstrings: nothing rendered as code, nothing to parse or map
        style = options.get("docstring_style", "google")
        sections = self._parse(docstring, style, options)
        filepath = Path(obj.filepath) if not isinstance(obj.filepath, list) else None
        if filepath is None:
            return
        rel = self.ctx.project.rel(filepath)
        places = self._places(filepath, docstring)
        cleaned = docstring.value.split("\n")
        cursor = 0
        parts = list(_fragments(sections, options)) if sections else []
        if not sections:  # not parsed (docstring_style: null): it is all Markdown text
            parts = [("text", docstring.value, False)]
        for _kind, text, session in parts:
            start, shifts = _locate(cleaned, text.split("\n"), cursor)
            if start is None:
                start, shifts = _locate(cleaned, text.split("\n"), 0)
            if start is not None:
                cursor = start + 1
            lines = self._lines(text, start, shifts, places, rel, docstring.lineno or 1)
            if session:
                block = _block("pycon", text, lines, rel, directive.page)
                yield Example(block, obj.path)
                continue
            if not _may_hold_code(text, sessions=False):
                continue
            for found in self._fences(text, rel):
                mapped = [
                    _map(line, start, shifts, places, rel, docstring.lineno or 1)
                    for line in found.lines
                ]
                opening = _map(
                    CodeLine("", rel, found.span.line, found.span.column - 1),
                    start,
                    shifts,
                    places,
                    rel,
                    docstring.lineno or 1,
                )
                block = _block(found.lang, found.text, mapped, rel, directive.page, found.header)
                block.span = Span(rel, opening.line, opening.column + 1)
                block.end_line = mapped[-1].line + 1 if mapped else opening.line + 1
                yield Example(block, obj.path)

    def _parse(self, docstring: Any, style: Any, options: dict[str, Any]) -> list[Any]:
        griffe = self.griffe
        if not style:
            return []  # no parsing: the whole docstring is Markdown text
        try:
            parser = griffe.Parser(style)
        except ValueError:
            return []
        raw = options.get("docstring_options") or {}
        accepted = inspect.signature(griffe.parsers[parser]).parameters
        parser_options = {k: v for k, v in raw.items() if k in accepted}
        if "warnings" in accepted:
            parser_options["warnings"] = False  # mkdocstrings reports them itself
        with _quiet(griffe):
            try:
                return list(griffe.parse(docstring, parser, **parser_options))
            except Exception:  # a parser bug on one docstring: read it as text
                return []

    def _places(self, filepath: Path, docstring: Any) -> list[LinePlace] | None:
        if filepath not in self.sources:
            try:
                self.sources[filepath] = filepath.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self.sources[filepath] = None
        source = self.sources[filepath]
        if source is None or not docstring.lineno:
            return None
        return line_places(source.replace("\r\n", "\n"), docstring.lineno, docstring.value)

    def _fences(self, text: str, rel: str) -> list[CodeBlock]:
        doc = self.ctx.engine.builder(False).build(self.ctx.project.root / rel, rel, text)
        return list(doc.blocks)

    def _lines(
        self,
        text: str,
        start: int | None,
        shifts: list[int],
        places: list[LinePlace] | None,
        rel: str,
        lineno: int,
    ) -> list[CodeLine]:
        return [
            _map(CodeLine(t, rel, i + 1, 0), start, shifts, places, rel, lineno)
            for i, t in enumerate(text.split("\n"))
        ]


_CODE_MARKS = ("```", "~~~", "--8<--", "{*")


def _may_hold_code(text: str, *, sessions: bool = True) -> bool:
    """Whether ``text`` can hold code mkdocstrings renders as Python: a fence (or an include
    that pulls one in) or, in an Examples section, a ``>>>`` line."""
    return any(mark in text for mark in _CODE_MARKS) or (sessions and ">>>" in text)


def _member(obj: Any, name: str, griffe: Any) -> Any:
    try:
        member = obj.all_members.get(name)
        return member.final_target if member is not None and member.is_alias else member
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def _safe(test: Any) -> bool:
    try:
        return bool(test())
    except Exception:
        return False


def _keep(name: str, rules: list[tuple[re.Pattern[str], bool]]) -> bool:
    """mkdocstrings-python's ``_keep_object``."""
    keep = None
    kinds = set()
    for regex, exclude in rules:
        kinds.add(exclude)
        if regex.search(name):
            keep = not exclude
    if keep is None:
        return kinds != {False}
    return keep


def _fragments(sections: list[Any], options: dict[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """``(kind, text, is_session)`` for each part of the docstring the handler renders as
    Markdown, or as a ``pycon`` block (the ``>>>`` examples)."""
    if not sections:
        return
    for section in sections:
        kind = section.kind.value
        shown = _SHOWN_BY.get(kind)
        if shown is not None and not options.get(shown, True):
            continue
        value = section.value
        if kind == "text":
            yield kind, str(value), False
        elif kind == "examples":
            for sub_kind, text in value:
                yield kind, str(text), sub_kind.value == "examples"
        elif kind in ("admonition", "deprecated"):
            description = getattr(value, "description", None)
            if description:
                yield kind, str(description), False
        elif isinstance(value, list):
            for item in value:
                description = getattr(item, "description", None)
                if description:
                    yield kind, str(description), False
        else:
            description = getattr(value, "description", None)
            if description:
                yield kind, str(description), False


def _locate(cleaned: list[str], lines: list[str], cursor: int) -> tuple[int | None, list[int]]:
    """Where ``lines`` (a part of the docstring, dedented by the parser, doctest flags maybe
    trimmed) sit in ``cleaned`` (the docstring's lines): the first line's index and, per line,
    the column in the docstring line where the part's line starts."""
    if not lines:
        return None, []
    first = lines[0].strip()
    for start in range(cursor, len(cleaned) - len(lines) + 1):
        head = cleaned[start]
        if first and first not in head:
            continue
        if not first and head.strip():
            continue
        shifts = [head.rfind(first) - (len(lines[0]) - len(lines[0].lstrip())) if first else 0]
        for offset, line in enumerate(lines[1:], 1):
            there = cleaned[start + offset]
            body = line.strip()
            if (body and not there.strip().startswith(body)) or (not body and there.strip()):
                break
            lead = len(line) - len(line.lstrip())
            shifts.append(max((len(there) - len(there.lstrip())) - lead, 0) if body else 0)
        else:
            return start, shifts
    return None, []


def _map(
    line: CodeLine,
    start: int | None,
    shifts: list[int],
    places: list[LinePlace] | None,
    rel: str,
    lineno: int,
) -> CodeLine:
    """A line of a fragment (``line.line`` 1-based in the fragment) at its place in the file."""
    if start is None or places is None:
        return CodeLine(line.text, rel, lineno, 0)
    index = line.line - 1
    at = start + index
    if at >= len(places):
        return CodeLine(line.text, rel, lineno, 0)
    place = places[at]
    shift = shifts[index] if index < len(shifts) else 0
    return CodeLine(line.text, rel, place.line, place.column + shift + line.column)


def _block(
    lang: str | None,
    text: str,
    lines: list[CodeLine],
    rel: str,
    page: str,
    header: Any = None,
) -> CodeBlock:
    first = lines[0] if lines else CodeLine("", rel, 1, 0)
    block = CodeBlock(
        kind="docstring",
        lang=lang,
        header=header,
        span=Span(rel, first.line, first.column + 1),
        text=text,
        page=page,
    )
    block.__dict__["lines"] = lines  # the cached property, already known
    return block


class _quiet:
    """griffe's logger silenced (inside a build, mkdocstrings-python routes it to MkDocs' log,
    where its warnings would count against ``--strict`` a second time)."""

    def __init__(self, griffe: Any) -> None:
        inner = getattr(griffe.logger, "_logger", None)
        self.target = getattr(inner, "logger", inner)
        self.level = 0

    def __enter__(self) -> None:
        if self.target is not None and hasattr(self.target, "setLevel"):
            self.level = self.target.level
            self.target.setLevel(100)

    def __exit__(self, *exc: object) -> None:
        if self.target is not None and hasattr(self.target, "setLevel"):
            self.target.setLevel(self.level)


# -- the gate step -----------------------------------------------------------------------------


def check(ctx: RunContext, docs: list[Document], handler: Handler) -> None:
    """Compile the examples of every docstring the ``docs`` render; report them."""
    settings: CodeSettings = ctx.settings.code
    report = ctx.report
    markdown_exec = "markdown-exec" in ctx.project.plugin_names
    found = [(doc, d) for doc in docs for d in directives(doc, markdown_exec=markdown_exec)]
    found = [(doc, d) for doc, d in found if (d.handler or handler.default_handler) == "python"]
    found.sort(key=lambda pair: (pair[1].page, pair[1].span.line))
    if not found:
        return
    try:
        renderer = Renderer(handler, ctx)
    except ImportError:
        report.notices.append(
            f"{len(found)} '::: identifier' line{'s' * (len(found) != 1)} render docstrings "
            "whose Python examples were not checked: griffe is not installed (pip install "
            "'docgates[docstrings]')"
        )
        return
    counts = {"directives": len(found), "examples": 0, "checked": 0, "skipped": 0}
    seen: dict[str, list[str]] = {}
    runnable: dict[tuple[str, str], list[CodeBlock]] = {}
    reported: dict[tuple[str, str, int | None, int | None], tuple[Finding, Example, list[str]]]
    reported = {}
    for _doc, directive in found:
        for example in renderer.examples(directive):
            counts["examples"] += 1
            seen.setdefault(directive.page, []).append(example.block.text)
            verdict = code_check.classify(example.block, settings)
            if verdict is None:
                continue
            if verdict.action == "skip":
                counts["skipped"] += 1
                continue
            counts["checked"] += 1
            runnable.setdefault((directive.page, example.owner), []).append(example.block)
            problems = (
                code_check.check_session(example.block)
                if verdict.action == "session"
                else [p for p in [code_check.compile_block(example.block)] if p]
            )
            for problem in problems:
                key = (problem.rule, problem.path, problem.line, problem.column)
                if key in reported:
                    reported[key][2].append(directive.page)
                else:
                    reported[key] = (problem, example, [directive.page])
    report.findings.extend(_name(*entry) for entry in reported.values())
    ctx.extras["docstring_documents"] = _documents(ctx, runnable)
    ctx.extras["docstring_paths"] = _pythonpath(ctx, handler)
    counts["docstrings"] = renderer.docstrings
    report.stats.extra["docstrings"] = counts
    proof = ctx.extras.get("proof")
    if proof is not None:
        report.findings.extend(prove(docs, found, seen, proof))
    for name, reason in sorted(renderer.failed.items()):
        report.notices.append(
            f"mkdocstrings: the docstrings of '{name}' were not checked: griffe cannot load it "
            f"({reason}); check the handler's 'paths'"
        )


def _documents(ctx: RunContext, runnable: dict[tuple[str, str], list[CodeBlock]]) -> list[Document]:
    """What the execution step runs (see ``checks/execute.py``): one document per docstring
    and page, so each docstring's examples share a namespace of their own, in order, as
    doctest runs them; an example rendered on several pages runs once."""
    out = []
    done: set[str] = set()
    owners: dict[int, tuple[str, str]] = {}
    for (page, owner), blocks in runnable.items():
        if owner in done:
            continue
        done.add(owner)
        doc = Document(
            path=ctx.project.root / page, rel=page, source=Source(page, ""), blocks=list(blocks)
        )
        owners[id(doc)] = (owner, page)
        out.append(doc)
    ctx.extras["docstring_owners"] = owners
    return out


def run_finding(finding: Finding, owner: str, page: str) -> Finding:
    """A finding of a docstring example's run, saying whose docstring and which page (and no
    ``--update`` hint: docgates does not rewrite ``.py`` files)."""
    hint = finding.hint if finding.hint is None or "--update" not in finding.hint else None
    first, newline, rest = finding.message.partition("\n")
    first = first.replace("differs from the page", "differs from the docstring")
    rest = rest.replace("--- page\n", "--- docstring\n", 1).replace(
        "(most recent call last), on the page:", "(most recent call last), in the docstring:", 1
    )
    message = f"{first} (in the docstring of '{owner}', rendered on '{page}'){newline}{rest}"
    return replace(finding, message=message, hint=hint)


def _pythonpath(ctx: RunContext, handler: Handler) -> list[str]:
    """The handler's configured ``paths``, as the code gate's ``pythonpath`` (relative to the
    project root): where the examples import the package from (``src`` layouts)."""
    import glob
    import os

    out = []
    for pattern in handler.paths or ["."]:
        full = pattern if os.path.isabs(pattern) else str(handler.base_dir / pattern)
        for path in sorted(glob.glob(full)):
            out.append(os.path.relpath(path, ctx.project.root))
    return out


def prove(
    docs: list[Document],
    found: list[tuple[Document, Directive]],
    seen: dict[str, list[str]],
    proof: Proof,
) -> list[Finding]:
    """Inside a build: every Python block mkdocstrings rendered from a docstring on a page
    must be one this check read, else ``code/unchecked-block`` on that page (at its first
    ``:::`` line): no docstring example is missed in silence."""
    out = []
    first: dict[str, Span] = {}
    for doc, directive in found:
        first.setdefault(doc.rel, directive.span)
    for doc in docs:
        html = proof.html.get(doc.rel)
        if html is None or "doc-contents" not in html:
            continue
        left = Counter(normalize(text) for text in seen.get(doc.rel, []))
        for shown in proof.rendered(doc.rel):
            if not shown.docstring or shown.chrome or not shown.text:
                continue
            if (shown.lang or "").lower() not in proof.python:
                continue
            if left[shown.text] > 0:
                left[shown.text] -= 1
                continue
            out.append(_unread(doc, shown, first.get(doc.rel)))
    return out


def _unread(doc: Document, shown: RenderedBlock, span: Span | None) -> Finding:
    line = next((t.strip() for t in shown.text.split("\n") if t.strip()), "")
    quoted = line if len(line) <= 60 else line[:57] + "..."
    message = (
        f"mkdocstrings rendered a '{shown.lang}' block from a docstring that docgates did not "
        f"check: '{quoted}'"
    )
    runs_code = any(
        b.option("exec") not in (None, "0", "false", "off", "no") and not _renders_markdown(b)
        for b in doc.blocks
    )
    if span is None and runs_code:
        return findings.make(
            "code/unchecked-block",
            doc.rel,
            None,
            None,
            f"{message}; no '::: identifier' line of the page names its object, so a "
            "markdown-exec block wrote it",
            severity=Severity.INFO,
        )
    return findings.make(
        "code/unchecked-block",
        doc.rel,
        span.line if span is not None else None,
        span.column if span is not None else None,
        message,
        hint="docgates' reading of the page's '::: identifier' lines or of the handler's "
        "options differs from mkdocstrings': please report it, or set 'docstrings: false'.",
    )


def _name(finding: Finding, example: Example, pages: list[str]) -> Finding:
    """The finding with the object and the pages named: ``... (in the docstring of 'pkg.f',
    rendered on 'docs/api.md' and 1 more page)`` (one finding however many pages show it)."""
    others = len(dict.fromkeys(pages)) - 1
    more = f" and {others} more page{'s' * (others > 1)}" if others else ""
    message = finding.message.replace(
        f" (rendered on '{example.block.page}')",
        f" (in the docstring of '{example.owner}', rendered on '{example.block.page}'{more})",
    )
    return replace(finding, message=message)
