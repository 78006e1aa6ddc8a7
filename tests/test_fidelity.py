"""The CLI's view of the site matches what MkDocs and the plugins build, without running them.

Each test is one cause of a false (or missed) finding that real projects showed: Markdown and
config in, findings out, word for word.
"""

from __future__ import annotations

from tests.conftest import DEFAULT_CONFIG, MakeProject
from tests.helpers import lines, run

LINKS = ("links",)
ALL = ("links", "structure")


def test_mkdocs_exclude_globs_and_regexes_remove_files(make_project: MakeProject) -> None:
    # mkdocs-exclude drops matching files in on_files: they are not pages (nothing is checked
    # in them), and a link to one is broken in the built site.
    config = DEFAULT_CONFIG + (
        "  - exclude:\n      glob:\n        - templates-*/*\n        - '*.tmpl.md'\n"
        "      regex: ['^snippets/.*']\n"
    )
    root = make_project(
        {
            "docs/index.md": "# Home\n\n[t](page.tmpl.md)\n",
            "docs/page.tmpl.md": "# T\n\n[broken](nowhere.md)\n",
            "docs/templates-a/x.md": "# X\n\n[broken](nowhere.md)\n",
            "docs/snippets/s.md": "[broken](nowhere.md)\n",
        },
        config=config,
    )
    assert lines(run(root, LINKS)) == [
        "docs/index.md:3:1: links/page-not-found link 'page.tmpl.md': 'page.tmpl.md' is not in "
        "the built site (the 'exclude' plugin's glob '*.tmpl.md' removes it)",
    ]


def test_a_readme_next_to_an_index_page_is_not_built(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": "# Home\n\n[readme](user/README.md)\n",
            "docs/user/index.md": "# User\n",
            "docs/user/README.md": "# Readme\n\n[up](../../outside.yml)\n",
        }
    )
    assert lines(run(root, LINKS)) == [
        "docs/index.md:3:1: links/page-not-found link 'user/README.md': 'user/README.md' is not "
        "in the built site (MkDocs drops it because it conflicts with 'user/index.md')",
    ]


