"""Figures drawn from the model: percentiles, failure rates, deployment frequency, the state."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from .model import CoverageReport, Deployment, HistoryEntry, Run, Snapshot, Workflow

FAILED = frozenset({"failure", "timed_out", "startup_failure"})
COUNTED = FAILED | {"success"}
"""Conclusions a failure rate counts: cancelled, skipped, neutral and stale runs are left out."""


def quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile with linear interpolation between ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class Durations:
    p50: float | None
    p90: float | None
    runs: int
    trend: float | None
    """p50 of the last 7 days against the 23 days before, as a ratio minus one."""
    series: list[tuple[datetime, float, str]]
    """(start, seconds, conclusion) of each timed run, oldest first."""


def durations(workflow: Workflow, now: datetime, days: int = 30) -> Durations:
    horizon = now - timedelta(days=days)
    timed = [
        r
        for r in workflow.completed
        if r.duration is not None and r.conclusion in COUNTED and r.created_at >= horizon
    ]
    values = [r.duration for r in timed if r.duration is not None]
    week = now - timedelta(days=7)
    recent = [r.duration for r in timed if r.created_at >= week and r.duration is not None]
    before = [r.duration for r in timed if r.created_at < week and r.duration is not None]
    trend = None
    if len(recent) >= 3 and len(before) >= 3:
        base = quantile(before, 0.5) or 0.0
        trend = (quantile(recent, 0.5) or 0.0) / base - 1 if base else None
    series = [
        (r.started_at, r.duration or 0.0, r.conclusion or "")
        for r in sorted(timed, key=lambda r: r.created_at)
    ]
    return Durations(quantile(values, 0.5), quantile(values, 0.9), len(values), trend, series)


@dataclass
class Rate:
    failed: int
    counted: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.failed / self.counted if self.counted else None


def failure_rate(runs: list[Run], now: datetime, days: int) -> Rate:
    horizon = now - timedelta(days=days)
    counted = [
        r
        for r in runs
        if r.status == "completed" and r.conclusion in COUNTED and r.created_at >= horizon
    ]
    return Rate(sum(1 for r in counted if r.conclusion in FAILED), len(counted))


@dataclass
class EnvironmentDeploys:
    environment: str
    last: Deployment
    last_success: Deployment | None
    count: int
    """Deployments in the window that succeeded (or whose outcome is not known)."""
    known: bool
    """Whether every counted deployment's outcome was known."""
    per_week: float


def deployments(items: list[Deployment], now: datetime, days: int = 30) -> list[EnvironmentDeploys]:
    horizon = now - timedelta(days=days)
    result = []
    for env in sorted({d.environment for d in items}):
        mine = sorted(
            (d for d in items if d.environment == env), key=lambda d: d.created_at, reverse=True
        )
        window = [d for d in mine if d.created_at >= horizon and d.succeeded is not False]
        result.append(
            EnvironmentDeploys(
                environment=env,
                last=mine[0],
                last_success=next((d for d in mine if d.succeeded), None),
                count=len(window),
                known=all(d.succeeded is not None for d in window),
                per_week=len(window) * 7 / days,
            )
        )
    return result


def last_conclusion(workflow: Workflow) -> Run | None:
    return next(iter(workflow.completed), None)


def coverage_gate(coverage: CoverageReport, fail_under: float, precision: int) -> bool | None:
    """``True`` when the total passes ``fail_under`` (as coverage.py decides), ``None`` if off."""
    if fail_under <= 0:
        return None
    return not should_fail(coverage.totals.percent, fail_under, precision)


def should_fail(total: float, fail_under: float, precision: int) -> bool:
    """coverage.py's rule: compare after rounding to the shown precision; 100 means 100."""
    if fail_under >= 100.0:
        return total < 100.0
    digits = max(precision, _decimals(fail_under))
    return round(total, digits) < fail_under


def _decimals(value: float) -> int:
    text = repr(float(value))
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def display(pc: float, precision: int) -> str:
    """A percentage as coverage.py shows it: never "0" or "100" unless it truly is."""
    near0 = 1.0 / 10**precision
    if 0 < pc < near0:
        pc = near0
    elif (100.0 - near0) < pc < 100:
        pc = 100.0 - near0
    else:
        pc = round(pc, precision)
    return f"{pc:.{precision}f}"


def previous_main(snap: Snapshot) -> HistoryEntry | None:
    """The latest earlier build (of another commit) of the default branch that measured
    coverage; of this build's own branch when the default branch has none."""
    main = (snap.github.branch if snap.github else "") or "main"
    earlier = [
        e
        for e in snap.history
        if e.coverage is not None
        and e is not snap.current
        and not (snap.commit and e.commit == snap.commit)
    ]
    for branch in dict.fromkeys([main, snap.branch]):
        for entry in reversed(earlier):
            if entry.branch == branch:
                return entry
    return None


def ci_known(snapshot: Snapshot) -> bool:
    """Whether CI's own runs are known: GitHub data with a finished run of some workflow."""
    gh = snapshot.github
    return gh is not None and any(last_conclusion(w) is not None for w in gh.workflows)


def overall(snapshot: Snapshot, gate_passed: bool | None) -> str:
    """``failing``, ``passing`` or ``unknown``: red if anything we know of is red."""
    known = False
    if snapshot.tests is not None and snapshot.tests.total:
        known = True
        if snapshot.tests.failed or snapshot.tests.errors:
            return "failing"
    if snapshot.coverage is not None:
        known = True
        if gate_passed is False:
            return "failing"
    if snapshot.github is not None:
        for workflow in snapshot.github.workflows:
            run = last_conclusion(workflow)
            if run is not None:
                known = True
                if run.conclusion in FAILED:
                    return "failing"
    return "passing" if known else "unknown"


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return "\u2013"  # an en dash: no figure
    if seconds < 10:
        return f"{seconds:.2f}s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {sec:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def human_age(then: datetime, now: datetime) -> str:
    seconds = (now - then).total_seconds()
    if seconds < 0:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"
