"""docgates' source model against Python-Markdown itself, on generated and on named pages.

Each generated page nests every container the parser knows (lists with 2-, 3- and 4-space
continuation, ordered and bullet; ``!!!``, ``???``, ``???+``, ``===``, block quotes, ``///``
blocks, footnotes) with every fence variant, and the malformed run adds unclosed fences,
closers that are mis-indented, too long or carry an info string, tabs, lines outdented inside
a fence and fences on a list marker's line. The oracle is Python-Markdown configured by MkDocs'
own ``markdown_extensions`` option (``tests/differential.py``); the comparison is every Python
block with its first line and text, every marker inside any code block, each heading with its
id, and every link and image target.

The normal run is bounded (``DOCGATES_DIFFERENTIAL_EXAMPLES`` pages per setup and kind,
default 60, with a fixed seed); the long run sets it, e.g. to 10000, and
``DOCGATES_DIFFERENTIAL_SEED`` to explore new pages (docs/gates/code.md, "How the parser is
proven"). Hypothesis shrinks a disagreement to a small page before reporting it.
"""

from __future__ import annotations

import os
import re
import textwrap
from typing import Any

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("pymdownx")

from hypothesis import HealthCheck, Phase, given, reject, seed, settings

from tests.differential import (
    CONFIGS,
    Page,
    RendererFailed,
    compare,
    model,
    oracle,
    strategies,
    write,
)

EXAMPLES = int(os.environ.get("DOCGATES_DIFFERENTIAL_EXAMPLES", "60"))
SEED = int(os.environ.get("DOCGATES_DIFFERENTIAL_SEED", "14"))
PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)

#: Constructs whose disagreements are documented as known limits (docs/gates/code.md):
#: a ``<div markdown>`` indented by four or more inside an md_in_html block (under an
#: admonition whose content is indented by two, say: not at a line start), where md_in_html's
#: extractor decides by its own open-element state whether the tag opens an element.
KNOWN_LIMITS: frozenset[str] = frozenset({"html:nested-indented"})


def agree(tree: list, config: str) -> None:
    page = write(tree)
    if page.constructs & KNOWN_LIMITS:
        reject()
    try:
        problems = compare(page, config)
    except RendererFailed:
        reject()  # Python-Markdown itself stops on the page; there is nothing to agree with
    assert not problems, "\n".join(["page:", page.text, *problems])


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_well_formed_pages_agree(config: str) -> None:
    @seed(SEED)
    @PROFILE
    @given(strategies(malformed=False))
    def check(tree: list) -> None:
        agree(tree, config)

    check()


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_malformed_pages_agree(config: str) -> None:
    @seed(SEED + 1)
    @PROFILE
    @given(strategies(malformed=True))
    def check(tree: list) -> None:
        agree(tree, config)

    check()


# -- the classes the issue names, word for word --------------------------------------------------


def page_of(text: str) -> Page:
    """A hand-written page; ``mNx`` markers are found on the lines that hold them."""
    page = Page()
    for line in textwrap.dedent(text).split("\n"):
        page.add(line)
    for number, line in enumerate(page.lines, 1):
        for found in re.findall(r"m(\d+)x", line):
            page.markers[int(found)] = number
    page.lines = page.lines[:-1] if page.lines and not page.lines[-1] else page.lines
    return page


def python_lines(text: str, config: str = "material") -> list[int]:
    page = page_of(text)
    mine, _ = model(page.text, config)
    theirs = oracle(page.text, config, page.markers)
    assert mine == theirs
    return [line for line, _ in mine.code]


def test_a_fence_on_a_list_marker_line_is_inline_code() -> None:
    # Python-Markdown: `- ```python` is a list item whose text holds inline code.
    assert python_lines("- ```python\n  x = 1  # m1x\n  ```\n") == []


def test_two_space_content_under_a_list_item_leaves_the_item() -> None:
    # `  !!! note` is not at a line start for the admonition, so it is paragraph text, and
    # what sits under it (6 spaces) is an indented code block: the fence there is text.
    page = """\
    - Item

      !!! note

          ```python
          x = = 1  # m1x
          ```
    """
    assert python_lines(page) == []


def test_four_space_content_under_a_list_item_stays_in_it() -> None:
    page = """\
    - Item

        !!! note

            ```python
            x = 1  # m1x
            ```
    """
    assert python_lines(page) == [6]


