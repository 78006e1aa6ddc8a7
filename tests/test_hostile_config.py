"""Nothing a config names is imported or called: Python tags, extension names, coverage plugins.

The config of a project is data that a pull request from a stranger can change. Each test here
writes a config that would run a command or import a module if docgates resolved what it names,
runs docgates the way users do (``python -m docgates`` from the project folder, so that the
folder is importable if anything tried), and checks that nothing ran.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from docgates._core.project import load_project
from docgates._core.rendering import Renderer, resolve
from docgates._core.standins import stand_in
from docgates._core.yamlload import OtherTag, PythonTag
from tests.conftest import MakeProject

# A module in the project folder that leaves a mark when it is imported.
EVIL_MODULE = """\
import pathlib
pathlib.Path(__file__).with_name("IMPORTED-" + __name__).write_text("x")

def slug(value, separator):
    pathlib.Path(__file__).with_name("CALLED-slug").write_text("x")
    return value

def fence(*args, **kwargs):
    pathlib.Path(__file__).with_name("CALLED-fence").write_text("x")
    return ""
"""

# The mapping form of markdown_extensions, so that INHERIT merges the two (lists replace).
BASE = """\
markdown_extensions:
  pymdownx.emoji:
    emoji_index: !!python/object/apply:os.system ["echo PWNED > PWNED-inherit"]
"""

CONFIG = """\
site_name: Hostile
INHERIT: base.yml
markdown_extensions:
  attr_list: {}
  toc:
    permalink: !!python/object/apply:os.system ["echo PWNED > PWNED"]
    slugify: !!python/name:evil.slug
  pymdownx.superfences:
    custom_fences:
      - name: mermaid
        class: mermaid
        format: !!python/name:evil.fence
        validator: !!python/object/apply:os.system ["echo PWNED > PWNED-validator"]
plugins:
  - docgates/links:
      anchor_ids: render
"""

PAGE = """\
# Home

## Two Words

