"""The status model: what the inputs say, as plain data that every output is drawn from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..findings import Finding


@dataclass
class TestCase:
    """One test case of a JUnit report."""

    __test__ = False  # not a pytest test class

    name: str
    classname: str
    time: float
    outcome: str
    """``passed``, ``failed``, ``error`` or ``skipped``."""
    message: str = ""
    """The failure/error/skip message and its text, as the runner wrote it."""
    file: str = ""
    """The JUnit file (project-relative) this case was read from."""
    line: int | None = None
    """The line of the ``<testcase>`` element in that file."""
    message_length: int = 0
    """Characters of the whole message, before it was cut to a size the pages can carry."""

    @property
    def id(self) -> str:
        return f"{self.classname}::{self.name}" if self.classname else self.name


@dataclass
class TestReport:
    """Every test case of every JUnit file, with the counts."""

    __test__ = False  # not a pytest test class

    cases: list[TestCase] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    duration: float = 0.0
    """Seconds the suites took, as the reports say (the sum of the top-level suites)."""
    timestamp: datetime | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for case in self.cases if case.outcome == outcome)

    @property
    def passed(self) -> int:
        return self.count("passed")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def failures(self) -> list[TestCase]:
        return [c for c in self.cases if c.outcome in ("failed", "error")]

    def slowest(self, n: int = 10) -> list[TestCase]:
        """The ``n`` slowest tests that ran: a skipped test's time is its setup's, and says
        nothing about what is slow."""
        ran = [c for c in self.cases if c.outcome != "skipped" and c.time > 0]
        return sorted(ran, key=lambda c: -c.time)[:n]


@dataclass
class FileCoverage:
    """coverage.py's figures for one source file; lines and branches kept apart."""

    path: str
    statements: int
    missing: int
    excluded: int = 0
    branches: int = 0
    partial: int = 0
    """Lines with some of their branches never taken (coverage.py's "BrPart")."""
    missing_branches: int = 0
    html: str | None = None
    """The file's page in coverage.py's HTML report, relative to that report's folder."""
    line: int | None = None
    """Where this file's entry sits in the input (for findings)."""

    @property
    def covered_lines(self) -> int:
        return self.statements - self.missing

    @property
    def covered_branches(self) -> int:
        return self.branches - self.missing_branches

    @property
    def percent(self) -> float:
        """coverage.py's combined figure: (covered lines + branches) / (lines + branches)."""
        return percent(self.covered_lines + self.covered_branches, self.statements + self.branches)

    @property
    def line_percent(self) -> float:
        return percent(self.covered_lines, self.statements)

    @property
    def branch_percent(self) -> float | None:
        return percent(self.covered_branches, self.branches) if self.branches else None


def percent(part: int, whole: int) -> float:
    """``part`` of ``whole`` in percent; 100 for nothing to cover, as coverage.py counts it."""
    return 100.0 * part / whole if whole else 100.0


@dataclass
class CoverageReport:
    """A coverage measurement, per file and in total."""

    source: str
    """The input it was read from (project-relative)."""
    format: str
    """``json``, ``cobertura`` or ``data`` (a ``.coverage`` file)."""
    files: list[FileCoverage] = field(default_factory=list)
    branch: bool = False
    """Whether branches were measured."""
    timestamp: datetime | None = None

    @property
    def totals(self) -> FileCoverage:
        total = FileCoverage("TOTAL", 0, 0)
        for f in self.files:
            total.statements += f.statements
            total.missing += f.missing
            total.excluded += f.excluded
            total.branches += f.branches
            total.partial += f.partial
            total.missing_branches += f.missing_branches
        return total


@dataclass
class Run:
    """One workflow run on the watched branch."""

    id: int
    workflow_id: int
    number: int
    status: str
    conclusion: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime
    url: str
    sha: str
    title: str
    event: str = ""
    attempt: int = 1
    duration: float | None = None
    """Seconds from the first job's start to the last job's end (or the run's own times)."""


