"""The CI status page: Markdown headings around raw HTML blocks, every untrusted string made inert.

Sections: the overall state (generated at, from commit, stale warnings, live-refresh line), a
tile per workflow, tests, coverage, build times, failure rates, deployments, docs quality and
the machine-readable files. A section without data says so and names the command that fills it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..config import StatusSettings
from . import figures, safe, svg
from .figures import human_age, human_duration
from .github import RUN_STRIP
from .model import GithubData, HistoryEntry, Snapshot, Workflow
from .pages import (
    ASSET_CSS,
    ASSET_JS,
    PageContext,
    block,
    coverage_hint,
    junit_hint,
    note,
    state_badge,
    table,
    time_tag,
    utc,
)

MESSAGE_LIMIT = 2000
"""Characters of one failure message shown on the page."""
FAILURES_SHOWN = 50
SLOWEST_SHOWN = 10
TITLE_LIMIT = 200


def status_page(snap: Snapshot, ctx: PageContext, coverage_src: str | None) -> str:
    s = ctx.settings
    gate = (
        figures.coverage_gate(snap.coverage, s.fail_under, s.precision) if snap.coverage else None
    )
    state = figures.overall(snap, gate)
    parts = ["---", "title: CI status", "---", "", "# CI status", ""]
    parts.append(block(_banner(snap, ctx, state)))
    ci = snap.github is not None
    if ci:
        parts += ["## Workflows", "", block(_workflows(snap, ctx)), ""]
    parts += ["## Tests", "", block(_tests(snap, ctx)), ""]
    parts += ["## Coverage", "", block(_coverage(snap, ctx, gate)), ""]
    if coverage_src and snap.coverage is not None:
        parts += [
            f"Every folder's and file's figures are on the [coverage page]"
            f"({ctx.page(coverage_src)}).",
            "",
        ]
    if ci:
        parts += ["## Build times", "", block(_build_times(snap, ctx)), ""]
        parts += ["## Failure rate", "", block(_failure_rates(snap)), ""]
        parts += ["## Deployments", "", block(_deployments(snap)), ""]
    else:
        # One note for the four sections GitHub's data would fill, not four placeholders.
        parts += ["## CI runs", "", block(_no_ci()), ""]
    if s.quality:
        parts += ["## Documentation quality", "", block(_quality(snap)), ""]
    parts += ["## Machine-readable", "", block(_machine(ctx)), ""]
    return "\n".join(parts)


def _no_ci() -> str:
    return note(
        "No CI data: GitHub Actions data is off. Set the status gate's github.repo option "
        "(owner/name) to show each workflow's runs, build times, failure rates and deployments."
    )


def _banner(snap: Snapshot, ctx: PageContext, state: str) -> str:
    s = ctx.settings
    gh = snap.github
    live = bool(gh and s.github and s.github.live and gh.repo)
    attrs = [
        f'data-dg-generated="{safe.text(snap.generated_at.isoformat(timespec="seconds"))}"',
        f'data-dg-stale-hours="{s.stale_after:g}"',
    ]
    if live and gh is not None and s.github is not None:
        attrs += [
            f'data-dg-api="{safe.text(gh.api_url)}"',
            f'data-dg-repo="{safe.text(gh.repo)}"',
            f'data-dg-branch="{safe.text(gh.branch)}"',
            f'data-dg-interval="{max(s.github.live_interval, 60)}"',
        ]
    html = [
        f'<link rel="stylesheet" href="{safe.text(ctx.asset(ASSET_CSS))}">',
        f'<div class="dg-root" {" ".join(attrs)}>',
        f'<p class="dg-banner">{state_badge(state)}{_basis(snap, state)} · generated at '
        f"{time_tag(snap.generated_at, utc(snap.generated_at))}",
    ]
    if snap.commit:
        html.append(f" from commit {_commit(snap.commit, gh)}")
    if snap.branch:
        html.append(f" on <code>{safe.text(snap.branch)}</code>")
    html.append("</p>")
    for warning in _stale(snap, ctx):
        html.append(f'<p class="dg-stale"><strong>⚠ Stale:</strong> {safe.text(warning)}</p>')
    html.append('<p class="dg-stale" data-dg-field="page-stale" hidden></p>')
    if live:
        html.append(
            '<p class="dg-live" data-dg-field="live">Live refresh needs JavaScript: the figures '
            "below are the snapshot taken when the site was built.</p>"
        )
    html.append(f'<script src="{safe.text(ctx.asset(ASSET_JS))}" defer></script></div>')
    return "".join(html)


def _basis(snap: Snapshot, state: str) -> str:
    """What a known state rests on, when it is not CI's runs."""
    if state == "unknown" or figures.ci_known(snap):
        return ""
    known = [w for w, v in (("tests", snap.tests), ("coverage", snap.coverage)) if v is not None]
    return f" ({safe.text(' and '.join(known))}; no CI data)"


