"""The code gate, execution mode: run the blocks and check what they print.

This step follows the code gate's compile step in every run (engine, CLI, MkDocs plugin) and
does nothing unless execution is on for the site or a block opts in. It plans each page, runs
the pages (through the cache and the worker pool), reports the findings, counts what ran and
what was skipped and why, and with ``update_output`` writes the new expectations into the pages.
"""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import CodeSettings
from ..document import CodeBlock, Document
from ..engine import Engine, RunContext, follow, prepare
from ..findings import Finding, Severity
from ..progress import NULL, Progress

if TYPE_CHECKING:  # the execution machinery is imported only when something runs
    from ..execute import Execution

_LAST: dict[int, tuple[weakref.ref[Engine], Execution]] = {}
"""The last execution of each engine (engines are not hashable: keyed by id, held weakly)."""


def run_documents(
    docs: list[Document],
    settings: CodeSettings,
    root: Path,
    broken: set[tuple[str, int]] | None = None,
    progress: Progress = NULL,
    *,
    exec_in_build: bool = False,
) -> Execution:
    """Plan and run ``docs`` (the API the pytest plugin uses too).

    ``broken`` holds the places (path, line) of known syntax errors: blocks with one are not
    run, and the others are not compiled again here. Without it, blocks are compiled to know.
    ``exec_in_build``: markdown-exec runs its ``exec="on"`` blocks in this build (see
    :func:`..execute.plan.plan_page`).
    """
    from ..execute import execute, plan_page, prestart

    if settings.execute and docs:
        prestart(settings, root, len(docs))  # boots while the pages are planned
    if broken is None:
        plans = [plan_page(doc, settings, exec_in_build=exec_in_build) for doc in docs]
    else:

        def compiles(block: CodeBlock) -> bool:
            return not any((line.path, line.line) in broken for line in block.lines)

        plans = [plan_page(doc, settings, compiles, exec_in_build=exec_in_build) for doc in docs]
    execution = execute(plans, settings, root, progress)
    execution.documents = list(docs)
    return execution


@dataclass
class BlockFailure:
    """A block of a page that failed, and the findings about it (for the served page)."""

    after: int
    """The page's raw line after which the block ends (its closing fence)."""
    column: int
    """The fence's 1-based column (its indentation inside containers)."""
    findings: list[Finding]
    block: CodeBlock | None = None
    """The failing block (the MkDocs plugin puts the box after its rendered HTML)."""


def failing_blocks(engine: Engine, found: list[Finding]) -> dict[str, list[BlockFailure]]:
    """The blocks that failed in the engine's last run, by page: execution verdicts, and the
    blocks with ``found`` syntax errors."""
    pages: dict[str, list[BlockFailure]] = {}
    execution = last_execution(engine)
    for page in execution.pages if execution is not None else []:
        doc = page.plan.doc
        for run, verdict in zip(page.plan.runs, page.verdicts, strict=True):
            errors = [f for f in verdict.findings if f.severity is not Severity.INFO]
            if errors and run.block.span.path == doc.rel and run.block.end_line is not None:
                pages.setdefault(doc.rel, []).append(
                    BlockFailure(run.block.end_line, run.block.span.column, errors, run.block)
                )
    for doc in execution.documents if execution is not None else []:
        for block in doc.blocks:
            if block.span.path != doc.rel or block.end_line is None:
                continue
            lines = {(line.path, line.line) for line in block.lines}
            errors = [
                f for f in found if f.rule == "code/syntax-error" and (f.path, f.line) in lines
            ]
            if errors:
                pages.setdefault(doc.rel, []).append(
                    BlockFailure(block.end_line, block.span.column, errors, block)
                )
    return pages


def last_execution(engine: Engine) -> Execution | None:
    """What the last run of ``engine`` executed (the MkDocs plugin shows failures from it)."""
    entry = _LAST.get(id(engine))
    return entry[1] if entry is not None and entry[0]() is engine else None


@prepare("code")
def boot_workers(engine: Engine, pages: list[Path]) -> None:
    """With execution on, start the worker pool while the pages are read."""
    if engine.settings.code.execute and pages:
        from ..execute import prestart

        prestart(engine.settings.code, engine.project.root, len(pages))


def _is_one(doc: Document, docs: list[Document]) -> bool:
    return any(doc is other for other in docs)


