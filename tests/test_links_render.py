"""The CLI's ids from rendering pages with the project's own Markdown extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgates._core.project import load_project
from docgates._core.rendering import Renderer, Unresolvable, resolve
from docgates._core.yamlload import OtherTag, PythonTag
from tests.conftest import DEFAULT_CONFIG, MakeProject
from tests.helpers import lines, run

RENDER = {"anchor_ids": "render"}


def test_python_tags_are_resolved_only_when_rendering() -> None:
    from pymdownx import slugs

    assert resolve(PythonTag("name", "pymdownx.slugs.slugify")) is slugs.slugify
    made = resolve(PythonTag("object/apply", "pymdownx.slugs.slugify", kwds={"case": "lower"}))
    assert made("A B", "-") == "a-b"
    assert resolve({"x": [OtherTag("!relative", "docs")]}) == {"x": ["docs"]}
    with pytest.raises(Unresolvable, match=r"^no_such_module\.func$"):
        resolve(PythonTag("name", "no_such_module.func"))


def test_an_extension_option_that_cannot_be_imported_is_named(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG.replace(
        "  - toc:\n",
        "  - pymdownx.emoji:\n      emoji_generator: !!python/name:nowhere.to_svg\n  - toc:\n",
    )
    root = make_project({"docs/index.md": "# Home\n\n[x](#nope)\n"}, config=config)
    report = run(root, ("links",), links=RENDER)
    assert report.notices == [
        "markdown extensions cannot be imported here: pymdownx.emoji (needs nowhere.to_svg); "
        "rendering without them would lose what they make: anchors are checked against "
        "docgates' own slug rules"
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