def _commit(sha: str, gh: GithubData | None) -> str:
    short = safe.text(sha[:12])
    href = safe.url(f"{gh.html_url}/commit/{sha}") if gh and gh.html_url else None
    return f'<a href="{href}"><code>{short}</code></a>' if href else f"<code>{short}</code>"


def _stale(snap: Snapshot, ctx: PageContext) -> list[str]:
    limit = timedelta(hours=ctx.settings.stale_after)
    found = []
    for what, stamp in (
        ("the test report", snap.tests.timestamp if snap.tests else None),
        ("the coverage data", snap.coverage.timestamp if snap.coverage else None),
    ):
        if stamp is not None and snap.generated_at - stamp > limit:
            found.append(
                f"{what} was written {human_age(stamp, snap.generated_at).replace(' ago', '')} "
                f"before this build ({utc(stamp)})."
            )
    return found


def _workflows(snap: Snapshot, ctx: PageContext) -> str:
    gh = snap.github
    if gh is None:
        return note(
            "GitHub Actions data is off: set the status gate's github.repo option (owner/name) "
            "to show each workflow's runs."
        )
    html = []
    if gh.problem:
        cached = " Figures below come from the last cached answers." if gh.from_cache else ""
        html.append(
            f'<p class="dg-problem" data-dg-field="api-problem"><strong>GitHub API:</strong> '
            f"{safe.text(gh.problem)}.{safe.text(cached)}</p>"
        )
    if not gh.workflows:
        if not gh.problem:
            html.append(note(f"No active workflows found for {gh.repo}."))
        return "".join(html)
    html.append('<div class="dg-tiles">')
    for workflow in gh.workflows:
        html.append(_tile(workflow, snap.generated_at))
    html.append("</div>")
    return "".join(html)


def _tile(workflow: Workflow, now: datetime) -> str:
    last = figures.last_conclusion(workflow)
    kind = svg.run_kind(last.status, last.conclusion) if last else "other"
    conclusion = (last.conclusion or "unknown") if last else "no runs"
    glyph = svg.GLYPHS[kind]
    link = safe.url(workflow.url)
    name = safe.text(workflow.name, TITLE_LIMIT)
    title = f'<a href="{link}">{name}</a>' if link else name
    html = [
        f'<div class="dg-tile dg-kind-{kind}" data-dg-workflow="{workflow.id}">',
        f'<div class="dg-tile-title">{title}</div>',
        f'<div class="dg-tile-state"><span class="dg-glyph" aria-hidden="true" '
        f'data-dg-field="glyph">{safe.text(glyph)}</span> '
        f'<span data-dg-field="conclusion">{safe.text(conclusion)}</span></div>',
    ]
    if last is not None:
        run_link = safe.url(last.url)
        number = safe.text(f"#{last.number}")
        run = f'<a data-dg-field="run" href="{run_link}">{number}</a>' if run_link else number
        html.append(
            f'<div class="dg-tile-meta">{run} · '
            f'<time data-dg-field="age" datetime="{last.updated_at.isoformat()}">'
            f"{safe.text(human_age(last.updated_at, now))}</time> · "
            f'<span data-dg-field="duration">{safe.text(human_duration(last.duration))}</span>'
            f'<br><span class="dg-run-title" data-dg-field="title">'
            f"{safe.text(last.title, TITLE_LIMIT)}</span></div>"
        )
    cells = [
        svg.Cell(
            svg.run_kind(r.status, r.conclusion),
            svg.duration_title(
                r.number,
                r.conclusion or r.status,
                r.duration,
                human_age(r.updated_at, now),
                r.title[:TITLE_LIMIT],
            ),
            r.url,
        )
        for r in reversed(workflow.runs[:RUN_STRIP])
    ]
    label = f"Last {len(cells)} runs of {workflow.name}, oldest first"
    html.append(f'<div data-dg-field="strip">{svg.strip(cells, label=label)}</div></div>')
    return "".join(html)


