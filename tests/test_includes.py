"""Code pulled in by snippets and includes is checked where it lives."""

from __future__ import annotations

from tests.conftest import MakeProject
from tests.helpers import lines, run

EXAMPLE = """\
import os


def main():
    return os.getcwd(


# --8<-- [start:good]
def good():
    return 1
# --8<-- [end:good]

# --8<-- [start:bad]
def bad(:
    pass
# --8<-- [end:bad]
"""


def test_single_line_snippet_inside_a_fence_reports_the_included_line(
    make_project: MakeProject,
) -> None:
    page = '# Page\n\n```python\n--8<-- "example.py"\n```\n'
    root = make_project(
        {"docs/page.md": page, "snippets/example.py": EXAMPLE.split("\n\n\n#", maxsplit=1)[0]}
    )
    assert lines(run(root)) == [
        "snippets/example.py:5:21: code/syntax-error Python block does not compile: "
        "'(' was never closed: 'return os.getcwd(' (included by 'docs/page.md')"
    ]


def test_line_ranges_and_sections_select_what_renders(make_project: MakeProject) -> None:
    page = (
        '```python\n--8<-- "example.py:1:2"\n```\n\n'  # import os + blank: fine
        '```python\n--8<-- "example.py:good"\n```\n\n'  # fine
        '```python\n--8<-- "example.py:bad"\n```\n'  # broken, reported at line 14
    )
    root = make_project({"docs/page.md": page, "snippets/example.py": EXAMPLE})
    assert [(f.path, f.line, f.column) for f in run(root).findings] == [
        ("snippets/example.py", 14, 9)
    ]


def test_block_form_and_indented_snippet_lines(make_project: MakeProject) -> None:
    page = (
        "!!! example\n\n"
        "    ```python\n"
        "    --8<--\n"
        "    ok.py\n"
        "    example.py:bad\n"
        "    --8<--\n"
        "    ```\n"
    )
    root = make_project(
        {"docs/page.md": page, "snippets/ok.py": "x = 1\n", "snippets/example.py": EXAMPLE}
    )
    # The snippet lines are indented by the fence's four spaces; the column maps back.
    assert [(f.path, f.line, f.column) for f in run(root).findings] == [
        ("snippets/example.py", 14, 9)
    ]


def test_base_path_order_and_nested_snippets(make_project: MakeProject) -> None:
    page = '--8<-- "outer.md"\n'
    root = make_project(
        {
            "docs/page.md": page,
            "snippets/outer.md": '# Outer\n\n```python\n--8<-- "inner.py"\n```\n',
            "inner.py": "y = [\n",  # found through the second base path, "."
        }
    )
    assert lines(run(root)) == [
        "inner.py:1:5: code/syntax-error Python block does not compile: "
        "'[' was never closed: 'y = [' (included by 'docs/page.md')"
    ]


def test_escaped_snippet_is_text(make_project: MakeProject) -> None:
    page = '```python\nx = 1\n;--8<-- "missing.py"\n```\n'
    report = run(make_project({"docs/page.md": page}))
    # The escaped line renders as '--8<-- "missing.py"' (which happens to be a valid Python
    # expression): no include is attempted, so nothing is missing.
    assert lines(report) == []
    assert report.stats.checked == 1


def test_missing_snippet_names_the_search_path_and_a_likely_target(
    make_project: MakeProject,
) -> None:
    page = '```python\n--8<-- "snippets/exmple.py"\n```\n'
    root = make_project({"docs/page.md": page, "snippets/example.py": "x = 1\n"})
    report = run(root)
    assert lines(report) == [
        "docs/page.md:2:8: code/include-missing snippet 'snippets/exmple.py' not found "
        "(searched base_path 'snippets', '.')"
    ]
    assert report.findings[0].hint == "Did you mean 'snippets/example.py'?"


def test_missing_section(make_project: MakeProject) -> None:
    page = '```python\n--8<-- "example.py:nope"\n```\n'
    root = make_project({"docs/page.md": page, "snippets/example.py": EXAMPLE})
    assert lines(run(root)) == [
        "docs/page.md:2:8: code/include-missing section 'nope' not found in snippet 'example.py'"
    ]


def test_an_error_in_a_snippet_used_by_two_pages_is_reported_once(
    make_project: MakeProject,
) -> None:
    page = '```python\n--8<-- "example.py:bad"\n```\n'
    root = make_project({"docs/a.md": page, "docs/b.md": page, "snippets/example.py": EXAMPLE})
    assert lines(run(root)) == [
        "snippets/example.py:14:9: code/syntax-error Python block does not compile: "
        "invalid syntax: 'def bad(:' (included by 'docs/a.md') (and 1 more page)"
    ]


