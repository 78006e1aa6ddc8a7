"""Quick-start command 1, as the README has it, in a fresh clone: the first build's status pages
carry that run's real figures.

The command runs the whole test suite, this file included, so the test runs only where
``DOCGATES_QUICKSTART=1`` is set (``.ci/run`` sets it) and the run inside it gets
``DOCGATES_QUICKSTART=inner``, which skips it there: the suite runs twice, never more.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .pipeline_support import REPO, snapshot_repo
from .status_support import clean_env, page_text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("DOCGATES_QUICKSTART") != "1",
        reason="runs the whole suite again: set DOCGATES_QUICKSTART=1 (.ci/run does)",
    ),
]


def quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", quick)


def test_command_1_in_a_fresh_clone_gives_status_pages_with_that_runs_figures(
    tmp_path: Path,
) -> None:
    clone, _ = snapshot_repo(tmp_path / "clone")
    assert not (clone / "reports").exists()  # nothing left from an earlier run
    env = {
        k: v
        for k, v in clean_env().items()
        # The run inside starts its own throwaway servers rather than share the outer run's.
        if not k.startswith(("DOCGATES_TEST_", "VIRTUAL_ENV"))
    }
    env["DOCGATES_QUICKSTART"] = "inner"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    done = subprocess.run(
        ["bash", "-c", quick_start()[0]],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=3000,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]

    # The figures of that run, as pytest and coverage.py wrote them.
    suite = ET.parse(clone / "reports" / "junit.xml").getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    total = int(suite.get("tests", "0"))
    failed, errors = int(suite.get("failures", "0")), int(suite.get("errors", "0"))
    skipped = int(suite.get("skipped", "0"))
    passed = total - failed - errors - skipped
    assert total > 500
    assert (failed, errors) == (0, 0)
    assert re.search(rf"\b{passed} passed\b", done.stdout)  # pytest's own closing line
    coverage = json.loads((clone / "reports" / "coverage.json").read_text(encoding="utf-8"))
    shown = coverage["totals"]["percent_covered_display"]
    assert float(shown) >= 90

    site = clone / "site"
    status = page_text((site / "status" / "index.html").read_text(encoding="utf-8"))
    assert f"Passed {passed} Failed 0 Errors 0 Skipped {skipped} Total {total} Duration " in (
        status
    )
    assert f"Coverage {shown}% lines and branches" in status
    assert "No data yet" not in status
    assert "No JUnit report" not in status
    assert "No coverage data" not in status
    page = page_text((site / "status" / "coverage" / "index.html").read_text(encoding="utf-8"))
    assert f"Coverage {shown}% lines and branches" in page
    assert f"Files {len(coverage['files'])}" in page
    data = json.loads((site / "status" / "status.json").read_text(encoding="utf-8"))
    assert (data["tests"]["passed"], data["tests"]["skipped"]) == (passed, skipped)
    assert data["coverage"]["display"] == shown
    assert f"{passed} passed" in (site / "status" / "badges" / "tests.svg").read_text("utf-8")
    assert f"{shown}%" in (site / "status" / "badges" / "coverage.svg").read_text("utf-8")
    # Every page MkDocs wrote, built under --strict: no escaped pipes left in the text (the
    # coverage report's pages are coverage.py's, showing source code as it is).
    htmlcov = site / "status" / "htmlcov"
    pages = [html for html in site.rglob("*.html") if htmlcov not in html.parents]
    assert len(pages) > 15
    for html in pages:
        assert "\\|" not in page_text(html.read_text(encoding="utf-8")), html
