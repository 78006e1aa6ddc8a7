"""Run the gates over a project: read pages, parse them once, check, report.

Fronts call :func:`check` (or build an :class:`Engine` to keep parsed pages between runs,
as the MkDocs plugins do during ``mkdocs serve``).
"""

from __future__ import annotations

import gc
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .checks import code as code_check
from .config import Settings
from .document import Document, DocumentBuilder
from .errors import ConfigError, DocgatesError
from .findings import Finding, Severity
from .includes import Expander
from .internal import format_traceback, internal_error
from .parse import ParserSettings
from .progress import NULL, Progress, SharedCount, pass_on, task
from .project import MARKDOWN_SUFFIXES, Patterns, Project
from .report import PageStats, Report
from .site import Site
from .site.markdown import PageText
from .source import read_text

SOURCE_GATES = ("code", "links", "structure")
"""The gates that read only the sources (no build, no network): what ``docgates check`` runs."""


@dataclass
class RunContext:
    """What a gate runner gets: the project, its settings, the parsed pages and the report."""

    project: Project
    settings: Settings
    documents: dict[str, Document]
    targets: set[str]
    """Pages (project-relative paths) whose findings are reported."""
    report: Report
    engine: Engine
    extras: dict[str, Any] = field(default_factory=dict)
    """What a front knows beyond the sources (the MkDocs plugins pass the built site's files
    and ids here)."""

    def target_documents(self, gate: str) -> list[Document]:
        """Documents to report on for ``gate``, minus its ``exclude`` patterns."""
        spec = _exclude_spec(self.settings.gate(gate).exclude)
        docs = [d for rel, d in self.documents.items() if rel in self.targets]
        if spec is not None:
            docs = [d for d in docs if not spec.match_file(self.project.doc_uri(d.path))]
        proof = self.extras.get("proof")
        if gate == "code" and proof is not None:
            # Inside a build: only the blocks the build rendered (see checks/proof.py).
            docs = [proof.apply(d) for d in docs]
        return docs


GateRunner = Callable[[RunContext], None]
RUNNERS: dict[str, GateRunner] = {}
NEEDS_ALL_PAGES: set[str] = set()
"""Gates that need every page parsed even when only some are reported (anchors, orphans)."""
NEEDS_INLINE: set[str] = set()
"""Gates that need links (inline parsing); the code gate alone skips it for speed."""


def register(
    name: str, *, all_pages: bool = False, inline: bool = False
) -> Callable[[GateRunner], GateRunner]:
    """Register a gate runner under ``name``."""

    def decorate(runner: GateRunner) -> GateRunner:
        RUNNERS[name] = runner
        if all_pages:
            NEEDS_ALL_PAGES.add(name)
        if inline:
            NEEDS_INLINE.add(name)
        return runner

    return decorate


FOLLOWERS: dict[str, list[GateRunner]] = {}
"""Steps that run right after a gate's runner, in the same run (execution follows ``code``)."""


def follow(gate: str) -> Callable[[GateRunner], GateRunner]:
    """Register a step that runs after ``gate``'s runner whenever that gate runs."""

    def decorate(step: GateRunner) -> GateRunner:
        FOLLOWERS.setdefault(gate, []).append(step)
        return step

    return decorate


Preparer = Callable[["Engine", list[Path]], None]
PREPARERS: dict[str, list[Preparer]] = {}
"""Steps that start before a gate's pages are read (the worker pool boots while they are)."""


def prepare(gate: str) -> Callable[[Preparer], Preparer]:
    """Register a step that runs when a run of ``gate`` starts, given the pages it checks."""

    def decorate(step: Preparer) -> Preparer:
        PREPARERS.setdefault(gate, []).append(step)
        return step

    return decorate


GATE_MODULES: dict[str, tuple[str, ...]] = {
    "code": ("docgates._core.checks.execute",),
    "links": ("docgates._core.checks.links",),
    "external": ("docgates._core.checks.external",),
    "structure": ("docgates._core.checks.structure",),
}
"""Per gate, the modules that register its runner (with :func:`register`) or its steps (with
:func:`follow`) when imported. The code gate's runner is registered below."""


