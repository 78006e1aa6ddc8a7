"""The coverage page: totals, the gates, and a sortable per-file table with bars and flags."""

from __future__ import annotations

import posixpath

from . import figures, safe
from .model import FileCoverage, Snapshot
from .pages import ASSET_CSS, ASSET_JS, PageContext, block, coverage_hint, note, table
from .render import broken_note, coverage_chart


def coverage_page(snap: Snapshot, ctx: PageContext, status_src: str | None) -> str:
    s = ctx.settings
    parts = ["---", "title: Coverage", "---", "", "# Coverage", ""]
    assets = (
        f'<link rel="stylesheet" href="{safe.text(ctx.asset(ASSET_CSS))}">'
        f'<script src="{safe.text(ctx.asset(ASSET_JS))}" defer></script>'
    )
    cov = snap.coverage
    if cov is None:
        parts.append(block(assets + (broken_note(snap, "coverage") or note(*coverage_hint(s)))))
        return "\n".join(parts)
    total = cov.totals
    p = s.precision
    gate = figures.coverage_gate(cov, s.fail_under, p)
    rows = [
        ["Total (lines and branches)", f"<strong>{figures.display(total.percent, p)}%</strong>"],
        [
            "Lines",
            f"{figures.display(total.line_percent, p)}% "
            f"({total.covered_lines} of {total.statements})",
        ],
        [
            "Branches",
            f"{figures.display(total.branch_percent, p)}% "
            f"({total.covered_branches} of {total.branches}, "
            f"{total.partial} partial)"
            if total.branch_percent is not None
            else "not measured",
        ],
        ["Files", str(len(cov.files))],
    ]
    html = [assets, table(["", "Coverage"], rows)]
    if gate is None:
        html.append("<p>Total gate: off (fail_under is 0).</p>")
    else:
        html.append(
            f'<p class="dg-gate dg-gate-{"pass" if gate else "fail"}">Total gate: '
            f"{'✓ passes' if gate else '✗ below'} fail_under {s.fail_under:g}%.</p>"
        )
    below = _below(cov.files, s.fail_under_file, p)
    if s.fail_under_file > 0:
        html.append(
            f"<p>Per-file gate (fail_under_file {s.fail_under_file:g}%): "
            + (f"⚠ {len(below)} file(s) below." if below else "✓ every file passes.")
            + "</p>"
        )
    html.append(f"<p>From {safe.text(cov.source)} ({safe.text(cov.format)}).")
    if status_src:
        html.append("</p>")
    else:
        html.append("</p>")
    parts.append(block("".join(html)))
    if status_src:
        parts += ["", f"Back to the [CI status page]({ctx.page(status_src)}).", ""]
    parts += ["## Files", "", block(_files_table(snap, ctx, below)), ""]
    entries = [e for e in snap.history if e.coverage is not None]
    if len(entries) > 1:
        parts += ["## Over time", "", block(coverage_chart(entries)), ""]
    return "\n".join(parts)


def _below(files: list[FileCoverage], threshold: float, precision: int) -> set[str]:
    if threshold <= 0:
        return set()
    return {f.path for f in files if figures.should_fail(f.percent, threshold, precision)}


def _files_table(snap: Snapshot, ctx: PageContext, below: set[str]) -> str:
    s = ctx.settings
    cov = snap.coverage
    assert cov is not None
    p = s.precision
    headers = ["File", "Statements", "Missing", "Branches", "Partial", "Coverage", ""]
    head = "".join(
        f'<th data-dg-type="{"text" if i == 0 else "number"}">{safe.text(h)}</th>'
        for i, h in enumerate(headers)
    )
    rows = []
    for f in cov.files:
        pc = f.percent
        name = safe.text(f.path)
        if f.html and snap.coverage_html_dir:
            href = ctx.link(posixpath.join(snap.coverage_html_dir, f.html))
            name = f'<a href="{safe.text(href)}">{name}</a>'
        flag = ""
        if f.path in below:
            flag = (
                f' <span class="dg-flag" title="below fail_under_file {s.fail_under_file:g}%">'
                f"⚠ below {s.fail_under_file:g}%</span>"
            )
        shown = figures.display(pc, p)
        cells = [
            (f.path, f"<code>{name}</code>{flag}"),
            (str(f.statements), str(f.statements)),
            (str(f.missing), str(f.missing)),
            (str(f.branches), str(f.branches)),
            (str(f.partial), str(f.partial)),
            (f"{pc:.6f}", f"{shown}%"),
            (
                f"{pc:.6f}",
                f'<span class="dg-bar" aria-hidden="true"><span style="width:{pc:.1f}%">'
                "</span></span>",
            ),
        ]
        row_class = ' class="dg-below"' if f.path in below else ""
        rows.append(
            f"<tr{row_class}>"
            + "".join(f'<td data-dg-value="{safe.text(v)}">{c}</td>' for v, c in cells)
            + "</tr>"
        )
    return (
        '<p class="dg-hint">Click a column heading to sort.</p>'
        f'<table data-dg-sortable="true"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
