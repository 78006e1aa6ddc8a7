"""Expand what MkDocs pulls into a page before parsing it, keeping every line's origin.

Three include syntaxes run as Python-Markdown preprocessors, before any Markdown is parsed:

* ``--8<-- "file"`` (pymdownx.snippets): single-line and block forms, ``file:3:10`` line
  ranges, ``file:name`` sections marked ``--8<-- [start:name]`` / ``[end:name]``, ``base_path``,
  ``restrict_base_path``, escaping with ``;``, nesting, ``auto_append``;
* ``{* path/file.py hl[3] *}`` (markdown-include-variants, FastAPI-style): a code block of the
  file and its ``_an``/``_pyXY`` variants;
* ``{! path !}`` (mdx_include): the file's Markdown, inline.

The expansion is done here the same way, so the parser sees what MkDocs sees, and each expanded
line keeps its :class:`~.source.Origin`: a finding in included code points at the included file
and line. A missing target, an unreadable file or a cycle is a finding at the include line,
never an exception.
"""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from . import findings
from .findings import Finding
from .lazyre import lazy
from .mdconfig import MarkdownOptions
from .source import Origin, Source, Span, is_dir, is_file, read_text, relpath

_SNIPPET = lazy(
    r"""^(?P<space>[ \t]*)(?P<escape>;*)(?:
        (?P<inline>-+8<-+[ \t]+)(?P<target>"(?:\\"|[^"\n])+?"|'(?:\\'|[^'\n])+?')
        |(?P<block>-+8<-+))[ \t]*$""",
    re.VERBOSE,
)
_SECTION = lazy(
    r"^(?P<pre>.*?)(?P<escape>;*)(?P<marker>-+8<-+[ \t]+)"
    r"(?P<section>\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*(?P<name>[a-z][-_0-9a-z]*)[ \t]*\])"
    r"(?P<post>.*)$",
    re.IGNORECASE,
)
_TARGET = lazy(
    r"^(?P<path>.*?)(?:(?P<ranges>(?::-?[0-9]*){1,2}(?:,-?[0-9]*(?::-?[0-9]*)?)*)"
    r"|:(?P<section>[a-z][-_0-9a-z]*))?$",
    re.IGNORECASE,
)
_VARIANTS = lazy(r"^(?P<space>[ \t]*)\{\*[ \t]*(?P<path>\S+)(?P<options>.*?)[ \t]*\*\}[ \t]*$")
# mdx_include's syntax: {! path !}, with recursion flags (+/-), '>' to indent, a line slice
# '[ln:1-7,9]' and an encoding after '|'. A backslash escapes it.
_MDX = lazy(
    r"^(?P<space>[ \t]*)(?P<escape>\\)?\{!(?P<recursive>[+-])?>?[ \t]*(?P<path>[^]|[]+?)"
    r"(?:[ \t]*\[ln:(?P<lines>[\d.,e-]+)\])?[ \t]*(?:\|[^!]*)?!\}[ \t]*$"
)
_VARIANT_SUFFIX = lazy(r"(?:_an)?(?:_py3\d+)?$")
_LANG_BY_SUFFIX = {
    ".py": "python",
    ".pyi": "python",
    ".md": "markdown",
    ".toml": "toml",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".json": "json",
    ".js": "javascript",
    ".ts": "typescript",
    ".sh": "bash",
    ".txt": "text",
}
MAX_DEPTH = 32


@dataclass(frozen=True)
class Include:
    """One include in a page, and what it resolved to."""

    kind: str
    """``snippet``, ``variants`` or ``mdx``."""
    target: str
    span: Span
    resolved: tuple[Path, ...] = ()
    first_line: int = -1
    """0-based line in the expanded text where the included content starts (-1: none)."""
    last_line: int = -1


@dataclass
class Expansion:
    """The expanded source of a page, its includes and the problems they had."""

    source: Source
    includes: list[Include] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: set[Path] = field(default_factory=set)
    """Every file that went into the page (for caches and incremental rebuilds)."""
    texts: dict[str, str] = field(default_factory=dict)
    """The text of each included file as it was read, by project-relative path."""


