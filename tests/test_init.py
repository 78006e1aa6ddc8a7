"""docgates init: what it learns about a project, what it writes, and what it never overwrites."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from docgates import __version__
from docgates._core.errors import ConfigError
from docgates._core.init import ACTIONS, InitOptions, apply, detect, plan, source
from docgates._core.init.yamledit import append_items
from docgates.cli import main

from .pipeline_support import git, schema_errors, zizmor_findings


@pytest.fixture(autouse=True)
def installed_from_an_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a released docgates is installed: pip records no direct URL (PEP 610)."""
    monkeypatch.setattr(source, "_direct_url", lambda: None)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def context(root: Path, **options: object):  # type: ignore[no-untyped-def]
    return detect(root, InitOptions(**options), __version__)  # type: ignore[arg-type]


# -- adding list items to YAML, keeping the rest -------------------------------------------------


def add(text: str, items: list[str], key: str = "plugins") -> str:
    return append_items(textwrap.dedent(text), "mkdocs.yml", key, items)


def test_items_go_after_the_last_item_with_its_indentation() -> None:
    before = """\
        site_name: Demo  # the name
        plugins:
          - search   # keep me
          - mkdocstrings:
              handlers:
                python: {}

        # Extensions below
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
        """
    assert add(before, ["docgates/code", "docgates/links"]) == textwrap.dedent(
        """\
        site_name: Demo  # the name
        plugins:
          - search   # keep me
          - mkdocstrings:
              handlers:
                python: {}
          - docgates/code
          - docgates/links

        # Extensions below
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
        """
    )


def test_items_at_column_zero_stay_there() -> None:
    assert add("plugins:\n- search\ntheme: material\n", ["docgates/code"]) == (
        "plugins:\n- search\n- docgates/code\ntheme: material\n"
    )


def test_flow_lists_get_the_items_inside_the_brackets() -> None:
    assert add("plugins: [search, tags]  # two\n", ["docgates/code"]) == (
        "plugins: [search, tags, docgates/code]  # two\n"
    )
    assert add("plugins: []\n", ["search"]) == "plugins: [search]\n"


def test_an_empty_key_gets_a_block_list() -> None:
    assert add("plugins:\ntheme: mkdocs\n", ["search"]) == "plugins:\n  - search\ntheme: mkdocs\n"
    assert add("plugins: null\n", ["search"]) == "plugins:\n  - search\n"


def test_a_missing_key_is_added_at_the_end() -> None:
    assert add("site_name: Demo", ["search", "docgates/code"]) == (
        "site_name: Demo\n\nplugins:\n  - search\n  - docgates/code\n"
    )


def test_multi_line_items_keep_their_shape() -> None:
    before = "repos:\n  - repo: local\n    hooks: []\n"
    assert add(before, ["repo: x\nrev: v1\nhooks:\n  - id: a"], key="repos") == (
        "repos:\n  - repo: local\n    hooks: []\n"
        "  - repo: x\n    rev: v1\n    hooks:\n      - id: a\n"
    )


def test_what_cannot_be_edited_is_a_config_error_with_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        add("site_name: x\nplugins:\n  search: {}\n", ["docgates/code"])
    assert str(caught.value.line) + caught.value.message == (
        "3'plugins' is not a list; add these entries by hand: docgates/code"
    )
    with pytest.raises(ConfigError) as caught:
        add("site_name: [x\n", ["docgates/code"])
    assert caught.value.line == 2
    assert caught.value.message.startswith("invalid YAML")


# -- what init learns ----------------------------------------------------------------------------