def load_gates(gates: Iterable[str] | None = None) -> None:
    """Import the modules of ``gates`` (default: every gate) so that they are registered.

    Only what a run needs is imported: ``docgates check --only code`` starts on every
    pre-commit run and has no use for the HTTP client of the external links gate.
    """
    import importlib

    for gate in GATE_MODULES if gates is None else gates:
        for module in GATE_MODULES.get(gate, ()):
            importlib.import_module(module)


def _exclude_spec(patterns: Sequence[str]) -> Patterns | None:
    return Patterns(list(patterns)) if patterns else None


@register("code")
def run_code(ctx: RunContext) -> None:
    settings = ctx.settings.code
    stats = ctx.report.stats
    documents = ctx.target_documents("code")
    proof = ctx.extras.get("proof")
    if proof is not None:
        ctx.report.findings.extend(proof.findings())
    for doc in documents:
        found, block_stats = code_check.check_document(doc, settings)
        ctx.report.findings.extend(found)
        stats.code_blocks += block_stats.blocks
        stats.python_blocks += block_stats.python
        stats.checked += block_stats.checked
        stats.skipped += block_stats.skipped
        stats.skip_reasons.update(block_stats.reasons)
        page = stats.pages.setdefault(doc.rel, PageStats())
        page.blocks += block_stats.blocks
        page.checked += block_stats.checked
        page.skipped += block_stats.skipped
    if settings.docstrings and "mkdocstrings" in ctx.project.plugin_names:
        from .checks import docstrings

        handler = ctx.extras.get("mkdocstrings")
        if not isinstance(handler, docstrings.Handler):
            handler = docstrings.Handler.from_plugin(
                getattr(ctx.project.plugin("mkdocstrings"), "options", {}),
                ctx.project.config_path.parent if ctx.project.config_path else ctx.project.root,
            )
        docstrings.check(ctx, documents, handler)


