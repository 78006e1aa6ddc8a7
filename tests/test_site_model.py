"""The site model: each page's final Markdown mapped back to raw lines, and the proof that the
code gate checks exactly the blocks a build renders."""

from __future__ import annotations

from pathlib import Path

import markdown as pymd
import pytest

from docgates._core.checks.proof import prove, rendered_blocks
from docgates._core.document import DocumentBuilder
from docgates._core.includes import Expander
from docgates._core.mdconfig import build_markdown_options
from docgates._core.site import MacrosIncludes, PageText, Site, align, body_of


def places(final: str, raw: str, includes=None) -> list[str]:  # type: ignore[no-untyped-def]
    lines = final.split("\n")
    return [
        f"{o.path}:{o.line} {t}"
        for t, o in zip(lines, align(lines, raw.split("\n"), "docs/p.md", includes), strict=True)
    ]


def test_unchanged_lines_map_to_themselves_below_the_front_matter() -> None:
    raw = "---\ntitle: T\n---\n\n# T\n\ntext\n"
    assert body_of(raw) == "# T\n\ntext\n"
    expected = ["docs/p.md:5 # T", "docs/p.md:6 ", "docs/p.md:7 text", "docs/p.md:8 "]
    assert places(body_of(raw), raw) == expected


def test_invented_lines_map_to_the_line_that_produced_them() -> None:
    raw = "# T\n\n```python\nprint('{{ version }}')\n```\n<!--[[ preview('x') ]]-->\nend"
    final = "# T\n\n```python\nprint('1.2')\n```\n!!! info\n\n    Preview\nend"
    assert places(final, raw) == [
        "docs/p.md:1 # T",
        "docs/p.md:2 ",
        "docs/p.md:3 ```python",
        "docs/p.md:4 print('1.2')",
        "docs/p.md:5 ```",
        "docs/p.md:6 !!! info",
        "docs/p.md:6 ",
        "docs/p.md:6     Preview",
        "docs/p.md:7 end",
    ]


def test_included_lines_map_to_the_included_file(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "inc.md").write_text("```python\nx = 1\ny = {{ two }}\n```\n")
    includes = MacrosIncludes(tmp_path / "docs", tmp_path)
    raw = "# T\n{% include 'inc.md' %}\nend"
    final = "# T\n```python\nx = 1\ny = 2\n```\nend"
    assert places(final, raw, includes) == [
        "docs/p.md:1 # T",
        "docs/inc.md:1 ```python",
        "docs/inc.md:2 x = 1",
        "docs/inc.md:3 y = 2",
        "docs/inc.md:4 ```",
        "docs/p.md:3 end",
    ]
    assert includes("no include here") == []
    assert includes("{% include 'missing.md' %}") == []


def test_a_block_in_final_markdown_reports_at_raw_lines(tmp_path: Path) -> None:
    options = build_markdown_options(["pymdownx.superfences"], tmp_path)
    from docgates._core.parse import ParserSettings

    builder = DocumentBuilder(
        ParserSettings.from_options(options, inline=False),
        Expander(options, tmp_path, max_size=0),
        indented_headers=False,
    )
    raw = "---\ntitle: T\n---\n\nIntro {{ x }}\n\n```python\nprint({{ v }})\n```\n"
    final = "Intro and\nmore\n\n```python\nprint(1 +)\n```\n"
    page = PageText("p.md", "docs/p.md", final, raw)
    assert page.rewritten
    doc = builder.build(tmp_path / "docs/p.md", "docs/p.md", raw, page)
    [block] = doc.blocks
    assert (block.span.line, [line.line for line in block.lines]) == (7, [8])


