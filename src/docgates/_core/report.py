"""The result of a run: findings and statistics, as data."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding, Severity


@dataclass
class PageStats:
    """Per-page counts of what the code gate did."""

    blocks: int = 0
    checked: int = 0
    skipped: int = 0


@dataclass
class Stats:
    """Counts of what a run looked at; ``to_dict`` is the ``stats`` object of the JSON output."""

    files: int = 0
    code_blocks: int = 0
    python_blocks: int = 0
    checked: int = 0
    skipped: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)
    links: int = 0
    seconds: float = 0.0
    pages: dict[str, PageStats] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def merge(self, other: Stats) -> None:
        """Add the counts of ``other`` (a part of the same run) to these."""
        self.files += other.files
        self.code_blocks += other.code_blocks
        self.python_blocks += other.python_blocks
        self.checked += other.checked
        self.skipped += other.skipped
        self.skip_reasons.update(other.skip_reasons)
        self.links += other.links
        for path, page in other.pages.items():
            mine = self.pages.setdefault(path, PageStats())
            mine.blocks += page.blocks
            mine.checked += page.checked
            mine.skipped += page.skipped
        for key, value in other.extra.items():
            counts = self.extra.get(key)
            if isinstance(value, dict) and isinstance(counts, dict):
                self.extra[key] = _add(counts, value)
            else:
                self.extra[key] = value

    def snapshot(self) -> Stats:
        """A copy to go back to (:meth:`restore`), cheap enough to take before every step."""
        copied = Stats(**{k: v for k, v in vars(self).items() if not isinstance(v, (dict, list))})
        copied.skip_reasons = Counter(self.skip_reasons)
        copied.pages = {k: PageStats(v.blocks, v.checked, v.skipped) for k, v in self.pages.items()}
        copied.extra = copy.deepcopy(self.extra)
        return copied

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "files": self.files,
            "code_blocks": self.code_blocks,
            "links": self.links,
            "seconds": round(self.seconds, 3),
            "python_blocks": self.python_blocks,
            "checked": self.checked,
            "skipped": self.skipped,
            "skip_reasons": dict(sorted(self.skip_reasons.items())),
            "pages": {
                path: {"blocks": p.blocks, "checked": p.checked, "skipped": p.skipped}
                for path, p in sorted(self.pages.items())
            },
        }
        data.update(self.extra)
        return data


@dataclass
class Report:
    """Findings (sorted by place) and statistics of one run."""

    root: Path
    findings: list[Finding] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    notices: list[str] = field(default_factory=list)
    """One-off remarks for the user (e.g. "no config found; assuming Material defaults")."""
    tracebacks: list[str] = field(default_factory=list, compare=False, repr=False)
    """The tracebacks of ``docgates/internal-error`` findings (printed with ``--debug``)."""

    def sort(self) -> None:
        self.findings.sort(key=lambda f: (f.path, f.line or 0, f.column or 0, f.rule))

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def failed(self) -> bool:
        """True when any finding is at error severity (exit code 1)."""
        return any(f.severity is Severity.ERROR for f in self.findings)


def _add(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """Counts of two parts of a run added up (numbers summed, nested counts merged)."""
    total = dict(left)
    for key, value in right.items():
        mine = total.get(key)
        if isinstance(value, dict) and isinstance(mine, dict):
            total[key] = _add(mine, value)
        elif isinstance(value, int | float) and isinstance(mine, int | float):
            total[key] = mine + value
        else:
            total[key] = value
    return total
