"""The CLI's ids from rendering pages with the project's own Markdown extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgates._core import rendering
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


PAGE_WITH_CODE = """# Code

```python { #the-example }
print("a")
```

```yaml title="config.yml"
# Not a heading
key: value
```

```python linenums="1"
x = 1
```

    indented = True
"""


@pytest.mark.parametrize(
    "highlight",
    [None, "  - pymdownx.highlight\n", "  - pymdownx.highlight:\n      anchor_linenums: true\n"],
    ids=["superfences-alone", "highlight-configured", "line-anchors"],
)
def test_code_left_unhighlighted_gives_the_ids_highlighting_gives(
    make_project: MakeProject, highlight: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In: fences with an id, a title and line numbers. Out: the same ids with the highlighter
    # that lexes nothing as with Pygments; line anchors, where configured, are still there.
    config = DEFAULT_CONFIG
    if "pymdownx.superfences" not in config:
        config = config.replace("  - toc:\n", "  - pymdownx.superfences\n  - toc:\n")
    if highlight:
        config = config.replace(
            "  - pymdownx.superfences\n", highlight + "  - pymdownx.superfences\n"
        )
    root = make_project({"docs/index.md": PAGE_WITH_CODE}, config=config)
    fast = Renderer(load_project(root)).ids(root / "docs/index.md")
    monkeypatch.setattr(rendering, "FAST_HIGHLIGHT", False)
    slow = Renderer(load_project(root)).ids(root / "docs/index.md")
    assert fast == slow
    assert fast is not None
    assert {"code", "the-example"} <= fast
    assert "not-a-heading" not in fast  # the titled fence is still a fence
    assert any(i.startswith("__codelineno") for i in fast) == bool(
        highlight and "anchor_linenums" in highlight
    )
