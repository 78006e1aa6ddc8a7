"""Gather the inputs into a :class:`Snapshot`, and turn the gates into findings.

Each input is optional: absent, it becomes an ``input-missing`` note (info); present but
unreadable, an ``input-broken`` finding (warning) that says why; either way the pages still
render and say what is missing. Only the gates themselves (coverage below a threshold, failed
tests) are errors.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Union
from urllib.parse import urlsplit

import httpx

from ..config import Settings, StatusSettings
from ..dsn import is_postgres, redact
from ..engine import SOURCE_GATES, Engine
from ..findings import Finding, make
from ..project import Project
from . import figures, github, junit
from .coverage import CoverageError, html_pages, read_coverage
from .history import MemoryStore, SqliteStore, read_published
from .model import HistoryEntry, InputNote, Quality, Snapshot

if TYPE_CHECKING:
    from .pghistory import PostgresStore

Store = Union[SqliteStore, MemoryStore, "PostgresStore"]


@dataclass
class Collected:
    snapshot: Snapshot
    store: Store
    entry: HistoryEntry | None
    seed: list[HistoryEntry] = field(default_factory=list)
    """Entries read from the published history.json, to be stored when the build is recorded."""
    html_dir: Path | None = None

    def record(self) -> None:
        """Keep this build's figures in the store (and the seed it started from)."""
        for entry in self.seed:
            self.store.record(entry)
        if self.entry is not None:
            self.store.record(self.entry)
        self.seed = []

    def close(self) -> None:
        self.store.close()


def collect(
    project: Project,
    settings: Settings,
    *,
    now: datetime | None = None,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    engine: Engine | None = None,
) -> Collected:
    """Read every input of the status gate; ``engine`` (with its page cache) runs the
    docs-quality checks when given."""
    s = settings.status
    env = os.environ if env is None else env
    now = now or datetime.now(timezone.utc)
    commit, branch = _revision(project.root, env)
    snap = Snapshot(generated_at=now.replace(microsecond=0), commit=commit, branch=branch)
    found: list[Finding] = []
    _read_tests(project, s, snap, found)
    html_dir = _read_coverage(project, s, snap, found)
    store, history, seed = _open_history(project, s, snap, found, env)
    if s.github is not None and s.github.repo:
        data = github.fetch(s.github, store, now, transport=transport, user_agent=_agent())
        snap.github = data
        if not snap.branch:
            snap.branch = data.branch
        if data.problem:
            snap.inputs.append(InputNote("github", data.api_url, "broken", data.problem))
            found.append(
                make("status/github-unavailable", project.config_rel, None, None, data.problem)
            )
        else:
            snap.inputs.append(InputNote("github", data.api_url, "ok", f"{data.requests} requests"))
    entry = _entry(snap)
    snap.history = [e for e in history if not (entry and _same(e, entry))]
    if entry is not None:
        snap.history.append(entry)
        snap.current = entry
    if s.quality:
        snap.quality = _quality(engine or Engine(project, settings))
    found.extend(_gates(snap, s))
    snap.findings = _levels(found, settings)
    return Collected(snap, store, entry, seed, html_dir)


def _agent() -> str:
    from ... import __version__

    return f"docgates/{__version__}"


def _revision(root: Path, env: Mapping[str, str]) -> tuple[str, str]:
    commit = env.get("GITHUB_SHA", "")
    branch = env.get("GITHUB_HEAD_REF") or env.get("GITHUB_REF_NAME", "")
    if not commit:
        commit = _git(root, "rev-parse", "HEAD")
    if not branch:
        branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
        branch = "" if branch == "HEAD" else branch
    return commit, branch


def _git(root: Path, *args: str) -> str:
    if shutil.which("git") is None:
        return ""
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _read_tests(project: Project, s: StatusSettings, snap: Snapshot, found: list[Finding]) -> None:
    if not s.junit:
        snap.inputs.append(InputNote("junit", "", "off"))
        return
    paths: list[Path] = []
    for pattern in s.junit:
        matches = sorted(glob.glob(pattern, root_dir=project.root, recursive=True))
        if not matches:
            snap.inputs.append(InputNote("junit", pattern, "missing"))
            found.append(
                make(
                    "status/input-missing",
                    pattern,
                    None,
                    None,
                    f"no JUnit report matches '{pattern}'; the status page says so",
                    hint=f"Run the tests with --junitxml={pattern.replace('*', '')} first.",
                )
            )
        paths.extend(project.root / m for m in matches)
    reports = []
    for path in dict.fromkeys(paths):
        rel = project.rel(path)
        try:
            cases, seconds, stamp = junit.read_junit(path, rel)
        except (junit.JUnitError, OSError) as exc:
            snap.inputs.append(InputNote("junit", rel, "broken", str(exc)))
            found.append(
                make("status/input-broken", rel, None, None, f"cannot read JUnit report: {exc}")
            )
            continue
        snap.inputs.append(InputNote("junit", rel, "ok", f"{len(cases)} test cases"))
        reports.append((rel, cases, seconds, stamp))
    if reports:
        snap.tests = junit.merge(reports)