class Expander:
    """Expands the includes of pages of one project."""

    def __init__(self, options: MarkdownOptions, root: Path, *, max_size: int) -> None:
        self.options = options
        self.root = root
        self.max_size = max_size
        self.allowed = _allowed_bases(root, options.mdx_include_base)
        """Folders ``{* *}`` and ``{! !}`` may read from: the project, the repository it is
        in, and mdx_include's ``base_path`` (nothing else on the machine)."""
        self._cache: dict[Path, tuple[list[str] | None, Finding | None, str | None]] = {}

    # -- public ---------------------------------------------------------------------------
    def expand(
        self, page: Path, rel: str, text: str, origins: list[Origin] | None = None
    ) -> Expansion:
        """Expand ``text`` (the page's Markdown, front matter blanked) of file ``page``.

        ``origins`` gives the raw place of each line of ``text`` when it is not the page file's
        own line (the Markdown as a build's plugins left it, see :mod:`.site.markdown`).
        """
        opts = self.options
        quick = "8<" in text or "{*" in text or "{!" in text
        auto = opts.snippets.auto_append if opts.snippets else ()
        if not quick and not auto:
            return Expansion(Source(rel, text, origins))
        lines = text.split("\n")
        if origins is None:
            origins = [Origin(rel, i + 1) for i in range(len(lines))]
        result = Expansion(Source(rel, text, origins))
        out_lines: list[str] = []
        out_origins: list[Origin] = []
        self._run(lines, origins, (page.resolve(),), False, result, out_lines, out_origins, rel)
        for name in auto:
            path = self._snippet_path(name)
            if path is None:
                continue
            loaded = self._load(path, None, result, rel)
            if loaded is None:
                continue
            rel_inc = relpath(path, self.root)
            out_lines.append("")
            out_origins.append(out_origins[-1] if out_origins else Origin(rel, 1))
            self._run(
                loaded,
                [Origin(rel_inc, i + 1) for i in range(len(loaded))],
                (page.resolve(), path),
                False,
                result,
                out_lines,
                out_origins,
                rel,
            )
        result.source = Source(rel, "\n".join(out_lines), out_origins)
        return result

    # -- the line loop ----------------------------------------------------------------------
    def _run(
        self,
        lines: list[str],
        origins: list[Origin],
        stack: tuple[Path, ...],
        is_section: bool,
        result: Expansion,
        out: list[str],
        out_origins: list[Origin],
        page_rel: str,
    ) -> None:
        snippets = self.options.snippets is not None
        block = False
        for line, origin in zip(lines, origins, strict=True):
            match = _SNIPPET.match(line) if snippets and "8<" in line else None
            inline = False
            if match:
                if match.group("escape"):
                    out.append(line.replace(";", "", 1))
                    out_origins.append(Origin(origin.path, origin.line, origin.shift - 1))
                    continue
                if match.group("inline"):
                    if block:
                        continue
                    inline = True
                else:
                    block = not block
                    continue
            elif not block:
                if snippets and not is_section and "8<" in line:
                    section = _SECTION.match(line)
                    if section and section.group("escape"):
                        line = line.replace(";", "", 1)
                    elif section:
                        continue
                if "{*" in line and self.options.include_variants:
                    variants = _VARIANTS.match(line)
                    if variants:
                        self._variants(variants, origin, stack, result, out, out_origins, page_rel)
                        continue
                if "{!" in line and self.options.mdx_include:
                    mdx = _MDX.match(line)
                    if mdx:
                        self._mdx(mdx, origin, stack, result, out, out_origins, page_rel)
                        continue
                out.append(line)
                out_origins.append(origin)
                continue
            # A snippet path: the inline form's quoted target, or a line of a block.
            if inline and match:
                space = match.group("space")
                target = match.group("target")[1:-1].strip()
                column = (
                    len(space) + len(match.group("escape") or "") + len(match.group("inline") or "")
                )
            else:
                stripped = line.strip()
                if not stripped:
                    out.append("")
                    out_origins.append(origin)
                    continue
                space = line[: len(line) - len(line.lstrip())]
                target = stripped
                column = len(space)
            if target.startswith(";"):
                continue
            span = Span(origin.path, origin.line, max(column - origin.shift, 0) + 1)
            self._snippet(target, space, span, stack, result, out, out_origins, page_rel)

    # -- pymdownx.snippets -----------------------------------------------------------------
    def _snippet_path(self, name: str) -> Path | None:
        opts = self.options.snippets
        if opts is None:
            return None
        for base in opts.base_path:
            if base.is_dir():
                # As pymdownx: the path is judged as written (abspath), not where symlinks in it
                # lead, so a symlinked folder inside base_path is inside it.
                candidate = Path(os.path.abspath(base / name))
                if opts.restrict_base_path and not candidate.is_relative_to(base):
                    continue
                if is_file(candidate):
                    return candidate
            elif is_file(base) and (base.parent / name).resolve() == base.resolve():
                return base
        return None

    def _snippet(
        self,
        spec: str,
        space: str,
        span: Span,
        stack: tuple[Path, ...],
        result: Expansion,
        out: list[str],
        out_origins: list[Origin],
        page_rel: str,
    ) -> None:
        match = _TARGET.match(spec)
        name = (match.group("path") if match else spec).strip()
        if not name or name.lower().startswith(("http://", "https://")):
            return  # URL snippets are downloaded by MkDocs only when asked; not checked here
        path = self._snippet_path(name)
        if path is None:
            bases = (
                ", ".join(f"'{relpath(b, self.root)}'" for b in self.options.snippets.base_path)
                if self.options.snippets
                else ""
            )
            _report(
                result,
                "code/include-missing",
                span,
                f"snippet '{name}' not found (searched base_path {bases})"
                + _included_by(span, page_rel),
                hint=_did_you_mean(name, self.root, self.allowed),
            )
            result.includes.append(Include("snippet", spec, span))
            return
        if path.resolve() in stack:
            _report(
                result,
                "code/include-cycle",
                span,
                f"snippet '{name}' includes itself (through {_chain(stack, path, self.root)}); "
                "MkDocs skips it" + _included_by(span, page_rel),
            )
            return
        if self._too_deep(stack, span, name, result, page_rel):
            return
        loaded = self._load(path, span, result, page_rel)
        if loaded is None:
            result.includes.append(Include("snippet", spec, span, (path,)))
            return
        numbers = list(range(1, len(loaded) + 1))
        selected = list(zip(loaded, numbers, strict=True))
        if match and match.group("ranges"):
            selected = _select_ranges(selected, match.group("ranges"))
        elif match and match.group("section"):
            section = match.group("section")
            selected = _select_section(selected, section)
            if not selected:
                _report(
                    result,
                    "code/include-missing",
                    span,
                    f"section '{section}' not found in snippet '{name}'"
                    + _included_by(span, page_rel),
                    hint=f"Mark it with '--8<-- [start:{section}]' and '--8<-- [end:{section}]'.",
                )
        dedent = 0
        if (
            self.options.snippets
            and self.options.snippets.dedent_subsections
            and (match and (match.group("ranges") or match.group("section")))
        ):
            texts = [t for t, _ in selected]
            dedented = textwrap.dedent("\n".join(texts)).split("\n")
            if texts and dedented:
                dedent = len(texts[0]) - len(dedented[0]) if texts[0].strip() else 0
                selected = list(zip(dedented, [n for _, n in selected], strict=True))
        rel = relpath(path, self.root)
        indent = space.expandtabs(self.options.tab_length)
        first = len(out)
        sub_out: list[str] = []
        sub_origins: list[Origin] = []
        self._run(
            [t for t, _ in selected],
            [Origin(rel, n, -dedent) for _, n in selected],
            (*stack, path.resolve()),
            bool(match and match.group("section")),
            result,
            sub_out,
            sub_origins,
            page_rel,
        )
        for text, origin in zip(sub_out, sub_origins, strict=True):
            out.append(indent + text)
            out_origins.append(Origin(origin.path, origin.line, origin.shift + len(indent)))
        result.includes.append(Include("snippet", spec, span, (path,), first, len(out) - 1))

    def _load(
        self, path: Path, span: Span | None, result: Expansion, page_rel: str
    ) -> list[str] | None:
        if path not in self._cache:
            text, problem = read_text(path, relpath(path, self.root), max_size=self.max_size)
            self._cache[path] = (
                text.split("\n") if text else ([] if text == "" else None),
                problem,
                text,
            )
        lines, problem, text = self._cache[path]
        result.files.add(path)
        if text is not None:
            result.texts[relpath(path, self.root)] = text
        if problem is not None:
            if span is not None:
                _report(
                    result,
                    problem.rule,
                    span,
                    f"included file '{relpath(path, self.root)}' cannot be read: "
                    f"{problem.message}" + _included_by(span, page_rel),
                )
            return None
        if lines and lines[-1] == "":
            lines = lines[:-1]
        return lines

    def _missing(self, result: Expansion, kind: str, name: str, span: Span, page_rel: str) -> None:
        _report(
            result,
            "code/include-missing",
            span,
            f"include target '{name}' not found" + _included_by(span, page_rel),
            hint=_did_you_mean(name, self.root, self.allowed),
        )
        result.includes.append(Include(kind, name, span))

    def _inside(
        self, path: Path, kind: str, name: str, span: Span, result: Expansion, page_rel: str
    ) -> bool:
        """Whether ``path`` (resolved) is in an allowed folder; if not, say so and read nothing
        (a page must not quote '/etc/passwd' into the findings)."""
        if any(path.is_relative_to(base) for base in self.allowed):
            return True
        _report(
            result,
            "code/include-outside",
            span,
            f"include target '{name}' is outside the project and its repository; docgates "
            "does not read it" + _included_by(span, page_rel),
        )
        result.includes.append(Include(kind, name, span))
        return False

    def _too_deep(
        self, stack: tuple[Path, ...], span: Span, name: str, result: Expansion, page_rel: str
    ) -> bool:
        if len(stack) <= MAX_DEPTH:
            return False
        _report(
            result,
            "code/include-too-deep",
            span,
            f"'{name}' is included {len(stack)} includes deep (through ..."
            + "".join(f" -> '{relpath(p, self.root)}'" for p in stack[-3:])
            + f"); docgates follows at most {MAX_DEPTH} and did not read it"
            + _included_by(span, page_rel),
        )
        return True

    # -- {* file *} and {! file !} -----------------------------------------------------------
    def _variants(
        self,
        match: re.Match[str],
        origin: Origin,
        stack: tuple[Path, ...],
        result: Expansion,
        out: list[str],
        out_origins: list[Origin],
        page_rel: str,
    ) -> None:
        space = match.group("space")
        name = match.group("path")
        span = Span(origin.path, origin.line, max(len(space) - origin.shift, 0) + 1)
        named = (self.root / name).resolve()
        if not self._inside(named, "variants", name, span, result, page_rel):
            return
        files = _variant_files(named)
        if not files:
            self._missing(result, "variants", name, span, page_rel)
            return
        first = len(out)
        for path in files:
            loaded = self._load(path, span, result, page_rel)
            if loaded is None:
                continue
            fence = "`" * max(3, _longest_backtick_run(loaded) + 1)
            lang = _LANG_BY_SUFFIX.get(path.suffix.lower(), path.suffix.lstrip(".") or "text")
            out.append(f"{space}{fence}{lang}")
            out_origins.append(origin)
            rel = relpath(path, self.root)
            for number, text in enumerate(loaded, 1):
                out.append(space + text if text else "")
                out_origins.append(Origin(rel, number, len(space)))
            out.append(f"{space}{fence}")
            out_origins.append(origin)
            out.append("")
            out_origins.append(origin)
        result.includes.append(Include("variants", name, span, tuple(files), first, len(out) - 1))

    def _mdx(
        self,
        match: re.Match[str],
        origin: Origin,
        stack: tuple[Path, ...],
        result: Expansion,
        out: list[str],
        out_origins: list[Origin],
        page_rel: str,
    ) -> None:
        space, name = match.group("space"), match.group("path").strip()
        span = Span(origin.path, origin.line, max(len(space) - origin.shift, 0) + 1)
        if match.group("escape"):
            out.append(space + match.group(0)[len(space) + 1 :])
            out_origins.append(origin)
            return
        if name.lower().startswith(("http://", "https://")):
            return
        base = self.options.mdx_include_base or self.root
        path = (base / name).resolve()
        if not self._inside(path, "mdx", name, span, result, page_rel):
            return
        if not is_file(path):
            self._missing(result, "mdx", name, span, page_rel)
            return
        if path in stack:
            _report(
                result,
                "code/include-cycle",
                span,
                f"'{name}' includes itself (through {_chain(stack, path, self.root)})"
                + _included_by(span, page_rel),
            )
            return
        if self._too_deep(stack, span, name, result, page_rel):
            return
        loaded = self._load(path, span, result, page_rel)
        if loaded is None:
            return
        first = len(out)
        rel = relpath(path, self.root)
        numbered = [(text, i + 1) for i, text in enumerate(loaded)]
        if match.group("lines"):
            numbered = _slice_rows(numbered, match.group("lines"), origin.line)
        self._run(
            [text for text, _ in numbered],
            [Origin(rel, n) if n > 0 else origin for _, n in numbered],
            (*stack, path),
            False,
            result,
            out,
            out_origins,
            page_rel,
        )
        result.includes.append(Include("mdx", name, span, (path,), first, len(out) - 1))


