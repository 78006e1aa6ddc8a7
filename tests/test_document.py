"""The source model: every heading, fence, link and include with its place in the raw file."""

from __future__ import annotations

from pathlib import Path

from docgates._core.document import Document
from docgates._core.engine import Engine
from docgates._core.project import load_project
from tests.conftest import MakeProject
from tests.helpers import lines, run


def parse(root: Path, page: str = "docs/a.md", *, inline: bool = True) -> Document:
    project = load_project(root)
    doc = Engine(project, project.settings()).read(root / page, inline=inline)
    assert isinstance(doc, Document)
    return doc


def test_links_and_images_carry_line_and_column(make_project: MakeProject) -> None:
    page = (
        "---\ntitle: x\n---\n\n"
        "# Title {#custom-id}\n\n"
        "See [the guide](guide.md#install) and\n"
        "  an ![logo](img/logo.png) on a second line, <https://example.com>.\n\n"
        "!!! note\n\n"
        "    Nested [link](../other.md) here.\n\n"
        "[ref]: ref-target.md\n\n"
        "A [reference][ref] link.\n"
    )
    doc = parse(make_project({"docs/a.md": page}))
    assert [(link.kind, link.target, str(link.span)) for link in doc.links] == [
        ("link", "guide.md#install", "docs/a.md:7:5"),
        ("image", "img/logo.png", "docs/a.md:8:6"),
        ("autolink", "https://example.com", "docs/a.md:8:46"),
        ("link", "../other.md", "docs/a.md:12:12"),
        ("link", "ref-target.md", "docs/a.md:16:3"),
    ]
    assert [(h.level, h.text, h.explicit_id, str(h.span)) for h in doc.headings] == [
        (1, "Title", "custom-id", "docs/a.md:5:1")
    ]
    assert doc.front_matter == {"title": "x"}
    assert doc.title == "x"
    assert doc.front_matter_lines == 3


def test_headings_without_a_space_and_in_containers(make_project: MakeProject) -> None:
    page = '#Title\n\n=== "Tab"\n\n    ## In a tab\n\n/// details | D\n\n### In a block\n///\n'
    doc = parse(make_project({"docs/a.md": page}))
    assert [(h.level, h.text, h.container, h.span.line) for h in doc.headings] == [
        (1, "Title", (), 1),
        (2, "In a tab", ("tab",), 5),
        (3, "In a block", ("block",), 9),
    ]


def test_links_inside_included_markdown_point_at_the_included_file(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {"docs/a.md": 'Top.\n\n--8<-- "part.md"\n', "snippets/part.md": "\nSee [x](y.md).\n"}
    )
    doc = parse(root)
    assert [str(link.span) for link in doc.links] == ["snippets/part.md:2:5"]
    assert doc.includes[0].resolved == ((root / "snippets" / "part.md").resolve(),)


def test_code_lines_know_their_raw_columns(make_project: MakeProject) -> None:
    page = "1. Step\n\n    > ```python\n    > a = 1\n    >   b = 2\n    > ```\n"
    doc = parse(make_project({"docs/a.md": page}), inline=False)
    block = doc.blocks[0]
    assert block.container == ("ordered_list", "blockquote")
    assert [(line.text, line.line, line.column) for line in block.lines] == [
        ("a = 1", 4, 6),
        ("  b = 2", 5, 6),
    ]
    assert str(block.position(2, 3)) == "docs/a.md:5:9"
    assert block.end_line == 6


def test_blocks_nesting_options_and_unclosed(make_project: MakeProject) -> None:
    page = (
        "//// admonition | Outer\n"
        "    type: note\n\n"
        "/// details | Inner\n"
        "    open: true\n\n"
        "```python\ninner = (\n```\n"
        "///\n\n"
        "```python\nouter = (\n```\n"
        "////\n\n"
        "/// tab | Never closed\n\n"
        "```python\nlast = (\n```\n"
    )
    report = run(make_project({"docs/a.md": page}))
    assert [(f.line, f.message.rsplit(": ", 1)[1]) for f in report.findings] == [
        (8, "'inner = ('"),
        (13, "'outer = ('"),
        (20, "'last = ('"),
    ]


def test_details_and_tab_variants(make_project: MakeProject) -> None:
    page = (
        '??? "Only a title"\n    ```python\n    a = (\n    ```\n\n'
        '===! "Tab"\n    ```python\n    b = (\n    ```\n\n'
        '!!! note inline end "Two types"\n    ```python\n    c = (\n    ```\n'
    )
    assert [f.line for f in run(make_project({"docs/a.md": page})).findings] == [3, 8, 13]


def test_unknown_block_names_are_text(make_project: MakeProject) -> None:
    page = "/// nonsense | x\n\n    ```python\n    x = (\n    ```\n///\n"
    # Not a block: the indented fence is an indented code block, which is text.
    assert lines(run(make_project({"docs/a.md": page}))) == []


def test_control_characters_in_text_keep_the_columns_around_them(
    make_project: MakeProject,
) -> None:
    """A lone STX (the first byte of Python-Markdown's placeholders) is text; a link after it
    and after a raw-HTML placeholder keeps its column (the fuzz suite found a crash here)."""
    page = "a\x02b\n\nText <b>bold</b> and \x02 [x](b.md) then `\x02`.\n\n# H\x02\n"
    doc = parse(make_project({"docs/a.md": page}))
    assert [(link.target, str(link.span)) for link in doc.links] == [("b.md", "docs/a.md:3:24")]
    assert [h.level for h in doc.headings] == [1]
