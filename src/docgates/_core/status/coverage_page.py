"""The coverage page: totals as tiles, the gates, coverage rolled up per folder, and a sortable
per-file table that fits the content column.

The tables put the key columns first (name, coverage, missing, partial), shorten long paths
(the common folder is said once above the table, middle folders of a long path become "…",
the full path is the cell's tooltip) and let a path wrap after a ``/``; the less needed columns
and the bars carry ``dg-opt`` and step aside on narrow screens (``docgates-status.css``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from . import figures, safe
from .model import FileCoverage, HistoryEntry, Snapshot
from .pages import ASSET_CSS, ASSET_JS, PageContext, block, coverage_hint, note
from .render import broken_note, change_since, coverage_chart, coverage_tiles

PATH_LIMIT = 40
"""Characters of a shown path before its middle folders are shortened to "…"."""


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
    p = s.precision
    gate = figures.coverage_gate(cov, s.fail_under, p)
    html = [assets, coverage_tiles(snap, s, gate, files=True)]
    below = _below(cov.files, s.fail_under_file, p)
    if s.fail_under_file > 0:
        html.append(
            f"<p>Per-file gate (fail_under_file {s.fail_under_file:g}%): "
            + (f"⚠ {len(below)} file(s) below." if below else "✓ every file passes.")
            + "</p>"
        )
    html.append(change_since(snap, p))
    html.append(f"<p>From {safe.text(cov.source)} ({safe.text(cov.format)}).</p>")
    parts.append(block("".join(html)))
    if status_src:
        parts += ["", f"Back to the [CI status page]({ctx.page(status_src)}).", ""]
    entries = [e for e in snap.history if e.coverage is not None]
    if _trend(entries):
        parts += ["## Over time", "", block(coverage_chart(entries)), ""]
    base = common_folder([f.path for f in cov.files])
    folders = rollup(cov.files, base)
    if folders:
        parts += ["## Folders", "", block(_folders_table(folders, base, p)), ""]
    parts += ["## Files", "", block(_files_table(snap, ctx, below, base)), ""]
    return "\n".join(parts)


def _trend(entries: list[HistoryEntry]) -> bool:
    return len(entries) > 1


def _below(files: list[FileCoverage], threshold: float, precision: int) -> set[str]:
    if threshold <= 0:
        return set()
    return {f.path for f in files if figures.should_fail(f.percent, threshold, precision)}


# -- paths -----------------------------------------------------------------------------------


def common_folder(paths: list[str]) -> str:
    """The folder every path is in (``src/pkg/``), or ``""``; never a whole path."""
    if len(paths) < 2:
        return ""
    split = [p.split("/")[:-1] for p in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) + "/" if common else ""


def short_path(path: str, limit: int = PATH_LIMIT) -> str:
    """``path`` with middle folders replaced by "…" until it fits ``limit``; the first folder,
    the file's own folder and its name always stay (``a/…/webhooks/__init__.py``)."""
    parts = path.split("/")
    if len(path) <= limit or len(parts) <= 3:
        return path
    head, tail = parts[0], parts[2:]
    while len(tail) > 2 and len("/".join([head, "…", *tail])) > limit:
        tail = tail[1:]
    return "/".join([head, "…", *tail])


def path_cell(path: str, base: str, *, link: str | None = None, suffix: str = "") -> str:
    """A shortened path that may wrap after each ``/``, with the full path as its tooltip."""
    shown = short_path(path[len(base) :] if base and path.startswith(base) else path) + suffix
    pieces = shown.split("/")
    name = "/<wbr>".join(safe.text(piece) for piece in pieces)
    inner = f'<code title="{safe.text(path)}">{name}</code>'
    if link:
        inner = f'<a href="{safe.text(link)}">{inner}</a>'
    return inner


# -- folders ---------------------------------------------------------------------------------


@dataclass
class Folder:
    """The figures of every file under one folder, added up."""

    path: str
    files: int = 0
    statements: int = 0
    missing: int = 0
    branches: int = 0
    partial: int = 0
    missing_branches: int = 0

    def add(self, f: FileCoverage) -> None:
        self.files += 1
        self.statements += f.statements
        self.missing += f.missing
        self.branches += f.branches
        self.partial += f.partial
        self.missing_branches += f.missing_branches

    @property
    def percent(self) -> float:
        return FileCoverage(
            self.path,
            self.statements,
            self.missing,
            branches=self.branches,
            missing_branches=self.missing_branches,
        ).percent


