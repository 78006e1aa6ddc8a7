"""Progress of long runs: redrawn in place on a terminal, GitHub log groups, nothing in pipes."""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgates._core.config import LinksSettings
from docgates._core.engine import Engine
from docgates._core.linkcheck import ExternalChecker
from docgates._core.progress import Progress, SharedCount, pass_on
from docgates._core.project import load_project
from docgates._progress import GroupProgress, LiveProgress

from .linkserver import serving

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PAGES = 12


class Recorder(Progress):
    def __init__(self) -> None:
        self.events: list[tuple[str, str, int]] = []

    def start(self, task: str, total: int) -> None:
        self.events.append(("start", task, total))

    def advance(self, current: str = "", count: int = 1) -> None:
        self.events.append(("advance", current, count))

    def stop(self) -> None:
        self.events.append(("stop", "", 0))


def slow_site(root: Path, pages: int = PAGES, sleep: float = 0.15) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        "site_name: Slow\nplugins:\n  - docgates/code:\n      execute: true\n      cache: false\n",
        encoding="utf-8",
    )
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    for i in range(1, pages + 1):
        (root / "docs" / f"page{i:02d}.md").write_text(
            f"# Page {i}\n\n```python\nimport time\ntime.sleep({sleep})\nprint({i})\n```\n\n"
            f"```text\n{i}\n```\n",
            encoding="utf-8",
        )
    return root


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return {**env, "NO_MKDOCS_2_WARNING": "1", **extra}