def test_detects_package_versions_floor_and_tools(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "mkdocs.yml": "site_name: X\ndocs_dir: documentation\ntheme:\n  name: material\n",
            "documentation/index.md": "# X\n",
            "src/my_pkg/__init__.py": "",
            "pyproject.toml": """\
                [project]
                name = "My-Pkg"
                requires-python = ">=3.11"
                [project.optional-dependencies]
                tests = ["pytest"]
                [tool.ruff]
                line-length = 100
                [tool.coverage.report]
                fail_under = 85
                """,
        },
    )
    ctx = context(root)
    assert (ctx.package, ctx.package_dir, ctx.distribution) == ("my_pkg", "src/my_pkg", "My-Pkg")
    assert ctx.python_versions == ("3.11", "3.12", "3.13")
    assert ctx.tools_python == "3.13"
    assert ctx.coverage_floor == 85
    assert (ctx.ruff, ctx.mypy) == (True, False)
    assert ctx.docs_dir == "documentation"
    assert ctx.install_test == "-e '.[tests]' 'pytest-cov>=5'"
    assert ctx.install_docs == f"'docgates[mkdocs]=={__version__}' mkdocs-material"
    assert (
        ctx.docs_files_pattern == r"^(documentation/.*\.(md|markdown|mdown|mkdn|mkd)|mkdocs\.yml)$"
    )


def test_options_override_what_is_detected(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "properdocs.yml": "site_name: X\n",
            "docs/index.md": "# X\n",
            "tool/__init__.py": "",
            "docs/requirements.txt": "mkdocs-material\n",
            "pyproject.toml": '[project]\nname = "whatever"\nrequires-python = ">=3.8"\n',
        },
    )
    ctx = context(root, package="tool", python=["3.12", "3.10"], coverage_floor=95)
    assert (ctx.package, ctx.package_dir) == ("tool", "tool")
    assert ctx.python_versions == ("3.10", "3.12")
    assert ctx.coverage_floor == 95
    assert ctx.kind == "properdocs"
    assert ctx.build_command == "properdocs build --strict --config-file properdocs.yml"
    assert ctx.install_docs == f"'docgates[properdocs]=={__version__}' -r docs/requirements.txt"
    assert context(root).python_versions == ("3.9", "3.10", "3.11", "3.12", "3.13")


