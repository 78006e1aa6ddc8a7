"""The code gate, syntax mode: every Python block MkDocs renders is compiled.

A ``SyntaxError`` is reported at its line and column in the raw Markdown (or included) file.
``>>>`` sessions are compiled statement by statement with their prompts stripped; output lines
are not compiled. Fences that look like Python but will not be checked or rendered get a
warning instead of silence. Blocks marked skip are counted with their reason.
"""

from __future__ import annotations

import ast
import difflib
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .. import findings
from ..config import CodeSettings
from ..document import CodeBlock, CodeLine, Document
from ..findings import Finding, Severity
from ..parse import FenceNote
from ..source import Span

_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
_PYTHONISH = ("python", "py", "python3", "py3", "pycon", "python-console", "ipython", "pyodide")
_NOT_PYTHON = frozenset(
    {
        "python2",
        "py2",
        "pytb",
        "py2tb",
        "py3tb",
        "pyi",
        "pyx",
        "cython",
        "pypylog",
        "pyrex",
        "ipython3",
        "pytest",
        "pyproject",
        "pyodide",
        "ipython",
    }
)


@dataclass
class BlockStats:
    """What the code gate did with the blocks of one page."""

    blocks: int = 0
    """Code blocks MkDocs renders (fences, includes, indented blocks)."""
    python: int = 0
    checked: int = 0
    skipped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, other: BlockStats) -> None:
        self.blocks += other.blocks
        self.python += other.python
        self.checked += other.checked
        self.skipped += other.skipped
        self.reasons.update(other.reasons)


@dataclass(frozen=True)
class Verdict:
    """How one block is treated: ``check``, ``session`` (pycon) or ``skip`` with a reason."""

    action: str
    reason: str | None = None


def classify(block: CodeBlock, settings: CodeSettings) -> Verdict | None:
    """Decide what to do with a block; ``None`` for a block that is not Python at all."""
    lang = (block.lang or "").lower()
    python, console = _language_sets(tuple(settings.languages), tuple(settings.console_languages))
    if lang in python:
        action = "session" if _is_session(block) else "check"
    elif lang in console:
        action = "session"
    else:
        return None
    if block.skip_comment:
        return Verdict("skip", "<!-- docgates: skip -->")
    marker = block.option("docgates")
    if marker == "skip":
        return Verdict("skip", 'docgates="skip"')
    if block.option("test") == "skip" and block.option("lint") == "skip":
        return Verdict("skip", 'test="skip" lint="skip"')
    requires = block.option("requires")
    if requires:
        needed = _version(requires)
        if needed is not None and sys.version_info[:2] < needed:
            return Verdict("skip", f"requires Python {requires}")
    if block.kind == "include" and not settings.check_includes:
        return Verdict("skip", "check_includes is off")
    return Verdict(action)


