"""Put the JSON reports of ``docgates check --shard K/N`` back together into one run's report.

The merged report is what one run over the whole site reports: the shards' findings (a finding
that several shards saw, one included snippet used by pages of different shards, is folded into
one, with the pages counted as one run counts them), their statistics added up (the time is the
slowest shard's: they ran side by side), and the notices once each, the external-link summary
written again from the added-up counts. The shards must be exactly 1..N of one site; anything
else is an error rather than a report that quietly misses pages.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .engine import fold_note, unfold
from .errors import DocgatesError
from .findings import RULES, Finding, Severity
from .report import PageStats, Report, Stats

_BASE_STATS = {"files", "code_blocks", "links", "seconds", "python_blocks", "checked",
               "skipped", "skip_reasons", "pages"}  # fmt: skip


@dataclass
class ShardReport:
    source: str
    root: str
    index: int
    count: int
    site: str
    findings: list[Finding]
    stats: Stats
    notices: list[str]


def load(path: Path) -> ShardReport:
    """Read one shard's JSON report; a :class:`DocgatesError` saying why it is not one."""
    name = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DocgatesError(f"cannot read '{name}': {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocgatesError(f"'{name}' is not a JSON report: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != "docgates.findings/1":
        raise DocgatesError(f"'{name}' is not a docgates JSON report (docgates.findings/1)")
    stats = data.get("stats")
    shard = stats.get("shard") if isinstance(stats, dict) else None
    if not isinstance(stats, dict) or not isinstance(shard, dict):
        raise DocgatesError(
            f"'{name}' is the report of a whole run, not of a shard "
            "(write one with 'docgates check --shard K/N --format json')"
        )
    try:
        findings = [_finding(item) for item in data["findings"]]
        return ShardReport(
            name,
            str(data.get("root", ".")),
            int(shard["index"]),
            int(shard["count"]),
            str(shard["site"]),
            findings,
            _stats(stats),
            [str(n) for n in shard.get("notices", [])],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DocgatesError(f"'{name}' is not a readable shard report: {exc!r}") from None


def _finding(item: dict[str, Any]) -> Finding:
    rule = str(item["rule"])
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    return Finding(
        path=str(item["path"]),
        line=item.get("line"),
        column=item.get("column"),
        rule=rule,
        severity=Severity(item["severity"]),
        message=str(item["message"]),
        hint=item.get("hint"),
    )


def _stats(data: dict[str, Any]) -> Stats:
    stats = Stats(
        files=int(data.get("files", 0)),
        code_blocks=int(data.get("code_blocks", 0)),
        python_blocks=int(data.get("python_blocks", 0)),
        checked=int(data.get("checked", 0)),
        skipped=int(data.get("skipped", 0)),
        skip_reasons=Counter({str(k): int(v) for k, v in data.get("skip_reasons", {}).items()}),
        links=int(data.get("links", 0)),
        seconds=float(data.get("seconds", 0.0)),
        pages={
            str(path): PageStats(int(p["blocks"]), int(p["checked"]), int(p["skipped"]))
            for path, p in data.get("pages", {}).items()
        },
    )
    stats.extra = {k: v for k, v in data.items() if k not in _BASE_STATS and k != "shard"}
    return stats


def merge(shards: list[ShardReport], root: Path) -> Report:
    """One run's report from all the shards of it (in any order)."""
    if not shards:
        raise DocgatesError("no shard reports to merge")
    count = shards[0].count
    sites = {s.site for s in shards}
    if len(sites) > 1 or any(s.count != count for s in shards):
        raise DocgatesError(
            "the reports are shards of different runs (another site, commit or shard count): "
            + ", ".join(f"'{s.source}' ({s.index}/{s.count})" for s in shards)
        )
    seen: dict[int, str] = {}
    for s in shards:
        if s.index in seen:
            raise DocgatesError(
                f"shard {s.index}/{count} is given twice: '{seen[s.index]}' and '{s.source}'"
            )
        seen[s.index] = s.source
    missing = [str(k) for k in range(1, count + 1) if k not in seen]
    if missing:
        raise DocgatesError(
            f"shard{'s' * (len(missing) > 1)} {', '.join(missing)} of {count} "
            f"{'are' if len(missing) > 1 else 'is'} missing: the merge would miss their pages"
        )
    ordered = sorted(shards, key=lambda s: s.index)
    report = Report(root)
    report.findings = _fold([f for s in ordered for f in s.findings])
    for s in ordered:
        report.stats.merge(s.stats)
    report.stats.seconds = max(s.stats.seconds for s in ordered)
    report.notices = _notices(ordered, report.stats)
    report.sort()
    return report


def _fold(found: list[Finding]) -> list[Finding]:
    """Findings seen by several shards at one place become one, as in a single run."""
    groups: dict[tuple[str, str, int | None, int | None], tuple[Finding, int]] = {}
    for finding in found:
        key = (finding.rule, finding.path, finding.line, finding.column)
        base, more = unfold(finding.message)
        if key in groups:
            first, pages = groups[key]
            # One run names the first page (in path order) that led to it, e.g. the first
            # page that includes a snippet: the message that sorts first.
            if base < first.message:
                first = replace(finding, message=base)
            groups[key] = (first, pages + more + 1)
        else:
            groups[key] = (replace(finding, message=base), more + 1)
    return [
        replace(first, message=fold_note(first.message, pages - 1))
        for first, pages in groups.values()
    ]


def _notices(shards: list[ShardReport], stats: Stats) -> list[str]:
    from .checks.external import summary

    notices: list[str] = []
    for s in shards:
        counts = s.stats.extra.get("external")
        own = summary(counts) if isinstance(counts, dict) else None
        for notice in s.notices:
            if notice == own:
                notice = summary(stats.extra["external"])
            if notice not in notices:
                notices.append(notice)
    return notices