def _may_run(docs: list[Document], settings: CodeSettings) -> bool:
    """Whether anything could run: execution is on, or a block carries a marker that may opt
    in (the planner decides which do). Keeps compile-only runs from loading the machinery."""
    if settings.execute:
        return True
    return any(
        block.option("exec") is not None or block.option("docgates") is not None
        for doc in docs
        for block in doc.blocks
    )


@follow("code")
def run_execute(ctx: RunContext) -> None:
    settings = ctx.settings.code
    docs = ctx.target_documents("code")
    # The examples of the docstrings the pages render (checks/docstrings.py), which import
    # the package from the mkdocstrings handler's paths.
    docstring_docs: list[Document] = ctx.extras.get("docstring_documents") or []
    if docstring_docs:
        docs = [*docs, *docstring_docs]
        extra_paths = [
            p for p in ctx.extras.get("docstring_paths") or [] if p not in settings.pythonpath
        ]
        if extra_paths:
            settings = replace(settings, pythonpath=[*settings.pythonpath, *extra_paths])
    if not _may_run(docs, settings):
        return
    if not settings.execute and ctx.extras.get("run_opted_in") is False:
        # The CLI runs no project code unless asked (--execute, or 'execute: true'), even for
        # blocks that opt in on their own: a pre-commit hook must not run them.
        from ..execute.plan import opted_in

        asking = sum(1 for doc in docs for block in doc.blocks if opted_in(block))
        if asking:
            ctx.report.notices.append(
                f"{asking} Python block{'s ask' if asking > 1 else ' asks'} to run "
                '(exec="on", docgates="run"); they were compiled, not run: the CLI runs no '
                "project code unless asked (--execute)"
            )
        return
    broken = {(f.path, f.line or 0) for f in ctx.report.findings if f.rule == "code/syntax-error"}
    exec_in_build = bool(ctx.extras.get("exec_in_build"))
    execution = run_documents(
        docs, settings, ctx.project.root, broken, ctx.engine.progress, exec_in_build=exec_in_build
    )
    for key in [k for k, (ref, _) in _LAST.items() if ref() is None]:
        del _LAST[key]
    _LAST[id(ctx.engine)] = (weakref.ref(ctx.engine), execution)
    report = ctx.report
    report.notices.extend(execution.notices)
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    edits = []
    for page in execution.pages:
        for _block, reason in page.plan.skipped:
            counts["skipped"] += 1
            reasons[reason] += 1
        for verdict in page.verdicts:
            if verdict.not_run:
                counts["skipped"] += 1
                reasons["not run: its worker process was lost"] += 1
                continue
            counts["run"] += 1
            counts["passed" if verdict.passed else "failed"] += 1
            counts["cached"] += int(page.cached)
            if (
                settings.update_output
                and verdict.edits
                and not _is_one(page.plan.doc, docstring_docs)
            ):
                edits.extend(verdict.edits)
                report.findings.extend(
                    f for f in verdict.findings if f.rule != "code/output-mismatch"
                )
            elif _is_one(page.plan.doc, docstring_docs):
                from .docstrings import run_finding

                owner, shown_on = ctx.extras["docstring_owners"][id(page.plan.doc)]
                report.findings.extend(run_finding(f, owner, shown_on) for f in verdict.findings)
            else:
                report.findings.extend(verdict.findings)
    if edits:
        from ..execute.update import apply

        read = {rel: text for doc in execution.documents for rel, text in doc.read.items()}
        applied = apply(ctx.project.root, edits, read)
        report.findings.extend(applied.findings)
        for path, count in sorted(applied.changed.items()):
            report.notices.append(
                f"updated {count} expected output{'s' * (count != 1)} in '{path}'"
            )
    from ..execute.plan import RUN_BY_BUILD

    if reasons[RUN_BY_BUILD]:
        count = reasons[RUN_BY_BUILD]
        report.notices.append(
            f"{count} Python block{'s' if count > 1 else ''} that markdown-exec runs in this "
            f'build (exec="on") {"were" if count > 1 else "was"} compiled, not run a second '
            "time: markdown-exec runs them in the build's own folder and reports their errors"
        )
    if counts or reasons:
        report.stats.extra["executed"] = {
            "run": counts["run"],
            "passed": counts["passed"],
            "failed": counts["failed"],
            "cached": counts["cached"],
            "skipped": counts["skipped"],
            "skip_reasons": dict(sorted(reasons.items())),
        }
