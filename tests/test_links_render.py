"""The CLI's ids from rendering pages with the project's own Markdown extensions."""

from __future__ import annotations

from pathlib import Path

from docgates._core.project import load_project
from docgates._core.rendering import Renderer
from tests.conftest import DEFAULT_CONFIG, MakeProject
from tests.helpers import lines, run

RENDER = {"anchor_ids": "render"}


def test_an_option_naming_python_code_is_left_out_and_named(make_project: MakeProject) -> None:
    # In: pymdownx.emoji with emoji_index: !!python/name:nowhere.index. Out: the option is
    # left out (never imported), the extension still renders, the notice names the option.
    config = DEFAULT_CONFIG.replace(
        "  - toc:\n",
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:nowhere.index\n  - toc:\n",
    )
    root = make_project({"docs/index.md": "# Home\n\n[x](#nope)\n"}, config=config)
    report = run(root, ("links",), links=RENDER)
    assert report.notices == [
        "options naming Python code were left out (docgates never imports or calls what the "
        "config names): pymdownx.emoji: emoji_index (nowhere.index)"
    ]


def test_snippets_resolve_from_the_project_root(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": '# Home\n\n--8<-- "part.md"\n\n[a](#from-the-snippet)\n',
            "snippets/part.md": "## From the snippet\n",
        }
    )
    renderer = Renderer(load_project(root))
    assert renderer.ids(root / "docs/index.md") == {"home", "from-the-snippet"}
    assert lines(run(root, ("links",), links=RENDER)) == []


def test_a_page_that_breaks_an_extension_falls_back(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG.replace(
        "      base_path: [snippets, .]\n",
        "      base_path: [snippets, .]\n      check_paths: true\n",
    )
    root = make_project(
        {
            "docs/index.md": "# Home\n\n[a](other.md#there)\n",
            "docs/other.md": '# Other\n\n## There\n\n--8<-- "missing.md"\n',
        },
        config=config,
    )
    report = run(root, ("links",), links=RENDER)
    # The ids came from docgates' own rules; the missing snippet is the code gate's finding,
    # reported when that gate runs.
    assert report.findings == []
    assert [f.rule for f in run(root, ("code", "links"), links=RENDER).findings] == [
        "code/include-missing"
    ]
    assert len(report.notices) == 1
    assert report.notices[0].startswith(
        "1 page(s) could not be rendered for their ids (first: docs/other.md: SnippetMissingError"
    )
    assert report.notices[0].endswith("docgates' own slug rules were used")


def test_source_ids_can_be_chosen(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"docs/index.md": "# Home\n\n[x](#nope)\n"})
    report = run(root, ("links",), links={"anchor_ids": "source"})
    assert report.notices == []
    assert len(report.findings) == 1