def test_unusable_input_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no mkdocs\.yml, properdocs\.yml or zensical\.toml"):
        context(tmp_path)
    write(tmp_path, {"mkdocs.yml": "site_name: X\n", "pyproject.toml": "[project\n"})
    with pytest.raises(ConfigError, match="invalid TOML"):
        context(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = "3.1x"\n')
    with pytest.raises(ConfigError, match="is not a version specifier"):
        context(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=4"\n')
    with pytest.raises(ConfigError, match="allows none of"):
        context(tmp_path)
    with pytest.raises(ConfigError, match="package 'nope' not found"):
        context(tmp_path, package="nope", python=["3.12"])
    with pytest.raises(ConfigError, match="'3' is not a Python version"):
        context(tmp_path, python=["3"])


# -- what init writes ----------------------------------------------------------------------------

EMPTY = {"mkdocs.yml": "site_name: Sample\n", "docs/index.md": "# Sample\n"}
PACKAGE = {
    "mkdocs.yml": "site_name: Sample\ntheme: material\nplugins:\n  - search\n",
    "docs/index.md": "# Sample\n",
    "src/sample/__init__.py": "",
    "pyproject.toml": """\
        [project]
        name = "sample"
        requires-python = ">=3.10"
        [project.optional-dependencies]
        test = ["pytest"]
        docs = ["mkdocs-material"]
        [tool.ruff]
        [tool.mypy]
        strict = true
        """,
}


@pytest.mark.parametrize("files", [EMPTY, PACKAGE], ids=["docs-only", "package"])
def test_written_workflows_are_valid_pinned_and_clean(tmp_path: Path, files: dict) -> None:
    root = write(tmp_path, files)
    ctx = context(root)
    assert apply(ctx, plan(ctx)) == []
    workflows = sorted((root / ".github" / "workflows").glob("*.yml"))
    assert [p.name for p in workflows] == ["cd.yml", "ci.yml", "docs.yml", "security.yml"]
    assert schema_errors(workflows) == ""
    assert zizmor_findings(workflows) == []
    text = "\n".join(p.read_text(encoding="utf-8") for p in workflows)
    for line in text.splitlines():
        if "uses: " in line and "./.github" not in line:
            assert line.split("@", 1)[1] in ACTIONS.values(), line
    rules = yaml.safe_load((root / ".semgrep" / "rules.yml").read_text(encoding="utf-8"))
    assert [r["id"] for r in rules["rules"]] == [
        "no-shell",
        "no-eval",
        "yaml-safe-load",
        "tls-verified",
    ]


def test_the_workflows_are_adapted_to_the_project(tmp_path: Path) -> None:
    root = write(tmp_path, PACKAGE)
    ctx = context(root)
    apply(ctx, plan(ctx))
    ci = yaml.safe_load((root / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    assert list(ci["jobs"]) == ["quality", "tests", "coverage", "docs"]
    assert ci["jobs"]["tests"]["strategy"]["matrix"]["python"] == ["3.10", "3.11", "3.12", "3.13"]
    runs = [s.get("run", "") for job in ci["jobs"].values() for s in job["steps"]]
    assert "mypy src/sample" in runs
    assert "ruff check --output-format=github ." in runs
    assert any("--cov=sample" in r for r in runs)
    assert any("--fail-under=80" in r for r in runs)
    assert f"python -m pip install 'docgates[mkdocs]=={__version__}' -e '.[docs]'" in runs
    cd = (root / ".github/workflows/cd.yml").read_text(encoding="utf-8")
    assert "url: https://pypi.org/project/sample/" in cd
    assert 'reports: "coverage"' in cd

    docs_only = write(tmp_path / "docs-only", EMPTY)
    ctx = context(docs_only)
    apply(ctx, plan(ctx))
    ci = yaml.safe_load((docs_only / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    assert list(ci["jobs"]) == ["docs"]
    cd = yaml.safe_load((docs_only / ".github/workflows/cd.yml").read_text(encoding="utf-8"))
    assert list(cd["jobs"]) == ["gates", "site", "staging"]
    assert cd[True]["push"] == {"branches": ["main"]}  # no tags: nothing to publish


def test_plugins_and_hooks_are_added_to_existing_files(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            **PACKAGE,
            ".pre-commit-config.yaml": """\
                # ours
                repos:
                  - repo: https://github.com/astral-sh/ruff-pre-commit
                    rev: v0.6.0
                    hooks:
                      - id: ruff
                """,
        },
    )
    ctx = context(root)
    changes = {c.path: c for c in plan(ctx)}
    assert changes["mkdocs.yml"].status == "edit"
    assert changes["mkdocs.yml"].diff().splitlines()[-10:] == [
        "+  - docgates/code",
        "+  - docgates/links",
        "+  - docgates/structure",
        "+  - docgates/status:",
        "+      # the reports of CI's test run (ci.yml), and GitHub Actions data when built there",
        "+      junit: [reports/junit*.xml]",
        "+      coverage: reports/coverage.json",
        "+      fail_under: 80",
        "+      github:",
        '+        repo: !ENV [GITHUB_REPOSITORY, ""]',
    ]
    apply(ctx, list(changes.values()))
    config = (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert config.startswith(
        "# ours\nrepos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit"
    )
    hooks = yaml.safe_load(config)["repos"]
    assert [h["repo"] for h in hooks] == ["https://github.com/astral-sh/ruff-pre-commit", "local"]
    assert hooks[1]["hooks"] == [
        {
            "id": "docgates",
            "name": "docgates (code, links, structure)",
            "entry": "docgates check",
            "language": "system",
            "files": r"^(docs/.*\.(md|markdown|mdown|mkdn|mkd)|mkdocs\.yml)$",
            "require_serial": True,
        }
    ]
    assert (
        root / ".gitignore"
    ).read_text() == "# docgates: caches and the status history\n.docgates/\n"
    # A second run changes nothing.
    assert {c.status for c in plan(context(root))} == {"unchanged"}


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    root = write(tmp_path, {**EMPTY, ".github/workflows/ci.yml": "name: mine\n"})
    ctx = context(root)
    changes = plan(ctx)
    conflict = next(c for c in changes if c.path == ".github/workflows/ci.yml")
    assert conflict.status == "conflict"
    assert conflict.diff().startswith(
        "--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n"
    )
    assert "-name: mine" in conflict.diff()
    assert apply(ctx, changes) == [conflict]
    assert (root / ".github/workflows/ci.yml").read_text() == "name: mine\n"
    assert (root / ".github/workflows/cd.yml").is_file()
    assert apply(ctx, plan(ctx), force=True) == []
    assert (root / ".github/workflows/ci.yml").read_text() == conflict.new


def test_cli_shows_diffs_and_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path / "p", EMPTY)
    runner = CliRunner()
    dry = runner.invoke(main, ["init", str(root), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "+  - docgates/code\n" in dry.output
    assert "create     .github/workflows/security.yml\n" in dry.output
    assert dry.output.endswith("dry run: nothing was written\n")
    assert not (root / ".github").exists()

    monkeypatch.chdir(root)
    first = runner.invoke(main, ["init", "--python", "3.12"])
    assert first.exit_code == 0, first.output
    assert (
        "update     mkdocs.yml (search, docgates/code, docgates/links, docgates/structure)\n"
        in first.output
    )
    (root / ".github/workflows/docs.yml").write_text("name: edited\n")
    again = runner.invoke(main, ["init", "--python", "3.12"])
    assert again.exit_code == 1
    assert (
        "exists     .github/workflows/docs.yml (other content; --force overwrites it)"
        in again.output
    )
    assert "unchanged  .github/workflows/ci.yml\n" in again.output
    assert "docgates: 1 file left as they were; rerun with --force to overwrite" in again.output
    forced = runner.invoke(main, ["init", "--python", "3.12", "--force"])
    assert forced.exit_code == 0
    assert "overwrite  .github/workflows/docs.yml\n" in forced.output

    empty = tmp_path / "empty"
    empty.mkdir()
    bad = runner.invoke(main, ["init", str(empty)])
    assert bad.exit_code == 2
    assert "docgates: config error: no mkdocs.yml, properdocs.yml or zensical.toml" in bad.output


def test_plugins_already_listed_are_not_added_again(tmp_path: Path) -> None:
    config = """\
        site_name: X
        plugins:
          - search
          - docgates/code:
              timeout: 5
          - docgates/links
          - docgates/structure:
              orphans: false
          - mkdocstrings:
              handlers: {}
        """
    root = write(tmp_path, {"mkdocs.yml": config, "docs/index.md": "# X\n"})
    change = next(c for c in plan(context(root)) if c.path == "mkdocs.yml")
    assert change.status == "unchanged"


def test_flow_lists_take_only_one_line_items() -> None:
    with pytest.raises(ConfigError) as caught:
        add("repos: []\n", ["repo: x\nrev: v1"], key="repos")
    assert caught.value.message == (
        "'repos' is a flow list ([...]); add these entries by hand: repo: x\nrev: v1"
    )
    assert caught.value.line == 1


def test_a_config_that_is_not_a_mapping_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="must be a mapping of settings"):
        add("- a\n- b\n", ["docgates/code"])
    assert add("", ["search"]) == "plugins:\n  - search\n"
    with pytest.raises(ConfigError, match="invalid YAML"):
        add("site_name: \x07\n", ["search"])


# -- where docgates comes from, and the hooks repository ---------------------------------------


def test_workflows_install_docgates_from_where_this_one_came_from(tmp_path: Path) -> None:
    index = source.docgates_source("mkdocs", "0.1.0", record={})
    assert (index.requirement, index.origin, index.note) == ("docgates[mkdocs]==0.1.0", "index", "")
    vcs = source.docgates_source(
        "properdocs",
        "0.1.0",
        record={
            "url": "https://example.test/docgates.git",
            "vcs_info": {"vcs": "git", "commit_id": "a" * 40},
        },
    )
    assert vcs.requirement == (
        f"docgates[properdocs] @ git+https://example.test/docgates.git@{'a' * 40}"
    )
    assert vcs.git_url == f"git+https://example.test/docgates.git@{'a' * 40}"
    wheel = source.docgates_source(
        None,
        "0.1.0",
        record={"url": "file:///w/docgates-0.1.0-py3-none-any.whl", "archive_info": {}},
    )
    assert wheel.requirement == "docgates==0.1.0"
    assert wheel.note.startswith(
        "docgates was installed from file:///w/docgates-0.1.0-py3-none-any.whl, which CI cannot "
        "reach"
    )
    given = source.docgates_source("mkdocs", "0.1.0", given="docgates[mkdocs]==0.2.0")
    assert (given.requirement, given.origin) == ("docgates[mkdocs]==0.2.0", "given")
    # A checkout: its origin at its commit, and a word about what CI cannot see.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    git("init", "-q", cwd=checkout)
    (checkout / "f.txt").write_text("1\n")
    git("add", "-A", cwd=checkout)
    git("commit", "-q", "-m", "one", cwd=checkout)
    git("remote", "add", "origin", "https://example.test/me/docgates", cwd=checkout)
    sha = git("rev-parse", "HEAD", cwd=checkout)
    record = {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    found = source.docgates_source("mkdocs", "0.1.0", record=record)
    assert found.requirement == f"docgates[mkdocs] @ git+https://example.test/me/docgates@{sha}"
    assert found.note == (
        "the workflows install docgates from the checkout it runs from: "
        f"https://example.test/me/docgates at commit {sha[:12]}; push that commit where CI can "
        "fetch it, or pass --docgates-spec."
    )
    (checkout / "f.txt").write_text("2\n")
    assert source.docgates_source("mkdocs", "0.1.0", record=record).note.endswith(
        "The checkout has uncommitted changes, which CI will not see."
    )
    plain = tmp_path / "plain"
    plain.mkdir()
    copied = source.docgates_source(
        "mkdocs", "0.1.0", record={"url": plain.as_uri(), "dir_info": {}}
    )
    assert (copied.requirement, copied.origin) == ("docgates[mkdocs]==0.1.0", "file")


def test_a_git_docgates_is_installed_editable_for_pip_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        source,
        "_direct_url",
        lambda: {
            "url": "https://example.test/d.git",
            "vcs_info": {"vcs": "git", "commit_id": "b" * 40},
        },
    )
    root = write(tmp_path, PACKAGE)
    ctx = context(root)
    git_url = f"git+https://example.test/d.git@{'b' * 40}"
    assert ctx.install_docs == f"'docgates[mkdocs] @ {git_url}' -e '.[docs]'"
    assert ctx.audit_docs == f"-e '{git_url}#egg=docgates' 'mkdocs>=1.6,<2' -e '.[docs]'"
    apply(ctx, plan(ctx))
    security = (root / ".github/workflows/security.yml").read_text(encoding="utf-8")
    assert f"pip install -e '.[test]' 'pytest-cov>=5' -e '{git_url}#egg=docgates'" in security
    docs = (root / ".github/workflows/docs.yml").read_text(encoding="utf-8")
    assert f"python -m pip install 'docgates[mkdocs] @ {git_url}' -e '.[docs]'" in docs
    assert schema_errors(sorted((root / ".github/workflows").glob("*.yml"))) == ""


def test_a_hooks_repository_must_have_the_revision(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    git("init", "-q", cwd=hooks)
    (hooks / "f.txt").write_text("x\n")
    git("add", "-A", cwd=hooks)
    git("commit", "-q", "-m", "one", cwd=hooks)
    git("tag", "v9.9.9", cwd=hooks)
    sha = git("rev-parse", "HEAD", cwd=hooks)
    for rev in ("v9.9.9", "main", sha):
        source.check_revision(str(hooks), rev)
    with pytest.raises(ConfigError) as caught:
        source.check_revision(str(hooks), "v0.1.0")
    assert str(caught.value) == (
        f"'--hooks-rev': the hooks repository '{hooks}' has no revision 'v0.1.0'. Name a tag, "
        "branch or commit it has, or leave out --hooks-repo to run the docgates installed here"
    )
    missing = (tmp_path / "nowhere").as_uri()
    with pytest.raises(ConfigError, match=f"the hooks repository '{missing}' cannot be reached"):
        source.check_revision(missing, "v1")
    root = write(tmp_path / "p", EMPTY)
    result = CliRunner().invoke(main, ["init", str(root), "--hooks-repo", str(hooks)])
    assert result.exit_code == 2
    assert f"the hooks repository '{hooks}' has no revision 'v{__version__}'" in result.output
    assert not (root / ".pre-commit-config.yaml").exists()
    result = CliRunner().invoke(main, ["init", str(root), "--hooks-rev", "v1"])
    assert result.exit_code == 2
    assert "--hooks-rev needs --hooks-repo" in result.output
    ok = CliRunner().invoke(
        main, ["init", str(root), "--hooks-repo", str(hooks), "--hooks-rev", "v9.9.9"]
    )
    assert ok.exit_code == 0, ok.output
    hooks_config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hooks_config["repos"][0]["repo"] == str(hooks)
    assert hooks_config["repos"][0]["rev"] == "v9.9.9"
    assert f"pre-commit: the docgates hook comes from {hooks} at v9.9.9." in ok.output


def test_git_ignores_docgates_state_once(tmp_path: Path) -> None:
    root = write(tmp_path, {**EMPTY, ".gitignore": "/site/\n*.pyc"})
    ctx = context(root)
    change = next(c for c in plan(ctx) if c.path == ".gitignore")
    assert change.new == "/site/\n*.pyc\n\n# docgates: caches and the status history\n.docgates/\n"
    apply(ctx, plan(ctx))
    assert next(c for c in plan(context(root)) if c.path == ".gitignore").status == "unchanged"
    for written in ("/.docgates", ".docgates/*", ".docgates"):
        (root / ".gitignore").write_text(f"{written}\n")
        assert next(c for c in plan(context(root)) if c.path == ".gitignore").status == (
            "unchanged"
        )


def test_the_status_gate_joins_a_flow_list_by_name(tmp_path: Path) -> None:
    files = {**PACKAGE, "mkdocs.yml": "site_name: S\nplugins: [search]\n"}
    root = write(tmp_path, files)
    change = next(c for c in plan(context(root)) if c.path == "mkdocs.yml")
    assert change.new == (
        "site_name: S\nplugins: [search, docgates/code, docgates/links, docgates/structure, "
        "docgates/status]\n"
    )


def test_init_says_what_it_wrote_and_what_to_run_next(tmp_path: Path) -> None:
    root = write(tmp_path, PACKAGE)
    result = CliRunner().invoke(main, ["init", str(root)])
    assert result.exit_code == 0, result.output
    tail = result.output.split("update     mkdocs.yml", 1)[1].splitlines()
    assert tail == [
        " (docgates/code, docgates/links, docgates/structure, docgates/status)",
        "create     .pre-commit-config.yaml",
        "create     .gitignore (.docgates/)",
        "create     .github/workflows/ci.yml",
        "create     .github/workflows/docs.yml",
        "create     .github/workflows/cd.yml",
        "create     .github/workflows/security.yml",
        "create     .semgrep/rules.yml",
        "pre-commit: the docgates hook runs the docgates installed here (repo: local, language: "
        "system): install docgates where you commit.",
        f"workflows: docgates is installed with pip install 'docgates[mkdocs]=={__version__}'.",
        "next: git add .github .gitignore .pre-commit-config.yaml .semgrep/rules.yml mkdocs.yml "
        "&& pre-commit install && pre-commit run --all-files && mkdocs build --strict "
        "--config-file mkdocs.yml",
    ]


def test_a_nav_gets_the_status_pages_once(tmp_path: Path) -> None:
    files = {**PACKAGE, "mkdocs.yml": "site_name: S\nnav:\n  - Home: index.md\n"}
    root = write(tmp_path, files)
    change = next(c for c in plan(context(root)) if c.path == "mkdocs.yml")
    assert change.new.startswith(
        "site_name: S\nnav:\n  - Home: index.md\n  - Project status:\n"
        "      - CI status: status/index.md\n      - Coverage: status/coverage.md\n"
    )
    assert change.summary.endswith("docgates/status, nav: Project status")
    listed = "site_name: S\nnav:\n  - Home: index.md\n  - Health: [status/index.md]\n"
    root = write(tmp_path / "listed", {**PACKAGE, "mkdocs.yml": listed})
    change = next(c for c in plan(context(root)) if c.path == "mkdocs.yml")
    assert "Project status" not in change.new
