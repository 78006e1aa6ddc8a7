"""What people read: build logs, SARIF messages, colour in pipes, and the reference pages."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

import docgates
from docgates._core.findings import Finding, Severity, join_hint
from docgates._core.formatters import formatter
from docgates._core.report import Report

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _finding(message: str, hint: str | None) -> Finding:
    return Finding("docs/a.md", 3, 1, "code/output-mismatch", Severity.ERROR, message, hint)


def test_a_hint_shares_a_line_with_a_sentence_and_gets_its_own_after_a_block() -> None:
    assert join_hint("link 'x.md' is broken", "Did you mean 'y.md'?") == (
        "link 'x.md' is broken. Did you mean 'y.md'?"
    )
    assert join_hint("is it 'x.md'?", "Did you mean 'y.md'?") == (
        "is it 'x.md'? Did you mean 'y.md'?"
    )
    assert join_hint("differs:\n--- page\n+++ printed\n+6.\n", "Run it again.") == (
        "differs:\n--- page\n+++ printed\n+6.\nRun it again."
    )
    assert join_hint("no hint", None) == "no hint"


def test_sarif_joins_message_and_hint_as_the_text_formatter_does() -> None:
    report = Report(
        ROOT,
        [
            _finding("fence language 'pyhton' is not a Python language", "Did you mean 'python'?"),
            _finding("output differs:\n-5.\n+6.", "Run 'docgates check --execute --update'."),
        ],
    )
    results = json.loads(formatter("sarif")(report))["runs"][0]["results"]
    assert [r["message"]["text"] for r in results] == [
        "fence language 'pyhton' is not a Python language. Did you mean 'python'?",
        "output differs:\n-5.\n+6.\nRun 'docgates check --execute --update'.",
    ]


MISMATCH = """\
# Numbers

```python
for i in range(1, 7):
    print(f"{i}.")
```

```text
1.
2.
3.
4.
5.
```
"""


@pytest.mark.slow
def test_the_build_log_puts_the_hint_below_the_diff_and_says_docgates_once(
    tmp_path: Path,
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(MISMATCH, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Numbers\nplugins:\n  - docgates/code:\n      execute: true\n", encoding="utf-8"
    )
    cache = tmp_path / ".docgates" / "cache" / "execute.sqlite3"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not a database")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 1
    log = built.stderr.split("Building documentation to directory:", 1)[1].split("\n", 1)[1]
    assert log == (
        f"INFO    -  docgates: the execution cache '{cache}' could not be read (file is not a "
        "database); rebuilt it\n"
        "WARNING -  docgates: docs/index.md:13:1: code/output-mismatch output has more lines "
        "than the output block after the code: '6.'\n"
        "--- page\n"
        "+++ printed\n"
        "@@ -5 +5,2 @@\n"
        " 5.\n"
        "+6.\n"
        "Run 'docgates check --execute --update' to write what the code prints.\n"
    )
    assert "Aborted with 1 warnings in strict mode!" in built.stdout + built.stderr


def _check_piped(root: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    done = subprocess.run(
        [sys.executable, "-m", "docgates", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**clean, **env},
    )
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_force_color_colours_piped_output_and_plain_pipes_get_none(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# A\n\n```python\nx = (\n```\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: A\n", encoding="utf-8")
    plain = _check_piped(tmp_path)
    assert "\x1b" not in plain
    assert plain.startswith(
        "docs/index.md:4:5: error: code/syntax-error Python block does not compile"
    )
    coloured = _check_piped(tmp_path, FORCE_COLOR="1")
    assert "\x1b[1m" in coloured  # the location in bold
    assert "\x1b[1;31m" in coloured  # "error" in bold red
    assert ANSI.sub("", coloured).splitlines()[0] == plain.splitlines()[0]
    # NO_COLOR takes the colours away and keeps bold and dim, as rich (and no-color.org) decide.
    codes = set(
        re.findall(r"\x1b\[([0-9;]*)m", _check_piped(tmp_path, FORCE_COLOR="1", NO_COLOR="1"))
    )
    assert codes == {"0", "1", "2"}


# -- the reference pages -------------------------------------------------------------------------


def _api_page() -> str:
    return (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def test_the_api_page_documents_every_exported_name() -> None:
    documented = set(re.findall(r"^`([A-Za-z_]+)", _api_page(), re.MULTILINE))
    documented |= set(re.findall(r"^`[A-Za-z_]+`(?:, `([A-Za-z_]+)`)", _api_page(), re.MULTILINE))
    for line in re.findall(r"^`.*$", _api_page(), re.MULTILINE):
        documented |= set(re.findall(r"`([A-Za-z_]+)`", line))
    assert set(docgates.__all__) - {"__version__"} <= documented


def test_the_api_page_documents_what_its_own_example_uses() -> None:
    tree = ast.parse((ROOT / "docs" / "snippets" / "api_example.py").read_text("utf-8"))
    used = {
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
    }
    assert used >= {"finding.location", "project.settings", "docgates.Severity"}
    page = _api_page()
    for name in sorted(used):
        owner, attr = name.split(".")
        if owner == "docgates":
            assert f"`{attr}" in page, name
        else:
            assert f"`{name}" in page or f"`{attr}`" in page, name


def test_the_status_page_lists_status_json_fields_without_escaped_pipes(tmp_path: Path) -> None:
    from docgates._core.project import load_project
    from docgates._core.status import collect, outputs

    page = (ROOT / "docs" / "gates" / "status.md").read_text(encoding="utf-8")
    html = markdown.markdown(page, extensions=["tables", "attr_list", "fenced_code"])
    assert "\\|" not in html
    listed = page.split("`status.json` holds", 1)[1].split("\n\n", 2)[1]
    items = [" ".join(item.split()) for item in listed.split("\n- ")]
    groups = {}
    for item in items:
        head = re.match(r"-? ?`([a-z_]+)`: (.*)", item)
        if head and head.group(1) in ("tests", "coverage", "ci"):
            groups[head.group(1)] = set(re.findall(r"`([a-z_]+)`", head.group(2)))
    top = {re.findall(r"`([a-z_]+)`", item)[0] for item in items} | {
        name for item in items[:1] + items[-1:] for name in re.findall(r"`([a-z_]+)`", item)
    }
    # Without any data, every key is still there.
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nplugins:\n  - docgates/status:\n      history: ''\n", encoding="utf-8"
    )
    project = load_project(tmp_path)
    collected = collect(project, project.settings())
    try:
        document = outputs.status_document(collected.snapshot, project.settings().status)
    finally:
        collected.close()
    assert set(document) == top - {"passing", "failing", "unknown"}
    assert set(document["tests"]) == groups["tests"] - {"id", "outcome", "message"}
    assert groups["coverage"] <= set(document["coverage"])
    assert all(document["coverage"][key] is None for key in groups["coverage"])
    assert document["ci"] is None


def test_the_status_closing_line_never_prints_credentials() -> None:
    from docgates.cli import _redacted

    url = "postgresql://ci:s3cret@db.test:5432/history?sslmode=on"  # pragma: allowlist secret
    assert _redacted(url) == "postgresql://db.test:5432/history"
    assert _redacted(".docgates/history.sqlite") == ".docgates/history.sqlite"