[ok](#two-words) and [broken](#nowhere)

```mermaid
graph TD
```
"""


def _docgates(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": ""}
    return subprocess.run(
        [sys.executable, "-m", "docgates", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _marks(root: Path) -> list[str]:
    return sorted(
        p.name for p in root.iterdir() if p.name.startswith(("PWNED", "IMPORTED", "CALLED"))
    )


def test_check_calls_no_python_tag_and_imports_nothing_the_config_names(
    make_project: MakeProject,
) -> None:
    # In: a config (and the file it INHERITs) whose tags would run 'echo PWNED > PWNED', import
    # the project's evil.py and call its functions, and project modules yaml.py/markdown.py
    # that shadow the real libraries; ids are rendered (anchor_ids: render).
    # Out: no file written, nothing imported, the broken anchor still reported.
    root = make_project(
        {
            "docs/index.md": PAGE,
            "base.yml": BASE,
            "evil.py": EVIL_MODULE,
            "yaml.py": EVIL_MODULE,
            "markdown.py": EVIL_MODULE,
        },
        config=CONFIG,
    )
    result = _docgates(root, "check", "--only", "links", "--format", "json")
    assert _marks(root) == []
    assert result.returncode == 1, result.stderr
    assert '"rule": "links/anchor-not-found"' in result.stdout
    assert "#nowhere" in result.stdout
    assert "#two-words" not in result.stdout  # rendered with the default slug function
    assert "Traceback" not in result.stderr


def test_rendering_notices_say_what_was_left_out(make_project: MakeProject) -> None:
    # In: the same config, rendered in this process. Out: the options that name Python code are
    # left out and named once; the tags docgates has twins of are replaced by the twins.
    root = make_project({"docs/index.md": PAGE, "base.yml": BASE}, config=CONFIG)
    renderer = Renderer(load_project(root))
    assert renderer.available
    assert _marks(root) == []
    assert renderer.missing == []
    assert renderer.not_called == [
        "toc: permalink (os.system)",
        "toc: slugify (evil.slug)",  # a slug function docgates has no twin of: the default
        "pymdownx.emoji: emoji_index (os.system)",
        "pymdownx.superfences: custom_fences.validator (os.system)",
    ]
    assert renderer.ids(root / "docs/index.md") == {"home", "two-words"}
    assert _marks(root) == []
    notice = renderer.notice()
    assert notice is not None
    assert "docgates never imports or calls what the config names" in notice


def test_an_extension_name_that_is_not_an_extension_class_is_never_called(
    make_project: MakeProject,
) -> None:
    # In: markdown_extensions: ["os:system": {command: "echo PWNED > PWNED"}] (Python-Markdown
    # would call os.system(command=...)). Out: nothing runs; rendering is off and says why.
    config = """\
site_name: Hostile
markdown_extensions:
  - "os:system":
      command: "echo PWNED > PWNED"
plugins:
  - docgates/links:
      anchor_ids: render
"""
    root = make_project({"docs/index.md": "# Home\n"}, config=config)
    renderer = Renderer(load_project(root))
    assert _marks(root) == []
    assert not renderer.available
    assert renderer.missing == ["os:system ('system' is not a Markdown extension class)"]
    result = _docgates(root, "check", "--only", "links")
    assert _marks(root) == []
    assert result.returncode == 0, result.stderr


def test_stand_ins_are_docgates_own_functions() -> None:
    # In: the tags real sites use. Out: docgates' twins; no import of pymdownx.slugs happens.
    slug = stand_in(
        PythonTag("object/apply", "pymdownx.slugs.slugify", kwds={"case": "lower"}), "slugify"
    )
    assert slug("A B", "-") == "a-b"
    assert slug.__module__ == "docgates._core.anchors"
    fence = stand_in(PythonTag("name", "pymdownx.superfences.fence_code_format"), "format")
    assert fence("<x>", "mermaid", "mermaid") == '<pre class="mermaid"><code>&lt;x&gt;</code></pre>'
    dropped: list[str] = []
    assert resolve(
        {"x": [OtherTag("!relative", "docs")], "y": PythonTag("name", "os.system")}, dropped
    ) == {"x": ["docs"]}
    assert dropped == ["y (os.system)"]


def test_python_m_docgates_does_not_import_from_the_working_folder(tmp_path: Path) -> None:
    # In: a folder holding yaml.py, click.py and markdown_it.py that mark their import.
    # Out: 'python -m docgates --version' imports the real libraries.
    for name in ("yaml", "click", "markdown_it"):
        (tmp_path / f"{name}.py").write_text(EVIL_MODULE, encoding="utf-8")
    result = _docgates(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "docgates, version 0.1.0\n"
    assert _marks(tmp_path) == []


def test_status_reads_coverage_data_without_the_plugins_its_config_names(
    make_project: MakeProject, tmp_path: Path
) -> None:
    # In: a .coverage data file and a .coveragerc whose [run] plugins names the project's
    # evil.py. Out: the coverage figures are read; evil.py is never imported.
    import coverage

    root = make_project(
        {"pkg/mod.py": "def f():\n    return 1\n", "evil.py": EVIL_MODULE}, config=None
    )
    script = textwrap.dedent(
        """
        import coverage, sys
        cov = coverage.Coverage(data_file=".coverage", source=["pkg"])
        cov.start()
        sys.path.insert(0, ".")
        import pkg.mod
        pkg.mod.f()
        cov.stop()
        cov.save()
        """
    )
    (root / "pkg/__init__.py").write_text("", encoding="utf-8")
    # Not measured by this test run's coverage (which would write its own data files here).
    env = {k: v for k, v in os.environ.items() if not k.startswith("COV")}
    subprocess.run([sys.executable, "-c", script], cwd=root, env=env, check=True, timeout=60)
    (root / ".coveragerc").write_text("[run]\nplugins = evil\n", encoding="utf-8")
    assert coverage.__version__
    result = _docgates(
        root, "status", "--coverage", ".coverage", "--summary", "--no-record", "--history", ""
    )
    assert _marks(root) == []
    assert result.returncode == 0, result.stderr
    assert "100" in result.stdout


def test_material_emoji_tags_get_twins_that_give_the_same_ids(make_project: MakeProject) -> None:
    # In: Material's emoji index and generator, named as every Material site names them, and a
    # tab titled with an icon. Out: the tab's id is 'logo-image' as in the built site (the icon
    # adds no text), without importing material.extensions.emoji.
    config = """\
site_name: Icons
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""
    page = (
        '# Logo\n\n=== ":octicons-image-16: Image"\n\n    text\n\n=== ":smile: Smile"\n\n    more\n'
    )
    root = make_project({"docs/index.md": page}, config=config)
    before = set(sys.modules)
    renderer = Renderer(load_project(root))
    ids = renderer.ids(root / "docs/index.md")
    assert renderer.not_called == []
    assert ids is not None
    assert {"logo", "image", "smile"} <= ids
    assert not any(name.startswith("material") for name in set(sys.modules) - before)
