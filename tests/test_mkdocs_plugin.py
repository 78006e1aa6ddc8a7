"""The MkDocs front end to end: a real `mkdocs build --strict` (and `properdocs build`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MakeProject

pytestmark = pytest.mark.slow

PAGES = {
    "docs/index.md": "# Home\n\n!!! note\n\n    ```python\n    print('hi'\n    ```\n",
    "docs/guide.md": "---\ntitle: Guide\n---\n\n# Guide\n\n```py\nok = 1\n```\n",
}


def build(root: Path, tool: str = "mkdocs", *extra: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which(tool, path=str(Path(sys.executable).parent)) or tool
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run(
        [executable, "build", "--strict", *extra],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def warnings(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("WARNING")]


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_strict_build_fails_at_the_exact_line(make_project: MakeProject, tool: str) -> None:
    root = make_project(PAGES)
    result = build(root, tool)
    assert result.returncode == 1, result.stderr
    assert warnings(result) == [
        "WARNING -  docgates: docs/index.md:6:10: code/syntax-error Python block does not "
        "compile: '(' was never closed: 'print('hi''"
    ]
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr


@pytest.mark.parametrize("tool", ["mkdocs", "properdocs"])
def test_strict_build_passes_when_the_code_compiles(make_project: MakeProject, tool: str) -> None:
    pages = {**PAGES, "docs/index.md": "# Home\n\n```python\nprint('hi')\n```\n"}
    result = build(make_project(pages), tool)
    assert result.returncode == 0, result.stderr
    assert warnings(result) == []


def test_disabled_plugin_checks_nothing(make_project: MakeProject) -> None:
    config = "site_name: T\nmarkdown_extensions: [pymdownx.superfences, admonition]\n"
    config += "plugins:\n  - docgates/code:\n      enabled: false\n"
    result = build(make_project(PAGES, config=config))
    assert result.returncode == 0, result.stderr


def test_unknown_option_is_a_config_error(make_project: MakeProject) -> None:
    config = "site_name: T\nplugins:\n  - docgates/code:\n      timout: 3\n"
    result = build(make_project(PAGES, config=config))
    assert result.returncode == 1
    assert (
        "Plugin 'docgates/code' option 'timout': unknown option. Did you mean 'timeout'?"
        in result.stderr
    )


def test_pyproject_settings_apply_to_the_plugin(make_project: MakeProject) -> None:
    pages = {**PAGES, "pyproject.toml": '[tool.docgates.code]\nexclude = ["index.md"]\n'}
    result = build(make_project(pages))
    assert result.returncode == 0, result.stderr


def test_generated_pages_are_checked(make_project: MakeProject) -> None:
    hook = (
        "from mkdocs.structure.files import File\n"
        "def on_files(files, config):\n"
        "    files.append(File.generated(config, 'gen.md', content='# Gen\\n\\n```python\\n"
        "def f(:\\n    pass\\n```\\n'))\n"
        "    return files\n"
    )
    config = "site_name: T\nhooks: [hook.py]\nplugins:\n  - docgates/code\n"
    root = make_project({"docs/index.md": "# Home\n", "hook.py": hook}, config=config)
    result = build(root)
    assert result.returncode == 1
    assert warnings(result) == [
        "WARNING -  docgates: docs/gen.md:4:7: code/syntax-error Python block does not "
        "compile: invalid syntax: 'def f(:'"
    ]


def test_serve_rebuilds_keep_the_engine_and_reparse_only_what_changed(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from docgates._core.document import DocumentBuilder

    root = make_project({**PAGES, "docs/index.md": "# Home\n\n```python\nok = 1\n```\n"})
    monkeypatch.chdir(root)
    parsed: list[str] = []
    original = DocumentBuilder.build

    def counting(self: DocumentBuilder, path: Path, rel: str, text: str, final=None):  # type: ignore[no-untyped-def]
        parsed.append(rel)
        return original(self, path, rel, text, final)

    monkeypatch.setattr(DocumentBuilder, "build", counting)
    engines = []
    for edit in ("", "\nMore text.\n"):
        if edit:
            with (root / "docs" / "guide.md").open("a") as handle:
                handle.write(edit)
        config = load_config(config_file=str(root / "mkdocs.yml"))
        config.plugins.on_startup(command="serve", dirty=False)
        mkdocs_build(config)
        plugin = config.plugins["docgates/code"]
        assert plugin.command == "serve"
        engines.append(plugin.engine)
    assert engines[0] is engines[1]
    assert parsed == ["docs/index.md", "docs/guide.md", "docs/guide.md"]


def test_build_and_cli_report_the_same_places_for_every_construct(
    make_project: MakeProject,
) -> None:
    import json

    from tests.test_code_constructs import PAGE

    root = make_project({"docs/index.md": PAGE})
    result = build(root)
    assert result.returncode == 1
    logged = [line.split("docgates: ", 1)[1].split(": ", 1)[0] for line in warnings(result)]
    cli = subprocess.run(
        [sys.executable, "-m", "docgates", "check", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    reported = [
        f"{f['path']}:{f['line']}:{f['column']}" for f in json.loads(cli.stdout)["findings"]
    ]
    assert logged == reported
    assert len(reported) == 15


def _build_in_process(root: Path, command: str = "build") -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins.on_startup(command=command, dirty=False)
    mkdocs_build(config)


@pytest.mark.parametrize("command", ["build", "serve"])
def test_a_bug_in_the_plugin_glue_is_one_plugin_error_naming_the_page(
    make_project: MakeProject,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    command: str,
) -> None:
    # In: the links plugin's reading of one built page raises (a bug), in a build and in a
    # `mkdocs serve` build. Out: MkDocs' PluginError, logged by MkDocs as one error line that
    # names the gate, the page, the event and the exception, with the hint to report it; the
    # build ends with MkDocs' Abort, not the ValueError's traceback.
    import logging

    from mkdocs.exceptions import Abort

    from docgates.mkdocs_plugins import links

    config = "site_name: x\nplugins:\n  - docgates/links\n"
    root = make_project({"docs/index.md": "# Home\n", "docs/guide.md": "# Guide\n"}, config=config)
    original = links.read_built

    def broken(html: str):  # type: ignore[no-untyped-def]
        if "Guide" in html:
            raise ValueError("boom\nsecond line")
        return original(html)

    monkeypatch.setattr(links, "read_built", broken)
    monkeypatch.chdir(root)
    caplog.set_level(logging.INFO)
    with pytest.raises(Abort):
        _build_in_process(root, command)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    # MkDocs' own line first (it names the page it was building), then the PluginError.
    assert errors[:-1] == ["Error building page 'guide.md':"]
    head, _, tail = errors[-1].partition(" (at ")
    assert head == (
        "docgates/links: internal error on page 'docs/guide.md' (in on_post_page): "
        "ValueError: boom second line"
    )
    assert tail.endswith(
        f"tests/test_mkdocs_plugin.py:{broken.__code__.co_firstlineno + 2} in broken). "
        "This is a bug in docgates, not in the "
        "page: please report it with this message at https://github.com/docgates/docgates/issues "
        "('mkdocs build --verbose' shows the traceback)."
    )
    assert "\n" not in errors[-1]


def test_a_bug_in_a_site_wide_event_still_names_the_page(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # In: reading one page's final Markdown raises inside docgates/code's on_env (which works
    # on every page at once). Out: the PluginError names that page all the same.
    import logging

    from mkdocs.exceptions import Abort

    from docgates.mkdocs_plugins import _site

    root = make_project({**PAGES, "docs/index.md": "# Home\n"})
    original = _site.page_text

    def broken(page, *args):  # type: ignore[no-untyped-def]
        if page.file.src_uri == "guide.md":
            raise KeyError("lost")
        return original(page, *args)

    monkeypatch.setattr(_site, "page_text", broken)
    monkeypatch.chdir(root)
    with pytest.raises(Abort):
        _build_in_process(root)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert [e.split(" (at ")[0] for e in errors] == [
        "docgates/code: internal error on page 'docs/guide.md' (in on_env): KeyError: 'lost'"
    ]


def test_the_guard_lets_mkdocs_errors_pass_and_turns_config_errors_into_plugin_errors() -> None:
    # In: an event handler that raises MkDocs' own PluginError, docgates' ConfigError, or a
    # bug on a page it cannot place. Out: the PluginError as it is; the config error as
    # 'docgates: <file:line: message>'; the bug as a PluginError without a page.
    from mkdocs.exceptions import PluginError

    from docgates._core.errors import ConfigError
    from docgates.mkdocs_plugins._base import _guarded

    class Plugin:
        gate = "code"
        project = None

    def handler(self: Plugin, exc: Exception) -> None:
        raise exc

    guarded = _guarded("on_env", handler)
    own = PluginError("MkDocs' own")
    with pytest.raises(PluginError) as caught:
        guarded(Plugin(), own)
    assert caught.value is own
    with pytest.raises(PluginError) as caught:
        guarded(Plugin(), ConfigError("bad value", path="mkdocs.yml", line=3, key="x"))
    assert str(caught.value) == "docgates: mkdocs.yml:3: 'x': bad value"
    with pytest.raises(PluginError) as caught:
        guarded(Plugin(), RuntimeError("oops"))
    assert str(caught.value).startswith(
        "docgates/code: internal error (in on_env): RuntimeError: oops (at "
    )