@dataclass
class Engine:
    """Reads and parses the pages of one project, with a cache keyed by file content."""

    project: Project
    settings: Settings
    _builders: dict[bool, DocumentBuilder] = field(default_factory=dict)
    progress: Progress = field(default=NULL, repr=False, compare=False)
    """Where long steps report how far they are (a front's live display; by default nowhere)."""
    tracebacks: list[str] = field(default_factory=list)
    """Tracebacks of internal errors not yet handed to a report (``--debug`` prints them)."""
    _cache: dict[tuple[str, bool], tuple[str, Document, tuple[int, ...]]] = field(
        default_factory=dict
    )
    """Parsed pages by (path, inline): the text, the document, and the modification times of
    the files its includes pulled in (a page with includes is reused only while they hold)."""

    def builder(self, inline: bool) -> DocumentBuilder:
        if inline not in self._builders:
            max_size = (
                max(g.max_file_size for g in self.settings.gates.values())
                if self.settings.gates
                else 0
            )
            expander = Expander(self.project.markdown, self.project.root, max_size=max_size)
            from .claims import header_claimants

            parser = ParserSettings.from_options(
                self.project.markdown,
                inline=inline,
                plugins=frozenset(self.project.plugin_names),
                claimed_by=header_claimants(self.project),
            )
            self._builders[inline] = DocumentBuilder(
                parser,
                expander,
                indented_headers=self.project.markdown.indented_headers,
                attr_list=self.project.markdown.attr_list,
            )
        return self._builders[inline]

    def read(
        self, path: Path, *, inline: bool, text: str | PageText | None = None
    ) -> Document | Finding:
        """Parse one page (from disk, from ``text``, or from the Markdown a build rendered for
        it, a :class:`PageText`); a finding if it cannot be read."""
        rel = self.project.rel(path)
        final = text if isinstance(text, PageText) else None
        if isinstance(text, PageText):
            text = text.raw_text
        if text is None:
            max_size = self.settings.code.max_file_size
            loaded, problem = read_text(path, rel, max_size=max_size)
            if problem is not None or loaded is None:
                assert problem is not None
                return problem
            text = loaded
        key = (rel, inline)
        seen = text if final is None or not final.rewritten else f"{text}\0{final.markdown}"
        cached = self._cache.get(key)
        if (
            cached is not None
            and cached[0] == seen
            and (not cached[1].includes or _stamps(cached[1]) == cached[2])
        ):
            return cached[1]
        try:
            doc = self.builder(inline).build(path, rel, text, final)
        except (ConfigError, DocgatesError):
            raise
        except Exception as exc:  # a bug on this page: a finding there, the run goes on
            self.tracebacks.append(format_traceback(rel, exc))
            return internal_error(rel, exc, "reading this page")
        # A page whose include failed is read again next time: the file may appear.
        complete = all(include.resolved for include in doc.includes)
        self._cache[key] = (seen, doc, _stamps(doc) if complete else (-2,))
        return doc

    def check(
        self,
        gates: Iterable[str] = SOURCE_GATES,
        paths: Sequence[Path] | None = None,
        *,
        texts: Mapping[Path, str | PageText] | None = None,
        jobs: int = 1,
        extras: dict[str, Any] | None = None,
        read_all: bool = True,
    ) -> Report:
        """Run ``gates`` over the project's pages (or over ``paths`` only) and report.

        With ``jobs`` > 1 and gates that look at one page at a time, pages are checked in
        that many forked worker processes (POSIX only; elsewhere, or for gates that need every
        page, the run stays in this process).

        ``read_all=False`` reads only ``paths`` even for gates that look at every page: for a
        front that gives those gates what they need through ``extras`` (the MkDocs plugins
        pass the built site's ids), so that only the pages to report on are parsed.
        """
        started = time.perf_counter()
        gates = list(gates)
        load_gates(gates)
        gates = [g for g in gates if g in RUNNERS and self.settings.gate(g).enabled]
        report = Report(self.project.root)
        report.notices.extend(self.settings.notices)
        if self.project.markdown.assumed:
            report.notices.append(
                "no mkdocs.yml, properdocs.yml or zensical.toml found: assuming the Markdown "
                "extensions of a typical Material for MkDocs site"
            )
        all_pages = list(self.project.pages())
        targets = list(dict.fromkeys(paths)) if paths is not None else all_pages
        for gate in gates:
            for step in PREPARERS.get(gate, ()):
                step(self, targets)
        per_page = not any(g in NEEDS_ALL_PAGES for g in gates)
        # Running blocks has its own pool of worker processes: the run stays in this process.
        executes = "code" in gates and self.settings.code.execute
        workers = (
            _worker_count(jobs, len(targets)) if per_page and not texts and not executes else 1
        )
        if workers > 1:
            chunks = [targets[i::workers] for i in range(workers)]
            for part in _run_forked(self, gates, chunks, [self.project.rel(p) for p in targets]):
                report.findings.extend(part.findings)
                report.stats.merge(part.stats)
                report.tracebacks.extend(part.tracebacks)
        else:
            to_read = targets if per_page or not read_all else all_pages
            self._run(gates, to_read, targets, texts or {}, report, extras)
        report.stats.files = len(targets)
        report.tracebacks.extend(self.tracebacks)
        self.tracebacks.clear()
        report.findings = self._finish(report.findings)
        report.sort()
        report.stats.seconds = time.perf_counter() - started
        return report

    def _run(
        self,
        gates: list[str],
        to_read: list[Path],
        targets: list[Path],
        texts: Mapping[Path, str | PageText],
        report: Report,
        extras: dict[str, Any] | None = None,
    ) -> None:
        """Read ``to_read`` (and ``targets``), run the gates, report on ``targets``."""
        inline = any(g in NEEDS_INLINE for g in gates)
        documents: dict[str, Document] = {}
        target_rels = {self.project.rel(p) for p in targets}
        reading = list(dict.fromkeys([*to_read, *targets]))
        with _kept() as keep:
            with task(self.progress, "Reading pages", len(reading)) as progress:
                for path in reading:
                    rel = self.project.rel(path)
                    result = self.read(path, inline=inline, text=texts.get(path))
                    if isinstance(result, Document):
                        documents[result.rel] = result
                    elif rel in target_rels:
                        report.findings.append(result)
                    progress.advance(rel)
                    keep()
            self._gates(gates, documents, target_rels, report, extras)

    def _gates(
        self,
        gates: list[str],
        documents: dict[str, Document],
        target_rels: set[str],
        report: Report,
        extras: dict[str, Any] | None,
    ) -> None:
        for doc in documents.values():
            if doc.rel in target_rels:
                # Problems found while reading a page: unreadable files concern every gate,
                # include problems (code/include-*) only the code gate.
                report.findings.extend(
                    f
                    for f in doc.findings
                    if f.rule.startswith("source/") or f.rule.split("/", 1)[0] in gates
                )
        ctx = RunContext(
            self.project, self.settings, documents, target_rels, report, self, extras or {}
        )
        for gate in gates:
            for step in (RUNNERS[gate], *FOLLOWERS.get(gate, ())):
                self._guarded(gate, step, ctx)
        for name in ("site", "source_site"):
            site = ctx.extras.get(name)
            if isinstance(site, Site):
                site.close()
        report.stats.links += sum(len(d.links) for r, d in documents.items() if r in target_rels)

    def _guarded(self, gate: str, step: GateRunner, ctx: RunContext) -> None:
        """Run ``step``; if it fails (a bug in docgates), run it again page by page, so that
        each page it fails on gets a ``docgates/internal-error`` and the others their
        findings. Errors that mean the run cannot go on (config, workers) are raised."""
        report = ctx.report
        before = (len(report.findings), len(report.notices), report.stats.snapshot())
        try:
            step(ctx)
            return
        except (ConfigError, DocgatesError):
            raise
        except Exception as first:
            del report.findings[before[0] :], report.notices[before[1] :]
            report.stats = before[2]
            crash: Exception = first
        failed = 0
        for rel in sorted(ctx.targets):
            one = replace(ctx, targets={rel})
            try:
                step(one)
            except (ConfigError, DocgatesError):
                raise
            except Exception as exc:
                failed += 1
                self.tracebacks.append(format_traceback(rel, exc))
                report.findings.append(
                    internal_error(rel, exc, f"running the {gate} gate on this page")
                )
        if not failed:  # it fails only on all pages together: say so at the config
            where = self.project.config_rel
            self.tracebacks.append(format_traceback(where, crash))
            report.findings.append(internal_error(where, crash, f"running the {gate} gate"))

    def finish(self, found: list[Finding]) -> list[Finding]:
        """Severity overrides and folded repeats, sorted: what a front reports (for fronts that
        merge findings of several runs, as the links plugin does during ``mkdocs serve``)."""
        result = self._finish(found)
        result.sort(key=lambda f: (f.path, f.line or 0, f.column or 0, f.rule))
        return result

    def _finish(self, found: list[Finding]) -> list[Finding]:
        """Apply severity overrides and fold repeats (one include seen from many pages)."""
        seen: dict[tuple[str, str, int | None, int | None], Finding] = {}
        repeats: dict[tuple[str, str, int | None, int | None], int] = {}
        for finding in found:
            gate = finding.rule.split("/", 1)[0]
            level = self._level(gate, finding.rule, finding.severity)
            if level is None:
                continue
            if level is not finding.severity:
                finding = finding.with_severity(level)
            key = (finding.rule, finding.path, finding.line, finding.column)
            if key in seen:
                repeats[key] = repeats.get(key, 0) + 1
                continue
            seen[key] = finding
        result = []
        for key, finding in seen.items():
            extra = repeats.get(key)
            if extra:
                finding = replace(finding, message=fold_note(finding.message, extra))
            result.append(finding)
        return result

    def _level(self, gate: str, rule: str, current: Severity) -> Severity | None:
        """The severity after the user's overrides; a finding keeps its own without one
        (a check may report a rule below its default, e.g. a link to a generated page)."""
        if gate in self.settings.gates:
            if rule not in self.settings.gate(gate).severity:
                return current
            return self.settings.level(gate, rule)
        # source/* and other shared rules: honour an override in any gate
        for name in self.settings.gates:
            if rule in self.settings.gate(name).severity:
                return self.settings.level(name, rule)
        return current