def test_a_nested_admonition_on_the_next_line() -> None:
    page = """\
    !!! note
        !!! tip
            ```python
            x = 1  # m1x
            ```
    """
    assert python_lines(page) == [4]


def test_an_unclosed_fence_earlier_changes_the_rest_of_the_page() -> None:
    # The ```` fence never closes: the ``` lines below are its content, not a new block.
    page = """\
    ````python
    a = 1  # m1x

    ```python
    b = 2  # m2x
    ```
    """
    assert python_lines(page) == []


def test_a_mis_indented_closer_runs_the_fence_on() -> None:
    page = """\
    ```python
    a = 1  # m1x
     ```
    b = 2  # m2x
    ```
    """
    assert python_lines(page) == [2]


def test_without_superfences_nested_fences_are_not_code() -> None:
    page = """\
    !!! note

        ```python
        a = 1  # m1x
        ```

    ```python
    b = 2  # m2x
    ```
    """
    assert python_lines(page, "fenced") == [8]


# -- disagreements the long runs found, fixed -----------------------------------------------------


def test_a_fence_in_a_comment_inside_a_list_item_is_not_on_the_page() -> None:
    # Four spaces in, the comment is not an HTML block: it is inline HTML in the item's
    # paragraph, and the fence superfences found is rendered into the comment.
    page = """\
    1. Item

        <!-- a comment
        ```python
        hidden = = 1  # m1x
        ```
        -->

        Shown:

        ```python
        shown = 2  # m2x
        ```
    """
    assert python_lines(page) == [12]


def test_a_fence_in_a_comment_inside_an_admonition_is_not_on_the_page() -> None:
    page = """\
    !!! note
        Some text <!-- hidden:
        ```python
        hidden = = 1  # m1x
        ```
        --> and more.
    """
    assert python_lines(page) == []


def test_a_comment_right_after_a_paragraph_line_is_raw_html() -> None:
    # No blank line before the comment: Python-Markdown's HTML extractor still takes it as a
    # block (a comment at a line start), so fenced_code's fence inside it is hidden.
    page = """\
    Some text
    <!--
    ```python
    hidden = = 1  # m1x
    ```
    -->
    """
    assert python_lines(page, "fenced") == []
    assert python_lines(page) == []


def test_markdown_after_a_comment_on_its_last_line_is_read() -> None:
    page = """\
    Text

    <!-- a comment
    over two lines --> and [a link](after.md)
    ```python
    x = 1  # m1x
    ```
    """
    assert python_lines(page) == [6]
    mine, _ = model(page_of(page).text, "material")
    assert mine.links == ("after.md",)


def test_an_unclosed_comment_is_text() -> None:
    page = """\
    <!-- never closed

    ```python
    x = 1  # m1x
    ```
    """
    assert python_lines(page) == [4]
    assert python_lines(page, "fenced") == [4]


def test_a_fence_in_a_comment_inside_raw_html_is_not_on_the_page() -> None:
    # Without md_in_html the <div> is raw HTML: a fence in it is shown, one in a comment not.
    page = """\
    <div markdown="1">

    <!-- a comment
    ```python
    hidden = = 1  # m1x
    ```
    -->

    ```python
    shown = 2  # m2x
    ```

    </div>
    """
    assert python_lines(page) == [10]


def html_outcome(text: str) -> tuple[tuple[tuple[int, str], ...], tuple[str, ...]]:
    page = page_of(text)
    mine, _ = model(page.text, "html")
    assert mine == oracle(page.text, "html", page.markers)
    return mine.headings, mine.links


def test_a_markdown_block_on_a_list_items_lazy_line_is_not_parsed() -> None:
    # md_in_html parses a block's content only where its placeholder starts a block; here it
    # is a lazy line of the item's text, and the element is written out unparsed.
    page = """\
    - Item [item](i.md)
      <div markdown="1">

      Text with [a link](t.md).

      </div>
    """
    assert html_outcome(page) == ((), ("i.md",))


def test_a_markdown_block_right_after_a_paragraph_line_is_parsed() -> None:
    page = """\
    Para
    <div markdown="1">

    # Head m1x

    Text with [a link](t.md).

    </div>
    """
    assert html_outcome(page) == (((1, "head-m1x"),), ("t.md",))


