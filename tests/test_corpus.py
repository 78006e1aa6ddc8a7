"""The code gate on real documentation trees (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from docgates._core.engine import Engine
from docgates._core.project import load_project

pytestmark = pytest.mark.corpus


def code_report(root: Path):  # type: ignore[no-untyped-def]
    project = load_project(root)
    engine = Engine(project, project.settings())
    return engine, engine.check(["code"])


def python_blocks(engine: Engine) -> set[tuple[str, int]]:
    found = set()
    for page in engine.project.pages():
        doc = engine.read(page, inline=False)
        for block in getattr(doc, "blocks", []):
            if (block.lang or "").lower() in {"python", "py", "python3", "py3"}:
                found.add((block.span.path, block.span.line))
    return found


def test_pydantic_every_fence_the_peer_found_and_no_false_syntax_error(corpus: Path) -> None:
    engine, report = code_report(corpus / "pydantic")
    baseline = json.loads((corpus / "pydantic" / "pytest-examples-baseline.json").read_text())
    theirs = {(e["file"], e["start_line"]) for e in baseline["examples"]}
    assert len(theirs) == 571
    assert python_blocks(engine) == theirs
    assert report.findings == []
    assert report.stats.python_blocks == 571
    # The markers the peer honours, honoured the same way (requires= depends on this Python).
    assert report.stats.skip_reasons['test="skip" lint="skip"'] == 40


def test_mkdocs_material(corpus: Path) -> None:
    _engine, report = code_report(corpus / "mkdocs-material")
    assert report.stats.python_blocks == 9
    # A real defect: a `py` fence holding a Markdown blog post.
    assert [(f.rule, f.path, f.line) for f in report.findings] == [
        ("code/syntax-error", "docs/setup/setting-up-a-blog.md", 274)
    ]


def test_typer_each_missing_include_is_one_finding(corpus: Path) -> None:
    _engine, report = code_report(corpus / "typer")
    rules = Counter(f.rule for f in report.findings)
    pages = corpus / "typer" / "docs"
    written = sum(
        line.lstrip().startswith("{*")
        for page in pages.rglob("*.md")
        for line in page.read_text("utf-8").splitlines()
    )
    assert written == 187
    assert rules["code/include-missing"] == written
    assert report.stats.python_blocks == 59
    # Real syntax errors in typer's inline examples (outlines with elided bodies).
    assert sorted((f.path, f.line) for f in report.findings if f.rule == "code/syntax-error") == [
        ("docs/tutorial/package.md", 196),
        ("docs/tutorial/testing.md", 169),
        ("docs/tutorial/testing.md", 180),
        ("docs/tutorial/testing.md", 200),
        ("docs/tutorial/testing.md", 211),
    ]
    assert set(rules) == {"code/include-missing", "code/syntax-error"}


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the requires='3.12' blocks run on 3.12+")
def test_pydantic_blocks_that_need_newer_python_compile_there(corpus: Path) -> None:
    _, report = code_report(corpus / "pydantic")
    assert [f for f in report.findings if f.rule == "code/syntax-error"] == []