def _read_coverage(
    project: Project, s: StatusSettings, snap: Snapshot, found: list[Finding]
) -> Path | None:
    if not s.coverage:
        snap.inputs.append(InputNote("coverage", "", "off"))
        return None
    path = project.root / s.coverage
    if not path.is_file():
        snap.inputs.append(InputNote("coverage", s.coverage, "missing"))
        found.append(
            make(
                "status/input-missing",
                s.coverage,
                None,
                None,
                f"no coverage data at '{s.coverage}'; the coverage page says so",
            )
        )
        return None
    try:
        snap.coverage = read_coverage(path, project.root)
    except (CoverageError, OSError) as exc:
        rel = project.rel(path)
        snap.inputs.append(InputNote("coverage", rel, "broken", str(exc)))
        found.append(make("status/input-broken", rel, None, None, f"cannot read coverage: {exc}"))
        return None
    snap.inputs.append(InputNote("coverage", snap.coverage.source, "ok", snap.coverage.format))
    if not s.coverage_html:
        return None
    folder = project.root / s.coverage_html
    pages = html_pages(folder) if (folder / "index.html").is_file() else {}
    if not pages:
        snap.inputs.append(InputNote("coverage_html", s.coverage_html, "missing"))
        return None
    for entry in snap.coverage.files:
        entry.html = pages.get(entry.path)
    snap.coverage_html_dir = f"{s.output_dir}/htmlcov"
    snap.inputs.append(InputNote("coverage_html", s.coverage_html, "ok", f"{len(pages)} pages"))
    return folder


def repository_name(project: Project, s: StatusSettings, env: Mapping[str, str]) -> str:
    """The name this site's builds are kept under in a shared history database."""
    if s.history_repository:
        return s.history_repository
    if s.github is not None and s.github.repo:
        return s.github.repo
    if env.get("GITHUB_REPOSITORY"):
        return env["GITHUB_REPOSITORY"]
    remote = _git(project.root, "remote", "get-url", "origin")
    if remote:
        return _remote_name(remote)
    return project.root.name


def _remote_name(remote: str) -> str:
    """``host/owner/name`` of a git remote URL (https, ssh or scp-like), credentials dropped."""
    text = remote.strip()
    if "://" in text:
        parts = urlsplit(text)
        text = f"{parts.hostname or ''}{parts.path}"
    elif ":" in text:  # git@github.com:owner/name.git
        host, _, path = text.partition(":")
        text = f"{host.rsplit('@', 1)[-1]}/{path}"
    text = text.rstrip("/")
    return text[:-4] if text.endswith(".git") else text


def _open_history(
    project: Project,
    s: StatusSettings,
    snap: Snapshot,
    found: list[Finding],
    env: Mapping[str, str],
) -> tuple[Store, list[HistoryEntry], list[HistoryEntry]]:
    store: Store
    if not s.history:
        store = MemoryStore()
    elif is_postgres(s.history):
        from .pghistory import PostgresStore

        store = PostgresStore(s.history, repository_name(project, s, env))
    else:
        path = project.root / s.history
        try:
            store = SqliteStore(path)
        except sqlite3.DatabaseError as exc:
            aside = path.with_name(path.name + ".corrupt")
            os.replace(path, aside)
            found.append(
                make(
                    "status/input-broken",
                    s.history,
                    None,
                    None,
                    f"the history store is not a usable SQLite file ({exc}); "
                    f"moved it to '{aside.name}' and started a new one",
                )
            )
            store = SqliteStore(path)
    entries = store.entries()
    seed: list[HistoryEntry] = []
    if not entries and s.history_url:
        try:
            seed = read_published(s.history_url, project.root)
            snap.inputs.append(InputNote("history", s.history_url, "ok", f"{len(seed)} entries"))
        except ValueError as exc:
            snap.inputs.append(InputNote("history", s.history_url, "broken", str(exc)))
            found.append(
                make(
                    "status/input-broken",
                    project.config_rel,
                    None,
                    None,
                    f"cannot read the published history: {exc}",
                )
            )
    elif s.history:
        snap.inputs.append(InputNote("history", redact(s.history), "ok", f"{len(entries)} entries"))
    return store, entries or seed, seed