@lru_cache(maxsize=8)
def _language_sets(
    languages: tuple[str, ...], console: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(n.lower() for n in languages), frozenset(n.lower() for n in console)


def _version(text: str) -> tuple[int, int] | None:
    parts = text.strip().split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None


def _is_session(block: CodeBlock) -> bool:
    """The block's first non-blank line is a ``>>>`` prompt."""
    return block.text.lstrip().startswith(">>>")


def check_document(doc: Document, settings: CodeSettings) -> tuple[list[Finding], BlockStats]:
    """Compile every Python block of ``doc``; return findings and per-page counts."""
    stats = BlockStats(blocks=len(doc.blocks) + doc.indented_blocks)
    stats.blocks -= sum(1 for b in doc.blocks if b.kind == "indented")
    out: list[Finding] = []
    for block in doc.blocks:
        verdict = classify(block, settings)
        if verdict is None:
            typo = _typo(block.lang, settings)
            if typo:
                out.append(
                    findings.make(
                        "code/unchecked-fence",
                        block.span.path,
                        block.span.line,
                        block.span.column,
                        f"fence language '{block.lang}' is not a Python language, so the block "
                        "is neither checked nor highlighted as Python",
                        hint=f"Did you mean '{typo}'?",
                    )
                )
            continue
        stats.python += 1
        if verdict.action == "skip":
            stats.skipped += 1
            stats.reasons[verdict.reason or "skipped"] += 1
            continue
        stats.checked += 1
        if verdict.action == "session":
            out.extend(check_session(block))
        else:
            problem = compile_block(block)
            if problem:
                out.append(problem)
    for span, note in doc.notes:
        if _looks_python(note, settings):
            out.append(_note_finding(span, note, doc))
    return out, stats


def _typo(lang: str | None, settings: CodeSettings) -> str | None:
    if not lang:
        return None
    low = lang.lower()
    known = [name.lower() for name in (*settings.languages, *settings.console_languages)]
    if low in known or low in _NOT_PYTHON:
        return None
    close = difflib.get_close_matches(low, known, n=1, cutoff=0.75)
    return close[0] if close else None


def _looks_python(note: FenceNote, settings: CodeSettings) -> bool:
    if note.lang is None:
        return False
    low = note.lang.lower()
    known = {name.lower() for name in (*settings.languages, *settings.console_languages)}
    return low in known or low in _PYTHONISH or _typo(note.lang, settings) is not None


def _note_finding(span: Span, note: FenceNote, doc: Document) -> Finding:
    opening = note.reason
    if "{open_line}" in opening:
        opening = opening.replace("{open_line}", _open_line_before(doc, span))
        message = f"'{note.header}': {opening}"
    elif note.claimed:
        message = f"'```{note.header}' fence: {opening}"
    else:
        header = f"```{note.header}" if note.header else "```"
        message = f"'{header}' fence is not rendered as code: {opening}"
    return findings.make(
        "code/unchecked-fence",
        span.path,
        span.line,
        span.column,
        message,
        hint=note.hint,
        severity=Severity.INFO if note.claimed else None,
    )


def _open_line_before(doc: Document, span: Span) -> str:
    best = None
    for block in doc.blocks:
        if block.span.path == span.path and block.span.line < span.line:
            best = block.span.line
    return str(best) if best is not None else "above"


def _dedent(text: str) -> tuple[str, int]:
    """Strip the common leading whitespace (snippet sections are often indented)."""
    if not text or text[0] not in " \t":
        return text, 0
    lines = text.split("\n")
    indents = [len(t) - len(t.lstrip()) for t in lines if t.strip()]
    common = min(indents, default=0)
    if common and all(t[:common].isspace() or not t.strip() for t in lines):
        return "\n".join(t[common:] for t in lines), common
    return text, 0


def compile_block(
    block: CodeBlock, lines: list[CodeLine] | None = None, *, what: str = "Python block"
) -> Finding | None:
    """Compile the block (or some of its ``lines``); a ``SyntaxError`` becomes a finding."""
    text = block.text if lines is None else "\n".join(line.text for line in lines)
    source, shift = _dedent(text)
    try:
        # A filename that is not on disk: CPython re-reads a real file to render the error.
        compile(
            source + "\n", f"<docgates:{block.span.path}>", "exec", flags=_FLAGS, dont_inherit=True
        )
    except SyntaxError as exc:
        return syntax_finding(
            exc, block.lines if lines is None else lines, source, shift, block, what
        )
    except (ValueError, MemoryError, RecursionError) as exc:  # NUL bytes, absurd nesting
        span = block.span
        return findings.make(
            "code/syntax-error",
            span.path,
            span.line,
            span.column,
            f"{what} cannot be compiled: {type(exc).__name__}" + (f": {exc}" if str(exc) else ""),
        )
    return None


def syntax_finding(
    exc: SyntaxError,
    lines: list[CodeLine],
    source: str,
    shift: int,
    block: CodeBlock,
    what: str,
) -> Finding:
    row = min(max(exc.lineno or 1, 1), max(len(lines), 1))
    column = max(exc.offset or 1, 1)
    if lines:
        code = lines[row - 1]
        span = Span(code.path, code.line, code.column + shift + column)
        texts = source.split("\n")
        quoted = texts[row - 1].strip() if row <= len(texts) else ""
    else:
        span, quoted = block.span, ""
    message = f"{what} does not compile: {exc.msg}"
    if quoted:
        message += f": '{_shorten(quoted)}'"
    if span.path != block.page:
        how = "rendered on" if block.kind == "docstring" else "included by"
        message += f" ({how} '{block.page}')"
    return findings.make(
        "code/syntax-error",
        span.path,
        span.line,
        span.column,
        message,
        hint=_syntax_hint(quoted, block),
        end_line=span.line,
    )


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _syntax_hint(line: str, block: CodeBlock) -> str | None:
    if line.startswith(">>>"):
        return "The block holds a '>>>' session: start it with '>>>' or use a 'pycon' fence."
    if line.startswith("$ "):
        return "This looks like a shell session: use a 'console' or 'bash' fence."
    if "<" in line and ">" in line and block.kind != "include":
        return (
            "If the block is an outline rather than code, mark it "
            "'python {docgates=\"skip\"}' so readers know it is not runnable."
        )
    return None


# -- >>> sessions --------------------------------------------------------------------------


@dataclass
class Statement:
    """One ``>>>`` statement of a session, prompts stripped, and its expected output lines."""

    lines: list[CodeLine]
    output: list[CodeLine] = field(default_factory=list)


def split_session(lines: list[CodeLine]) -> list[Statement]:
    """Split a console session into statements (``>>>`` + ``...`` lines) and their output."""
    statements: list[Statement] = []
    for line in lines:
        stripped = line.text.lstrip()
        lead = len(line.text) - len(stripped)
        prompt = None
        if stripped == ">>>" or stripped.startswith(">>> "):
            prompt = ">>>"
        elif (
            (stripped == "..." or stripped.startswith("... "))
            and statements
            and not statements[-1].output
        ):
            prompt = "..."
        if prompt is not None:
            rest = stripped[3:]
            cut = 1 if rest.startswith(" ") else 0
            code = CodeLine(rest[cut:], line.path, line.line, line.column + lead + 3 + cut)
            if prompt == ">>>":
                statements.append(Statement([code]))
            else:
                statements[-1].lines.append(code)
        elif statements:
            statements[-1].output.append(line)
    return statements


def check_session(block: CodeBlock) -> list[Finding]:
    """Compile each ``>>>`` statement of a session block."""
    out = []
    for statement in split_session(block.lines):
        problem = compile_block(block, statement.lines, what="'>>>' statement")
        if problem:
            out.append(problem)
    return out