def test_nav_paths_with_a_leading_dot_slash_are_normalized(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + "nav:\n  - ./index.md\n  - Guide: ./guide//install.md\n"
    root = make_project(
        {"docs/index.md": "# Home\n", "docs/guide/install.md": "# Install\n"}, config=config
    )
    assert lines(run(root, ("structure",))) == []


def test_theme_files_and_files_mkdocs_writes_exist(make_project: MakeProject) -> None:
    # Material provides assets/images/favicon.png; MkDocs writes sitemap.xml(.gz) and 404.html,
    # the search plugin search/search_index.json.
    root = make_project(
        {
            "docs/index.md": (
                "# Home\n\n![icon](assets/images/favicon.png)\n"
                '<a href="sitemap.xml.gz">map</a> [404](404.html) '
                "[index](search/search_index.json)\n"
                "![missing](assets/images/favicon.jpg)\n"
            ),
        },
        config=DEFAULT_CONFIG + "  - search\n",
    )
    assert lines(run(root, LINKS)) == [
        "docs/index.md:5:1: links/image-not-found image 'assets/images/favicon.jpg': the target "
        "'assets/images/favicon.jpg' is not among the documentation files",
    ]


def test_a_theme_that_is_not_installed_lowers_links_to_its_files(
    make_project: MakeProject,
) -> None:
    config = DEFAULT_CONFIG.replace("theme: material", "theme: {name: not-installed}")
    root = make_project({"docs/index.md": "# Home\n\n![icon](img/logo.svg) [p](page.md)\n"}, config)
    report = run(root, LINKS)
    assert [(f.severity.value, str(f)) for f in report.findings] == [
        (
            "info",
            "docs/index.md:3:1: links/image-not-found image 'img/logo.svg': 'img/logo.svg' is not "
            "among the documentation files; the theme 'not-installed' is not installed where "
            "docgates runs, and may provide it; it is checked only by `mkdocs build` with the "
            "theme",
        ),
        (
            "error",
            "docs/index.md:3:23: links/page-not-found link 'page.md': the target 'page.md' is not "
            "among the documentation files",
        ),
    ]


I18N = DEFAULT_CONFIG + (
    "  - i18n:\n"
    "      docs_structure: {structure}\n"
    "      fallback_to_default: true\n"
    "      languages:\n"
    "        - {{locale: en, default: true, name: English}}\n"
    "        - {{locale: fr, name: Français}}\n"
    "nav:\n  - index.md\n  - setup.md\n"
)


def test_i18n_suffix_layout(make_project: MakeProject) -> None:
    # index.fr.md is the French index (not an orphan), its link to setup.md reaches
    # setup.fr.md (which has the anchor); guide.fr.md falls back to English pages.
    root = make_project(
        {
            "docs/index.md": "# Home\n\n[setup](setup.md#install) [bad](setup.md#installer)\n",
            "docs/index.fr.md": "# Accueil\n\n[setup](setup.md#installer)\n",
            "docs/setup.en.md": "# Setup\n\n## Install\n",
            "docs/setup.fr.md": "# Installation\n\n## Installer\n\n[raw](../)\n",
            "docs/extra.fr.md": "# Extra\n",
        },
        config=I18N.format(structure="suffix"),
    )
    assert lines(run(root, ALL)) == [
        "docs/extra.fr.md: structure/orphan-page page 'extra.fr.md' is not in nav, so no menu "
        "leads to it",
        "docs/index.md:3:27: links/anchor-not-found link 'setup.md#installer' points to a "
        "missing anchor '#installer' in 'setup.en.md'",
    ]


def test_i18n_folder_layout(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/en/index.md": "# Home\n\n[setup](setup.md)\n",
            "docs/en/setup.md": "# Setup\n",
            "docs/fr/index.md": "# Accueil\n\n[setup](setup.md) [none](nowhere.md)\n",
        },
        config=I18N.format(structure="folder"),
    )
    assert lines(run(root, ALL)) == [
        "docs/fr/index.md:3:19: links/page-not-found link 'nowhere.md': the target "
        "'fr/nowhere.md' is not among the documentation files",
    ]


AWESOME_NAV = DEFAULT_CONFIG + "  - awesome-nav\n"


def test_awesome_nav_files_decide_the_orphans(make_project: MakeProject) -> None:
    # The root lists a section and '*' (every other file and folder); guide/ lists two pages,
    # so guide/old.md is in no menu; hidden/ hides itself; ignore drops draft-*.md.
    root = make_project(
        {
            "docs/.nav.yml": "nav:\n  - About:\n    - index.md\n  - '*'\nignore: draft-*.md\n",
            "docs/index.md": "# Home\n",
            "docs/other.md": "# Other\n",
            "docs/draft-1.md": "# Draft\n",
            "docs/guide/.nav.yml": "nav:\n  - b.md\n  - Title: a.md\n",
            "docs/guide/a.md": "# A\n",
            "docs/guide/b.md": "# B\n",
            "docs/guide/old.md": "# Old\n",
            "docs/hidden/.nav.yml": "hide: true\n",
            "docs/hidden/x.md": "# X\n",
            "docs/plain/y.md": "# Y\n",
        },
        config=AWESOME_NAV + "nav:\n  - missing.md\n",
    )
    assert lines(run(root, ("structure",))) == [
        "docs/draft-1.md: structure/orphan-page page 'draft-1.md' is not in nav (as "
        "awesome-nav's .nav.yml files build it), so no menu leads to it",
        "docs/guide/old.md: structure/orphan-page page 'guide/old.md' is not in nav (as "
        "awesome-nav's .nav.yml files build it), so no menu leads to it",
        "docs/hidden/x.md: structure/orphan-page page 'hidden/x.md' is not in nav (as "
        "awesome-nav's .nav.yml files build it), so no menu leads to it",
    ]