def _same(a: HistoryEntry, b: HistoryEntry) -> bool:
    return bool(a.commit) and a.commit == b.commit and a.branch == b.branch


def _entry(snap: Snapshot) -> HistoryEntry | None:
    if snap.tests is None and snap.coverage is None:
        return None
    entry = HistoryEntry(
        generated_at=snap.generated_at.isoformat(timespec="seconds"),
        commit=snap.commit,
        branch=snap.branch,
    )
    if snap.coverage is not None:
        total = snap.coverage.totals
        entry.coverage = total.percent
        entry.line_coverage = total.line_percent
        entry.branch_coverage = total.branch_percent
    if snap.tests is not None:
        t = snap.tests
        entry.passed, entry.failed, entry.skipped, entry.errors = (
            t.passed,
            t.failed,
            t.skipped,
            t.errors,
        )
        entry.test_seconds = t.duration
    if snap.github is not None:
        for workflow in snap.github.workflows:
            run = figures.last_conclusion(workflow)
            if run is not None and run.duration is not None:
                entry.durations[workflow.name] = run.duration
    return entry


def _quality(engine: Engine) -> Quality:
    from ..errors import DocgatesError
    from ..findings import Severity

    try:
        report = engine.check(SOURCE_GATES)
    except DocgatesError as exc:
        return Quality(problem=str(exc))
    quality = Quality(pages=report.stats.files)
    for finding in report.findings:
        quality.by_rule[finding.rule] = quality.by_rule.get(finding.rule, 0) + 1
    quality.errors = report.count(Severity.ERROR)
    quality.warnings = report.count(Severity.WARNING)
    quality.top = [f for f in report.findings if f.severity is not Severity.INFO][:10]
    return quality


def _gates(snap: Snapshot, s: StatusSettings) -> list[Finding]:
    found: list[Finding] = []
    cov = snap.coverage
    p = s.precision
    if cov is not None:
        total = cov.totals
        if s.fail_under > 0 and figures.should_fail(total.percent, s.fail_under, p):
            branch = (
                f", branches {figures.display(total.branch_percent, p)}%"
                if total.branch_percent is not None
                else ""
            )
            found.append(
                make(
                    "status/coverage-below",
                    cov.source,
                    None,
                    None,
                    f"total coverage {figures.display(total.percent, p)}% (lines "
                    f"{figures.display(total.line_percent, p)}%{branch}) is below "
                    f"fail_under {s.fail_under:g}%",
                    hint="The coverage page lists the files with the most missing lines.",
                )
            )
        if s.fail_under_file > 0:
            for f in cov.files:
                if figures.should_fail(f.percent, s.fail_under_file, p):
                    found.append(
                        make(
                            "status/coverage-below",
                            cov.source,
                            f.line,
                            None,
                            f"'{f.path}' is covered {figures.display(f.percent, p)}%, below "
                            f"fail_under_file {s.fail_under_file:g}%",
                        )
                    )
    tests = snap.tests
    if tests is not None:
        for source in tests.files:
            bad = [c for c in tests.failures if c.file == source]
            if not bad:
                continue
            count = sum(1 for c in tests.cases if c.file == source)
            names = ", ".join(c.id[:120] for c in bad[:5]) + (" …" if len(bad) > 5 else "")
            failed = sum(1 for c in bad if c.outcome == "failed")
            found.append(
                make(
                    "status/tests-failed",
                    source,
                    bad[0].line,
                    None,
                    f"{len(bad)} of {count} tests did not pass ({failed} failed, "
                    f"{len(bad) - failed} errors): {names}",
                )
            )
    return found


def _levels(found: list[Finding], settings: Settings) -> list[Finding]:
    result = []
    for finding in found:
        level = settings.level("status", finding.rule)
        if level is None:
            continue
        result.append(finding if level is finding.severity else finding.with_severity(level))
    return result
