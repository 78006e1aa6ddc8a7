"""Every command and configuration example on the CI/CD pipeline pages is true.

The pages are read with docgates' own parser (so blocks inside lists and admonitions count),
Python blocks are left to the code gate (the docs build and the docgates hook compile them), and
every shell command and YAML example is checked here: the tool exists, its options parse, the
hook, workflow or extra it names exists, and the offline gates run and pass on this repository.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import click
import pytest
import yaml

from docgates._core.document import CodeBlock
from docgates._core.engine import Engine
from docgates._core.project import load_project
from docgates.cli import main

from .pipeline_support import REPO, run, tool

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PAGES = sorted((REPO / "docs" / "pipeline").glob("*.md"))
SHELL = {"bash", "sh", "console", "shell"}
TOOLS = {
    "python", "python3", ".", "pip", "pre-commit", "ruff", "mypy", "bandit", "check-jsonschema",
    "zizmor", "docgates", "mkdocs", "properdocs", "pip-audit", "go", "git", "gh",
    ".semgrep-env/bin/python", ".semgrep-env/bin/semgrep", ".venv/bin/python",
    '"$(go env GOPATH)/bin/gitleaks"',
}  # fmt: skip
RUN_HERE = (
    "ruff format --check .",
    "ruff check .",
    "bandit -c pyproject.toml -r src --severity-level medium",
    "check-jsonschema --builtin-schema vendor.github-workflows",
    "zizmor --offline --min-severity medium .github/workflows",
    "pre-commit validate-manifest .pre-commit-hooks.yaml",
    "docgates check",
)
"""Commands that need no network and finish in seconds: the test runs them and expects 0."""


def blocks() -> list[CodeBlock]:
    project = load_project(REPO)
    engine = Engine(project, project.settings())
    found = []
    for page in PAGES:
        doc = engine.read(page, inline=False)
        assert not isinstance(doc, Exception)
        found.extend(getattr(doc, "blocks", []))
    return found


def commands() -> list[tuple[str, str]]:
    """(``page:line``, command) for every command in a shell block, ``&&`` chains split."""
    found = []
    for block in blocks():
        if (block.lang or "").lower() not in SHELL:
            continue
        for line in block.lines:
            text = line.text.split("  #", 1)[0].strip()
            if not text or text.startswith("#"):
                continue
            for part in text.split("&&"):
                found.append((f"{Path(line.path).name}:{line.line}", part.strip()))
    return found


COMMANDS = commands()


def test_the_pages_have_commands_to_check() -> None:
    assert len(PAGES) == 7
    assert len(COMMANDS) > 40


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[w for w, _ in COMMANDS])
def test_every_command_names_a_real_tool_hook_workflow_or_option(where: str, command: str) -> None:
    words = shlex.split(command, posix=False)
    assert words[0] in TOOLS, f"{where}: unknown command {words[0]!r}"
    args = [w.strip("'\"") for w in words[1:]]
    if words[0] == "docgates":
        # click parses the options exactly as the real command would.
        with click.Context(main) as ctx:
            sub = main.get_command(ctx, args[0])
            assert sub is not None, f"{where}: no 'docgates {args[0]}'"
            sub.make_context(args[0], args[1:])
    elif (
        words[0] == "pre-commit"
        and args[0] == "run"
        and len(args) > 1
        and not args[1].startswith("-")
    ):
        config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
        ids = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
        assert args[1] in ids, f"{where}: no hook {args[1]!r}"
    elif words[0] == "gh" and args[:2] == ["workflow", "run"]:
        workflow = yaml.safe_load((REPO / ".github/workflows" / args[2]).read_text("utf-8"))
        assert "workflow_dispatch" in workflow[True], f"{where}: {args[2]} cannot be dispatched"
    elif words[0] == "gh" and args[0] == "run" and "--workflow" in args:
        assert (REPO / ".github/workflows" / args[args.index("--workflow") + 1]).is_file()
    for extra in re.findall(r"-e '?\.\[(\w+)\]", command):
        pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        assert extra in pyproject["project"]["optional-dependencies"], f"{where}: no extra {extra}"
    for name in re.findall(r"(?<![\w/.-])(\.?[\w-]+(?:/[\w.-]+)+\.(?:yml|yaml|py|toml))", command):
        assert (REPO / name).is_file(), f"{where}: no file {name}"


@pytest.mark.parametrize("command", RUN_HERE)
def test_the_offline_gates_on_the_pages_pass_here(command: str) -> None:
    # The command as written, when a page has it so; else the first that extends it.
    exact = [c for _, c in COMMANDS if c == command]
    documented = exact or [c for _, c in COMMANDS if c.startswith(command)]
    assert documented, f"'{command}' is not on the pages any more"
    words = shlex.split(documented[0])
    result = run([tool(words[0]), *words[1:]], cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_yaml_examples_load_and_hook_configs_are_valid(tmp_path: Path) -> None:
    from pre_commit.clientlib import load_config

    examples = [b for b in blocks() if (b.lang or "").lower() in {"yaml", "yml"}]
    assert examples
    for block in examples:
        data = yaml.safe_load(block.text)
        if isinstance(data, dict) and "repos" in data:
            path = tmp_path / "config.yaml"
            path.write_text(block.text, encoding="utf-8")
            config = load_config(str(path))
            hook_ids = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
            manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
            assert hook_ids <= {h["id"] for h in manifest}
