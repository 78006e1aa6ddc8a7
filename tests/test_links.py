"""The links gate: each link form MkDocs resolves, Markdown in, findings out, word for word."""

from __future__ import annotations

from tests.conftest import DEFAULT_CONFIG, MakeProject
from tests.helpers import lines, run

LINKS = ("links",)


def test_each_link_form_resolves_or_is_reported_at_its_column(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": """\
                # Home

                [page](guide.md) [anchor](guide.md#install) [folder](guide/)
                [dir page](sub/) [extensionless](guide) [file](files/data.csv)
                [up](sub/deeper.md) [missing](gude.md) [html](guide.html)
                [dot](./guide.md#install) [self](#home) [query](guide.md?x=1#install)
                """,
            "docs/guide.md": "# Guide\n\n## Install\n",
            "docs/sub/index.md": "# Sub\n\n[back](../index.md) [up](../guide.md#nope)\n",
            "docs/sub/deeper.md": "# Deeper\n",
            "docs/files/data.csv": "a,b\n",
        }
    )
    # From index.md (served at the site root) 'guide/' and 'guide' reach guide.md.
    assert lines(run(root, LINKS)) == [
        "docs/index.md:5:21: links/page-not-found link 'gude.md': the target 'gude.md' is not "
        "among the documentation files",
        "docs/index.md:5:40: links/page-not-found link 'guide.html': the target 'guide.html' is "
        "not among the documentation files",
        "docs/sub/index.md:3:21: links/anchor-not-found link '../guide.md#nope' points to a "
        "missing anchor '#nope' in 'guide.md'",
    ]
    hints = [f.hint for f in run(root, LINKS).findings]
    assert hints == ["Did you mean 'guide.md'?", "Did you mean 'guide.md'?", None]


def test_folder_links_resolve_against_the_page_url(make_project: MakeProject) -> None:
    # With use_directory_urls, 'guide.md' is served at guide/: '../install/' from it is
    # the sibling page; without, links resolve against 'guide.html'.
    files = {
        "docs/index.md": "# Home\n",
        "docs/guide.md": "# Guide\n\n[sibling](../install/) [wrong](install/)\n",
        "docs/install.md": "# Install\n",
    }
    root = make_project(files)
    report = run(root, LINKS)
    assert lines(report) == [
        "docs/guide.md:3:24: links/page-not-found link 'install/': no page or file is served "
        "at 'guide/install/'",
    ]
    assert report.findings[0].hint == "Did you mean '../install/'?"
    root = make_project(files, config=DEFAULT_CONFIG + "use_directory_urls: false\n")
    assert lines(run(root, LINKS)) == [
        "docs/guide.md:3:1: links/page-not-found link '../install/': '../install/' leaves the site",
        "docs/guide.md:3:24: links/page-not-found link 'install/': no page or file is served "
        "at 'install/'",
    ]


def test_reference_links_are_checked_where_they_are_defined(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": """\
                # Home

                See [the guide][guide], [setup][] and [usage].
                Autorefs cross-references are not links: [BaseModel][pydantic.BaseModel].

                  [guide]: guide.md#missing
                  [setup]: setup.md
                  [usage]: guide.md
                  [design principles]: ../design-principles.md
                """,
            "docs/guide.md": "# Guide\n",
        }
    )
    assert lines(run(root, LINKS)) == [
        "docs/index.md:6:3: links/anchor-not-found reference '[guide]: guide.md#missing' points "
        "to a missing anchor '#missing' in 'guide.md'",
        "docs/index.md:7:3: links/page-not-found reference '[setup]: setup.md': the target "
        "'setup.md' is not among the documentation files",
        "docs/index.md:9:3: links/page-not-found reference '[design principles]: "
        "../design-principles.md': '../design-principles.md' is outside docs_dir (the reference "
        "is never used)",
    ]


def test_images_and_raw_html(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": """\
                # Home

                ![logo](img/logo.png) ![gone](img/gone.png)

                <p align="center">
                  <img src="img/logo.png" alt="ok">
                  <a href="guide/">ok</a> <a href="guide.md">not rewritten</a>
                </p>
                """,
            "docs/guide.md": """\
                # Guide

                <img src="img/logo.png"> <img src="../img/logo.png">
                """,
            "docs/img/logo.png": b"\x89PNG\r\n",
        }
    )
    assert lines(run(root, LINKS)) == [
        "docs/guide.md:3:11: links/image-not-found image 'img/logo.png': no page or file is "
        "served at 'guide/img/logo.png'",
        "docs/index.md:3:23: links/image-not-found image 'img/gone.png': the target "
        "'img/gone.png' is not among the documentation files",
        "docs/index.md:7:36: links/page-not-found link 'guide.md': MkDocs does not rewrite links "
        "in raw HTML, so the browser looks for 'guide.md'",
    ]
    hints = [f.hint for f in run(root, LINKS).findings]
    assert hints == [
        "Did you mean '../img/logo.png'?",
        "Did you mean 'img/logo.png'?",
        "Link the built page: 'guide/'.",
    ]


def test_links_in_code_comments_and_math_are_ignored(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": """\
                # Home

                `[not](a.md)` and <!-- [hidden](b.md) -->

                ```markdown
                [example](c.md)
                ```

                    [indented](d.md)

                <!--
                [commented](e.md)
                -->

                $$
                [math](f.md)
                $$
                """,
        },
        config=DEFAULT_CONFIG.replace(
            "  - toc:\n", "  - pymdownx.arithmatex:\n      generic: true\n  - toc:\n"
        ),
    )
    assert lines(run(root, LINKS)) == []


def test_links_in_snippets_resolve_from_the_including_page(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/guide/index.md": '# Guide\n\n--8<-- "shared.md"\n',
            "docs/guide/install.md": "# Install\n",
            "snippets/shared.md": "See [install](install.md) and [gone](gone.md).\n",
        }
    )
    assert lines(run(root, LINKS)) == [
        "snippets/shared.md:1:31: links/page-not-found link 'gone.md': the target "
        "'guide/gone.md' is not among the documentation files",
    ]


def test_excluded_drafts_redirects_and_generated_pages_are_not_broken(
    make_project: MakeProject,
) -> None:
    config = (
        DEFAULT_CONFIG
        + """\
  - redirects:
      redirect_maps:
        old.md: index.md
  - gen-files
exclude_docs: |
  private.md
draft_docs: |
  drafts/
"""
    )
    root = make_project(
        {
            "docs/index.md": """\
                # Home

                [private](private.md) [draft](drafts/next.md) [old](old.md#x)
                [reference](reference/api.md)
                """,
            "docs/private.md": "# Private\n",
            "docs/drafts/next.md": "# Next\n",
        },
        config=config,
    )
    report = run(root, LINKS)
    assert [(f.severity.value, str(f)) for f in report.findings] == [
        (
            "info",
            "docs/index.md:3:1: links/page-not-found link 'private.md': 'private.md' is not in "
            "the built site (exclude_docs leaves it out)",
        ),
        (
            "info",
            "docs/index.md:3:23: links/page-not-found link 'drafts/next.md': 'drafts/next.md' is "
            "not in the built site (it is a draft)",
        ),
        (
            "info",
            "docs/index.md:4:1: links/page-not-found link 'reference/api.md': 'reference/api.md' "
            "is not among the documentation files; the 'gen-files' plugin may generate it",
        ),
    ]
    assert not report.failed


def test_site_absolute_links(make_project: MakeProject) -> None:
    files = {"docs/index.md": "# Home\n\n[a](/docs/guide/) [b](/elsewhere/) [c](/docs/nope/)\n"}
    files["docs/guide.md"] = "# Guide\n"
    root = make_project(files, config=DEFAULT_CONFIG + "site_url: https://x.org/docs/\n")
    report = run(root, LINKS)
    assert [(f.severity.value, str(f)) for f in report.findings] == [
        (
            "info",
            "docs/index.md:3:19: links/page-not-found link '/elsewhere/': it is site-absolute, "
            "and '/elsewhere/' is not under site_url's path '/docs/'",
        ),
        (
            "error",
            "docs/index.md:3:36: links/page-not-found link '/docs/nope/': no page or file is "
            "served at '/docs/nope/'",
        ),
    ]


def test_levels_are_options(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + "exclude_docs: |\n  private.md\n"
    root = make_project(
        {"docs/index.md": "# Home\n\n[p](private.md)\n", "docs/private.md": "# P\n"},
        config=config,
    )
    report = run(root, LINKS, links={"excluded_links": "error"})
    assert [f.severity.value for f in report.findings] == ["error"]
    assert run(root, LINKS, links={"excluded_links": "ignore"}).findings == []
    report = run(root, LINKS, links={"severity": {"links/page-not-found": "warning"}})
    assert [f.severity.value for f in report.findings] == ["warning"]


def test_anchor_checks_can_be_turned_off(make_project: MakeProject) -> None:
    root = make_project({"docs/index.md": "# Home\n\n[x](#nowhere)\n"})
    assert len(run(root, LINKS).findings) == 1
    assert run(root, LINKS, links={"anchors": False}).findings == []


def test_only_the_named_pages_are_reported(make_project: MakeProject) -> None:
    from docgates._core.engine import Engine
    from docgates._core.project import load_project

    root = make_project(
        {
            "docs/index.md": "# Home\n\n[a](guide.md#install)\n",
            "docs/guide.md": "# Guide\n\n## Install\n\n[b](nope.md)\n",
        }
    )
    project = load_project(root)
    report = Engine(project, project.settings()).check(["links"], [root / "docs/index.md"])
    assert lines(report) == []