def _report(
    result: Expansion, rule: str, span: Span, message: str, *, hint: str | None = None
) -> None:
    """Record a problem of an include at the include's place."""
    result.findings.append(
        findings.make(rule, span.path, span.line, span.column, message, hint=hint)
    )


def _included_by(span: Span, page_rel: str) -> str:
    return "" if span.path == page_rel else f" (included by '{page_rel}')"


def _chain(stack: tuple[Path, ...], path: Path, root: Path) -> str:
    start = stack.index(path) if path in stack else 0
    return " -> ".join(f"'{relpath(p, root)}'" for p in (*stack[start:], path))


def _allowed_bases(root: Path, extra: Path | None) -> tuple[Path, ...]:
    bases = [root.resolve()]
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            bases.append(folder.resolve())
            break
    if extra is not None:
        bases.append(extra.resolve())
    return tuple(dict.fromkeys(bases))


def _did_you_mean(name: str, root: Path, allowed: tuple[Path, ...] = ()) -> str | None:
    import difflib

    candidate = root / name
    folder = candidate.parent
    if not folder.is_dir():
        return None
    if allowed and not any(folder.resolve().is_relative_to(base) for base in allowed):
        return None  # never name files outside the project
    names = [p.name for p in folder.iterdir()]
    close = difflib.get_close_matches(candidate.name, names, n=1)
    if close:
        return f"Did you mean '{relpath(folder / close[0], root)}'?"
    return None


