"""Planted defects in copies of the real corpus-build projects are found at their exact lines,
with the docgates plugins listed after the project's own plugins and before them.

Each project is planted with the defects its own plugins make hard to see:

- pipx (mkdocs-macros, default delimiters, every page rendered): a syntax error in the file
  ``changelog.md`` pulls in with ``{% include '_draft_changelog.md' ignore missing %}``, one in
  a block Jinja rewrites on a rendered page, and a link whose target a macro writes;
- warehouse's blog (Material's blog plugin): a syntax error in a post;
- mkdocs-static-i18n (suffix layout): a syntax error in the French page ``index.fr.md``;
- mkdocstrings-python (gen-files + literate-nav: ``reference/`` comes from a generated
  ``SUMMARY.md``): a page under ``reference/`` that the SUMMARY does not list is an orphan;
- mkdocs-awesome-nav (``.nav.yml`` files): a page its ``features/.nav.yml`` does not list;
- watchfiles (a ``hooks:`` file whose ``on_page_markdown`` turns a ``title=…`` line after
  ```` ```py ```` into the fence's title and fills ``{{ version }}``): a block that is Python
  only once the hook ran gives no finding, a real error beside it on the same page does.

- watchfiles (mkdocstrings renders ``::: watchfiles.watch``): a syntax error in the example of
  ``watch()``'s docstring, found at its line of ``watchfiles/main.py``
  (tests/test_docstrings.py has the docstring check's own cases).

The builds use each project's pinned requirements (a venv per project, see
``tests/corpus_build.py``) and this checkout's docgates. Skipped when ../shared is absent.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.corpus_build import SHARED, run_mkdocs, venv, write_config

pytestmark = pytest.mark.slow

if not SHARED.is_dir():
    pytest.skip("../shared/corpus-build is not available", allow_module_level=True)

Finding = tuple[str, "int | None", str]
"""(path, line, rule) as the build log shows a docgates finding."""


@dataclass
class Planted:
    """What was planted in a copy, and what the build must report for it."""

    expected: set[Finding] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    """Project-relative paths planted in: their findings of ``rules`` must be exactly these."""
    rules: tuple[str, ...] = ("code/", "links/page-not-found", "structure/orphan-page")
    whole_site: tuple[str, ...] = ()
    """Rules whose findings on the whole site must be exactly the planted ones."""


def append(root: Path, rel: str, text: str, marker: str) -> int:
    """Append ``text`` to file ``rel`` (created if missing); the 1-based line of ``marker``."""
    path = root / rel
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(old + text, encoding="utf-8")
    lines = (old + text).split("\n")
    return next(i for i, line in enumerate(lines, 1) if line == marker and i > old.count("\n"))


def plant_pipx(root: Path) -> Planted:
    # The draft is left out of the site (as a build that makes it would), so its block is
    # checked only through the changelog page that includes it.
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "exclude_docs: |\n  README.md\n" in text
    config.write_text(
        text.replace("  README.md\n", "  README.md\n  _draft_changelog.md\n", 1), encoding="utf-8"
    )
    included = append(
        root,
        "docs/_draft_changelog.md",
        "## Unreleased\n\n```python\nincluded = 1\nplanted_included = (\n```\n",
        "planted_included = (",
    )
    page = "docs/how-to/pin-packages.md"
    text = (
        "\n{% set planted_target = 'planted-missing' %}\n"
        "See [the planted page]({{ planted_target }}.md).\n\n"
        "```python\n"
        'release = "{{ config.site_name }}"\n'
        "{% if true %}\n"
        "planted_rendered = (\n"
        "{% endif %}\n"
        "```\n"
    )
    link = append(root, page, text, "See [the planted page]({{ planted_target }}.md).")
    rendered = next(
        i
        for i, line in enumerate((root / page).read_text().split("\n"), 1)
        if line == "planted_rendered = ("
    )
    return Planted(
        expected={
            ("docs/_draft_changelog.md", included, "code/syntax-error"),
            (page, link, "links/page-not-found"),
            (page, rendered, "code/syntax-error"),
        },
        files={"docs/_draft_changelog.md", page, "docs/changelog.md"},
    )


def plant_blog(root: Path) -> Planted:
    post = "docs/blog/posts/2023-03-21-welcome-to-the-pypi-blog.md"
    line = append(
        root, post, "\n```python\ndef planted_post(:\n    pass\n```\n", "def planted_post(:"
    )
    rel = post.removeprefix("docs/")  # the config's folder is the project root
    return Planted(expected={(rel, line, "code/syntax-error")}, files={rel})


def plant_i18n(root: Path) -> Planted:
    page = "docs/index.fr.md"
    line = append(root, page, "\n```python\nplanted_fr = [\n```\n", "planted_fr = [")
    return Planted(
        expected={(page, line, "code/syntax-error")},
        files={page, "docs/index.md"},
        whole_site=("code/",),
    )


def plant_literate_nav(root: Path) -> Planted:
    page = "docs/reference/planted.md"
    append(root, page, "# Planted\n\nNot in the SUMMARY.md gen-files writes.\n", "# Planted")
    return Planted(
        expected={(page, None, "structure/orphan-page")},
        files={page},
        whole_site=("structure/orphan-page",),
    )


def plant_awesome_nav(root: Path) -> Planted:
    page = "docs/features/planted.md"
    append(root, page, "# Planted\n\nNot in features/.nav.yml.\n", "# Planted")
    return Planted(
        expected={(page, None, "structure/orphan-page")},
        files={page},
        whole_site=("structure/orphan-page",),
    )


def plant_hook(root: Path) -> Planted:
    page = "docs/index.md"
    text = (
        "\n```py\n"
        'title="planted.py" hl_lines="2"\n'
        "from watchfiles import watch\n"
        'print("{{ version }}")\n'
        "```\n\n"
        "```py\n"
        "def planted_hooked(:\n"
        "    pass\n"
        "```\n"
    )
    line = append(root, page, text, "def planted_hooked(:")
    return Planted(
        expected={(page, line, "code/syntax-error")},
        files={page},
        whole_site=("code/",),
    )


def plant_docstring(root: Path) -> Planted:
    # watch()'s docstring example, rendered by mkdocstrings on docs/api/watch.md, loses the
    # colon of its for statement: a syntax error at that line of the .py file.
    module = "watchfiles/main.py"
    path = root / module
    lines = path.read_text(encoding="utf-8").split("\n")
    marker = "    for changes in watch('./first/dir', './second/dir', raise_interrupt=False):"
    index = lines.index(marker)
    lines[index] = marker[:-1]
    path.write_text("\n".join(lines), encoding="utf-8")
    return Planted(
        expected={(module, index + 1, "code/syntax-error")},
        files={module},
        whole_site=("code/",),
    )


PLANTS: dict[str, tuple[str, str, Callable[[Path], Planted]]] = {
    "macros": ("pipx", "mkdocs.yml", plant_pipx),
    "blog": ("warehouse", "docs/mkdocs-blog.yml", plant_blog),
    "i18n": ("mkdocs-static-i18n", "mkdocs.yml", plant_i18n),
    "literate-nav": ("mkdocstrings-python", "mkdocs.yml", plant_literate_nav),
    "awesome-nav": ("mkdocs-awesome-nav", "mkdocs.yml", plant_awesome_nav),
    "hooks": ("watchfiles", "mkdocs.yml", plant_hook),
    "docstrings": ("watchfiles", "mkdocs.yml", plant_docstring),
}

_LINE = re.compile(
    r"docgates: (?P<path>[^\s:]+)(?::(?P<line>\d+)(?::\d+)?)?: (?P<rule>[a-z0-9-]+/[a-z0-9-]+) "
)


def findings(log: str) -> set[Finding]:
    """The docgates findings a build logged at WARNING (what --strict counts)."""
    found: set[Finding] = set()
    for line in log.splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", line)
        if not line.startswith("WARNING"):
            continue
        match = _LINE.search(line)
        if match:
            number = match.group("line")
            found.add((match.group("path"), int(number) if number else None, match.group("rule")))
    return found


@pytest.mark.parametrize("order", ["after", "before"])
@pytest.mark.parametrize("plugin", list(PLANTS))
def test_planted_defects_are_found_at_their_lines(plugin: str, order: str, tmp_path: Path) -> None:
    project, config, plant = PLANTS[plugin]
    env = venv(project)
    root = tmp_path / project
    shutil.copytree(SHARED / project, root, ignore=shutil.ignore_patterns(".venv"))
    planted = plant(root)
    gated = write_config(root, config, order)
    result = run_mkdocs(env, root, gated, tmp_path / "site")
    log = result.stdout + result.stderr
    # a crash of the build (markdown-exec's offline insiders page logs an indented one)
    assert not re.search(r"^Traceback", log, re.M), log[-4000:]
    assert "docgates/internal-error" not in log
    found = findings(log)
    missing = planted.expected - found
    assert not missing, f"not reported: {sorted(missing, key=str)}\n{log[-4000:]}"

    def judged(f: Finding) -> bool:
        return f[0] in planted.files and f[2].startswith(planted.rules)

    assert {f for f in found if judged(f)} == planted.expected
    for rule in planted.whole_site:
        assert {f for f in found if f[2].startswith(rule)} == {
            f for f in planted.expected if f[2].startswith(rule)
        }
    assert result.returncode == 1  # --strict fails on them