def run_in_pty(args: list[str], cwd: Path, timeout: float = 120) -> bytes:
    """Everything a terminal would receive from ``args`` (stdout and stderr on one pty)."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
        env=_env(COLUMNS="150", TERM="xterm-256color"),
    )
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
    finally:
        os.close(master)
        proc.wait(timeout=30)
    assert proc.returncode == 0, out.decode("utf-8", "replace")
    return out


@pytest.mark.slow
def test_a_terminal_sees_the_progress_redrawn_and_a_pipe_sees_none(tmp_path: Path) -> None:
    root = slow_site(tmp_path / "site")
    command = [sys.executable, "-m", "docgates", "check"]
    raw = run_in_pty(command, root).decode("utf-8", "replace")
    # Redrawn in place: each frame returns to the line's start and clears it.
    frames = raw.split("\r\x1b[2K")
    assert len(frames) > 4, raw
    shown = [ANSI.sub("", frame) for frame in frames]
    drawn = [f for f in shown if f.startswith("Running examples ")]
    assert len(drawn) > 4
    counts = [int(m.group(1)) for f in drawn if (m := re.search(rf" (\d+)/{PAGES} pages · ", f))]
    assert counts == sorted(counts)  # pages done only go up
    assert len(set(counts)) >= 3  # and the display changed as they did
    assert any(re.search(r"docs/page\d\d\.md", f) for f in drawn)  # the current page
    assert all(" elapsed · " in f and " left" in f for f in drawn)
    # The display is erased (cursor up, clear line) and the report follows it.
    erased, report = raw.rsplit("\x1b[1A\x1b[2K", 1)
    assert "Running examples" in erased
    assert "Running examples" not in report
    assert re.fullmatch(
        rf"0 errors, 0 warnings in {PAGES + 1} files, {PAGES} Python blocks "
        rf"\({PAGES} checked, 0 skipped\) \(\d+\.\d\ds\)",
        ANSI.sub("", report).strip(),
    )

    for extra in ({}, {"FORCE_COLOR": "1"}):
        piped = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=120, env=_env(**extra)
        )
        assert piped.returncode == 0, piped.stderr
        assert piped.stderr == ""  # no progress: standard error is not a terminal
        assert "\r" not in piped.stdout
        assert ("\x1b[" in piped.stdout) is bool(extra)  # colour only when FORCE_COLOR asks
        assert ANSI.sub("", piped.stdout).startswith(f"0 errors, 0 warnings in {PAGES + 1} files")


@pytest.mark.slow
def test_github_output_puts_each_long_step_in_a_log_group(tmp_path: Path) -> None:
    root = slow_site(tmp_path / "site", pages=20, sleep=0.0)
    done = subprocess.run(
        [sys.executable, "-m", "docgates", "check", "--format", "github"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "::group::docgates: running examples (20 pages)"
    steps = lines[1:-3]
    assert [line.split(" · ")[0] for line in steps] == [f"{n}/20" for n in range(2, 20, 2)]
    assert all(re.fullmatch(r"\d+/20 · \d+\.\ds · docs/(index|page\d\d)\.md", s) for s in steps)
    assert re.fullmatch(r"20/20 pages in \d+\.\ds", lines[-3])
    assert lines[-2] == "::endgroup::"
    assert lines[-1].startswith("0 errors, 0 warnings in 21 files")


def test_big_sites_count_pages_read_in_forked_workers(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Big\n", encoding="utf-8")
    for i in range(150):
        (tmp_path / "docs" / f"p{i:03d}.md").write_text(
            f"# P{i}\n\n[next](p{(i + 1) % 150:03d}.md)\n"
        )
    project = load_project(tmp_path)
    engine = Engine(project, project.settings())
    recorder = Recorder()
    engine.progress = recorder
    report = engine.check(["links"], jobs=2)
    assert report.findings == []
    assert recorder.events[0] == ("start", "Reading pages", 150)
    assert recorder.events[-1] == ("stop", "", 0)
    advanced = [e for e in recorder.events if e[0] == "advance"]
    assert sum(count for _, _, count in advanced) == 150
    assert all(re.fullmatch(r"docs/p\d{3}\.md", current) for _, current, _ in advanced)
    # And a small site, read in this process: one event per page.
    small = Engine(project, project.settings())
    small.progress = Recorder()
    small.check(["links"], [tmp_path / "docs" / "p000.md"], jobs=1)
    assert small.progress.events == [  # type: ignore[attr-defined]
        ("start", "Reading pages", 150),
        *[("advance", f"docs/p{i:03d}.md", 1) for i in range(150)],
        ("stop", "", 0),
    ]


def test_shared_counts_reach_the_parent() -> None:
    shared = SharedCount()
    shared.track(["a.md", "b.md", "c.md"])
    shared.advance("b.md")
    shared.advance("c.md", 2)
    recorder = Recorder()
    calls = iter([False, True])
    pass_on(shared, recorder, lambda _: next(calls), every=0)
    assert recorder.events == [("advance", "c.md", 3)]
    shared.advance("unknown.md")  # a name it does not know keeps the last one
    assert shared.read() == (4, "c.md")


def test_external_checks_report_each_page_of_urls() -> None:
    with serving() as server:
        checker = ExternalChecker(LinksSettings(external_retries=0), None, None)
        recorder = Recorder()
        checker.progress = recorder
        urls = [f"{server.base}/ok", f"{server.base}/ok#top", f"{server.base}/missing"]
        outcomes = checker.check(urls)
    assert {u: o.outcome for u, o in outcomes.items()}[f"{server.base}/missing"] == "broken"
    assert recorder.events[0] == ("start", "Checking external links", 2)
    assert sorted(e[1] for e in recorder.events[1:-1]) == [
        f"{server.base}/missing",
        f"{server.base}/ok",
    ]
    assert recorder.events[-1] == ("stop", "", 0)


def test_short_steps_draw_nothing() -> None:
    stream = io.StringIO()
    groups = GroupProgress(stream)
    groups.start("Reading pages", 100)  # 100 pages is not a big site
    groups.advance("docs/a.md")
    groups.stop()
    assert stream.getvalue() == ""
    live = LiveProgress(io.StringIO())
    live.start("Reading pages", 3)
    assert live._bar is None
    live.advance("x")
    live.stop()
