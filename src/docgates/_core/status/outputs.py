"""Everything the status gate adds to a site, as ``{site path: content}``: the two pages,
``status.json``, ``history.json``, the badges and the page assets; plus the HTML coverage
report's files to copy. The MkDocs plugin and ``docgates status --out`` write the same set."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import StatusSettings
from . import figures, safe
from .badges import badges
from .coverage_page import coverage_page
from .history import history_document
from .model import Snapshot
from .pages import ASSET_CSS, ASSET_JS, PageContext
from .render import status_page

STATUS_SCHEMA = "docgates.status/1"
_COVERAGE_KEYS = [
    "percent",
    "display",
    "line_percent",
    "branch_percent",
    "statements",
    "missing",
    "branches",
    "partial",
    "files",
    "fail_under",
    "passed",
    "previous",
    "source",
    "format",
]
"""``status.json``'s ``coverage`` keys, all there (as ``null``) when there is no data."""


def site_files(
    snap: Snapshot, settings: StatusSettings, *, use_directory_urls: bool = True
) -> dict[str, str]:
    out = settings.output_dir.strip("/") or "status"
    files: dict[str, str] = {}
    status_src = settings.status_page or None
    coverage_src = settings.coverage_page or None
    if status_src:
        ctx = PageContext(settings, status_src, use_directory_urls)
        files[status_src] = status_page(snap, ctx, coverage_src)
    if coverage_src:
        ctx = PageContext(settings, coverage_src, use_directory_urls)
        files[coverage_src] = coverage_page(snap, ctx, status_src)
    files[f"{out}/status.json"] = json.dumps(status_document(snap, settings), indent=2) + "\n"
    files[f"{out}/history.json"] = (
        json.dumps(history_document(snap.history, settings.history_limit), indent=2) + "\n"
    )
    for name, svg in badges(
        snap, fail_under=settings.fail_under, precision=settings.precision
    ).items():
        files[f"{out}/badges/{name}.svg"] = svg
    assets = resources.files("docgates._core.status") / "assets"
    for name in (ASSET_JS, ASSET_CSS):
        files[f"{out}/{name}"] = (assets / name).read_text("utf-8")
    return files


def html_report_files(folder: Path | None, settings: StatusSettings) -> dict[str, Path]:
    """coverage.py's HTML report, file by file, under ``<output_dir>/htmlcov/``."""
    if folder is None:
        return {}
    out = settings.output_dir.strip("/") or "status"
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.name != ".gitignore":
            found[f"{out}/htmlcov/{path.relative_to(folder).as_posix()}"] = path
    return found


def status_document(snap: Snapshot, settings: StatusSettings) -> dict[str, Any]:
    """``status.json``: the figures for scripts; the keys are there even without data."""
    p = settings.precision
    cov = snap.coverage
    gate = figures.coverage_gate(cov, settings.fail_under, p) if cov else None
    tests = snap.tests
    doc: dict[str, Any] = {
        "schema": STATUS_SCHEMA,
        "generated_at": snap.generated_at.isoformat(timespec="seconds"),
        "commit": snap.commit,
        "branch": snap.branch,
        "state": figures.overall(snap, gate),
        "tests": {
            "passed": tests.passed if tests else None,
            "failed": tests.failed if tests else None,
            "skipped": tests.skipped if tests else None,
            "errors": tests.errors if tests else None,
            "total": tests.total if tests else None,
            "seconds": round(tests.duration, 3) if tests else None,
            "failures": [
                {
                    "id": c.id,
                    "outcome": c.outcome,
                    "message": safe.truncate(c.message, 1000, length=c.message_length),
                }
                for c in (tests.failures[:50] if tests else [])
            ],
        },
        "coverage": _coverage(snap, settings, gate),
        "ci": _ci(snap),
        "docs": None,
        "inputs": [
            {"kind": n.kind, "source": n.source, "state": n.state, "detail": n.detail}
            for n in snap.inputs
        ],
    }
    q = snap.quality
    if q is not None and not q.problem:
        doc["docs"] = {"errors": q.errors, "warnings": q.warnings, "by_rule": q.by_rule}
    return doc


def _coverage(snap: Snapshot, settings: StatusSettings, gate: bool | None) -> dict[str, Any]:
    cov = snap.coverage
    if cov is None:
        return dict.fromkeys(_COVERAGE_KEYS)
    total = cov.totals
    previous = figures.previous_main(snap)
    return {
        "percent": total.percent,
        "display": figures.display(total.percent, settings.precision),
        "line_percent": total.line_percent,
        "branch_percent": total.branch_percent,
        "statements": total.statements,
        "missing": total.missing,
        "branches": total.branches,
        "partial": total.partial,
        "files": len(cov.files),
        "fail_under": settings.fail_under,
        "passed": gate,
        "previous": previous.coverage if previous else None,
        "source": cov.source,
        "format": cov.format,
    }


def _ci(snap: Snapshot) -> dict[str, Any] | None:
    gh = snap.github
    if gh is None:
        return None
    now = snap.generated_at
    workflows = []
    for w in gh.workflows:
        last = figures.last_conclusion(w)
        d = figures.durations(w, now)
        workflows.append(
            {
                "id": w.id,
                "name": w.name,
                "url": w.url,
                "conclusion": last.conclusion if last else None,
                "run_number": last.number if last else None,
                "run_url": last.url if last else None,
                "updated_at": last.updated_at.isoformat() if last else None,
                "p50_seconds": d.p50,
                "p90_seconds": d.p90,
                "failure_rate_7d": figures.failure_rate(w.runs, now, 7).percent,
                "failure_rate_30d": figures.failure_rate(w.runs, now, 30).percent,
            }
        )
    return {
        "repo": gh.repo,
        "branch": gh.branch,
        "problem": gh.problem,
        "workflows": workflows,
        "deployments": [
            {
                "environment": e.environment,
                "last_state": e.last.state,
                "last_at": e.last.created_at.isoformat(),
                "per_week": e.per_week,
                "count_30d": e.count,
            }
            for e in figures.deployments(gh.deployments, now)
        ],
    }