def test_literate_nav_summary_files(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + "  - literate-nav\nnav:\n  - Home: index.md\n  - Guide: guide/\n"
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "docs/lost.md": "# Lost\n",
            "docs/guide/SUMMARY.md": (
                "Intro text.\n\n- [Start](start.md)\n- Section\n    - [Deep](deep/)\n- *.txt.md\n"
            ),
            "docs/guide/start.md": "# Start\n",
            "docs/guide/skipped.md": "# Skipped\n",
            "docs/guide/notes.txt.md": "# Notes\n",
            "docs/guide/deep/one.md": "# One\n",
        },
        config=config,
    )
    assert lines(run(root, ("structure",))) == [
        "docs/guide/skipped.md: structure/orphan-page page 'guide/skipped.md' is not in nav (as "
        "literate-nav's SUMMARY.md files build it), so no menu leads to it",
        "docs/lost.md: structure/orphan-page page 'lost.md' is not in nav (as literate-nav's "
        "SUMMARY.md files build it), so no menu leads to it",
    ]


def test_literate_nav_with_a_summary_gen_files_writes(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + (
        "  - gen-files:\n      scripts: [gen.py]\n  - literate-nav\n"
        "nav:\n  - index.md\n  - API: reference/\n"
    )
    root = make_project(
        {"docs/index.md": "# Home\n", "docs/reference/old.md": "# Old\n"}, config=config
    )
    assert lines(run(root, ("structure",))) == []


def test_awesome_pages_files(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG + "  - awesome-pages\n"
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "docs/a/.pages": "nav:\n  - first.md\n  - ...\n",
            "docs/a/first.md": "# First\n",
            "docs/a/second.md": "# Second\n",
            "docs/b/.pages": "nav:\n  - Only: only.md\n",
            "docs/b/only.md": "# Only\n",
            "docs/b/left.md": "# Left\n",
            "docs/c/.pages": "hide: true\n",
            "docs/c/gone.md": "# Gone\n",
        },
        config=config,
    )
    assert lines(run(root, ("structure",))) == [
        "docs/b/left.md: structure/orphan-page page 'b/left.md' is not in nav (as awesome-pages' "
        ".pages files build it), so no menu leads to it",
        "docs/c/gone.md: structure/orphan-page page 'c/gone.md' is not in nav (as awesome-pages' "
        ".pages files build it), so no menu leads to it",
    ]


def test_a_missing_extension_does_not_swallow_headings(make_project: MakeProject) -> None:
    # An extension the project names cannot be imported here: rendering without what it makes
    # could turn a closing fence into an opening one, and '## After' into code. The ids come
    # from docgates' own rules instead, and the notice says why. (A custom fence's
    # '!!python/name:' formatter is never imported: it gets a stand-in, see
    # test_hostile_config.py.)
    config = DEFAULT_CONFIG.replace(
        "  - pymdownx.superfences\n",
        "  - pymdownx.superfences\n  - not_installed.fences\n",
    )
    page = (
        '# Home\n\n```python title="a.py"\nx = 1\n```\n\n## After\n\n```python\ny = 2\n```\n\n'
        "[a](#after)\n"
    )
    root = make_project({"docs/index.md": page}, config=config)
    report = run(root, LINKS, links={"anchor_ids": "render"})
    assert lines(report) == []
    assert report.notices == [
        "markdown extensions cannot be imported here: not_installed.fences; rendering without "
        "them would lose what they make: anchors are checked against docgates' own slug rules"
    ]


def test_ids_from_key_value_attributes_and_fence_headers(make_project: MakeProject) -> None:
    # Material's docs write '{ id=navigation-path }' and '``` { .sh #example }'; the default
    # (source) ids mode must find both, as a render does.
    root = make_project(
        {
            "docs/index.md": (
                "# Home\n\n### Navigation path <small>x</small> { id=navigation-path }\n\n"
                "``` { .sh #example }\nls\n```\n\n[a](#navigation-path) [b](#example) [c](#nope)\n"
            )
        }
    )
    assert lines(run(root, LINKS)) == [
        "docs/index.md:9:37: links/anchor-not-found link '#nope' points to a missing anchor "
        "'#nope' on this page",
    ]


