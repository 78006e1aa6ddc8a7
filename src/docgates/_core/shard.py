"""Sharded runs: ``docgates check --shard K/N`` reports on a stable 1/N of the pages.

A page belongs to shard ``K`` of ``N`` by a hash of its project-relative path, so the split is
the same on every machine and Python, and adding a page moves no other page to another shard.
Every shard still reads the whole site (links, anchors and orphans need every page's ids); it
reports only on its own pages, and shard 1 also reports what concerns the site as a whole (nav
entries in the config file). ``docgates merge`` puts the shards' JSON reports back together:
the same findings, output and exit code as one run over the whole site.

A shard's JSON report carries what the merge needs under ``stats.shard``: its place
(``index``/``count``), a fingerprint of the site's pages (so shards of different commits or
configs are not merged by mistake), and the run's notices.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .project import Project
from .report import Report

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int
    """1-based."""
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``K/N`` with 1 <= K <= N; ``ValueError`` (with the reason) otherwise."""
        match = _SPEC.match(text)
        if not match:
            raise ValueError(f"'{text}' is not K/N (for example 2/4)")
        index, count = int(match[1]), int(match[2])
        if count < 1 or not 1 <= index <= count:
            raise ValueError(f"'{text}': K must be between 1 and N, and N at least 1")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, rel: str) -> bool:
        return owner(rel, self.count) == self.index


def owner(rel: str, count: int) -> int:
    """The shard (1-based) that reports on the page at project-relative path ``rel``."""
    digest = hashlib.blake2b(rel.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count + 1


def fingerprint(rels: Sequence[str]) -> str:
    """A short hash of the set of pages: shards of one site have the same."""
    digest = hashlib.blake2b(digest_size=12)
    for rel in sorted(rels):
        digest.update(rel.encode("utf-8") + b"\0")
    return digest.hexdigest()


def select(project: Project, pages: Sequence[Path] | None, shard: Shard) -> list[Path]:
    """The pages of ``pages`` (default: every page) that ``shard`` reports on."""
    candidates = list(project.pages()) if pages is None else list(pages)
    return [p for p in candidates if shard.owns(project.rel(p))]


def site_of(project: Project, pages: Sequence[Path] | None) -> list[str]:
    candidates = list(project.pages()) if pages is None else list(pages)
    return [project.rel(p) for p in candidates]


def annotate(report: Report, shard: Shard, site: Sequence[str]) -> None:
    """Record in ``report`` what ``docgates merge`` needs (it is in the JSON's ``stats``)."""
    info: dict[str, Any] = {
        "index": shard.index,
        "count": shard.count,
        "site": fingerprint(site),
        "site_pages": len(site),
        "notices": list(report.notices),
    }
    report.stats.extra["shard"] = info
