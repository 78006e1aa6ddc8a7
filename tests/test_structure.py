"""The structure gate: orphans, nav targets, heading levels, H1s, duplicate anchors, schemas."""

from __future__ import annotations

import json

import pytest

from docgates._core.errors import ConfigError
from tests.conftest import DEFAULT_CONFIG, MakeProject
from tests.helpers import lines, run

STRUCTURE = ("structure",)
NAV = """\
nav:
  - Home: index.md
  - Guide:
      - guide/index.md
      - Install: guide/install.md
  - Missing: guide/gone.md
  - External: https://example.org/
not_in_nav: |
  /hidden/
"""


def test_orphans_and_nav_targets(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "docs/guide/index.md": "# Guide\n",
            "docs/guide/install.md": "# Install\n",
            "docs/guide/extra.md": "# Extra\n",
            "docs/hidden/page.md": "# Hidden\n",
        },
        config=DEFAULT_CONFIG + NAV,
    )
    report = run(root, STRUCTURE)
    assert lines(report) == [
        "docs/guide/extra.md: structure/orphan-page page 'guide/extra.md' is not in nav, so no "
        "menu leads to it",
        "mkdocs.yml:25:5: structure/nav-target-missing nav entry 'Missing' points to "
        "'guide/gone.md', but it is not among the documentation files",
    ]
    assert [f.line for f in report.findings] == [None, 25]
    assert report.findings[1].hint == "Did you mean 'guide/index.md'?"


def test_no_nav_means_no_orphans(make_project: MakeProject) -> None:
    root = make_project({"docs/index.md": "# Home\n", "docs/other.md": "# Other\n"})
    assert lines(run(root, STRUCTURE)) == []


def test_blog_posts_are_not_orphans(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + "  - blog\nnav:\n  - index.md\n  - blog/index.md\n"
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "docs/blog/index.md": "# Blog\n",
            "docs/blog/posts/first.md": "# First\n",
        },
        config=config,
    )
    assert lines(run(root, STRUCTURE)) == []


def test_nav_entry_to_a_generated_page_is_info(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + "hooks:\n  - docs/plugins/main.py\nnav:\n  - changelog.md\n"
    root = make_project({"docs/index.md": "# Home\n"}, config=config)
    report = run(root, STRUCTURE)
    assert [(f.severity.value, f.message) for f in report.findings] == [
        (
            "warning",
            "page 'index.md' is not in nav, so no menu leads to it",
        ),
        (
            "info",
            "nav entry points to 'changelog.md', but it is not among the documentation files; "
            "nav names it and the config's hooks may write it at build time",
        ),
    ]


HEADINGS = """\
# Guide

## Usage

#### Too deep

!!! note

    ### Inside an admonition

    ##### Too deep inside

=== "Tab"

    ### In a tab

    ```python
    # not a heading
    ```

# Second title

## Usage

## Usage {#usage}
"""


def test_headings(make_project: MakeProject) -> None:
    root = make_project({"docs/index.md": HEADINGS})
    assert lines(run(root, STRUCTURE)) == [
        "docs/index.md:5:1: structure/heading-skip heading 'Too deep' is an H4 after an H2; it "
        "skips H3",
        "docs/index.md:11:5: structure/heading-skip heading 'Too deep inside' is an H5 after an "
        "H3; it skips H4",
        "docs/index.md:21:1: structure/multiple-h1 heading 'Second title' is a second H1; the "
        "page's H1 is 'Guide' (line 1)",
        "docs/index.md:23:1: structure/duplicate-anchor heading 'Usage' makes the anchor "
        "'#usage', as the heading 'Usage' on line 3 does; MkDocs gives them '#usage_1' and "
        "'#usage_2'",
        "docs/index.md:25:1: structure/duplicate-anchor heading 'Usage' sets the anchor "
        "'#usage', as the heading 'Usage' on line 3 does; MkDocs gives them '#usage_1' and "
        "'#usage'",
    ]


def test_a_page_may_start_at_h2(make_project: MakeProject) -> None:
    root = make_project({"docs/index.md": "## Intro\n\n### Detail\n\n#### Deeper\n"})
    assert lines(run(root, STRUCTURE)) == []
    root = make_project({"docs/index.md": "### Starts too deep\n"})
    assert lines(run(root, STRUCTURE)) == [
        "docs/index.md:1:1: structure/heading-skip heading 'Starts too deep' is an H3 after an "
        "H1; it skips H2"
    ]


def test_h1_disagreeing_with_the_title(make_project: MakeProject) -> None:
    page = "---\ntitle: Installing\n---\n\n# Installation\n"
    root = make_project({"docs/index.md": page, "docs/ok.md": "---\ntitle: Same\n---\n# Same\n"})
    assert lines(run(root, STRUCTURE)) == [
        "docs/index.md:5:1: structure/multiple-h1 H1 'Installation' disagrees with the "
        "front-matter title 'Installing'; MkDocs uses the title in nav and the browser tab",
    ]
    assert lines(run(root, STRUCTURE, structure={"title_h1": False})) == []


def test_options_turn_parts_off(make_project: MakeProject) -> None:
    root = make_project(
        {"docs/index.md": HEADINGS, "docs/other.md": "# O\n"}, config=DEFAULT_CONFIG + NAV
    )
    report = run(root, STRUCTURE, structure={"headings": False, "orphans": False})
    assert [f.rule for f in report.findings] == ["structure/nav-target-missing"] * 3


def test_front_matter_schema(make_project: MakeProject) -> None:
    schema = {
        "type": "object",
        "required": ["title", "date"],
        "properties": {"title": {"type": "string"}, "tags": {"type": "array"}},
    }
    root = make_project(
        {
            "schemas/post.json": json.dumps(schema),
            "docs/index.md": "# Home\n",
            "docs/blog/good.md": "---\ntitle: Good\ndate: 2024-01-01\n---\n# Good\n",
            "docs/blog/bad.md": "---\ntitle: Bad\ntags: oops\n---\n# Bad\n",
            "docs/blog/none.md": "# None\n",
        }
    )
    report = run(root, STRUCTURE, structure={"front_matter_schema": {"blog/": "schemas/post.json"}})
    assert lines(report) == [
        "docs/blog/bad.md:1:1: structure/front-matter front matter does not match schema "
        "'schemas/post.json': 'date' is a required property",
        "docs/blog/bad.md:3:1: structure/front-matter 'tags' does not match schema "
        "'schemas/post.json': 'oops' is not of type 'array'",
        "docs/blog/none.md:1:1: structure/front-matter front matter does not match schema "
        "'schemas/post.json': 'title' is a required property; 'date' is a required property",
    ]


def test_a_broken_schema_is_a_config_error(make_project: MakeProject) -> None:
    root = make_project({"docs/index.md": "# Home\n", "schema.json": "{not json"})
    with pytest.raises(ConfigError, match=r"cannot use schema 'schema\.json'"):
        run(root, STRUCTURE, structure={"front_matter_schema": {"/": "schema.json"}})