MDX = DEFAULT_CONFIG.replace("  - toc:\n", "  - mdx_include:\n      base_path: docs\n  - toc:\n")


def test_mdx_include_line_slices(make_project: MakeProject) -> None:
    # '{!file[ln:1-3]!}' includes lines 1 to 3: the syntax error on line 5 is outside the
    # slice; '[ln:5]' includes it, reported at the included file's own line.
    root = make_project(
        {
            "docs/index.md": (
                "# Home\n\n```python\n{!src/example.py[ln:1-3]!}\n```\n\n"
                "```python\n{! src/example.py [ln:5] !}\n```\n\n\\{!not/an/include.md!}\n"
            ),
            "docs/src/example.py": "import os\n\nprint(os.sep)\n\ndef broken(:\n",
        },
        config=MDX,
    )
    assert lines(run(root, ("code",))) == [
        "docs/src/example.py:5:12: code/syntax-error Python block does not compile: invalid "
        "syntax: 'def broken(:' (included by 'docs/index.md')",
    ]


def test_raw_html_in_blog_posts_resolves_against_the_post_url(make_project: MakeProject) -> None:
    # The post is served at blog/2024/01/31/hello-world/ (date and slug from its front matter
    # and title), so raw HTML paths count from there, not from blog/posts/.
    config = DEFAULT_CONFIG + "  - blog\n"
    post = (
        "---\ndate: 2024-01-31\n---\n\n# Hello World\n\n"
        '<img src="../../../../../img/a.png">\n<img src="../../img/a.png">\n'
    )
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "docs/img/a.png": "png",
            "docs/blog/posts/hello.md": post,
            "docs/blog/posts/custom.md": (
                "---\ndate: 2024-02-01\nslug: mine\n---\n\n# Custom\n\n"
                '<a href="../../../../">x</a>\n'
            ),
        },
        config=config,
    )
    report = run(root, LINKS)
    assert lines(report) == [
        "docs/blog/posts/custom.md:8:10: links/page-not-found link '../../../../': "
        "no page or file is served at 'blog/'",
        "docs/blog/posts/hello.md:8:11: links/image-not-found image '../../img/a.png': no page "
        "or file is served at 'blog/2024/01/img/a.png'",
    ]


def test_blog_post_url_format_and_blog_dir(make_project: MakeProject) -> None:
    # warehouse's blog: blog_dir '.', post_url_format 'posts/{file}'.
    config = (
        DEFAULT_CONFIG + "  - blog:\n      blog_dir: .\n      post_url_format: 'posts/{file}'\n"
    )
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "docs/img/a.png": "png",
            "docs/posts/p.md": (
                '---\ndate: 2024-01-31\n---\n\n# P\n\n<img src="../../img/a.png">\n'
            ),
        },
        config=config,
    )
    assert lines(run(root, LINKS)) == []


def test_mkdocstrings_docstring_heading_ids(make_project: MakeProject) -> None:
    # mkdocstrings gives the headings of a docstring ids like 'pkg.mod--usage'.
    config = DEFAULT_CONFIG + "  - mkdocstrings\n"
    root = make_project(
        {
            "docs/index.md": "# Home\n\n[a](api.md#pkg.mod--usage) [b](api.md#other--usage)\n",
            "docs/api.md": "# API\n\n::: pkg.mod\n",
        },
        config=config,
    )
    report = run(root, LINKS)
    assert [(f.severity.value, str(f)) for f in report.findings] == [
        (
            "info",
            "docs/index.md:3:1: links/anchor-not-found link 'api.md#pkg.mod--usage' points to a "
            "missing anchor '#pkg.mod--usage' in 'api.md'; mkdocstrings makes its ids from "
            "'::: pkg.mod' at build time, so docgates cannot verify it",
        ),
        (
            "error",
            "docs/index.md:3:28: links/anchor-not-found link 'api.md#other--usage' points to a "
            "missing anchor '#other--usage' in 'api.md'",
        ),
    ]


