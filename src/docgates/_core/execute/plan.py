"""Which blocks of a page run, in which session, and what each is expected to print.

A page becomes a :class:`PagePlan`: its runnable blocks in page order (each a :class:`BlockRun`
that knows its code, its session, its timeout and its expectations) and the blocks it skips,
each with its reason. The plan is all the worker needs (``BlockRun.message``) and all the
checker needs to judge the results.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..checks import code as code_check
from ..config import CodeSettings
from ..document import CodeBlock, CodeLine, Document
from .expect import Expectation, PrintSite, fence_expectation, print_sites, session_expectation

_ON = frozenset({"on", "1", "true", "yes"})
_OUTPUT_LANGS = frozenset({"text", "output"})


@dataclass
class Statement:
    """One ``>>>`` statement: its code (prompts stripped) and its expected output."""

    code: str
    line: int
    """1-based line in the block where the statement starts."""
    expectation: Expectation


@dataclass
class BlockRun:
    """One block to run, with everything needed to judge what it did."""

    block: CodeBlock
    index: int
    filename: str
    session: str
    mode: str
    """``exec`` (a Python block) or ``session`` (``>>>`` statements)."""
    code: str
    positions: list[CodeLine]
    """For each line of the block's code, where column 0 of that code sits in the raw file."""
    timeout: float
    expect_error: bool = False
    check_prints: bool = False
    sites: list[PrintSite] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    fence: Expectation | None = None

    @property
    def records_prints(self) -> bool:
        return self.check_prints and any(site.expectation for site in self.sites)

    def message(self) -> dict[str, Any]:
        """What the worker gets for this block."""
        data: dict[str, Any] = {
            "i": self.index,
            "filename": self.filename,
            "session": self.session,
            "mode": self.mode,
            "code": self.code,
            "source": self.code
            if self.mode == "exec"
            else "\n".join(p.text for p in self.positions),
            "timeout": self.timeout,
            "prints": self.records_prints,
        }
        if self.mode == "session":
            data["statements"] = [
                {"code": s.code, "line": s.line, "traceback": s.expectation.traceback}
                for s in self.statements
            ]
        return data

    def digest(self) -> str:
        """A hash of everything that decides this block's result, but not where it sits."""
        data = self.message()
        del data["filename"], data["i"], data["source"]
        data["expect_error"] = self.expect_error
        data["check"] = self.check_prints
        data["raw"] = [line.text for line in self.block.lines]
        if self.fence is not None:
            data["fence"] = self.fence.texts
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class PagePlan:
    doc: Document
    runs: list[BlockRun] = field(default_factory=list)
    skipped: list[tuple[CodeBlock, str]] = field(default_factory=list)

    def keys(self, environment: str) -> list[str]:
        """The cache key of each run: its own digest chained after every block run before it."""
        keys = []
        chain = hashlib.sha256(environment.encode()).hexdigest()
        for run in self.runs:
            chain = hashlib.sha256(f"{chain}:{run.digest()}".encode()).hexdigest()
            keys.append(chain)
        return keys

    def job(self, ident: int, **extra: Any) -> dict[str, Any]:
        return {"id": ident, "blocks": [run.message() for run in self.runs], **extra}


def opted_in(block: CodeBlock) -> bool:
    """The block asks to run even when execution is off for the site."""
    if (block.option("exec") or "").lower() in _ON:
        return True
    return bool(_docgates_words(block) & {"run", "expect-error"})


def _docgates_words(block: CodeBlock) -> set[str]:
    value = block.option("docgates") or ""
    return set(value.replace(",", " ").split())


def skip_reason(block: CodeBlock) -> str | None:
    """Why a block the code gate compiles is not run, or ``None``."""
    test = (block.option("test") or "").strip()
    if test.startswith("skip"):
        return 'test="skip"'
    exec_value = block.option("exec")
    if exec_value is not None and exec_value.lower() not in _ON:
        return f'exec="{exec_value}"'
    return None


Compiles = Callable[[CodeBlock], bool]


def _compiles(block: CodeBlock) -> bool:
    return code_check.compile_block(block) is None


#: Why a block markdown-exec runs inside the build is not run again (see ``plan_page``).
RUN_BY_BUILD = 'exec="on": markdown-exec runs it in this build'


def plan_page(
    doc: Document,
    settings: CodeSettings,
    compiles: Compiles = _compiles,
    *,
    exec_in_build: bool = False,
) -> PagePlan:
    """Decide what runs on ``doc``; blocks the site does not run at all are left out.

    ``compiles`` says whether a Python block compiles (the code gate already knows: it is
    asked rather than compiling every block twice). ``exec_in_build``: the check runs inside
    a build where markdown-exec runs its ``exec="on"`` blocks itself, in the build's process
    and folder, and fails the build on an error; docgates compiles them but does not run them
    a second time, elsewhere (in its own folder a block that reads the project's files would
    fail where the build's run succeeds).
    """
    plan = PagePlan(doc)
    if not settings.execute and not any(opted_in(block) for block in doc.blocks):
        return plan  # nothing on this page runs: the compile step has done all there is
    outputs = _output_fences(doc)
    names: set[str] = set()
    for position, block in enumerate(doc.blocks):
        if position in outputs.values():
            continue
        verdict = code_check.classify(block, settings)
        if verdict is None or not (settings.execute or opted_in(block)):
            continue
        reason = verdict.reason if verdict.action == "skip" else skip_reason(block)
        if reason is None and exec_in_build and (block.option("exec") or "").lower() in _ON:
            reason = RUN_BY_BUILD
        if reason is not None:
            plan.skipped.append((block, reason or "skipped"))
            continue
        fence = doc.blocks[outputs[position]] if position in outputs else None
        run = _build(block, verdict.action, len(plan.runs), settings, fence, compiles)
        if run is None:
            plan.skipped.append((block, "does not compile"))
            continue
        run.filename = _unique(run.filename, names)
        plan.runs.append(run)
    return plan


