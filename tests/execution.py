"""Helpers for the execution tests: a project with execution on, short timeouts, no cache."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docgates._core.engine import Engine
from docgates._core.execute import pool
from docgates._core.project import load_project
from docgates._core.report import Report

CONFIG = """\
site_name: Test
markdown_extensions:
  - admonition
  - attr_list
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [snippets, .]
plugins:
  - docgates/code:
      execute: true
      timeout: 5
      memory_limit: 256
      cache: false
"""


@pytest.fixture(autouse=True, scope="module")
def _stop_workers() -> Iterator[None]:
    """Each test module leaves no worker process behind."""
    yield
    pool.shutdown()


def col(precise: int, statement: int) -> int:
    """The column of a runtime error: the failing expression's from Python 3.11 on, which has
    columns in tracebacks; the statement's before."""
    return precise if sys.version_info >= (3, 11) else statement


def project(root: Path, pages: dict[str, str], config: str = CONFIG) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    for name, text in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def check(root: Path, **code: Any) -> Report:
    loaded = load_project(root)
    settings = loaded.settings({"code": code} if code else None)
    return Engine(loaded, settings).check(["code"])


def found(report: Report) -> list[str]:
    """Each finding's first line, as ``path:line:col: rule message``."""
    return [str(f).split("\n")[0] for f in report.findings]
