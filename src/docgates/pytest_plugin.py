"""The pytest front: ``pytest --docgates docs/`` runs the Python blocks of the pages as tests.

Each Python block of a page is one item, with the id ``path:line`` (the fence's line). A page's
blocks run together, in page order, in one process of docgates' worker pool (their sessions
need it), the first time one of its items runs; each item then reports its own block: passed,
failed with the findings at the page's lines, or skipped with the reason its marker gives.

Under pytest-xdist (``-n auto``), a page's items are kept on one worker: with the default
``--dist load`` this plugin schedules by page (other tests are still spread one by one).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ._core.checks import code as code_check
from ._core.checks.execute import run_documents
from ._core.document import CodeBlock, Document
from ._core.engine import Engine
from ._core.errors import ConfigError, DocgatesError
from ._core.execute import PageOutcome, plan_page
from ._core.findings import Finding
from ._core.internal import internal_error
from ._core.project import MARKDOWN_SUFFIXES, Project, find_config, load_project

_ITEM_ID = re.compile(
    r"^(?P<page>.*(?:" + "|".join(re.escape(s) for s in MARKDOWN_SUFFIXES) + r")):\d+$",
    re.IGNORECASE,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("docgates", "docgates: run the Python blocks of Markdown pages")
    group.addoption(
        "--docgates",
        action="store_true",
        default=False,
        help="Collect the Python blocks of the Markdown pages of MkDocs projects as tests.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "docgates: a Python block of a documentation page")
    if config.getoption("docgates") and config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_PageScheduling(), "docgates-xdist")
    config.stash[_PROJECTS] = {}


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> MarkdownPage | None:
    config = parent.config
    if not config.getoption("docgates") or file_path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return None
    project = _project(config, file_path)
    explicit = parent.session.isinitpath(file_path)
    inside = file_path.resolve().is_relative_to(project.engine.project.docs_dir)
    if not explicit and (
        not inside or project.engine.project.is_excluded(project.engine.project.doc_uri(file_path))
    ):
        return None
    page: MarkdownPage = MarkdownPage.from_parent(parent, path=file_path)
    page.state = project
    return page


class _ProjectState:
    """One project's engine (settings with execution on) and its pages' outcomes."""

    def __init__(self, project: Project) -> None:
        try:
            settings = project.settings({"code": {"execute": True}})
        except ConfigError as exc:
            raise pytest.UsageError(f"docgates: config error: {exc}") from None
        self.engine = Engine(project, settings)
        self.outcomes: dict[Path, PageOutcome | BaseException] = {}


_PROJECTS = pytest.StashKey[dict[Path | None, _ProjectState]]()


def _project(config: pytest.Config, path: Path) -> _ProjectState:
    states = config.stash[_PROJECTS]
    found = find_config(path)
    if found not in states:
        try:
            project = load_project(path.parent, config_file=found)
        except ConfigError as exc:
            raise pytest.UsageError(f"docgates: config error: {exc}") from None
        states[found] = _ProjectState(project)
    return states[found]


class MarkdownPage(pytest.File):
    """A Markdown page: its Python blocks are the items."""

    state: _ProjectState

    def collect(self) -> list[BlockItem]:
        try:
            return self._collect()
        except (DocgatesError, ConfigError):
            raise
        except Exception as exc:  # a bug in docgates on this page: one failed item, not a stop
            rel = self.state.engine.project.rel(self.path)
            found = internal_error(rel, exc, "collecting the blocks of this page")
            return [
                BlockItem.from_parent(self, name=f"{self.path.name}", line=None, problem=[found])
            ]

    def _collect(self) -> list[BlockItem]:
        engine = self.state.engine
        doc = engine.read(self.path, inline=False)
        if isinstance(doc, Finding):
            return [BlockItem.from_parent(self, name=f"{self.path.name}", line=None, problem=[doc])]
        self.doc = doc
        settings = engine.settings.code
        compiled, _ = code_check.check_document(doc, settings)
        plan = plan_page(doc, settings)
        runs = {id(run.block): run.index for run in plan.runs}
        skips = {id(block): reason for block, reason in plan.skipped}
        items = []
        for block in doc.blocks:
            if id(block) not in runs and id(block) not in skips:
                continue
            line = _page_line(doc, block, engine.project.root)
            problem = [f for f in compiled if f.rule == "code/syntax-error" and _inside(f, block)]
            items.append(
                BlockItem.from_parent(
                    self,
                    name=f"{self.path.name}:{line}",
                    nodeid=f"{self.nodeid}:{line}",
                    line=line,
                    run=runs.get(id(block)),
                    skip=None if problem else skips.get(id(block)),
                    problem=problem,
                )
            )
        return items

    def outcome(self) -> PageOutcome:
        """Run the page's blocks (once) and keep what they gave."""
        cached = self.state.outcomes.get(self.path)
        if cached is None:
            engine = self.state.engine
            try:
                execution = run_documents([self.doc], engine.settings.code, engine.project.root)
                cached = execution.pages[0]
            except (DocgatesError, ConfigError) as exc:
                cached = exc
            self.state.outcomes[self.path] = cached
        if isinstance(cached, BaseException):
            raise cached
        return cached