def _slice_rows(lines: list[tuple[str, int]], spec: str, at: int) -> list[tuple[str, int]]:
    """mdx_include's ``[ln:...]`` line slice (rcslice's rows): ``3``, ``1-7``, ``7-1``
    (reversed), ``5-e`` (``e`` is the last line), parts joined by ``,`` with two blank lines
    between them. Column parts (``1.3-2.5``) keep whole lines: the columns do not change which
    code a page shows. Blank separator lines get line number ``-at`` (the include's own)."""
    total = len(lines)
    picked: list[tuple[str, int]] = []
    spec = spec.replace(".e", ".").replace("e", str(total))
    for index, part in enumerate(p for p in spec.split(",") if p):
        rows = [bound.split(".", 1)[0] for bound in part.split("-")]
        try:
            numbers = [int(r) if r else None for r in rows]
        except ValueError:
            return lines
        if index:
            picked += [("", -at), ("", -at)]
        if len(numbers) == 1:
            start = numbers[0] or 1
            picked += lines[start - 1 : start]
            continue
        first, last = numbers[0] or 1, numbers[1] or total
        if first <= last:
            picked += lines[first - 1 : last]
        else:
            picked += lines[last - 1 : first][::-1]
    return picked


def _select_ranges(selected: list[tuple[str, int]], ranges: str) -> list[tuple[str, int]]:
    total = len(selected)
    picked: list[tuple[str, int]] = []
    for part in ranges[1:].split(","):
        bounds = part.split(":")
        start = int(bounds[0]) if bounds[0] else None
        end = int(bounds[1]) if len(bounds) > 1 and bounds[1] else None
        lo = None if start is None else (max(0, start - 1) if start >= 0 else max(total + start, 0))
        hi = None if end is None else (end if end >= 0 else max(total + 1 + end, 0))
        picked.extend(selected[lo:hi])
    return picked


