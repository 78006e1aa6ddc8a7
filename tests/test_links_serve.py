"""``mkdocs serve`` rebuilds: only what an edit can affect is checked again, with no network."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MakeProject
from tests.linkserver import serving

CONFIG = """\
site_name: Test
theme: material
markdown_extensions:
  - attr_list
plugins:
  - docgates/links:
      external_in_serve: true
      external: true
      external_cache: cache.sqlite
nav:
  - index.md
  - guide.md
  - other.md
"""


class _Recorder:
    """Wraps the plugin's engine to record which pages each run checks."""

    def __init__(self, plugin: Any) -> None:
        self.plugin = plugin
        self.calls: list[list[str]] = []
        self.original = plugin.engine.check

    def __call__(self, gates: Any, paths: Any = None, **kwargs: Any) -> Any:
        self.calls.append(sorted(Path(p).name for p in paths or []))
        return self.original(gates, paths, **kwargs)


@pytest.mark.slow
def test_rebuilds_check_only_affected_pages(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with serving() as server:
        root = make_project(
            {
                "docs/index.md": f"# Home\n\n[g](guide.md#usage) [x]({server.base}/missing)\n",
                "docs/guide.md": "# Guide\n\n## Usage\n",
                "docs/other.md": "# Other\n\n[bad](nope.md)\n",
            },
            config=CONFIG,
        )
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
        config.plugins.on_startup(command="serve", dirty=False)
        plugin = config.plugins["docgates/links"]
        caplog.set_level(logging.INFO)

        def rebuild() -> list[str]:
            caplog.clear()
            build(config)
            return [
                r.getMessage().removeprefix("docgates: ")
                for r in caplog.records
                if r.name == "mkdocs.plugins.docgates"
            ]

        first = rebuild()
        recorder = _Recorder(plugin)
        plugin.engine.check = recorder
        assert [m for m in first if "links/" in m] == [
            f"docs/index.md:3:21: links/external-broken URL '{server.base}/missing' is broken: "
            "HTTP 404",
            "docs/other.md:3:1: links/page-not-found link 'nope.md': the target 'nope.md' is "
            "not among the documentation files",
        ]
        assert server.paths() == ["/missing"]
        server.reset_log()

        # Nothing changed: nothing is checked again, and the findings are still reported.
        assert [m for m in rebuild() if "links/" in m] == [m for m in first if "links/" in m]
        assert recorder.calls == [[]]

        # The guide loses its heading: the index, which links into it, is checked again.
        (root / "docs/guide.md").write_text("# Guide\n\n## Use\n")
        messages = [m for m in rebuild() if "links/" in m]
        assert recorder.calls[-1] == ["guide.md", "index.md"]
        assert messages[0] == (
            "docs/index.md:3:1: links/anchor-not-found link 'guide.md#usage' points to a missing "
            "anchor '#usage' in 'guide.md'. Did you mean '#use'?"
        )
        assert len(messages) == 3
        assert server.paths() == []  # rebuilds never go to the network


@pytest.mark.slow
def test_only_pages_whose_html_looks_wrong_are_parsed(make_project: MakeProject) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_text = CONFIG.replace(
        "      external_in_serve: true\n      external: true\n      external_cache: cache.sqlite\n",
        "",
    ).replace("  - docgates/links:\n", "  - docgates/links\n  - docgates/structure\n")
    root = make_project(
        {
            "docs/index.md": "# Home\n\n[g](guide.md#usage) [o](other.md)\n",
            "docs/guide.md": "# Guide\n\n## Usage\n\n[ref][home]\n\n[home]: index.md\n",
            "docs/other.md": "# Other\n\n[bad](guide.md#nope)\n\n#### Deep\n",
        },
        config=config_text,
    )
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    links = config.plugins["docgates/links"]
    links.on_config(config)
    recorder = _Recorder(links)
    links.engine.check = recorder
    build(config)
    # index.md is clean; guide.md defines a reference (HTML does not show those);
    # other.md has a broken anchor (links) and skips a heading level (structure).
    assert recorder.calls == [["guide.md", "other.md"], ["other.md"]]