class BlockFailure(Exception):
    """A block's findings, raised by its item."""

    def __init__(self, found: list[Finding]) -> None:
        super().__init__("\n".join(str(f) for f in found))
        self.found = found


class BlockItem(pytest.Item):
    """One Python block of a page."""

    def __init__(
        self,
        *,
        line: int | None,
        run: int | None = None,
        skip: str | None = None,
        problem: list[Finding] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.line = line
        self.run = run
        self.skip = skip
        self.problem = problem or []
        self.add_marker(pytest.mark.docgates)
        if skip is not None and not self.problem:
            # A mark, so that pytest reports the skip at the block, not at this plugin.
            self.add_marker(pytest.mark.skip(reason=skip))

    def runtest(self) -> None:
        if self.problem:
            raise BlockFailure(self.problem)
        assert isinstance(self.parent, MarkdownPage)
        assert self.run is not None
        outcome = self.parent.outcome()
        verdict = outcome.verdicts[self.run]
        if verdict.not_run:
            pytest.skip("not run: its worker process was lost")
        if not verdict.passed:
            raise BlockFailure(verdict.findings)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, BlockFailure):
            return "\n".join(_format(f) for f in excinfo.value.found)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # The failure report is headed "Python block at path:line". (A domain equal to the id
        # would have pytest -v print its dots as "::".)
        line = None if self.line is None else self.line - 1
        return self.path, line, f"Python block at {self.nodeid}"


def _format(finding: Finding) -> str:
    text = f"{finding.location}: {finding.rule} {finding.message}"
    if finding.hint:
        text += f"\n    hint: {finding.hint}"
    return text


def _page_line(doc: Document, block: CodeBlock, root: Path) -> int:
    """The page line of a block (for code included from another file, the include's line)."""
    if block.span.path == doc.rel:
        return block.span.line
    source = (root / block.span.path).resolve()
    for include in doc.includes:
        if include.span.path == doc.rel and source in include.resolved:
            return include.span.line
    return block.span.line


def _inside(finding: Finding, block: CodeBlock) -> bool:
    return any(finding.path == line.path and finding.line == line.line for line in block.lines)


class _PageScheduling:
    """pytest-xdist: keep the items of one page on one worker (``--dist load`` only)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getoption("dist") != "load":
            return None
        from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

        class PageScheduling(LoadScopeScheduling):  # type: ignore[misc]
            def _split_scope(self, nodeid: str) -> str:
                match = _ITEM_ID.match(nodeid)
                return match.group("page") if match else nodeid

        return PageScheduling(config, log)
