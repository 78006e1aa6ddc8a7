"""The page "What docgates promises on bad input" names a real test behind each promise."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "promises.md"
NAMED = re.compile(r"`(tests/test_[a-z_]+\.py)::(test_[a-z0-9_]+)`")


def test_every_promise_names_tests_that_exist() -> None:
    # In: the page. Out: each section has at least one named test, and each named test is a
    # function of that file.
    text = PAGE.read_text("utf-8")
    sections = text.split("\n## ")[1:]
    assert len(sections) >= 8
    for section in sections:
        assert NAMED.search(section), section.split("\n", 1)[0]
    missing = []
    for path, name in NAMED.findall(text):
        tree = ast.parse((REPO / path).read_text("utf-8"))
        functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if name not in functions:
            missing.append(f"{path}::{name}")
    assert missing == []


def test_the_page_is_in_the_nav() -> None:
    assert "promises.md" in (REPO / "mkdocs.yml").read_text("utf-8")
