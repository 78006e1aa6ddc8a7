"""Inline SVG drawn at build time: a run strip and line charts, readable without JavaScript.

Every colour has a second cue: run cells carry a glyph (check, cross, dash, dot) and a
``<title>``; chart series
differ in marker shape and dash pattern and are named in a legend. Axes and labels use
``currentColor``, so they follow Material's light and dark palettes; the state colours are
mid-tones that keep a 3:1 contrast on both (and ``status.css`` retunes them for ``slate``).
"""

from __future__ import annotations

import itertools
import math
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


TONES = {
    "primary": "#4051b5",
    "accent": "#526cfe",
    "ok": OK,
    "bad": BAD,
    "muted": OTHER,
}
"""A series' colour when no stylesheet is there; ``docgates-status.css`` maps each tone to the
theme's palette (Material's link and accent colours, retuned for ``slate``)."""


@dataclass
class Series:
    name: str
    points: list[tuple[datetime, float]]
    marker: str = "circle"
    """``circle``, ``square`` or ``triangle``."""
    dash: str = ""
    tone: str = "primary"
    """A key of :data:`TONES`."""


def ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round values between ``low`` and ``high`` for gridlines: steps of 1, 2, 2.5 or 5 x 10^k."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    value = math.floor(low / step + 1e-9) * step
    values = []
    while value < high + step - 1e-9:
        values.append(round(value, 10))
        value += step
    return values


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
    """A line chart of ``series``, one step per build (the times are in each point's tooltip),
    with gridlines, labelled axes and a legend. Series differ in colour, marker and dash."""
    drawn = [s for s in series if s.points]
    values = [v for s in drawn for _, v in s.points]
    times = sorted({t for s in drawn for t, _ in s.points})
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
    grid = ticks(low, high)
    low, high = grid[0], grid[-1]
    left, right, top, bottom = 56, width - 52, 30, height - 28
    slot = {t: i for i, t in enumerate(times)}
    steps = max(len(times) - 1, 1)

    def x(t: datetime) -> float:
        if len(times) == 1:
            return (left + right) / 2
        return left + (right - left) * slot[t] / steps

    def y(v: float) -> float:
        return bottom - (bottom - top) * (v - low) / (high - low)

    parts = [head, '<g class="dg-grid" fill="currentColor" font-size="11">']
    for value in grid:
        parts.append(
            f'<path d="M{left} {y(value):.1f}H{right}" stroke="currentColor" '
            f'stroke-opacity="0.15"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" stroke="none">'
            f"{safe.text(fmt.format(value) + unit)}</text>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 8}" stroke="none">'
        f"{safe.text(times[0].strftime('%Y-%m-%d'))}</text>"
        f'<text x="{right}" y="{height - 8}" text-anchor="end" stroke="none">'
        f"{safe.text(times[-1].strftime('%Y-%m-%d'))}</text>"
        f'<text x="{(left + right) / 2:.1f}" y="{height - 8}" text-anchor="middle" '
        f'stroke="none" fill-opacity="0.7">{len(times)} builds</text></g>'
    )
    parts.append(
        f'<path d="M{left} {top - 4}V{bottom}H{right}" fill="none" stroke="currentColor" '
        f'stroke-opacity="0.5"/>'
    )
    labels = _spread([y(s.points[-1][1]) + 4 for s in drawn], gap=12, low=top, high=bottom + 4)
    legend_x = left
    for s, label_y in zip(drawn, labels, strict=True):
        tone = s.tone if s.tone in TONES else "primary"
        colour = f'class="dg-series dg-tone-{tone}" color="{TONES[tone]}"'
        coords = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in s.points)
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(
            f'<g {colour} fill="currentColor" stroke="currentColor">'
            f"<title>{safe.text(s.name)}</title>"
            f'<polyline points="{coords}" fill="none" stroke-width="2.5"{dash}/>'
        )
        for t, v in s.points:
            label = f"{s.name}: {fmt.format(v)}{unit} on {t.strftime('%Y-%m-%d %H:%M')}"
            parts.append(_marker(s.marker, x(t), y(v), label))
        last_t, last_v = s.points[-1]
        parts.append(
            f'<text x="{x(last_t) + 6:.1f}" y="{label_y:.1f}" font-size="11" '
            f'stroke="none" font-weight="700">{safe.text(fmt.format(last_v) + unit)}</text></g>'
        )
        parts.append(
            f'<g {colour} fill="currentColor" stroke="currentColor" font-size="12">'
            f"{_marker(s.marker, legend_x + 5, 12, s.name)}"
            f'<line x1="{legend_x - 4}" y1="12" x2="{legend_x + 14}" y2="12" stroke-width="2"'
            f"{dash}/>"
            f'<text x="{legend_x + 20}" y="16" stroke="none" class="dg-legend">'
            f"{safe.text(s.name)}</text></g>"
        )
        legend_x += 34 + 7 * len(s.name)
    parts.append("</svg>")
    return "".join(parts)


def _spread(ys: list[float], *, gap: float, low: float, high: float) -> list[float]:
    """The label positions ``ys`` moved apart to at least ``gap``, keeping their order."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = list(ys)
    for before, after in itertools.pairwise(order):
        placed[after] = max(placed[after], placed[before] + gap)
    overflow = placed[order[-1]] - high if order else 0
    if overflow > 0:
        for i in order:
            placed[i] = max(low, placed[i] - overflow)
        for before, after in itertools.pairwise(order):
            placed[after] = max(placed[after], placed[before] + gap)
    return placed


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
