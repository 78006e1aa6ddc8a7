"""The plugins inside real builds with the plugins our users run: mkdocs-macros, a ``hooks:``
file, gen-files, literate-nav, Material's blog, mkdocs-static-i18n and awesome-nav.

Each site is built twice with ``mkdocs build --strict``: the docgates plugins listed after the
site's own plugins, and before them; both builds must report the same findings, word for word.
Builds are slow, so each site is built once per order for the whole module.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

GATES = ["docgates/code", "docgates/links", "docgates/structure"]
W = "WARNING -  docgates: "


def build(root: Path) -> list[str]:
    """The WARNING lines of ``mkdocs build --strict`` in ``root``."""
    executable = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(
        [executable, "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in result.stderr.splitlines()]
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        raise AssertionError(result.stderr)
    return [line for line in lines if line.startswith("WARNING")]


def make_site(base: Path, files: dict[str, str], config: str, own: list[str]) -> dict[str, Path]:
    """The same site twice, with the gates after and before ``own`` plugins."""
    roots = {}
    for order in ("after", "before"):
        root = base / order
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        entries = [*own, *(f"  - {g}" for g in GATES)]
        if order == "before":
            entries = [*(f"  - {g}" for g in GATES), *own]
        text = textwrap.dedent(config) + "plugins:\n" + "\n".join(entries) + "\n"
        (root / "mkdocs.yml").write_text(text, encoding="utf-8")
        roots[order] = root
    return roots


def both_orders(roots: dict[str, Path]) -> list[str]:
    after, before = build(roots["after"]), build(roots["before"])
    assert after == before
    return after


MACROS_SITE = {
    "docs/index.md": """\
        # Home

        Version {{ version }}. See [the generated page]({{ target }}).

        ```python
        print("{{ version }}")
        {% if true %}
        value = {{ '{' }}"a": 1{{ '}' }}
        {% endif %}
        ```

        {% include 'snippet.md' %}

        ```python
        {% raw %}template = "{{ name }}"{% endraw %}
        ```

        See [macro link]({{ broken }}).
        """,
    "includes/snippet.md": """\
        ```python
        included = 1
        broken = (
        ```
        """,
    "docs/rendered.md": """\
        # Rendered

        ```python
        x = {{ version }} +
        ```
        """,
    "docs/hooked.md": """\
        # Hooked

        ```python
        NAME = PLACEHOLDER_VALUE
        ```

        ```python
        def broken(:
            pass
        ```
        """,
    "docs/SUMMARY.md": """\
        * [Home](index.md)
        * [Rendered](rendered.md)
        * [Hooked](hooked.md)
        * [Generated](gen.md)
        """,
    "main.py": """\
        def define_env(env):
            env.variables["version"] = "1.2"
            env.variables["target"] = "rendered.md"
            env.variables["broken"] = "missing.md"
        """,
    "hooks.py": """\
        from mkdocs.structure.files import File

        def on_files(files, config):
            gen = "# Gen\\n\\n```python\\nok = 1\\n```\\n"
            files.append(File.generated(config, "gen.md", content=gen))
            files.append(File.generated(config, "orphan-gen.md", content="# Orphan\\n"))
            return files

        def on_page_markdown(markdown, page, config, files):
            return markdown.replace("PLACEHOLDER_VALUE", "'filled'")
        """,
}
MACROS_CONFIG = """\
    site_name: Macros
    markdown_extensions:
      - pymdownx.superfences
    hooks: [hooks.py]
    """


@pytest.fixture(scope="module")
def macros_site(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    roots = make_site(
        tmp_path_factory.mktemp("macros"),
        {**MACROS_SITE, "docs/orphan.md": "# Orphan\n"},
        MACROS_CONFIG,
        ["  - macros:", "      include_dir: includes", "  - literate-nav"],
    )
    return both_orders(roots)


def test_macros_hooks_and_literate_nav_findings_are_the_build_s(macros_site: list[str]) -> None:
    assert macros_site == [
        # the hook fills the placeholder on line 4: no false error beside the real one
        f"{W}docs/hooked.md:8:12: code/syntax-error Python block does not compile: "
        "invalid syntax: 'def broken(:'",
        # macros rendered '{{ version }}': reported on the page's own line
        f"{W}docs/rendered.md:4:10: code/syntax-error Python block does not compile: "
        "invalid syntax: 'x = 1.2 +'",
        # pulled in by {% include %}: reported in the included file
        f"{W}includes/snippet.md:3:10: code/syntax-error Python block does not compile: "
        "'(' was never closed: 'broken = (' (included by 'docs/index.md')",
        # a link whose target a macro writes, at the macro's line
        f"{W}docs/index.md:18:5: links/page-not-found link 'missing.md': the target "
        "'missing.md' is not among the documentation files",
        # literate-nav's SUMMARY.md is the nav; the hook's generated page is never an orphan
        f"{W}docs/orphan.md: structure/orphan-page page 'orphan.md' is not in nav, so no menu "
        "leads to it. Add it to nav, or list it in not_in_nav if only links should reach it.",
    ]


BLOG_SITE = {
    "docs/index.md": "# Home\n\nRead [the post](blog/posts/first.md).\n",
    "docs/blog/index.md": "# Blog\n",
    "docs/blog/posts/first.md": """\
        ---
        date: 2024-01-31
        categories:
          - News
        ---

        # First post

        An excerpt.

        <!-- more -->

        ```python
        print("fine")
        ```

        ```python
        answer = (
        ```
        """,
    "docs/blog/posts/second.md": """\
        ---
        date: 2023-05-01
        ---

        # Second post

        ```python
        ok = 2
        ```
        """,
}
BLOG_CONFIG = """\
    site_name: Blog
    theme: material
    markdown_extensions:
      - pymdownx.superfences
    nav:
      - index.md
      - Blog: blog/index.md
    """


@pytest.fixture(scope="module")
def blog_site(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    roots = make_site(tmp_path_factory.mktemp("blog"), BLOG_SITE, BLOG_CONFIG, ["  - blog"])
    return both_orders(roots)


def test_blog_posts_are_checked_and_its_views_are_not_orphans(blog_site: list[str]) -> None:
    # the post is checked whatever the plugins' order; the archive and category views the
    # blog generates, and the posts it lists itself, are never orphans
    assert blog_site == [
        f"{W}docs/blog/posts/first.md:18:10: code/syntax-error Python block does not compile: "
        "'(' was never closed: 'answer = ('",
    ]


I18N_SITE = {
    "docs/index.md": "# Home\n\nSee [the guide](guide.md).\n",
    "docs/index.fr.md": "# Accueil\n\nVoir [le guide](guide.md).\n",
    "docs/guide.md": "# Guide\n\n```python\nok = 1\n```\n",
    "docs/guide.fr.md": "# Guide\n\n```python\nprint('bonjour'\n```\n",
    "docs/extra.md": "# Extra\n",
}
I18N_CONFIG = """\
    site_name: I18n
    theme: material
    markdown_extensions:
      - pymdownx.superfences
    nav:
      - Home: index.md
      - Guide: guide.md
    """
I18N_PLUGIN = [
    "  - i18n:",
    "      docs_structure: suffix",
    "      languages:",
    "        - locale: en",
    "          default: true",
    "          name: English",
    "        - locale: fr",
    "          name: Français",
]


@pytest.fixture(scope="module")
def i18n_site(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    roots = make_site(tmp_path_factory.mktemp("i18n"), I18N_SITE, I18N_CONFIG, I18N_PLUGIN)
    return both_orders(roots)


def test_translated_pages_are_checked_and_are_not_orphans(i18n_site: list[str]) -> None:
    # the French page is checked at its own line; the translated pages are in each language's
    # nav and the nav entries resolve in both builds; extra.md is in no nav (a real orphan,
    # reported once although both language builds see it)
    assert i18n_site == [
        f"{W}docs/extra.md: structure/orphan-page page 'extra.md' is not in nav, so no menu "
        "leads to it. Add it to nav, or list it in not_in_nav if only links should reach it.",
        f"{W}docs/guide.fr.md:4:6: code/syntax-error Python block does not compile: "
        "'(' was never closed: 'print('bonjour''",
    ]


AWESOME_SITE = {
    "docs/index.md": "# Home\n",
    "docs/listed.md": "# Listed\n",
    "docs/forgotten.md": "# Forgotten\n",
    "docs/.nav.yml": "nav:\n  - index.md\n  - listed.md\n",
}


@pytest.fixture(scope="module")
def awesome_site(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    roots = make_site(
        tmp_path_factory.mktemp("awesome"),
        AWESOME_SITE,
        "site_name: Awesome\n",
        ["  - awesome-nav"],
    )
    return both_orders(roots)


def test_awesome_nav_orphans(awesome_site: list[str]) -> None:
    assert awesome_site == [
        f"{W}docs/forgotten.md: structure/orphan-page page 'forgotten.md' is not in nav, so no "
        "menu leads to it. Add it to nav, or list it in not_in_nav if only links should reach it.",
    ]