def test_the_sources_provider_gives_the_file_itself(tmp_path: Path) -> None:
    from docgates._core.project import load_project

    (tmp_path / "mkdocs.yml").write_text("site_name: T\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("---\ntitle: T\n---\n# T\n")
    project = load_project(tmp_path)
    site = Site(pages={"index.md"})
    text = site.text("index.md", project)
    assert text is not None
    assert (text.markdown, text.rewritten, [o.line for o in text.origins]) == (
        "# T\n",
        False,
        [4, 5],
    )
    assert site.text("gone.md", project) is None


def test_the_build_nav_decides_orphans() -> None:
    site = Site(pages={"a.md", "b.md", "gen.md", "post.md"}, nav_pages={"a.md"})
    site.generated_by["gen.md"] = "gen-files"
    site.not_in_nav.add("post.md")
    assert [u for u in sorted(site.pages) if site.orphan(u)] == ["b.md"]
    assert Site(pages={"a.md"}).orphan("a.md") is None


def test_aliases_point_a_link_at_the_build_s_file() -> None:
    site = Site(pages={"index.fr.md"}, aliases={"index.md": "index.fr.md"})
    assert site.localize("index.md", "other.fr.md") == "index.fr.md"


SOURCE = """\
```python
x = 1
```

- ```python
  broken(
  ```

```pycon
>>> 1 + 1
2
```
"""


def test_rendered_blocks_carry_language_and_code() -> None:
    html = pymd.markdown(
        SOURCE,
        extensions=["pymdownx.superfences", "pymdownx.highlight"],
        extension_configs={"pymdownx.highlight": {"pygments_lang_class": True}},
    )
    # Python-Markdown reads the list-marker fence as inline code, and its closing backticks
    # open another inline code span that swallows the pycon fence.
    assert [(b.lang, b.text) for b in rendered_blocks(html)] == [("python", "x = 1")]
    plain = pymd.markdown(SOURCE, extensions=["fenced_code"])
    assert [(b.lang, b.text) for b in rendered_blocks(plain)] == [
        ("python", "x = 1"),
        ("pycon", ">>> 1 + 1\n2"),  # fenced_code alone has no notion of list content
    ]


def test_the_proof_drops_what_was_not_rendered_and_flags_what_was_not_checked(
    tmp_path: Path,
) -> None:
    options = build_markdown_options(["pymdownx.superfences"], tmp_path)
    from docgates._core.parse import ParserSettings

    builder = DocumentBuilder(
        ParserSettings.from_options(options, inline=False),
        Expander(options, tmp_path, max_size=0),
        indented_headers=False,
    )
    # The source model reads SOURCE as Python-Markdown does (one block, "x = 1"); the block
    # added before it stands for one the build did not render (a plugin removed it).
    page = "```python\nonly_in_source = 1\n```\n\n" + SOURCE
    doc = builder.build(tmp_path / "docs/p.md", "docs/p.md", page)
    assert [b.text for b in doc.blocks] == ["only_in_source = 1", "x = 1"]
    html = pymd.markdown(
        "```python\nunseen = 1\n```\n\n" + SOURCE,
        extensions=["pymdownx.superfences", "pymdownx.highlight"],
        extension_configs={"pymdownx.highlight": {"pygments_lang_class": True}},
    )
    proof = prove(doc.blocks, html, frozenset({"python", "pycon"}))
    assert [b.text for b in proof.kept] == ["x = 1"]
    assert [b.span.line for b in proof.dropped] == [1]
    assert [b.text for b in proof.unchecked] == ["unseen = 1"]
    hidden = prove(doc.blocks, html, frozenset({"python"}), languages_visible=False)
    assert hidden.unchecked == []


def test_a_built_page_with_no_code_is_not_parsed_for_the_code_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgates._core import document
    from docgates._core.parse import ParserSettings

    options = build_markdown_options(["pymdownx.superfences"], tmp_path)

    def builder(inline: bool) -> DocumentBuilder:
        return DocumentBuilder(
            ParserSettings.from_options(options, inline=inline),
            Expander(options, tmp_path, max_size=0),
            indented_headers=False,
        )

    parsed: list[str] = []
    real = document.parse_page
    monkeypatch.setattr(
        document, "parse_page", lambda text, s: parsed.append(text) or real(text, s)
    )
    # A prose page the build rendered with no <pre>: nothing for the code gate to read.
    raw = "---\ntitle: Prose\n---\n\n# Prose\n\nA [link](other.md).\n"
    prose = PageText("p.md", "docs/p.md", body_of(raw), raw, html="<h1>Prose</h1><p>A</p>")
    doc = builder(False).build(tmp_path / "docs/p.md", "docs/p.md", raw, prose)
    assert parsed == []
    assert doc.blocks == []
    # what reading it found is kept: its front matter, at its lines
    assert (doc.front_matter, doc.front_matter_lines) == ({"title": "Prose"}, 3)
    # the links and structure gates' reading (inline) still parses it
    inline = builder(True).build(tmp_path / "docs/p.md", "docs/p.md", raw, prose)
    assert len(parsed) == 1
    assert [h.text for h in inline.headings] == ["Prose"]
    # A fence-like line that renders no <pre> is read: code/unchecked-fence needs it.
    raw = "# T\n\n```python {\nx = 1\n```\n"
    fenced = PageText("q.md", "docs/q.md", raw, raw, html="<h1>T</h1><p>```python {</p>")
    builder(False).build(tmp_path / "docs/q.md", "docs/q.md", raw, fenced)
    assert len(parsed) == 2
    # And a page whose HTML has code is parsed, of course.
    raw = "    indented = 1\n"
    coded = PageText("r.md", "docs/r.md", raw, raw, html="<pre><code>indented = 1</code></pre>")
    doc = builder(False).build(tmp_path / "docs/r.md", "docs/r.md", raw, coded)
    assert len(parsed) == 3
    assert doc.plain_code == ["indented = 1\n\n"]