def test_auto_append_files_are_part_of_every_page(make_project: MakeProject) -> None:
    config = (
        "site_name: T\nmarkdown_extensions:\n  - pymdownx.superfences\n"
        "  - pymdownx.snippets:\n      auto_append: [includes/footer.md]\n"
    )
    root = make_project(
        {"docs/a.md": "# A\n", "includes/footer.md": "```python\nfooter = (\n```\n"},
        config=config,
    )
    assert [(f.path, f.line) for f in run(root).findings] == [("includes/footer.md", 2)]


VARIANTS_CONFIG = """\
site_name: T
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.blocks.tab
  - mdx_include
  - markdown_include_variants
"""


def test_include_variants_check_the_file_and_its_variants(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/tutorial.md": "# T\n\n{* docs_src/first/tutorial001.py hl[2] *}\n",
            "docs_src/first/tutorial001.py": "def main():\n    pass\n",
            "docs_src/first/tutorial001_an.py": "def main(:\n    pass\n",
            "docs_src/first/tutorial001_py310.py": "def main():\n    pass\n",
            "docs_src/first/tutorial002.py": "this is another tutorial = = =\n",
        },
        config=VARIANTS_CONFIG,
    )
    report = run(root)
    assert lines(report) == [
        "docs_src/first/tutorial001_an.py:1:10: code/syntax-error Python block does not "
        "compile: invalid syntax: 'def main(:' (included by 'docs/tutorial.md')"
    ]
    assert report.stats.python_blocks == 3


def test_missing_include_target_is_one_clear_finding(make_project: MakeProject) -> None:
    page = "Intro.\n\n{* docs_src/app/tutorial001_py310.py ln[1:5] hl[3] *}\n\nMore text.\n"
    report = run(make_project({"docs/a.md": page}, config=VARIANTS_CONFIG))
    assert lines(report) == [
        "docs/a.md:3:1: code/include-missing include target "
        "'docs_src/app/tutorial001_py310.py' not found"
    ]


def test_mdx_include_pulls_in_markdown(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/a.md": "# A\n\n{! shared/part.md !}\n",
            "shared/part.md": "Shared text.\n\n```python\npart = {\n```\n",
        },
        config=VARIANTS_CONFIG,
    )
    assert [(f.path, f.line, f.column) for f in run(root).findings] == [("shared/part.md", 4, 8)]


def test_dedent_subsections_and_negative_ranges(make_project: MakeProject) -> None:
    config = (
        "site_name: T\nmarkdown_extensions:\n  - pymdownx.superfences\n"
        "  - pymdownx.snippets:\n      base_path: [src]\n      dedent_subsections: true\n"
    )
    code = (
        "class A:\n    # --8<-- [start:method]\n    def m(self:\n        pass\n"
        "    # --8<-- [end:method]\n"
    )
    page = '```python\n--8<-- "a.py:method"\n```\n\n```python\n--8<-- "a.py:-1:"\n```\n'
    report = run(make_project({"docs/a.md": page, "src/a.py": code}, config=config))
    # The section is dedented before it renders; the error still maps to the file's column.
    assert [(f.path, f.line, f.column) for f in report.findings] == [("src/a.py", 3, 10)]


def test_url_snippets_and_paths_outside_the_base_are_not_included(
    make_project: MakeProject,
) -> None:
    page = (
        '```python\n--8<-- "https://example.com/x.py"\n```\n\n'
        '```python\n--8<-- "../outside.py"\n```\n'
    )
    root = make_project({"docs/a.md": page})
    (root.parent / "outside.py").write_text("x = (\n")
    report = run(root)
    assert [(f.rule, f.line) for f in report.findings] == [("code/include-missing", 6)]


def test_an_unreadable_included_file(make_project: MakeProject) -> None:
    root = make_project(
        {"docs/a.md": '```python\n--8<-- "bin.py"\n```\n', "snippets/bin.py": b"\x00\x01\x02"}
    )
    assert lines(run(root)) == [
        "docs/a.md:2:8: source/binary included file 'snippets/bin.py' cannot be read: file "
        "holds binary data (a NUL byte), not Markdown; not checked"
    ]


def test_mdx_include_missing_and_cycle(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/a.md": "{! parts/missing.md !}\n\n{! parts/self.md !}\n",
            "parts/self.md": "Self.\n\n{! parts/self.md !}\n",
        },
        config=VARIANTS_CONFIG,
    )
    assert [(f.rule, f.path, f.line) for f in run(root).findings] == [
        ("code/include-missing", "docs/a.md", 1),
        ("code/include-cycle", "parts/self.md", 3),
    ]