def test_an_indented_markdown_block_is_not_parsed() -> None:
    page = """\
      <div markdown="1">

    # Head m1x

    </div>
    """
    assert html_outcome(page) == ((), ())


def test_a_raw_html_block_keeps_the_fences_of_the_html_stashed_in_it() -> None:
    # pymdownx.blocks.html in raw mode (and `pre`) puts a fence right in it back as text, but
    # a comment or <div> stashed in it is written out escaped, its fences rendered: visible.
    page = """\
    /// html | section
        markdown: raw

    <!-- a comment
    ```python
    shown = 1  # m1x
    ```
    -->

    ```python
    text = 2  # m2x
    ```
    ///

    /// html | pre

    <div>
    ```python
    shown = 3  # m3x
    ```
    </div>
    ///

    /// html | p

    <div>
    ```python
    shown = 4  # m4x
    ```
    </div>

    <!-- inline mode keeps the comment
    ```python
    hidden = 5  # m5x
    ```
    -->
    ///
    """
    assert python_lines(page) == [6, 19, 28]


def outcome(text: str, config: str = "material") -> Any:
    page = page_of(text)
    mine, _ = model(page.text, config)
    assert mine == oracle(page.text, config, page.markers)
    return mine


def test_an_indented_comment_on_a_list_items_lazy_line_stays_in_the_item() -> None:
    # Indented by three, the comment's placeholder stays on the item's line (no blank line
    # before it), so what follows, indented, is the item's content, not an indented code block.
    page = """\
    * Item
       <!-- a comment
       -->
           y = 1  # m1x
    """
    assert outcome(page, "fenced").in_code == ()
    assert outcome(page).in_code == ()


def test_a_comment_inside_a_markdown_block_is_a_raw_block_of_its_own() -> None:
    page = """\
    <div markdown="1">

    Text
    <!-- a comment
    -->
        y = 1  # m1x

    <!-- hidden
    ```python
    hidden = = 2  # m2x
    ```
    -->

    </div>
    """
    assert outcome(page, "html").in_code == (1,)


def test_backticks_pair_as_python_markdown_pairs_them() -> None:
    # Without superfences a nested fence line is paragraph text. Python-Markdown pairs the
    # last backtick of its run with the next one, so the "code" on the next line is a link;
    # CommonMark (markdown-it-py) reads the same line as inline code.
    page = """\
    1. Item

        ````
        Code `[a link](c.md)` here.
    """
    assert outcome(page, "fenced").links == ("c.md",)
    assert outcome("Code `[not a link](c.md)` here.\n", "fenced").links == ()


def test_a_markdown_block_inside_another_is_parsed_whatever_its_indentation() -> None:
    # md_in_html parses a markdown element nested in another as one of its children, even
    # when it is indented (here by two, after an admonition whose content is not indented
    # by four, so it is not in the admonition).
    page = """\
    <div markdown="1">

    !!! warning

      <div markdown="1">

          y = 1  # m1x

      [a link](f.md)

      </div>

    </div>
    """
    found = outcome(page, "html")
    assert (found.in_code, found.links) == ((1,), ("f.md",))


def test_an_inline_html_block_reads_its_text_as_one_with_its_fences_put_back() -> None:
    # `/// html | p` is inline: its pieces are one text (a code span runs across the blank
    # line) and a fence in it is put back as text, whose links are links.
    spans = outcome("/// html | p\n\nText `a\n\n[b](c.md)` more\n///\n")
    fenced = outcome(
        '/// html | p\n```python title="a.py"\n ```\n      In [the note](g.md).\n```\n'
    )
    assert (spans.links, fenced.links, fenced.code) == ((), ("g.md",), ())


def test_a_deeply_indented_markdown_block_inside_another_is_reported_unchecked() -> None:
    # The known limit: docgates says it cannot tell, at the tag's line, rather than guess.
    page = (
        '<div markdown="1">\n\n!!! warning\n\n'
        '    <div markdown="1">\n\n    x\n\n    </div>\n\n</div>\n'
    )
    _, doc = model(page, "html")
    assert [(f.rule, f.line) for f in doc.findings] == [("code/unchecked-block", 5)]
    _, doc = model(page.replace("    <div", "  <div"), "html")
    assert doc.findings == []