def _select_section(selected: list[tuple[str, int]], name: str) -> list[tuple[str, int]]:
    picked: list[tuple[str, int]] = []
    inside = False
    for text, number in selected:
        match = _SECTION.match(text) if "8<" in text else None
        if match and match.group("escape"):
            text = text.replace(";", "", 1)
        elif match and match.group("name") == name:
            if match.group("type").lower() == "start":
                inside = True
                continue
            if inside:
                break
            break
        elif match and inside:
            continue
        if inside:
            picked.append((text, number))
    return picked


def _variant_files(named: Path) -> list[Path]:
    """The file and its markdown-include-variants siblings (``_an``, ``_pyXY``), best first."""
    folder = named.parent
    base = _VARIANT_SUFFIX.sub("", named.stem)
    found = [named] if is_file(named) else []
    if is_dir(folder):
        pattern = lazy(re.escape(base) + r"(?:_an)?(?:_py3\d+)?" + re.escape(named.suffix) + "$")
        for path in sorted(folder.iterdir()):
            if path != named and pattern.match(path.name) and path.is_file():
                found.append(path)
    return found


def _longest_backtick_run(lines: list[str]) -> int:
    longest = 0
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("```"):
            longest = max(longest, len(stripped) - len(stripped.lstrip("`")))
    return longest
