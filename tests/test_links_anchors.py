"""Anchors: every id source, each slug rule (checked against the real functions), and hints."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from docgates._core.anchors import (
    AnchorBuilder,
    github_slug,
    pymdownx_slugify,
    slugger,
    toc_slugify,
    unique,
)
from docgates._core.engine import Engine
from docgates._core.mdconfig import SlugifySpec
from docgates._core.project import load_project
from docgates._core.rendering import Renderer
from tests.conftest import DEFAULT_CONFIG, MakeProject
from tests.helpers import lines, run

TEXTS = [
    "Setup & Configuration",
    "Überblick über die API",
    "Émoji 🎉 support",
    "  Spaces   everywhere ",
    "snake_case and kebab-case",
    "C++ / C# (and F#)",
    "中文搜索支持",
    "Ärger mit ß und İstanbul",
    "Version 2.0.1: what's new?",
    "<b>tags</b> in text",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("separator", ["-", "_"])
def test_toc_slugify_matches_python_markdown(text: str, separator: str) -> None:
    from markdown.extensions import toc

    assert toc_slugify(text, separator) == toc.slugify(text, separator)
    assert toc_slugify(text, separator, unicode=True) == toc.slugify_unicode(text, separator)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(
    "kwds",
    [
        {},
        {"case": "lower"},
        {"case": "lower-ascii"},
        {"case": "fold"},
        {"case": "lower", "percent_encode": True},
        {"normalize": "NFD"},
    ],
)
def test_pymdownx_slugify_matches_pymdown_extensions(text: str, kwds: dict) -> None:
    from pymdownx import slugs

    assert pymdownx_slugify(text, "-", **kwds) == slugs.slugify(**kwds)(text, "-")


def test_slugger_reads_the_config_names() -> None:
    assert slugger(SlugifySpec()).label == "Python-Markdown's default slugify"
    spec = SlugifySpec("pymdownx.slugs.slugify", {"case": "lower"}, "-")
    assert slugger(spec).label == "pymdownx.slugs.slugify(case='lower')"
    assert slugger(spec)("Setup & Configuration") == "setup--configuration"
    assert slugger(SlugifySpec("pymdownx.slugs.uslugify"))("Ä B") == "ä-b"
    assert slugger(SlugifySpec("pymdownx.slugs.gfm"))("Ä B") == "Ä-b"
    assert slugger(SlugifySpec("markdown.extensions.toc.slugify_unicode"))("Ä B") == "ä-b"
    custom = slugger(SlugifySpec("my_project.slugs.make"))
    assert (custom.known, custom("Ä B")) == (False, "a-b")
    assert github_slug("Setup & Configuration") == "setup--configuration"


def test_unique_follows_toc() -> None:
    used: set[str] = set()
    assert [unique(s, used) for s in ["a", "a", "a", "a_1", "", ""]] == [
        "a",
        "a_1",
        "a_2",
        "a_3",
        "_1",
        "_2",
    ]


PAGE = """\
# Guide

## Examples

## Examples

## Setup & Configuration {#setup}