def _unique(name: str, taken: set[str]) -> str:
    candidate, count = name, 1
    while candidate in taken:
        count += 1
        candidate = f"{name}#{count}"
    taken.add(candidate)
    return candidate


def _build(
    block: CodeBlock,
    action: str,
    index: int,
    settings: CodeSettings,
    fence: CodeBlock | None,
    compiles: Compiles,
) -> BlockRun | None:
    group = block.option("group") or block.option("session")
    if group:
        session = f"group:{group}"
    elif settings.session == "page":
        session = "page"
    else:
        session = f"block:{index}"
    words = _docgates_words(block)
    test = (block.option("test") or "").strip()
    run = BlockRun(
        block=block,
        index=index,
        filename=f"{block.span.path}:{block.span.line}",
        session=session,
        mode="session" if action == "session" else "exec",
        code="",
        positions=[],
        timeout=_timeout(block, settings),
        expect_error="expect-error" in words or test.startswith("xfail"),
        check_prints=test != "no-print-intercept",
    )
    if run.mode == "session":
        return _session(run, block)
    if not compiles(block):
        return None
    run.code, shift = code_check._dedent(block.text)
    run.positions = _positions(run.code.split("\n") if block.text else [], block, shift)
    run.sites = print_sites(run.code, run.positions)
    if fence is not None:
        opening = CodeLine("", fence.span.path, fence.span.line, fence.span.column - 1)
        run.fence = fence_expectation(fence.lines, opening)
    return run


def _positions(texts: list[str], block: CodeBlock, shift: int) -> list[CodeLine]:
    """Where each line of the block's code sits in the raw file.

    A block whose last line before the closing fence is blank has one more line of code than
    raw lines with text (``block.lines`` ends at the last line with text): such trailing lines
    sit on the raw lines that follow.
    """
    lines = block.lines
    positions = [
        CodeLine(t, ln.path, ln.line, ln.column + shift)
        for t, ln in zip(texts, lines, strict=False)
    ]
    last = lines[-1] if lines else CodeLine("", block.span.path, block.span.line, 0)
    for extra, text in enumerate(texts[len(lines) :], 1):
        positions.append(CodeLine(text, last.path, last.line + extra, 0))
    return positions


def _session(run: BlockRun, block: CodeBlock) -> BlockRun | None:
    index = {(line.path, line.line): row for row, line in enumerate(block.lines)}
    positions = list(block.lines)
    for statement in code_check.split_session(block.lines):
        if code_check.compile_block(block, statement.lines, what="'>>>' statement") is not None:
            return None
        first = statement.lines[0]
        row = index[(first.path, first.line)]
        raw = block.lines[row]
        lead = len(raw.text) - len(raw.text.lstrip())
        for line in statement.lines:
            positions[index[(line.path, line.line)]] = line
        last = statement.lines[-1]
        anchor = block.lines[index[(last.path, last.line)]]
        run.statements.append(
            Statement(
                "\n".join(line.text for line in statement.lines),
                row + 1,
                session_expectation(statement.output, anchor, lead),
            )
        )
    run.positions = positions
    return run


def _timeout(block: CodeBlock, settings: CodeSettings) -> float:
    value = block.option("timeout")
    if value:
        try:
            seconds = float(value)
        except ValueError:
            return settings.timeout
        if seconds > 0:
            return seconds
    return settings.timeout


def _output_fences(doc: Document) -> dict[int, int]:
    """Output fences that directly follow a block: position of the block -> of the fence."""
    found: dict[int, int] = {}
    blocks = doc.blocks
    lines = _raw_lines(doc)
    for position in range(len(blocks) - 1):
        block, after = blocks[position], blocks[position + 1]
        if not _is_output(after) or block.end_line is None:
            continue
        if after.span.path != block.span.path or after.span.path != doc.rel:
            continue
        between = range(block.end_line + 1, after.span.line)
        if all(not lines.get(row, "").strip() for row in between):
            found[position] = position + 1
    return found


def _is_output(block: CodeBlock) -> bool:
    if block.kind != "fence":
        return False
    title = (block.option("title") or "").strip().lower()
    return (block.lang or "").lower() in _OUTPUT_LANGS or title == "output"


def _raw_lines(doc: Document) -> dict[int, str]:
    """The page's own raw lines (1-based), from its expanded source."""
    source = doc.source
    lines: dict[int, str] = {}
    for index, text in enumerate(source.lines):
        origin = source.origin(index)
        if origin.path == doc.rel:
            lines.setdefault(origin.line, text)
    return lines