def _tests(snap: Snapshot, ctx: PageContext) -> str:
    tests = snap.tests
    if tests is None:
        return broken_note(snap, "junit") or note(*junit_hint(ctx.settings))
    bad = tests.failed + tests.errors
    html = [
        '<div class="dg-tiles dg-figures dg-counts">',
        figure_tile(
            "Passed", str(tests.passed), "success" if tests.passed else "other", "tests-passed"
        ),
        figure_tile(
            "Failed", str(tests.failed), "failed" if tests.failed else "success", "tests-failed"
        ),
        figure_tile(
            "Errors", str(tests.errors), "failed" if tests.errors else "success", "tests-errors"
        ),
        figure_tile("Skipped", str(tests.skipped), "other", "tests-skipped"),
        figure_tile("Total", str(tests.total), "failed" if bad else "success", "tests-total"),
        figure_tile("Duration", human_duration(tests.duration), "other", "tests-duration"),
        "</div>",
        f"<p>From {safe.text(', '.join(tests.files))}.</p>",
    ]
    failures = tests.failures
    if failures:
        html.append(f"<h3>Failures ({len(failures)})</h3>")
        for case in failures[:FAILURES_SHOWN]:
            word = "error" if case.outcome == "error" else "failed"
            html.append(
                f'<details class="failure dg-failure"><summary><span aria-hidden="true">✗</span> '
                f"{safe.text(word)}: <code>{wrap_id(case.id)}</code></summary>"
                f"<pre>{_message(case.message, case.message_length)}</pre>"
                f"<p>{safe.text(case.file)}, line {case.line}</p></details>"
            )
        if len(failures) > FAILURES_SHOWN:
            html.append(f"<p>… and {len(failures) - FAILURES_SHOWN} more.</p>")
    slow = tests.slowest(SLOWEST_SHOWN)
    if slow:
        html.append("<h3>Slowest tests</h3>")
        html.append(
            table(
                ["Test", "Seconds", "Outcome"],
                [
                    [
                        f"<code>{wrap_id(c.id)}</code>",
                        f"{c.time:.3f}",
                        safe.text(c.outcome),
                    ]
                    for c in slow
                ],
                classes="dg-slowest",
            )
        )
    history = [e for e in snap.history if e.passed is not None]
    if len(history) > 1:
        html.append(_tests_chart(history))
    return "".join(html)


def wrap_id(test_id: str) -> str:
    """A test id, made inert, that may wrap after ``::``, ``.``, ``/`` and ``[``."""
    text = safe.text(test_id, TITLE_LIMIT)
    for mark in ("::", ".", "/", "["):
        inert = safe.text(mark)  # as the text has it: a character reference
        text = text.replace(inert, inert + "<wbr>")
    return text


def figure_tile(label: str, value: str, kind: str, field: str, meta: str = "") -> str:
    """A small tile: a label, a large figure, and optionally a line below it."""
    extra = f'<div class="dg-tile-meta">{meta}</div>' if meta else ""
    return (
        f'<div class="dg-tile dg-kind-{kind}"><div class="dg-tile-title">{safe.text(label)}</div>'
        f'<div class="dg-figure" data-dg-field="{field}">{safe.text(value)}</div>{extra}</div>'
    )


def _tests_chart(history: list[HistoryEntry]) -> str:
    points = [(datetime.fromisoformat(e.generated_at), e) for e in history]
    return svg.line_chart(
        [
            svg.Series(
                "passed", [(t, float(e.passed or 0)) for t, e in points], "circle", "", "ok"
            ),
            svg.Series(
                "failed + errors",
                [(t, float((e.failed or 0) + (e.errors or 0))) for t, e in points],
                "square",
                "5 3",
                "bad",
            ),
        ],
        title="Test counts per build",
        fmt="{:.0f}",
        y_min=0,
    )


def _coverage(snap: Snapshot, ctx: PageContext, gate: bool | None) -> str:
    s = ctx.settings
    cov = snap.coverage
    if cov is None:
        return broken_note(snap, "coverage") or note(*coverage_hint(s))
    html = [coverage_tiles(snap, s, gate), change_since(snap, s.precision)]
    html.append(f"<p>From {safe.text(cov.source)}.</p>")
    entries = [e for e in snap.history if e.coverage is not None]
    if len(entries) > 1:
        html.append(coverage_chart(entries))
    return "".join(html)


