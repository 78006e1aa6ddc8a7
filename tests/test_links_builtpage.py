"""Reading built pages: the filter that decides which pages the plugins parse from source."""

from __future__ import annotations

import pytest

from docgates._core.builtpage import BuiltPage, heading_problems, link_problems, read_built
from docgates._core.site import Site

CONTENT = """\
<h1 id="guide">Guide<a class="headerlink" href="#guide" title="Permanent link">&para;</a></h1>
<p>Text&nbsp;with <a href="../install/#setup">a link</a> and <a name="legacy"></a>.</p>
<h2 id="usage">Usage <code>x</code></h2>
<p><img alt="logo" src="../img/logo.png" /></p>
"""


@pytest.mark.parametrize("html", [CONTENT, CONTENT + "<p>raw<br>html</p>"])
def test_ids_links_and_headings(html: str) -> None:
    # The second page is not well-formed XML: html.parser reads it instead of expat.
    page = read_built(html)
    assert page.ids == {"guide", "legacy", "usage"}
    assert page.links == ["#guide", "../install/#setup", "../img/logo.png"]
    assert page.headings == [(1, "Guide", "guide"), (2, "Usage x", "usage")]


def test_link_problems() -> None:
    site = Site(pages={"guide.md", "install.md"}, files={"img/logo.png"})
    ids = {"install.md": {"setup"}, "guide.md": {"guide", "usage", "legacy"}}
    page = read_built(CONTENT)
    assert link_problems("guide.md", page, site, ids) == (False, {"install.md"})
    for bad in ("../install/#nope", "../nowhere/", "#missing", "/abs/", "../../up/"):
        broken = read_built(f'<p><a href="{bad}">x</a></p>')
        assert link_problems("guide.md", broken, site, ids)[0], bad
    external = read_built('<p><a href="https://example.org/x#y">x</a></p>')
    assert link_problems("guide.md", external, site, ids) == (False, set())


def test_heading_problems() -> None:
    def page(*headings: str) -> BuiltPage:
        return read_built("".join(headings))

    assert not heading_problems(page('<h1 id="a">A</h1>', '<h2 id="b">B</h2>'), "A")
    assert heading_problems(page('<h1 id="a">A</h1>', '<h3 id="b">B</h3>'), None)
    assert heading_problems(page('<h1 id="a">A</h1>', '<h1 id="b">B</h1>'), None)
    assert heading_problems(page('<h1 id="a">A</h1>'), "Not A")
    assert heading_problems(page('<h2 id="x">X</h2>', '<h2 id="x_1">X</h2>'), None)
    assert heading_problems(page('<h2 id="x">X</h2>', '<h2 id="x">Y</h2>'), None)
