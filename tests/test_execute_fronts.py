"""Execution through the fronts: the CLI's flags and exit codes, ``mkdocs build --strict`` (MkDocs
and ProperDocs), and the error box ``mkdocs serve`` shows on a page with a failing block."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from docgates._core.checks.execute import BlockFailure
from docgates._core.findings import make
from docgates.mkdocs_plugins.code import annotate
from tests.execution import _stop_workers, project

__all__ = ["_stop_workers"]


def load_project_for(root: Path, body: str):  # type: ignore[no-untyped-def]
    """The parsed page ``body`` as the code gate sees it (``docs/index.md``)."""
    from docgates._core.document import DocumentBuilder
    from docgates._core.includes import Expander
    from docgates._core.mdconfig import build_markdown_options
    from docgates._core.parse import ParserSettings

    options = build_markdown_options(["admonition", "pymdownx.superfences"], root)
    builder = DocumentBuilder(
        ParserSettings.from_options(options, inline=False),
        Expander(options, root, max_size=0),
        indented_headers=False,
    )
    return builder.build(root / "docs/index.md", "docs/index.md", body)


ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}

PAGE = """\
---
title: Failing
---

# Failing

```python
print(6 * 7)
#> 41
```

!!! note

    ```python
    raise KeyError("missing")
    ```

Text after.
"""

SYNTAX = "Python block does not compile: '(' was never closed: 'broken = ('"
MISMATCH = "print() output differs from the page: expected '41', printed '42'"

CONFIG = """\
site_name: Test
theme: material
markdown_extensions:
  - admonition
  - pymdownx.superfences
plugins:
  - docgates/code:
      execute: {execute}
      timeout: 5
      cache: false
