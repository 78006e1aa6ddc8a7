"""``--update`` never loses a byte: changed pages are left alone, writes are atomic, output is
escaped, and XML reports stay XML."""

from __future__ import annotations

import errno
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from docgates._core import atomic
from docgates._core.findings import make
from docgates._core.formatters import formatter
from docgates._core.report import Report
from tests.execution import check, found, project

STALE = "# Page\n\n```python\nprint('new output')\n#> old output\n```\n"
FRESH = "# Page\n\n```python\nprint('new output')\n#> new output\n```\n"


def test_a_page_saved_during_the_run_is_left_alone(tmp_path: Path) -> None:
    # In: a page whose first block adds a paragraph at the top of the page while docgates runs
    # (as a user saving the file would), and a second block with stale output.
    # Out: the page holds the user's paragraph and its old output, byte for byte; a warning says
    # it was not updated.
    page = tmp_path / "docs" / "index.md"
    text = (
        "# Page\n\n"
        "```python\n"
        f"path = {str(page)!r}\n"
        "old = open(path).read()\n"
        "open(path, 'w').write('A paragraph added above.\\n\\n' + old)\n"
        "```\n\n"
        "```python\nprint('new output')\n#> old output\n```\n"
    )
    root = project(tmp_path, {"docs/index.md": text})
    report = check(root, update_output=True)
    assert page.read_text() == "A paragraph added above.\n\n" + text
    assert found(report) == [
        "docs/index.md: code/update-skipped 'docs/index.md' changed after docgates read it; its "
        "expected output was not updated, so that nothing written since is lost"
    ]
    assert report.findings[0].severity.value == "warning"
    assert report.notices == []


def test_a_failed_write_leaves_the_page_whole_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In: two pages with stale output; the disk is full when the first one is written (fsync
    # fails with ENOSPC). Out: that page is exactly as it was, no temporary file is left, an
    # error finding names it; the other page is updated.
    root = project(tmp_path, {"docs/a.md": STALE, "docs/b.md": STALE})
    real_fsync = os.fsync
    calls: list[int] = []

    def full_disk(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    report = check(root, update_output=True)
    assert (root / "docs/a.md").read_text() == STALE
    assert (root / "docs/b.md").read_text() == FRESH
    assert sorted(p.name for p in (root / "docs").iterdir()) == ["a.md", "b.md"]
    assert found(report) == [
        "docs/a.md: code/update-failed cannot write the updated output to 'docs/a.md': "
        "No space left on device; the file was left as it was"
    ]
    assert report.failed
    assert report.notices == ["updated 1 expected output in 'docs/b.md'"]


def test_update_keeps_the_mode_bits_and_writes_through_a_symlink(tmp_path: Path) -> None:
    # In: a page with mode 0640, and a page that is a symlink into another folder.
    # Out: both updated; the first keeps 0640, the symlink is still a symlink to the same file.
    root = project(tmp_path, {"docs/a.md": STALE, "shared/b.md": STALE})
    os.chmod(root / "docs/a.md", 0o640)
    (root / "docs/b.md").symlink_to(root / "shared/b.md")
    report = check(root, update_output=True)
    assert found(report) == []
    assert (root / "docs/a.md").read_text() == FRESH
    assert stat.S_IMODE((root / "docs/a.md").stat().st_mode) == 0o640
    assert (root / "docs/b.md").is_symlink()
    assert (root / "shared/b.md").read_text() == FRESH


def test_control_characters_never_reach_a_page_raw(tmp_path: Path) -> None:
    # In: a block that prints NUL, a carriage return, an escape sequence, DEL and a lone
    # surrogate. Out: --update writes them as Python writes them (\x00, \r, \x1b, \x7f,
    # \udcff), the page still reads as text, and a second --update changes nothing.
    page = "# Page\n\n```python\nprint('a\\x00b\\rc\\x1b[1md\\x7f' + chr(0xDCFF))\n#> x\n```\n"
    root = project(tmp_path, {"docs/index.md": page})
    assert found(check(root, update_output=True)) == []
    written = (root / "docs/index.md").read_text()
    assert written == page.replace("#> x", "#> a\\x00b\\rc\\x1b[1md\\x7f\\udcff")
    assert found(check(root)) == []
    assert found(check(root, update_output=True)) == []
    assert (root / "docs/index.md").read_text() == written


def test_junit_output_is_valid_xml_whatever_the_messages_hold() -> None:
    # In: findings whose message and path hold NUL, ESC, a form feed and a lone surrogate.
    # Out: the JUnit report parses, and shows those characters as \x00, \x1b, \x0c, \udcff.
    report = Report(Path())
    report.findings = [
        make(
            "code/runtime-error",
            "docs/a\x0c.md",
            3,
            1,
            "raised ValueError: \x00\x1b[31m" + chr(0xDCFF),
        ),
        make("code/cwd-changed", "docs/b.md", 1, 1, "warning \x01"),
    ]
    text = formatter("junit")(report)
    tree = ET.fromstring(text.encode("utf-8"))
    cases = {case.get("name"): case for case in tree.iter("testcase")}
    assert sorted(cases) == ["docs/a\\x0c.md", "docs/b.md"]
    failure = cases["docs/a\\x0c.md"].find("failure")
    assert failure is not None
    assert "raised ValueError: \\x00\\x1b[31m\\udcff" in (failure.get("message") or "")
    assert "\\x01" in (cases["docs/b.md"].findtext("system-out") or "")