A paragraph with its own id.
{: #para }

<div id="raw-block" markdown>
<a name="legacy"></a>
</div>

Some <span id="inline-raw">inline</span> HTML and an [autorefs anchor](){#autoref}.

### Install

=== "pip install"

    Text.

=== "conda"

    Text.

## Code `inline` and *emphasis*

Footnote here[^note].

[^note]: The note.
"""

TABBED = """\
  - pymdownx.tabbed:
      alternate_style: true
      combine_header_slug: true
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - footnotes
"""


def _ids(root: Path, source: bool) -> set[str]:
    project = load_project(root)
    doc = Engine(project, project.settings()).read(root / "docs/index.md", inline=True)
    assert not isinstance(doc, type(None))
    if source:
        return set(AnchorBuilder(project.markdown).build(doc).ids)  # type: ignore[arg-type]
    ids = Renderer(project).ids(root / "docs/index.md")
    assert ids is not None
    return ids


def test_docgates_ids_match_python_markdown_rendering(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG.replace(
        "  - pymdownx.tabbed:\n      alternate_style: true\n", TABBED
    ).replace("plugins:\n  - docgates/code\n", "")
    root = make_project({"docs/index.md": PAGE}, config=config)
    expected = {
        "guide",
        "examples",
        "examples_1",
        "setup",
        "para",
        "raw-block",
        "legacy",
        "inline-raw",
        "autoref",
        "install",
        "install-pip-install",
        "install-conda",
        "code-inline-and-emphasis",
        "fn:note",
        "fnref:note",
    }
    assert _ids(root, source=True) == expected
    rendered = _ids(root, source=False)
    # The theme's toc permalink and the footnote back-references add nothing to link to.
    assert expected <= rendered
    assert rendered - expected <= {"fnref:note"}


def test_tabs_without_slugify_get_numbered_ids(make_project: MakeProject) -> None:
    root = make_project({"docs/index.md": PAGE})
    ids = _ids(root, source=True)
    assert {"__tabbed_1_1", "__tabbed_1_2"} <= ids
    assert {"__tabbed_1_1", "__tabbed_1_2"} <= _ids(root, source=False)


LINKING = """\
# Links

[a](guide.md#setup-configuration) [b](guide.md#examples-1) [c](guide.md#Install)
[d](guide.md#examples_1) [e](guide.md#instal) [f](guide.md#autoref) [g](guide.md#legacy)
"""

GUIDE = """\
# Guide

## Examples

## Examples

## Setup & Configuration

### Install

See [](){#autoref} and <a name="legacy"></a>.
"""


@pytest.mark.parametrize("ids_from", ["render", "source"])
def test_hints_explain_slug_rules(make_project: MakeProject, ids_from: str) -> None:
    config = DEFAULT_CONFIG.replace(
        "  - toc:\n      permalink: true\n",
        "  - toc:\n      permalink: true\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify\n"
        "        kwds:\n          case: lower\n",
    )
    root = make_project({"docs/index.md": LINKING, "docs/guide.md": GUIDE}, config=config)
    report = run(root, ("links",), links={"anchor_ids": ids_from})
    assert [(str(f), f.hint) for f in report.findings] == [
        (
            "docs/index.md:3:1: links/anchor-not-found link 'guide.md#setup-configuration' points "
            "to a missing anchor '#setup-configuration' in 'guide.md'",
            "Did you mean '#setup--configuration'? The heading 'Setup & Configuration' gets "
            "'#setup--configuration' from this site's toc.slugify "
            "(pymdownx.slugs.slugify(case='lower')); '#setup-configuration' is what "
            "Python-Markdown's default slugify makes of it.",
        ),
        (
            "docs/index.md:3:35: links/anchor-not-found link 'guide.md#examples-1' points to a "
            "missing anchor '#examples-1' in 'guide.md'",
            "Did you mean '#examples_1'? '#examples-1' is GitHub's suffix for a repeated heading; "
            "MkDocs makes '#examples_1'.",
        ),
        (
            "docs/index.md:3:60: links/anchor-not-found link 'guide.md#Install' points to a "
            "missing anchor '#Install' in 'guide.md'",
            "Did you mean '#install'? The heading 'Install' gets '#install' from this site's "
            "toc.slugify (pymdownx.slugs.slugify(case='lower')); '#Install' is what "
            "pymdownx.slugs.slugify() makes of it.",
        ),
        (
            "docs/index.md:4:26: links/anchor-not-found link 'guide.md#instal' points to a "
            "missing anchor '#instal' in 'guide.md'",
            "Did you mean '#install'?",
        ),
    ]


def test_same_page_anchors(make_project: MakeProject) -> None:
    root = make_project(
        {"docs/index.md": "# Home\n\n## Usage\n\n[ok](#usage) [bad](#usages) [top](#home)\n"}
    )
    assert lines(run(root, ("links",))) == [
        "docs/index.md:5:14: links/anchor-not-found link '#usages' points to a missing anchor "
        "'#usages' on this page",
    ]


def test_without_python_markdown_it_falls_back_and_says_so(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "markdown", None)
    root = make_project({"docs/index.md": "# Home\n\n[x](#nope)\n"})
    report = run(root, ("links",), links={"anchor_ids": "render"})
    assert report.notices == [
        "Python-Markdown is not installed: anchors are checked against docgates' own slug rules"
    ]
    assert len(report.findings) == 1


def test_missing_extensions_are_named_once(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + "  - not_installed_ext.mdext\n"
    config = config.replace("plugins:\n  - docgates/code\n", "") + "plugins:\n  - search\n"
    root = make_project(
        {"docs/index.md": "# Home\n\n[x](guide.md#nope)\n", "docs/guide.md": "# Guide\n"},
        config=config,
    )
    report = run(root, ("links",), links={"anchor_ids": "render"})
    assert report.notices == [
        "markdown extensions cannot be imported here: not_installed_ext.mdext; rendering "
        "without them would lose what they make: anchors are checked against docgates' own "
        "slug rules"
    ]
    assert lines(report) == [
        "docs/index.md:3:1: links/anchor-not-found link 'guide.md#nope' points to a missing "
        "anchor '#nope' in 'guide.md'"
    ]


def test_build_time_ids_are_not_reported_as_broken(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + "  - mkdocstrings\nhooks:\n  - docs/hooks.py\n"
    root = make_project(
        {
            "docs/index.md": (
                "# Home\n\n[a](api.md#pkg.Model.field) [b](guide.md#option.color)"
                " [c](settings.md#section) [d](guide.md#gone)\n"
            ),
            "docs/api.md": "# API\n\n::: pkg.Model\n",
            "docs/guide.md": "# Guide\n\n<!-- md:option color -->\n",
            "docs/settings.md": "# Settings\n\n{{ settings_table }}\n",
        },
        config=config,
    )
    report = run(root, ("links",))
    assert [(f.severity.value, f.message) for f in report.findings] == [
        (
            "info",
            "link 'api.md#pkg.Model.field' points to a missing anchor '#pkg.Model.field' in "
            "'api.md'; mkdocstrings makes its ids from '::: pkg.Model' at build time, so docgates "
            "cannot verify it",
        ),
        (
            "info",
            "link 'guide.md#option.color' points to a missing anchor '#option.color' in "
            "'guide.md'; no heading makes an id like it, and ids written by hook "
            "'docs/hooks.py' appear only at build time, so docgates cannot verify it",
        ),
        (
            "info",
            "link 'settings.md#section' points to a missing anchor '#section' in 'settings.md'; "
            "the page's '{{ settings_table }}' is filled in at build time by hook "
            "'docs/hooks.py', so docgates cannot verify it",
        ),
        (
            "error",
            "link 'guide.md#gone' points to a missing anchor '#gone' in 'guide.md'",
        ),
    ]