_FOLDED = re.compile(r"^(?P<message>.*) \(and (?P<more>[0-9]+) more pages?\)$", re.DOTALL)


def fold_note(message: str, more: int) -> str:
    """``message`` of a finding seen from ``more`` other pages too (one include, many pages)."""
    return f"{message} (and {more} more page{'s' if more > 1 else ''})" if more else message


def unfold(message: str) -> tuple[str, int]:
    """The message before :func:`fold_note`, and how many more pages it named."""
    match = _FOLDED.match(message)
    return (match["message"], int(match["more"])) if match else (message, 0)


@contextmanager
def _kept() -> Iterator[Callable[[], None]]:
    """A run's documents are kept until the gates have run: ``keep()`` after each page moves
    what is alive so far out of the garbage collector's scans until the run ends.

    Otherwise each full collection walks every document read so far, over and over as the
    run reads on: on a 3,000-page site a fifth of the run, for nothing, as a page's parse
    leaves no reference cycles behind (``BlockParser.close``). Left alone when the collector
    is off, or when something else froze objects (a server that forks workers): unfreezing
    at the end would release theirs too.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _stamps(doc: Document) -> tuple[int, ...]:
    """The modification times of the files a page's includes read (-1: gone)."""
    stamps = []
    for path in sorted(doc.files):
        try:
            stamps.append(path.stat().st_mtime_ns)
        except OSError:
            stamps.append(-1)
    return tuple(stamps)