"""


def _docgates(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docgates", "check", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        check=False,
    )


def test_cli_execute_flags_and_exit_codes(tmp_path: Path) -> None:
    root = project(tmp_path, {"docs/index.md": PAGE}, config=CONFIG.format(execute="false"))
    assert _docgates(root).returncode == 0  # execution is off for the site
    result = _docgates(root, "--execute", "--format", "json", "--jobs", "1", "--no-cache")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [(f["rule"], f["line"], f["column"]) for f in data["findings"]] == [
        ("code/output-mismatch", 9, 1),
        ("code/runtime-error", 15, 5),
    ]
    assert data["stats"]["executed"] == {
        "run": 2,
        "passed": 0,
        "failed": 2,
        "cached": 0,
        "skipped": 0,
        "skip_reasons": {},
    }
    on = project(tmp_path / "on", {"docs/index.md": PAGE}, config=CONFIG.format(execute="true"))
    assert _docgates(on, "--no-execute").returncode == 0
    assert _docgates(on, "--jobs", "-1").returncode == 2


def test_cli_update_rewrites_and_then_passes(tmp_path: Path) -> None:
    page = "# Update\n\n```python\nprint(6 * 7)\n#> 41\n```\n"
    root = project(tmp_path, {"docs/index.md": page}, config=CONFIG.format(execute="false"))
    result = _docgates(root, "--update")
    assert (result.returncode, result.stdout.splitlines()[0]) == (
        0,
        "note: updated 1 expected output in 'docs/index.md'",
    )
    assert (root / "docs/index.md").read_text() == page.replace("#> 41", "#> 42")
    assert _docgates(root, "--execute").returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_build_strict_fails_listing_every_failure(tmp_path: Path, tool: str) -> None:
    root = project(tmp_path, {"docs/index.md": PAGE}, config=CONFIG.format(execute="true"))
    result = subprocess.run(
        [sys.executable, "-m", tool, "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert warnings == [
        "WARNING -  docgates: docs/index.md:9:1: code/output-mismatch print() output differs "
        "from the page: expected '41', printed '42'",
        "WARNING -  docgates: docs/index.md:15:5: code/runtime-error Python block raised "
        "KeyError: 'missing'",
    ]
    fixed = PAGE.replace("#> 41", "#> 42").replace('raise KeyError("missing")', "pass")
    (root / "docs/index.md").write_text(fixed)
    result = subprocess.run(
        [sys.executable, "-m", tool, "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "admonition failure" not in (root / "site" / "index.html").read_text()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
def test_serve_shows_failing_blocks_on_the_page(tmp_path: Path) -> None:
    root = project(tmp_path, {"docs/index.md": PAGE}, config=CONFIG.format(execute="true"))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    try:
        html = _fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert html.count('<div class="admonition failure docgates-failure">') == 2
    assert (
        '<p class="admonition-title">docgates: code/runtime-error at docs/index.md:15:5</p>' in html
    )
    assert "Python block raised KeyError: 'missing'" in html
    assert html.index("admonition failure") > html.index("Text after") - 2000


def test_failing_blocks_are_found_for_the_served_pages(tmp_path: Path) -> None:
    from docgates._core.checks.execute import failing_blocks
    from docgates._core.engine import Engine
    from docgates._core.project import load_project

    page = PAGE + "\n```python\nbroken = (\n```\n\n```python\nprint('fine')\n```\n"
    root = project(tmp_path, {"docs/index.md": page}, config=CONFIG.format(execute="true"))
    loaded = load_project(root)
    engine = Engine(loaded, loaded.settings())
    report = engine.check(["code"])
    failures = failing_blocks(engine, report.findings)
    assert [
        (f.after, f.column, [str(x).split("\n")[0] for x in f.findings])
        for f in failures["docs/index.md"]
    ] == [
        (10, 1, [f"docs/index.md:9:1: code/output-mismatch {MISMATCH}"]),
        (16, 5, ["docs/index.md:15:5: code/runtime-error Python block raised KeyError: 'missing'"]),
        (22, 1, [f"docs/index.md:21:10: code/syntax-error {SYNTAX}"]),
    ]


def test_execute_counts_add_up_across_parts_of_a_run() -> None:
    from docgates._core.report import Stats

    total, part = Stats(), Stats()
    total.extra["executed"] = {"run": 2, "skip_reasons": {"a": 1}}
    part.extra["executed"] = {"run": 3, "skip_reasons": {"a": 1, "b": 2}}
    part.extra["other"] = "kept"
    total.merge(part)
    assert total.extra == {
        "executed": {"run": 5, "skip_reasons": {"a": 2, "b": 2}},
        "other": "kept",
    }


def test_annotate_puts_an_html_box_after_each_failing_block_inside_its_container() -> None:
    import markdown as pymd

    from docgates._core.checks.proof import Proof
    from docgates._core.site import PageText

    body = PAGE.split("---\n", 2)[2].lstrip("\n") + "\n```python\nx = '{{ version }}'\n```\n"
    html = pymd.markdown(body, extensions=["admonition", "pymdownx.superfences"])
    root = Path("/nowhere")
    loaded = load_project_for(root, body)
    doc = loaded
    proof = Proof({"docs/index.md": html}, frozenset({"python"}))
    proof.apply(doc)
    failures = [
        BlockFailure(
            10,
            1,
            [make("code/output-mismatch", "docs/index.md", 9, 1, "a\n-41\n+42")],
            doc.blocks[0],
        ),
        BlockFailure(
            16, 5, [make("code/runtime-error", "docs/index.md", 15, 5, "raised")], doc.blocks[1]
        ),
        BlockFailure(
            24,
            1,
            [make("code/runtime-error", "docs/index.md", 23, 1, "{{ x }} {% y %}")],
            doc.blocks[2],
        ),
    ]
    text = PageText("index.md", "docs/index.md", body, PAGE)
    out = annotate(html, failures, proof, text)
    first = out.index('<div class="admonition failure docgates-failure">')
    assert out[:first] == html[: html.index("</div>") + len("</div>")]
    assert out.count('<div class="admonition failure docgates-failure">') == 3
    note = out.index('<div class="admonition note">')
    second = out.index("docgates: code/runtime-error at docs/index.md:15:5")
    assert note < second < out.index("Text after.")
    # inside the note: the box comes before the note's closing tag
    assert out[second:].index("</div>\n</div>") < out[second:].index("Text after.")
    assert "{{" not in out[out.index("23:1") :]
    assert "&#123;&#123; x &#125;&#125;" in out
