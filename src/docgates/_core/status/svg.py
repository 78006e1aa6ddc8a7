"""Inline SVG drawn at build time: a run strip and line charts, readable without JavaScript.

Every colour has a second cue: run cells carry a glyph (check, cross, dash, dot) and a
``<title>``; chart series
differ in marker shape and dash pattern and are named in a legend. Axes and labels use
``currentColor``, so they follow Material's light and dark palettes; the state colours are
mid-tones that keep a 3:1 contrast on both (and ``status.css`` retunes them for ``slate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from . import safe
from .figures import FAILED, human_duration

OK, BAD, OTHER = "#1a7f37", "#cf222e", "#6e7781"
GLYPHS = {
    "success": "\u2713",
    "failed": "\u2717",
    "cancelled": "\u2013",
    "other": "\u00b7",
    "running": "\u25cb",
}


def run_kind(status: str, conclusion: str | None) -> str:
    if status != "completed":
        return "running"
    if conclusion == "success":
        return "success"
    if conclusion in FAILED:
        return "failed"
    if conclusion == "cancelled":
        return "cancelled"
    return "other"


@dataclass
class Cell:
    kind: str
    title: str
    href: str | None


def strip(cells: Sequence[Cell], *, label: str) -> str:
    """The last runs, oldest left: one square per run with a glyph, a link and a tooltip."""
    size, gap = 16, 3
    width = max(len(cells), 1) * (size + gap)
    parts = [
        f'<svg class="dg-strip" role="img" width="{width}" height="{size}" '
        f'viewBox="0 0 {width} {size}" aria-label="{safe.text(label)}">',
        f"<title>{safe.text(label)}</title>",
    ]
    for i, cell in enumerate(cells):
        x = i * (size + gap)
        colour = {"success": OK, "failed": BAD}.get(cell.kind, OTHER)
        body = (
            f'<g class="dg-run dg-run-{cell.kind}"><title>{safe.text(cell.title)}</title>'
            f'<rect x="{x}" y="0" width="{size}" height="{size}" rx="3" fill="{colour}"/>'
            f'<text x="{x + size / 2}" y="{size - 4}" text-anchor="middle" font-size="12" '
            f'fill="#fff" font-weight="700">{safe.text(GLYPHS[cell.kind])}</text></g>'
        )
        href = safe.url(cell.href) if cell.href else None
        parts.append(f'<a href="{href}">{body}</a>' if href else body)
    if not cells:
        parts.append(
            f'<text x="0" y="{size - 4}" font-size="11" fill="currentColor">no runs</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class Series:
    name: str
    points: list[tuple[datetime, float]]
    marker: str = "circle"
    """``circle``, ``square`` or ``triangle``."""
    dash: str = ""


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 180,
    y_min: float | None = None,
    y_max: float | None = None,
    fmt: str = "{:.1f}",
) -> str:
    """A line chart of ``series`` over time, with labelled axes and a legend."""
    drawn = [s for s in series if s.points]
    values = [v for s in drawn for _, v in s.points]
    times = [t for s in drawn for t, _ in s.points]
    head = (
        f'<svg class="dg-chart" role="img" width="100%" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" aria-label="{safe.text(title)}" '
        f'style="max-width:{width}px">'
        f"<title>{safe.text(title)}</title>"
    )
    if not values:
        return (
            head + f'<text x="8" y="24" fill="currentColor" font-size="13">{safe.text(title)}: '
            "no data yet</text></svg>"
        )
    low = min(values) if y_min is None else min(y_min, *values)
    high = max(values) if y_max is None else max(y_max, *values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    left, right, top, bottom = 56, width - 12, 26, height - 28
    t0, t1 = min(times).timestamp(), max(times).timestamp()
    span = (t1 - t0) or 1.0

    def x(t: datetime) -> float:
        if t1 == t0:
            return (left + right) / 2
        return left + (right - left) * (t.timestamp() - t0) / span

    def y(v: float) -> float:
        return bottom - (bottom - top) * (v - low) / (high - low)

    parts = [head]
    parts.append(
        f'<g fill="currentColor" font-size="11" stroke="none">'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">'
        f"{safe.text(fmt.format(high) + unit)}</text>"
        f'<text x="{left - 6}" y="{bottom + 4}" text-anchor="end">'
        f"{safe.text(fmt.format(low) + unit)}</text>"
        f'<text x="{left}" y="{height - 8}">{safe.text(min(times).strftime("%Y-%m-%d"))}</text>'
        f'<text x="{right}" y="{height - 8}" text-anchor="end">'
        f"{safe.text(max(times).strftime('%Y-%m-%d'))}</text></g>"
    )
    parts.append(
        f'<path d="M{left} {top}V{bottom}H{right}" fill="none" stroke="currentColor" '
        f'stroke-opacity="0.5"/>'
    )
    legend_x = left
    for s in drawn:
        coords = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in s.points)
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(
            f'<g class="dg-series" fill="currentColor" stroke="currentColor">'
            f"<title>{safe.text(s.name)}</title>"
            f'<polyline points="{coords}" fill="none" stroke-width="2"{dash}/>'
        )
        for t, v in s.points:
            label = f"{s.name}: {fmt.format(v)}{unit} on {t.strftime('%Y-%m-%d %H:%M')}"
            parts.append(_marker(s.marker, x(t), y(v), label))
        last_t, last_v = s.points[-1]
        parts.append(
            f'<text x="{min(x(last_t) + 6, right - 2):.1f}" y="{y(last_v) - 6:.1f}" '
            f'font-size="11" stroke="none" text-anchor="end">'
            f"{safe.text(fmt.format(last_v) + unit)}</text></g>"
        )
        parts.append(
            f'<g fill="currentColor" stroke="currentColor" font-size="12">'
            f"{_marker(s.marker, legend_x + 5, 12, s.name)}"
            f'<text x="{legend_x + 14}" y="16" stroke="none">{safe.text(s.name)}</text></g>'
        )
        legend_x += 24 + 7 * len(s.name)
    parts.append("</svg>")
    return "".join(parts)


def _marker(kind: str, cx: float, cy: float, label: str) -> str:
    tip = f"<title>{safe.text(label)}</title>"
    if kind == "square":
        return f'<rect x="{cx - 3.5:.1f}" y="{cy - 3.5:.1f}" width="7" height="7">{tip}</rect>'
    if kind == "triangle":
        return (
            f'<path d="M{cx:.1f} {cy - 4.5:.1f}L{cx + 4.5:.1f} {cy + 3.5:.1f}'
            f'L{cx - 4.5:.1f} {cy + 3.5:.1f}Z">{tip}</path>'
        )
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5">{tip}</circle>'


def duration_title(
    number: int, conclusion: str, seconds: float | None, when: str, text: str
) -> str:
    return f"#{number} {conclusion} · {human_duration(seconds)} · {when} · {text}"