def test_snippets_base_path_with_mkdocs_relative_tag(make_project: MakeProject) -> None:
    config = DEFAULT_CONFIG.replace(
        "      base_path: [snippets, .]\n", "      base_path: !relative $config_dir\n"
    )
    root = make_project(
        {"docs/index.md": '# Home\n\n```python\n--8<-- "src/a.py"\n```\n', "src/a.py": "x = (\n"},
        config=config,
    )
    assert lines(run(root, ("code",))) == [
        "src/a.py:1:5: code/syntax-error Python block does not compile: '(' was never closed: "
        "'x = (' (included by 'docs/index.md')",
    ]


HOOKED = DEFAULT_CONFIG + "hooks:\n  - hooks/fences.py\n"
CUSTOM_HEADERS = (
    "# Home\n\n```toml config-example\n[tool.x]\n```\n\n## Options\n\n"
    '```python tab="pyproject"\nx = (\n```\n\n## After\n\n[a](#options) [b](#after)\n'
)


def test_fence_headers_a_hook_rewrites_are_read_as_fences(make_project: MakeProject) -> None:
    # The hook rewrites the headers superfences would reject; read as text, the closing fence
    # would open a fence that swallows '## Options' and '## After' (two false anchor errors).
    root = make_project(
        {
            "docs/index.md": CUSTOM_HEADERS,
            "hooks/fences.py": "def on_page_markdown(markdown, **kwargs):\n    return markdown\n",
        },
        config=HOOKED,
    )
    report = run(root, ("code", "links"))
    assert [(f.severity.value, str(f)) for f in report.findings] == [
        (
            "info",
            "docs/index.md:9:1: code/unchecked-fence '```python tab=\"pyproject\"' fence: "
            "pymdownx.superfences rejects the option 'tab' in its header, but hook "
            "'hooks/fences.py' may rewrite it before MkDocs renders the page, so docgates reads "
            "it as a fence; it is checked only by `mkdocs build` with the plugins",
        ),
        (
            "error",
            "docs/index.md:10:5: code/syntax-error Python block does not compile: '(' was never "
            "closed: 'x = ('",
        ),
    ]


def test_without_a_rewriting_hook_the_rejected_header_is_text(make_project: MakeProject) -> None:
    # A hook that only handles on_post_build cannot rewrite pages: MkDocs renders the fence as
    # text, and the anchors it swallows really are missing.
    root = make_project(
        {
            "docs/index.md": CUSTOM_HEADERS,
            "hooks/fences.py": "def on_post_build(config):\n    pass\n",
        },
        config=HOOKED,
    )
    assert lines(run(root, ("code", "links"))) == [
        "docs/index.md:15:1: links/anchor-not-found link '#options' points to a missing anchor "
        "'#options' on this page",
    ]


def test_links_to_pages_git_ignores_are_left_to_the_build(make_project: MakeProject) -> None:
    # A script writes docs/reference/ before the build, and git ignores it: links into it are
    # info, with the reason; other missing pages stay errors.
    import subprocess

    root = make_project(
        {
            ".gitignore": "docs/reference/\n",
            "docs/index.md": "# Home\n\n[cli](reference/cli.md) [gone](gone.md)\n",
        }
    )
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    report = run(root, LINKS)
    assert [(f.severity.value, str(f)) for f in report.findings] == [
        (
            "info",
            "docs/index.md:3:1: links/page-not-found link 'reference/cli.md': 'reference/cli.md' "
            "is not among the documentation files; git ignores it, so a script may write it "
            "before the build; it is checked only by `mkdocs build`",
        ),
        (
            "error",
            "docs/index.md:3:25: links/page-not-found link 'gone.md': the target 'gone.md' is not "
            "among the documentation files",
        ),
    ]
