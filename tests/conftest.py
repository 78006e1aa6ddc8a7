"""Shared fixtures: tiny projects written into a temp folder, and the corpus when present."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

DEFAULT_CONFIG = """\
site_name: Test
theme: material
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [snippets, .]
  - pymdownx.blocks.admonition
  - pymdownx.blocks.details
  - pymdownx.blocks.tab
  - toc:
      permalink: true
plugins:
  - docgates/code
"""

pytest_plugins = ["tests.servers"]

MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write ``files`` (path -> text, dedented) and a config into a fresh project folder."""

    def make(
        files: dict[str, str | bytes],
        config: str | None = DEFAULT_CONFIG,
        config_name: str = "mkdocs.yml",
    ) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        if config is not None:
            (root / config_name).write_text(textwrap.dedent(config), encoding="utf-8")
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return make


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not available")
    return CORPUS