def coverage_tiles(
    snap: Snapshot, s: StatusSettings, gate: bool | None, *, files: bool = False
) -> str:
    """The totals as tiles (combined, lines, branches, and the file count), then the gate."""
    cov = snap.coverage
    assert cov is not None
    total = cov.totals
    p = s.precision
    kind = {True: "success", False: "failed", None: "other"}[gate]
    tiles = [
        '<div class="dg-tiles dg-figures">',
        figure_tile(
            "Coverage",
            f"{figures.display(total.percent, p)}%",
            kind,
            "coverage-total",
            "lines and branches",
        ),
        figure_tile(
            "Lines",
            f"{figures.display(total.line_percent, p)}%",
            "other",
            "coverage-lines",
            f"{total.covered_lines} of {total.statements} · {total.missing} missing",
        ),
        figure_tile(
            "Branches",
            f"{figures.display(total.branch_percent, p)}%"
            if total.branch_percent is not None
            else "not measured",
            "other",
            "coverage-branches",
            f"{total.covered_branches} of {total.branches} · {total.partial} partial"
            if total.branch_percent is not None
            else "",
        ),
    ]
    if files:
        tiles.append(figure_tile("Files", str(len(cov.files)), "other", "coverage-files"))
    tiles.append("</div>")
    if gate is None:
        tiles.append("<p>Gate: off (fail_under is 0).</p>")
    else:
        word = "✓ passes" if gate else "✗ is below"
        tiles.append(
            f'<p class="dg-gate dg-gate-{"pass" if gate else "fail"}">Gate: the total '
            f"{safe.text(word)} fail_under {s.fail_under:g}%.</p>"
        )
    return "".join(tiles)


def change_since(snap: Snapshot, p: int) -> str:
    """The change of the total since the previous build of the default branch, if any."""
    cov = snap.coverage
    assert cov is not None
    previous = figures.previous_main(snap)
    if previous is not None and previous.coverage is not None:
        delta = cov.totals.percent - previous.coverage
        sign, arrow = ("+", "▲") if delta >= 0 else ("\u2212", "▼")  # a minus sign
        if round(delta, p) == 0:
            arrow = "→"
        return (
            f"<p>Change since the previous build of {safe.text(previous.branch)} "
            f"(<code>{safe.text(previous.commit[:12])}</code>, "
            f"{safe.text(_when(previous.generated_at))}): {arrow} <strong>{safe.text(sign)}"
            f"{abs(delta):.{p}f}</strong> percentage points.</p>"
        )
    if snap.history:
        return (
            f"<p>No earlier build of {safe.text(snap.branch or 'this branch')} to compare with "
            "yet: the trend starts with the next commit's build.</p>"
        )
    return ""


def _when(stamp: str) -> str:
    try:
        return utc(datetime.fromisoformat(stamp))
    except ValueError:
        return stamp


def broken_note(snap: Snapshot, kind: str) -> str:
    """What could not be read, and why; empty when nothing of ``kind`` was broken."""
    return "".join(
        f'<p class="dg-problem"><strong>Could not be read:</strong> {safe.text(n.source)}: '
        f"{safe.text(n.detail, 500)}</p>"
        for n in snap.note(kind)
        if n.state == "broken"
    )


def _message(message: str, length: int) -> str:
    return safe.text(message or "(no message)", MESSAGE_LIMIT, length=length)


def coverage_chart(entries: list[HistoryEntry]) -> str:
    points = [(datetime.fromisoformat(e.generated_at), e) for e in entries]
    series = [
        svg.Series(
            "total",
            [(t, e.coverage) for t, e in points if e.coverage is not None],
            tone="primary",
        ),
        svg.Series(
            "lines",
            [(t, e.line_coverage) for t, e in points if e.line_coverage is not None],
            "square",
            "5 3",
            "accent",
        ),
        svg.Series(
            "branches",
            [(t, e.branch_coverage) for t, e in points if e.branch_coverage is not None],
            "triangle",
            "2 3",
            "muted",
        ),
    ]
    return svg.line_chart(series, title="Coverage per build", unit="%", y_max=100)


def _build_times(snap: Snapshot, ctx: PageContext) -> str:
    gh = snap.github
    if gh is None or not gh.workflows:
        return note("Build times come from the GitHub Actions API (github.repo).")
    rows, charts = [], []
    for workflow in gh.workflows:
        d = figures.durations(workflow, snap.generated_at)
        if d.trend is None:
            trend = "not enough runs"
        elif abs(d.trend) < 0.05:
            trend = "→ steady"
        else:
            arrow, word = ("▲", "slower") if d.trend > 0 else ("▼", "faster")
            trend = f"{arrow} {abs(d.trend) * 100:.0f}% {word}"
        rows.append(
            [
                safe.text(workflow.name, TITLE_LIMIT),
                safe.text(human_duration(d.p50)),
                safe.text(human_duration(d.p90)),
                str(d.runs),
                safe.text(trend),
            ]
        )
        if len(d.series) > 1:
            charts.append(
                svg.line_chart(
                    [svg.Series("minutes", [(t, v / 60) for t, v, _ in d.series], tone="primary")],
                    title=f"{workflow.name}: run time per run (minutes)",
                    unit=" min",
                    y_min=0,
                    height=140,
                )
            )
    html = table(["Workflow", "p50", "p90", "Runs (30 days)", "Trend (7 days vs before)"], rows)
    return html + "".join(charts)