@dataclass
class Workflow:
    id: int
    name: str
    path: str
    url: str
    runs: list[Run] = field(default_factory=list)
    """Newest first."""

    @property
    def completed(self) -> list[Run]:
        return [r for r in self.runs if r.status == "completed"]


@dataclass
class Deployment:
    id: int
    environment: str
    sha: str
    ref: str
    created_at: datetime
    state: str | None = None
    """The deployment's latest status (``success``, ``failure``, ...), when it was fetched."""
    succeeded: bool | None = None
    url: str = ""


@dataclass
class GithubData:
    """What the Actions API said, and how far it could be asked."""

    repo: str
    api_url: str
    branch: str = ""
    html_url: str = ""
    workflows: list[Workflow] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)
    problem: str | None = None
    """Why some or all data is missing (unreachable, rate-limited, refused)."""
    rate_limited_until: datetime | None = None
    from_cache: bool = False
    """True when some answers came from the cache because the API did not give fresh ones."""
    requests: int = 0


@dataclass
class HistoryEntry:
    """The figures of one build, as the history store keeps them."""

    generated_at: str
    commit: str = ""
    branch: str = ""
    coverage: float | None = None
    line_coverage: float | None = None
    branch_coverage: float | None = None
    passed: int | None = None
    failed: int | None = None
    skipped: int | None = None
    errors: int | None = None
    test_seconds: float | None = None
    durations: dict[str, float] = field(default_factory=dict)
    """Latest run duration per workflow name, in seconds."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "commit": self.commit,
            "branch": self.branch,
            "coverage": self.coverage,
            "line_coverage": self.line_coverage,
            "branch_coverage": self.branch_coverage,
            "tests": {
                "passed": self.passed,
                "failed": self.failed,
                "skipped": self.skipped,
                "errors": self.errors,
                "seconds": self.test_seconds,
            },
            "durations": dict(self.durations),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryEntry:
        tests: dict[str, Any] = data["tests"] if isinstance(data.get("tests"), dict) else {}
        durations: dict[str, Any] = (
            data["durations"] if isinstance(data.get("durations"), dict) else {}
        )
        return cls(
            generated_at=str(data["generated_at"]),
            commit=str(data.get("commit") or ""),
            branch=str(data.get("branch") or ""),
            coverage=_num(data.get("coverage")),
            line_coverage=_num(data.get("line_coverage")),
            branch_coverage=_num(data.get("branch_coverage")),
            passed=_int(tests.get("passed")),
            failed=_int(tests.get("failed")),
            skipped=_int(tests.get("skipped")),
            errors=_int(tests.get("errors")),
            test_seconds=_num(tests.get("seconds")),
            durations={
                str(k): float(v)
                for k, v in durations.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
            },
        )


def _num(value: Any) -> float | None:
    """A finite number (JSON also has 1e999 and integers too large for a float)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


@dataclass
class Quality:
    """docgates' own findings on this site (the docs-quality tile)."""

    errors: int = 0
    warnings: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    top: list[Finding] = field(default_factory=list)
    pages: int = 0
    problem: str | None = None


@dataclass
class InputNote:
    """What happened to one input: read, missing, or broken (and why)."""

    kind: str
    """``junit``, ``coverage``, ``coverage_html``, ``github`` or ``history``."""
    source: str
    state: str
    """``ok``, ``missing``, ``broken`` or ``off``."""
    detail: str = ""


@dataclass
class Snapshot:
    """Everything one build knows: the model every page, JSON file and badge is drawn from."""

    generated_at: datetime
    commit: str = ""
    branch: str = ""
    tests: TestReport | None = None
    coverage: CoverageReport | None = None
    github: GithubData | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    """Earlier builds, oldest first, with this build's entry last."""
    current: HistoryEntry | None = None
    """This build's own entry (also the last of ``history``), when it measured anything."""
    quality: Quality | None = None
    inputs: list[InputNote] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    coverage_html_dir: str | None = None
    """Where the copied HTML report sits in the site, when one was given."""

    def note(self, kind: str) -> list[InputNote]:
        return [n for n in self.inputs if n.kind == kind]
