"""Reading a project's configuration as data: no imports, every key located."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgates._core.mdconfig import SlugifySpec
from docgates._core.project import NavEntry, find_config, load_project
from docgates._core.yamlload import OtherTag, PythonTag, load_yaml
from tests.conftest import MakeProject

MATERIAL = """\
site_name: Site
docs_dir: content
exclude_docs: |
  drafts/
not_in_nav: |
  /blog/**
nav:
  - Home: index.md
  - Guide:
    - guide/install.md
    - Usage: guide/usage.md
  - External: https://example.com/
markdown_extensions:
  - toc:
      permalink: true
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.snippets:
      base_path: [includes]
      check_paths: true
plugins:
  - search
  - docgates/code:
      enabled: !ENV [DOCGATES_TEST_ENABLED, true]
"""


def test_config_is_read_without_importing_anything(make_project: MakeProject) -> None:
    root = make_project({"content/index.md": "# Hi\n"}, config=MATERIAL)
    project = load_project(root)
    assert project.kind == "mkdocs"
    assert project.docs_dir == root / "content"
    md = project.markdown
    assert md.superfences
    assert md.custom_fences == frozenset({"mermaid"})
    assert md.slugify == SlugifySpec("pymdownx.slugs.slugify", {"case": "lower"})
    assert md.snippets is not None
    assert md.snippets.check_paths
    assert md.snippets.base_path == ((root / "includes").resolve(),)
    emoji = project.data["markdown_extensions"][1]["pymdownx.emoji"]["emoji_index"]
    assert emoji == PythonTag("name", "material.extensions.emoji.twemoji")


def test_nav_entries_know_their_config_line(make_project: MakeProject) -> None:
    project = load_project(make_project({"content/index.md": "# Hi\n"}, config=MATERIAL))
    assert project.nav == [
        NavEntry("Home", "index.md", "mkdocs.yml", 8, 5),
        NavEntry(None, "guide/install.md", "mkdocs.yml", 10, 7),
        NavEntry("Usage", "guide/usage.md", "mkdocs.yml", 11, 7),
        NavEntry("External", "https://example.com/", "mkdocs.yml", 12, 5),
    ]
    assert project.nav[3].is_url


def test_exclude_docs_and_default_exclusions(make_project: MakeProject) -> None:
    root = make_project(
        {
            "content/index.md": "# Hi\n",
            "content/drafts/wip.md": "# WIP\n",
            "content/.hidden.md": "# hidden\n",
            "content/templates/page.md": "# template\n",
            "content/notes.markdown": "# notes\n",
        },
        config=MATERIAL,
    )
    project = load_project(root)
    assert [project.doc_uri(p) for p in project.pages()] == ["index.md", "notes.markdown"]
    assert project.not_in_nav is not None
    assert project.not_in_nav.match_file("blog/post.md")


def test_env_tag(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project({"content/index.md": "# Hi\n"}, config=MATERIAL)
    assert load_project(root).settings().code.enabled is True
    monkeypatch.setenv("DOCGATES_TEST_ENABLED", "false")
    assert load_project(root).settings().code.enabled is False


def test_inherit_merges_mappings_and_replaces_lists(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": "# Hi\n",
            "base.yml": "site_name: Base\nmarkdown_extensions:\n  admonition:\n  toc:\n"
            "    permalink: true\nnav:\n  - old.md\n",
        },
        config="INHERIT: base.yml\nmarkdown_extensions:\n  pymdownx.superfences:\n"
        "nav:\n  - index.md\n",
    )
    project = load_project(root)
    assert set(project.data["markdown_extensions"]) == {"admonition", "toc", "pymdownx.superfences"}
    assert [entry.target for entry in project.nav or []] == ["index.md"]
    assert project.markdown.admonition
    assert project.markdown.superfences


def test_zensical_toml(make_project: MakeProject) -> None:
    config = """\
    [project]
    site_name = "Z"
    docs_dir = "pages"
    nav = [{"Home" = "index.md"}]

    [project.markdown_extensions.admonition]
    [project.markdown_extensions.pymdownx.superfences]
    [project.markdown_extensions.pymdownx.blocks.tab]
    alternate_style = true
    """
    root = make_project({"pages/index.md": "# Z\n"}, config=config, config_name="zensical.toml")
    project = load_project(root)
    assert project.kind == "zensical"
    assert project.docs_dir == root / "pages"
    assert project.markdown.superfences
    assert project.markdown.admonition
    assert project.markdown.blocks == frozenset({"tab"})
    assert not project.markdown.tabbed


def test_zensical_without_extensions_assumes_the_defaults(make_project: MakeProject) -> None:
    root = make_project(
        {"docs/index.md": "# Z\n"},
        config='[project]\nsite_name = "Z"\n',
        config_name="zensical.toml",
    )
    assert load_project(root).markdown.assumed


def test_properdocs_yml_is_preferred(make_project: MakeProject) -> None:
    root = make_project({"docs/index.md": "# P\n"}, config="site_name: M\n")
    (root / "properdocs.yml").write_text("site_name: P\n")
    assert load_project(root).kind == "properdocs"


def test_settings_precedence_plugin_then_pyproject_then_flags(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": "# Hi\n",
            "pyproject.toml": '[tool.docgates.code]\nlanguages = ["py"]\nexclude = ["old/"]\n',
        },
        config="site_name: x\nplugins:\n  - docgates/code:\n      languages: [python]\n"
        "      max_file_size: 1000\n",
    )
    project = load_project(root)
    code = project.settings().code
    assert (code.languages, code.exclude, code.max_file_size) == (["py"], ["old/"], 1000)
    flagged = project.settings({"code": {"languages": ["python3"]}}).code
    assert flagged.languages == ["python3"]


def test_pyproject_errors_name_the_line(make_project: MakeProject) -> None:
    root = make_project(
        {"docs/index.md": "# Hi\n", "pyproject.toml": "[tool.docgates.code]\n\nlanguage = 1\n"},
        config="site_name: x\n",
    )
    with pytest.raises(Exception, match=r"pyproject.toml:3: 'tool.docgates.code.language'"):
        load_project(root).settings()


def test_find_config_walks_up(make_project: MakeProject) -> None:
    root = make_project({"docs/deep/er/page.md": "# Hi\n"})
    assert find_config(root / "docs" / "deep" / "er" / "page.md") == root / "mkdocs.yml"


def test_no_config_assumes_material_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("!!! note\n    ```python\n    x = (\n    ```\n")
    project = load_project(tmp_path)
    assert project.kind == "none"
    assert project.markdown.assumed
    from docgates._core.engine import check

    report = check(project, gates=["code"])
    assert [f.line for f in report.findings] == [3]
    assert report.notices == [
        "no mkdocs.yml, properdocs.yml or zensical.toml found: assuming the Markdown "
        "extensions of a typical Material for MkDocs site"
    ]


def test_yaml_tags_and_positions() -> None:
    located = load_yaml("a: !relative $config_dir/x\nb:\n  - !custom {k: 1}\n", "m.yml")
    assert located.data == {
        "a": OtherTag("!relative", "$config_dir/x"),
        "b": [OtherTag("!custom", {"k": 1})],
    }
    assert located.positions[("b", 0)] == (3, 5)
    assert located.line_of(("b", 0, "k")) == 3