def _failure_rates(snap: Snapshot) -> str:
    gh = snap.github
    if gh is None or not gh.workflows:
        return note("Failure rates come from the GitHub Actions API (github.repo).")
    rows = []
    for workflow in gh.workflows:
        cells = [safe.text(workflow.name, TITLE_LIMIT)]
        for days in (7, 30):
            rate = figures.failure_rate(workflow.runs, snap.generated_at, days)
            pc = rate.percent
            cells.append(
                safe.text(
                    f"{pc:.1f}% ({rate.failed} of {rate.counted})" if pc is not None else "no runs"
                )
            )
        rows.append(cells)
    return table(["Workflow", "7 days", "30 days"], rows) + (
        "<p>Cancelled and skipped runs are not counted.</p>"
    )


def _deployments(snap: Snapshot) -> str:
    gh = snap.github
    if gh is None:
        return note("Deployments come from the GitHub API (github.repo).")
    envs = figures.deployments(gh.deployments, snap.generated_at)
    if not envs:
        return note(f"No deployments recorded for {gh.repo}.")
    rows = []
    for env in envs:
        last = env.last
        state = last.state or "unknown"
        success = env.last_success
        rows.append(
            [
                safe.text(env.environment, TITLE_LIMIT),
                f"{safe.text(state)} · {safe.text(human_age(last.created_at, snap.generated_at))}"
                f" · <code>{safe.text(last.sha[:12])}</code>",
                safe.text(human_age(success.created_at, snap.generated_at))
                if success
                else "\u2013",
                safe.text(
                    f"{env.per_week:.1f} per week ({env.count} in 30 days"
                    + ("" if env.known else ", some outcomes unknown")
                    + ")"
                ),
            ]
        )
    return table(["Environment", "Last deployment", "Last success", "Frequency"], rows)


def _quality(snap: Snapshot) -> str:
    q = snap.quality
    if q is None:
        return note("docgates' checks did not run.")
    if q.problem:
        return note(f"docgates' checks could not run: {q.problem}")
    groups = {
        "Broken links": sum(v for k, v in q.by_rule.items() if k.startswith("links/")),
        "Orphan pages": q.by_rule.get("structure/orphan-page", 0),
        "Failing examples": sum(
            v for k, v in q.by_rule.items() if k.startswith("code/") and k != "code/unchecked-fence"
        ),
    }
    html = [
        '<div class="dg-tiles dg-figures dg-counts">',
        figure_tile("Errors", str(q.errors), "failed" if q.errors else "success", "docs-errors"),
        figure_tile("Warnings", str(q.warnings), "other", "docs-warnings"),
    ]
    for label, count in groups.items():
        field = "docs-" + label.lower().replace(" ", "-")
        html.append(figure_tile(label, str(count), "failed" if count else "success", field))
    html.append(figure_tile("Pages checked", str(q.pages), "other", "docs-pages"))
    html.append("</div>")
    if q.top:
        items = "".join(
            f"<li><code>{safe.text(f.location)}</code> {safe.text(f.rule)}: "
            f"{safe.text(f.message, 300)}</li>"
            for f in q.top
        )
        html.append(f"<ul>{items}</ul>")
    return "".join(html)


def _machine(ctx: PageContext) -> str:
    s = ctx.settings
    links = [
        (f"{s.output_dir}/status.json", "status.json"),
        (f"{s.output_dir}/history.json", "history.json"),
    ]
    items = "".join(
        f'<li><a href="{safe.text(ctx.link(path))}">{safe.text(label)}</a></li>'
        for path, label in links
    )
    badges = "".join(
        f'<img alt="{name} badge" '
        f'src="{safe.text(ctx.link(f"{s.output_dir}/badges/{name}.svg"))}"> '
        for name in ("ci", "tests", "coverage")
    )
    return f"<ul>{items}</ul><p>{badges}</p>"
