"""Every construct MkDocs renders a Python block in: each planted error once, at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MakeProject
from tests.helpers import lines, run

# Each block below holds one planted error; the comment on the line says which column.
PAGE = """\
---
title: Constructs
tags: [a, b]
---

# Constructs

```python
ok = 1
bad = (
```

~~~py
def f(:
    pass
~~~

````python3
print("four backticks")
x = = 1
````

```{.python .annotate}
y = [1, 2
```

```python title="x.py" hl_lines="2"
a = 1
b = 2 +
```

```python {test="skip" group="g" requires="3.10"}
c = {
```

!!! note "Admonition"

    ```python
    for i in range(3) print(i)
    ```

??? tip

    ```python
    return_ = lambda: yield
    ```

???+ warning "Open"
    Some text.

    ```python
    class C(
    ```

=== "Tab one"

    ```python
    import
    ```

=== "Tab two"

    Nothing here.

/// admonition | Block
    type: warning

```python
del 1
```
///

/// details | Details block

```python
try:
    pass
```
///

- A list item

    ```python
    while:
        pass
    ```

1. Numbered
2. Numbered again

      ```python
      assert(
      ```

> A quote
>
> ```python
> lambda x: (
> ```

    indented code is text: x = = = 1

"""


@pytest.fixture
def root(make_project: MakeProject) -> Path:
    return make_project({"docs/index.md": PAGE})


def test_each_planted_error_is_reported_once_at_its_line(root: Path) -> None:
    report = run(root)
    # Python's own offsets, mapped into the page: one finding per planted error.
    assert [(f.line, f.column) for f in report.findings] == [
        (10, 7),  # top-level fence
        (14, 7),  # ~~~ fence, language "py"
        (20, 5),  # four-backtick fence, language "python3"
        (24, 5),  # {.python .annotate}
        (29, 8),  # title="x.py" hl_lines="2" (Python points past the "+")
        (33, 5),  # pydantic-style {test="skip" group="g" requires="3.10"}
        (39, 23),  # !!! admonition
        (45, 23),  # ??? details
        (52, 12),  # ???+ details, after a paragraph
        (58, 11),  # === content tab
        (69, 5),  # /// admonition block with YAML options
        (77, 9),  # /// details block (the error is reported after the try body)
        (84, 10),  # list item, indented four spaces
        (92, 13),  # list item, indented six spaces (Python-Markdown counts four)
        (98, 13),  # block quote
    ]
    assert {f.rule for f in report.findings} == {"code/syntax-error"}
    assert report.stats.python_blocks == 15
    assert report.stats.checked == 15


def test_messages_quote_the_line_and_name_the_problem(root: Path) -> None:
    report = run(root)
    assert lines(report)[0] == (
        "docs/index.md:10:7: code/syntax-error Python block does not compile: "
        "'(' was never closed: 'bad = ('"
    )


def test_front_matter_lines_are_counted(make_project: MakeProject) -> None:
    root = make_project({"docs/a.md": "---\ntitle: x\n---\n\n```python\n1 +\n```\n"})
    assert lines(run(root)) == [
        "docs/a.md:6:4: code/syntax-error Python block does not compile: invalid syntax: '1 +'"
    ]


def test_multimarkdown_meta_lines_are_counted(make_project: MakeProject) -> None:
    root = make_project({"docs/a.md": "title: x\nauthor: y\n\n```python\n1 +\n```\n"})
    assert [f.line for f in run(root).findings] == [5]


def test_blocks_mkdocs_renders_as_text_are_not_compiled(make_project: MakeProject) -> None:
    page = """\
    # Text, not code

    ````markdown
    ```python
    x = = 1
    ```
    ````

    <!--
    ```python
    y = = 2
    ```
    -->

        ```python
        z = = 3
        ```

    Inline ```python w = = 4``` code.
    """
    report = run(make_project({"docs/index.md": page}))
    assert lines(report) == []
    assert report.stats.python_blocks == 0


def test_python_language_is_matched_like_pygments(make_project: MakeProject) -> None:
    page = "```Python\nx = (\n```\n\n```PY\ny = (\n```\n"
    assert [f.line for f in run(make_project({"docs/a.md": page})).findings] == [2, 6]


def test_fences_that_will_not_render_get_a_warning(make_project: MakeProject) -> None:
    pages = {
        "docs/typo.md": "```pyhton\nx = 1\n```\n",
        "docs/options.md": '```python test="skip"\nx = = 1\n\nText.\n',
        "docs/closing.md": "```python\na = 1\n```python\nb = 2\n```\n",
        "docs/unclosed.md": "Text.\n\n```python\nnever closed\n",
    }
    assert lines(run(make_project(pages))) == [
        "docs/closing.md:3:1: code/syntax-error Python block does not compile: invalid syntax: "
        "'```python'",
        "docs/closing.md:3:1: code/unchecked-fence '```python': a closing fence cannot carry an "
        "info string ('```python'); the block opened at line 1 does not end here",
        "docs/options.md:1:1: code/unchecked-fence '```python test=\"skip\"' fence is not "
        "rendered as code: pymdownx.superfences rejects the option 'test' in its header",
        "docs/typo.md:1:1: code/unchecked-fence fence language 'pyhton' is not a Python "
        "language, so the block is neither checked nor highlighted as Python",
        "docs/unclosed.md:3:1: code/unchecked-fence '```python' fence is not rendered as code: "
        "it is never closed, so MkDocs renders it as text",
    ]


def test_a_rejected_header_lets_the_next_fence_line_open_a_block(make_project: MakeProject) -> None:
    # superfences skips the rejected opener; its closing line then opens a plain block that
    # runs to the next bare fence. MkDocs renders exactly that, so docgates sees the same.
    page = '```python test="skip"\nx = 1\n```\n\n```python\ny = = 2\n```\n'
    report = run(make_project({"docs/a.md": page}))
    assert [(f.rule, f.line) for f in report.findings] == [("code/unchecked-fence", 1)]
    assert report.stats.code_blocks == 1
    assert report.stats.python_blocks == 0


def test_hints_say_how_to_fix(make_project: MakeProject) -> None:
    page = '```pyhton\nx = 1\n```\n\n```python test="skip"\nx = 1\n```\n'
    hints = [f.hint for f in run(make_project({"docs/a.md": page})).findings]
    assert hints == [
        "Did you mean 'python'?",
        "Put the options in braces: 'python {test=\"skip\"}'.",
    ]


def test_skip_markers_are_counted_with_their_reason(make_project: MakeProject) -> None:
    page = """\
    <!-- docgates: skip -->
    ```python
    x = = 1
    ```

    ```python {docgates="skip"}
    x = = 1
    ```

    ```python {test="skip" lint="skip"}
    x = = 1
    ```

    ```python {requires="3.99"}
    x = = 1
    ```

    ```python {test="skip"}
    only_run_is_skipped = = 1
    ```
    """
    report = run(make_project({"docs/a.md": page}))
    assert [f.line for f in report.findings] == [19]
    assert report.stats.skipped == 4
    assert dict(report.stats.skip_reasons) == {
        "<!-- docgates: skip -->": 1,
        'docgates="skip"': 1,
        'test="skip" lint="skip"': 1,
        "requires Python 3.99": 1,
    }
    assert report.stats.pages["docs/a.md"].skipped == 4


def test_without_superfences_only_top_level_fences_render(make_project: MakeProject) -> None:
    config = "site_name: T\nmarkdown_extensions:\n  - admonition\n"
    page = "```python\nx = (\n```\n\n!!! note\n    ```python\n    y = (\n    ```\n"
    report = run(make_project({"docs/a.md": page}, config=config))
    assert [(f.rule, f.line) for f in report.findings] == [
        ("code/syntax-error", 2),
        ("code/unchecked-fence", 6),
    ]


def test_admonitions_exist_only_when_configured(make_project: MakeProject) -> None:
    # Without the admonition extension, the indented fence is an indented code block: text.
    config = "site_name: T\nmarkdown_extensions:\n  - pymdownx.superfences\n"
    page = "!!! note\n\n    ```python\n    y = (\n    ```\n"
    assert lines(run(make_project({"docs/a.md": page}, config=config))) == []


def test_indented_block_with_codehilite_header(make_project: MakeProject) -> None:
    config = "site_name: T\nmarkdown_extensions:\n  - codehilite\n"
    page = "Text.\n\n    :::python\n    x = (\n\n    plain = = text\n"
    report = run(make_project({"docs/a.md": page}, config=config))
    assert [(f.line, f.column) for f in report.findings] == [(4, 9)]
    assert report.stats.code_blocks == 1


def test_pycon_sessions_are_checked_statement_by_statement(make_project: MakeProject) -> None:
    page = """\
    ```pycon
    >>> x = 1
    >>> for i in range(2):
    ...     print(i)
    0
    1
    >>> y = = 2
    this output line is not compiled: = = =
    ```

    ```python
    >>> print("a session in a python fence")
    a session in a python fence
    >>> z = (
    ```
    """
    report = run(make_project({"docs/a.md": page}))
    assert [(f.line, f.column) for f in report.findings] == [(7, 9), (14, 9)]
    assert report.findings[0].message == (
        "'>>>' statement does not compile: invalid syntax: 'y = = 2'"
    )


def test_fences_inside_raw_html_are_code_as_superfences_renders_them(
    make_project: MakeProject,
) -> None:
    page = """\
    <div class="grid" markdown>

    ```python
    a = (
    ```

    </div>

    <div class="x">
    ```python
    b = (
    ```
    </div>

    <!--
    ```python
    commented_out = (
    ```
    -->
    """
    report = run(make_project({"docs/a.md": page}))
    assert [(f.line, f.column) for f in report.findings] == [(4, 5), (11, 5)]
    assert report.stats.python_blocks == 2


def test_hints_for_common_mistakes(make_project: MakeProject) -> None:
    pages = {
        "docs/session.md": "```python\nx = 1\n>>> y = 2\n```\n",
        "docs/shell.md": "```python\n$ pip install docgates\n```\n",
        "docs/outline.md": "```python\nfrom pydantic.<module> import <object>\n```\n",
        "docs/deep.md": "```python\nx = " + "-" * 200_000 + "1\n```\n",
    }
    report = run(make_project(pages))
    assert [(f.path, f.hint) for f in report.findings] == [
        ("docs/deep.md", None),
        (
            "docs/outline.md",
            "If the block is an outline rather than code, mark it 'python {docgates=\"skip\"}' "
            "so readers know it is not runnable.",
        ),
        (
            "docs/session.md",
            "The block holds a '>>>' session: start it with '>>>' or use a 'pycon' fence.",
        ),
        ("docs/shell.md", "This looks like a shell session: use a 'console' or 'bash' fence."),
    ]
    # CPython gives up on absurd nesting with a MemoryError: still one finding, no crash.
    assert report.findings[0].message.startswith("Python block cannot be compiled: MemoryError")


def test_severity_overrides_and_ignores(make_project: MakeProject) -> None:
    config = (
        "site_name: T\nmarkdown_extensions: [pymdownx.superfences]\nplugins:\n"
        "  - docgates/code:\n      severity:\n        code/unchecked-fence: error\n"
        "        source/binary: ignore\n"
    )
    pages = {"docs/a.md": "```pyhton\nx\n```\n", "docs/b.md": b"\x00bin"}
    report = run(make_project(pages, config=config))
    assert [(f.rule, f.severity.value) for f in report.findings] == [
        ("code/unchecked-fence", "error")
    ]


def test_console_languages_and_exclude(make_project: MakeProject) -> None:
    config = (
        "site_name: T\nmarkdown_extensions: [pymdownx.superfences]\nplugins:\n"
        "  - docgates/code:\n      console_languages: [python-repl]\n      exclude: [skip/]\n"
    )
    pages = {
        "docs/a.md": "```python-repl\n>>> x = (\n```\n",
        "docs/skip/b.md": "```python\nx = (\n```\n",
    }
    report = run(make_project(pages, config=config))
    assert [(f.path, f.line, f.column) for f in report.findings] == [("docs/a.md", 2, 9)]


def test_prompts_need_their_space_as_in_doctest(make_project: MakeProject) -> None:
    page = (
        "```pycon\n>>> x = [\n...     1,\n... ]\n...and this is output text\n>>>not a prompt\n```\n"
    )
    report = run(make_project({"docs/a.md": page}))
    assert lines(report) == []