_FORKED: tuple[Engine, list[str]] | None = None


def _worker_count(jobs: int, pages: int) -> int:
    """How many processes to use: never more than one per 50 pages, nor than asked."""
    if jobs <= 1 or os.name != "posix" or pages < 100:
        return 1
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        return 1
    return max(1, min(jobs, pages // 50))


def _check_chunk(index: int) -> Report:
    assert _FORKED is not None
    engine, gates = _FORKED
    chunk = _CHUNKS[index]
    report = Report(engine.project.root)
    engine._run(gates, chunk, chunk, {}, report)
    report.tracebacks.extend(engine.tracebacks)
    return report


_CHUNKS: list[list[Path]] = []


def _run_forked(
    engine: Engine, gates: list[str], chunks: list[list[Path]], names: list[str]
) -> list[Report]:
    """Check each chunk of pages in a forked child; the children inherit the parsed config.

    The children count the pages they read in shared memory; the parent passes the count on to
    the engine's progress while it waits (``names``: the pages, for the current one's name)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    global _FORKED, _CHUNKS
    outer = engine.progress
    shared = SharedCount() if outer is not NULL else None
    if shared is not None:
        shared.track(names)
        engine.progress = _Quiet(shared)  # what the children inherit
    _FORKED, _CHUNKS = (engine, gates), chunks
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=len(chunks), mp_context=context) as pool:
            futures = [pool.submit(_check_chunk, i) for i in range(len(chunks))]
            if shared is not None:
                with task(outer, "Reading pages", len(names)):
                    pass_on(
                        shared,
                        outer,
                        lambda t: not wait(futures, timeout=t)[1],
                    )
            return [f.result() for f in futures]
    finally:
        _FORKED, _CHUNKS = None, []
        engine.progress = outer


class _Quiet(Progress):
    """A child's progress: pages count in shared memory; tasks are the parent's to draw."""

    def __init__(self, shared: SharedCount) -> None:
        self.shared = shared

    def advance(self, current: str = "", count: int = 1) -> None:
        self.shared.advance(current, count)


def resolve_paths(project: Project, paths: Sequence[Path]) -> list[Path] | None:
    """Turn CLI ``PATH`` arguments into the pages to check (``None``: every page)."""
    pages: list[Path] = []
    whole = False
    for raw in paths:
        path = raw.resolve()
        if path.is_dir():
            if path in (project.root, project.docs_dir) or project.docs_dir.is_relative_to(path):
                whole = True
                continue
            pages.extend(p for p in project.pages() if p.is_relative_to(path))
        elif path.suffix.lower() in MARKDOWN_SUFFIXES:
            if path.is_relative_to(project.docs_dir) and not project.is_excluded(
                project.doc_uri(path)
            ):
                pages.append(path)
            elif path.exists() and not path.is_relative_to(project.docs_dir):
                pages.append(path)  # a Markdown file outside docs_dir named explicitly
        elif path == project.config_path:
            whole = True
    if whole:
        return None
    return list(dict.fromkeys(pages))


def check(
    project: Project,
    settings: Settings | None = None,
    gates: Iterable[str] = SOURCE_GATES,
    paths: Sequence[Path] | None = None,
) -> Report:
    """Check ``project`` once: the simplest way to use docgates from Python."""
    engine = Engine(project, settings or project.settings())
    return engine.check(gates, paths)
