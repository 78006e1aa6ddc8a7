"""The links and structure plugins end to end: a real ``mkdocs build --strict`` in a temp folder,
under MkDocs and ProperDocs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MakeProject

pytestmark = pytest.mark.slow

CONFIG = """\
site_name: Test
theme: material
markdown_extensions:
  - attr_list
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
      combine_header_slug: true
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - toc:
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
plugins:
  - docgates/links
  - docgates/structure
nav:
  - index.md
  - guide.md
"""

GUIDE = """\
# Guide

## Setup & Configuration

=== "pip"

    Install it.

=== "conda"

    Install it too.

### Details {#details}
"""


def build(root: Path, tool: str = "mkdocs") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run(
        [sys.executable, "-m", tool, "build", "--strict", "-d", str(root / "site")],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_a_correct_site_builds(make_project: MakeProject, tool: str) -> None:
    index = (
        "# Home\n\n[a](guide.md#setup--configuration) [b](guide.md#setup--configuration-conda)"
        " [c](guide.md#details) [d](#home)\n"
    )
    root = make_project({"docs/index.md": index, "docs/guide.md": GUIDE}, config=CONFIG)
    result = build(root, tool)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "docgates" in line]
    assert said == [
        "INFO    -  docgates: while docgates/links is on, MkDocs' own "
        "validation.links.not_found is lowered to info: docgates reports the same problems, "
        "with their lines",
        "INFO    -  docgates: while docgates/structure is on, MkDocs' own "
        "validation.nav.not_found is lowered to info: docgates reports the same problems, "
        "with their lines",
    ]


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_broken_links_fail_the_strict_build_at_their_lines(
    make_project: MakeProject, tool: str
) -> None:
    index = """\
        # Home

        [a](guide.md#setup-configuration) [b](guide.md#setup--configuration-pipx)
        [c](missing.md) ![d](img/none.png)

        #### Too deep
        """
    files = {"docs/index.md": index, "docs/guide.md": GUIDE, "docs/orphan.md": "# Orphan\n"}
    root = make_project(files, config=CONFIG + "  - Gone: gone.md\n")
    result = build(root, tool)
    assert result.returncode == 1
    # Each problem once, with its line: every WARNING of the build is docgates' (MkDocs' own
    # "Doc file ... contains a link 'missing.md'" and nav "not found" are lowered to info).
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    # The links plugin speaks first (both log after the pages are built), in config order.
    assert warnings == [
        "WARNING -  docgates: docs/index.md:3:1: links/anchor-not-found link "
        "'guide.md#setup-configuration' points to a missing anchor '#setup-configuration' in "
        "'guide.md'. Did you mean '#setup--configuration'? The heading 'Setup & Configuration' "
        "gets '#setup--configuration' from this site's toc.slugify "
        "(pymdownx.slugs.slugify(case='lower')); '#setup-configuration' is what "
        "Python-Markdown's default slugify makes of it.",
        "WARNING -  docgates: docs/index.md:3:35: links/anchor-not-found link "
        "'guide.md#setup--configuration-pipx' points to a missing anchor "
        "'#setup--configuration-pipx' in 'guide.md'. Did you mean "
        "'#setup--configuration-pip'?",
        "WARNING -  docgates: docs/index.md:4:1: links/page-not-found link 'missing.md': the "
        "target 'missing.md' is not among the documentation files",
        "WARNING -  docgates: docs/index.md:4:17: links/image-not-found image 'img/none.png': "
        "the target 'img/none.png' is not among the documentation files",
        "WARNING -  docgates: docs/index.md:6:1: structure/heading-skip heading 'Too deep' is an "
        "H4 after an H1; it skips H2. Make it an H2 ('## Too deep').",
        "WARNING -  docgates: docs/orphan.md: structure/orphan-page page 'orphan.md' is not in "
        "nav, so no menu leads to it. Add it to nav, or list it in not_in_nav if only links should "
        "reach it.",
        "WARNING -  docgates: mkdocs.yml:22:5: structure/nav-target-missing nav entry 'Gone' "
        "points to 'gone.md', but it is not among the documentation files",
    ]


def test_generated_pages_are_seen(make_project: MakeProject) -> None:
    # A plugin that adds a page: links to it and a nav entry for it resolve in the plugin.
    plugin = """\
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File


class Gen(BasePlugin):
    def on_files(self, files, config):
        files.append(File.generated(config, "reference/api.md", content="# API\\n\\n## Model\\n"))
        return files
"""
    root = make_project(
        {
            "docs/index.md": "# Home\n\n[api](reference/api.md#model)\n",
            "docs/guide.md": GUIDE,
            "gen_plugin.py": plugin,
            "hooks.py": "from gen_plugin import Gen\n_gen = Gen()\n"
            "def on_files(files, config):\n    return _gen.on_files(files, config)\n",
        },
        config=CONFIG + "  - API: reference/api.md\nhooks:\n  - hooks.py\n",
    )
    result = build(root)
    assert result.returncode == 0, result.stderr


def test_pages_defining_only_external_references_or_footnotes_are_not_read_again() -> None:
    from docgates.mkdocs_plugins.links import may_define_internal

    external = "See [PyPI][p].\n\n[p]: https://pypi.org\n[q]:\n    <https://example.com>\n"
    assert not may_define_internal(external)
    # a footnote is no reference link, while the footnotes extension is on
    assert not may_define_internal("Text[^1].\n\n[^1]: A note.\n", footnotes=True)
    assert may_define_internal("Text[^1].\n\n[^1]: A note.\n", footnotes=False)
    # a definition whose target is a page, a path, an anchor or on the next line is read
    for target in ("other.md", "/abs/", "#anchor", "\n    other.md", ""):
        assert may_define_internal(f"[p]: https://pypi.org\n[x]: {target}\n")
    assert not may_define_internal("No references here.\n")