def rollup(files: Iterable[FileCoverage], base: str = "") -> list[Folder]:
    """Coverage per folder, each folder counting every file below it, in path order.

    Left out: ``base`` and the folders above it (their figures are the total), and a folder
    that holds nothing but one subfolder (its figures are that subfolder's)."""
    folders: dict[str, Folder] = {}
    children: dict[str, set[str]] = {}
    direct: dict[str, int] = {}
    for f in files:
        parent = posixpath.dirname(f.path)
        direct[parent] = direct.get(parent, 0) + 1
        while parent:
            folders.setdefault(parent, Folder(parent)).add(f)
            above = posixpath.dirname(parent)
            children.setdefault(above, set()).add(parent)
            parent = above
    top = base.rstrip("/")
    shown = []
    for path in sorted(folders):
        if top and (path == top or not path.startswith(top + "/")):
            continue
        kids = children.get(path, set())
        if len(kids) == 1 and _same(folders[path], folders[next(iter(kids))]):
            continue  # its figures are its one subfolder's (an empty __init__.py at most)
        shown.append(folders[path])
    return shown if len(shown) > 1 else []


def _same(a: Folder, b: Folder) -> bool:
    return (a.statements, a.missing, a.branches, a.partial) == (
        b.statements,
        b.missing,
        b.branches,
        b.partial,
    )


# -- tables ----------------------------------------------------------------------------------


def _head(columns: list[tuple[str, str, bool]]) -> str:
    """``(label, type, optional)`` per column: sortable headings, optional ones marked."""
    cells = []
    for label, kind, optional in columns:
        classes = " ".join(
            c for c in ("dg-num" if kind == "number" else "", "dg-opt" if optional else "") if c
        )
        attr = f' class="{classes}"' if classes else ""
        cells.append(f'<th data-dg-type="{kind}" tabindex="0"{attr}>{safe.text(label)}</th>')
    return "<thead><tr>" + "".join(cells) + "</tr></thead>"


def _cell(value: str, html: str, *, num: bool = True, optional: bool = False) -> str:
    classes = " ".join(c for c in ("dg-num" if num else "", "dg-opt" if optional else "") if c)
    attr = f' class="{classes}"' if classes else ""
    return f'<td data-dg-value="{safe.text(value)}"{attr}>{html}</td>'


def _percent_cell(pc: float, precision: int) -> str:
    shown = figures.display(pc, precision)
    bar = (
        f'<span class="dg-bar dg-opt" aria-hidden="true"><span style="width:{pc:.1f}%">'
        "</span></span>"
    )
    return _cell(f"{pc:.6f}", f'<span class="dg-pc">{shown}%</span>{bar}')


def _base_note(base: str) -> str:
    if not base:
        return ""
    return f'<p class="dg-hint">Paths are relative to <code>{safe.text(base)}</code>.</p>'


def _folders_table(folders: list[Folder], base: str, precision: int) -> str:
    head = _head(
        [
            ("Folder", "text", False),
            ("Coverage", "number", False),
            ("Missing", "number", False),
            ("Partial", "number", False),
            ("Files", "number", True),
        ]
    )
    rows = [
        "<tr>"
        + _cell(f.path, path_cell(f.path, base, suffix="/"), num=False)
        + _percent_cell(f.percent, precision)
        + _cell(str(f.missing), str(f.missing))
        + _cell(str(f.partial), str(f.partial))
        + _cell(str(f.files), str(f.files), optional=True)
        + "</tr>"
        for f in folders
    ]
    return (
        _base_note(base)
        + '<table class="dg-table" data-dg-sortable="true">'
        + head
        + f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _files_table(snap: Snapshot, ctx: PageContext, below: set[str], base: str) -> str:
    s = ctx.settings
    cov = snap.coverage
    assert cov is not None
    p = s.precision
    head = _head(
        [
            ("File", "text", False),
            ("Coverage", "number", False),
            ("Missing", "number", False),
            ("Partial", "number", False),
            ("Statements", "number", True),
            ("Branches", "number", True),
        ]
    )
    rows = []
    for f in cov.files:
        link = None
        if f.html and snap.coverage_html_dir:
            link = ctx.link(posixpath.join(snap.coverage_html_dir, f.html))
        flag = ""
        if f.path in below:
            flag = (
                f' <span class="dg-flag" title="below fail_under_file {s.fail_under_file:g}%">'
                f"⚠ below {s.fail_under_file:g}%</span>"
            )
        row_class = ' class="dg-below"' if f.path in below else ""
        rows.append(
            f"<tr{row_class}>"
            + _cell(f.path, path_cell(f.path, base, link=link) + flag, num=False)
            + _percent_cell(f.percent, p)
            + _cell(str(f.missing), str(f.missing))
            + _cell(str(f.partial), str(f.partial))
            + _cell(str(f.statements), str(f.statements), optional=True)
            + _cell(str(f.branches), str(f.branches), optional=True)
            + "</tr>"
        )
    return (
        '<p class="dg-hint">Click a column heading to sort.</p>'
        + _base_note(base)
        + '<table class="dg-table" data-dg-sortable="true">'
        + head
        + f"<tbody>{''.join(rows)}</tbody></table>"
    )
