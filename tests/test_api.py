"""The public surface and the framework boundary, kept honest."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import types
from pathlib import Path

import docgates

SRC = Path(docgates.__file__).parent
ROOT = SRC.parents[1]


def _isort_key(name: str) -> tuple[int, str]:
    # Constants, then classes, then everything else: the order ruff's RUF022 keeps.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    assert docgates.__all__ == sorted(docgates.__all__, key=_isort_key)
    for name in docgates.__all__:
        assert hasattr(docgates, name), name
    public = {
        name
        for name, value in vars(docgates).items()
        if not name.startswith("_")
        and name != "annotations"
        and not isinstance(value, types.ModuleType)  # submodules imported by other tests
    }
    assert public == set(docgates.__all__) - {"__version__"}


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import version

    assert docgates.__version__ == version("docgates")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_never_imports_a_framework() -> None:
    for path in sorted((SRC / "_core").rglob("*.py")):
        forbidden = _imports(path) & {"mkdocs", "properdocs", "pytest", "click", "_pytest"}
        assert not forbidden, f"{path.relative_to(SRC)} imports {forbidden}"


def test_importing_the_engine_loads_no_framework() -> None:
    code = (
        "import sys, docgates, docgates._core.engine, docgates._core.formatters.text\n"
        "bad = [m for m in ('mkdocs', 'pytest', 'click', 'properdocs') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_only_the_mkdocs_front_imports_mkdocs() -> None:
    for path in sorted(SRC.rglob("*.py")):
        if "mkdocs" in _imports(path):
            assert path.parent.name == "mkdocs_plugins", path


def test_every_rule_is_documented() -> None:
    page = (ROOT / "docs" / "rules.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `([a-z]+/[a-z0-9-]+)` \|", page, re.MULTILINE))
    assert documented == set(docgates.RULES)


def test_every_option_is_documented() -> None:
    from docgates._core.config import GATES, GateSettings, option_docs

    page = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    common = set(option_docs(GateSettings))
    for gate, settings in GATES.items():
        docs = option_docs(settings)
        assert docs, gate
        section = page.split(f"\n## {gate.capitalize()}\n", 1)
        assert len(section) == 2, f"docs/configuration.md has no '## {gate.capitalize()}'"
        body = section[1].split("\n## ", 1)[0]
        for option in set(docs) - common:
            assert f"`{option}`" in body, f"{gate}.{option} is not documented"
    for option in common:
        assert f"`{option}`" in page


def test_readme_quick_start_has_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", quick)
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands[1] in ci
    assert "mkdocs build --strict" in commands[0]
