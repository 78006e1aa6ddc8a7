"""What ``docgates init`` learns about the project it sets up.

Everything the templates need is read from the project's own files (the MkDocs config and
``pyproject.toml``) and can be overridden from the command line; nothing is imported or run.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from ..errors import ConfigError
from ..project import load_project
from .source import DocgatesSource, check_revision, docgates_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
"""Versions a generated test matrix may hold (an explicit ``--python`` may name others)."""
DEFAULT_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
"""The matrix when ``requires-python`` says nothing."""
TOOLS_FLOOR = Version("3.10")
"""docgates itself needs 3.10: the docs and security jobs run on a version at least this."""
DEFAULT_COVERAGE_FLOOR = 80
HOOKS_REPO = "https://github.com/docgates/docgates"
PLUGINS = ("docgates/code", "docgates/links", "docgates/structure")
"""The source gates' plugins, added to the MkDocs config when their front is installed."""
STATUS_PLUGIN = "docgates/status"
"""Added too when the project has a package to test: it reads the reports CI's tests write."""
_TEST_EXTRAS = ("test", "tests", "testing", "dev")
_DOCS_REQUIREMENTS = ("docs/requirements.txt", "requirements-docs.txt", "requirements/docs.txt")


@dataclass(frozen=True)
class InitOptions:
    """Command-line overrides; ``None`` means: read it from the project."""

    package: str | None = None
    python: Sequence[str] | None = None
    docs_dir: str | None = None
    coverage_floor: int | None = None
    hooks_repo: str | None = None
    """Where pre-commit fetches the hooks; ``None``: ``repo: local`` hooks that run the
    docgates installed where pre-commit runs."""
    hooks_rev: str | None = None
    docgates_spec: str | None = None
    """The pip requirement the workflows install docgates with (default: how this docgates
    was installed, see :mod:`.source`)."""


@dataclass(frozen=True)
class InitContext:
    """The facts the templates are rendered with."""

    root: Path
    config_file: str
    """The config's name relative to the root: ``mkdocs.yml``, ``properdocs.yml``, ..."""
    kind: str
    """``mkdocs``, ``properdocs`` or ``zensical``."""
    docs_dir: str
    site_dir: str
    distribution: str | None
    """The ``[project] name`` in pyproject.toml (what PyPI knows)."""
    package: str | None
    """The import name of the package, when there is one to test."""
    package_dir: str | None
    """Where the package lives, relative to the root (``src/pkg`` or ``pkg``)."""
    python_versions: tuple[str, ...]
    tools_python: str
    coverage_floor: int
    install_test: str
    install_docs: str
    ruff: bool
    mypy: bool
    hooks_repo: str | None
    """``None``: local hooks (``language: system``)."""
    hooks_rev: str
    docgates_version: str
    plugins: tuple[str, ...] = field(default_factory=tuple)
    docgates: DocgatesSource = field(default_factory=lambda: DocgatesSource("docgates", "index"))
    audit_docs: str = ""
    """``install_docs`` for the pip-audit job: a docgates that is not on an index goes in
    editable, so that ``--skip-editable`` leaves it out (``--strict`` fails on what PyPI
    does not know)."""

    @property
    def hooks_local(self) -> bool:
        return self.hooks_repo is None

    def plugin_entry(self, name: str) -> str:
        """The plugin's list item in the MkDocs config (a name, or a name with options)."""
        if name != STATUS_PLUGIN:
            return name
        return (
            f"{STATUS_PLUGIN}:\n"
            "  # the reports of CI's test run (ci.yml), and GitHub Actions data when built there\n"
            "  junit: [reports/junit*.xml]\n"
            "  coverage: reports/coverage.json\n"
            f"  fail_under: {self.coverage_floor}\n"
            "  github:\n"
            '    repo: !ENV [GITHUB_REPOSITORY, ""]'
        )

    @property
    def build_command(self) -> str:
        if self.kind == "zensical":
            return "zensical build"
        return f"{self.kind} build --strict --config-file {self.config_file}"

    @property
    def python_matrix(self) -> str:
        """The versions as a YAML flow list of quoted strings (so 3.10 stays 3.10, not 3.1)."""
        return json.dumps(list(self.python_versions))

    @property
    def docs_files_pattern(self) -> str:
        """A pre-commit ``files`` regex: Markdown under the docs folder, and the config."""
        docs = re.escape(self.docs_dir.rstrip("/"))
        config = re.escape(self.config_file)
        return rf"^({docs}/.*\.(md|markdown|mdown|mkdn|mkd)|{config})$"

    def as_template_vars(self) -> dict[str, Any]:
        names = (
            "config_file kind docs_dir site_dir distribution package package_dir "
            "python_versions tools_python coverage_floor install_test install_docs ruff mypy "
            "hooks_repo hooks_rev docgates_version plugins build_command docs_files_pattern "
            "python_matrix hooks_local audit_docs docgates"
        )
        return {name: getattr(self, name) for name in names.split()}


def detect(root: Path, options: InitOptions, docgates_version: str) -> InitContext:
    """Read the project at ``root`` and combine it with ``options``."""
    root = root.resolve()
    project = load_project(root)
    if project.config_path is None or project.root != root:
        raise ConfigError(
            f"no mkdocs.yml, properdocs.yml or zensical.toml in '{root}'",
            hint="run docgates init in the folder that holds the site's config",
        )
    pyproject = _read_pyproject(root)
    table: Mapping[str, Any] = pyproject.get("project", {})
    tool: Mapping[str, Any] = pyproject.get("tool", {})
    distribution = table.get("name") if isinstance(table.get("name"), str) else None
    package, package_dir = _package(root, distribution, options.package)
    versions = _pythons(options.python, table.get("requires-python"), root)
    tools_python = max(
        (v for v in versions if Version(v) >= TOOLS_FLOOR), key=Version, default=None
    )
    extras = table.get("optional-dependencies", {}) or {}
    docs_dir = options.docs_dir or project.rel(project.docs_dir)
    front = {"zensical": None, "properdocs": "properdocs"}.get(project.kind, "mkdocs")
    source = docgates_source(front, docgates_version, given=options.docgates_spec)
    hooks_rev = options.hooks_rev or f"v{docgates_version}"
    if options.hooks_repo is not None:
        check_revision(options.hooks_repo, hooks_rev)
    elif options.hooks_rev:
        raise ConfigError(
            "--hooks-rev needs --hooks-repo", key="--hooks-rev", hint="Name the repository too."
        )
    plugins = available_plugins() if project.kind != "zensical" else ()
    if plugins and package:
        plugins = (*plugins, STATUS_PLUGIN)
    docs_parts = _docs_parts(root, project.data, extras, project.kind)
    audit = [shlex.quote(source.requirement)]
    if source.git_url:
        audit = ["-e " + shlex.quote(f"{source.git_url}#egg=docgates")]
        if front:
            audit.append(shlex.quote(_FRONTS[front]))
    return InitContext(
        root=root,
        config_file=project.config_rel,
        kind=project.kind,
        docs_dir=docs_dir,
        site_dir=str(project.data.get("site_dir") or "site"),
        distribution=distribution,
        package=package,
        package_dir=package_dir,
        python_versions=versions,
        tools_python=tools_python or "3.12",
        coverage_floor=_coverage_floor(options.coverage_floor, tool),
        install_test=_install_test(extras),
        install_docs=" ".join([shlex.quote(source.requirement), *docs_parts]),
        ruff="ruff" in tool or (root / "ruff.toml").is_file() or (root / ".ruff.toml").is_file(),
        mypy="mypy" in tool or (root / "mypy.ini").is_file() or (root / ".mypy.ini").is_file(),
        hooks_repo=options.hooks_repo,
        hooks_rev=hooks_rev,
        docgates_version=docgates_version,
        plugins=plugins,
        docgates=source,
        audit_docs=" ".join([*audit, *docs_parts]),
    )


def available_plugins() -> tuple[str, ...]:
    """The docgates plugins whose MkDocs front is installed with this docgates."""
    found = []
    for name in PLUGINS:
        module = "docgates.mkdocs_plugins." + name.split("/", 1)[1]
        if importlib.util.find_spec(module) is not None:
            found.append(name)
    return tuple(found)


def _read_pyproject(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"invalid TOML: {exc}", path="pyproject.toml") from None
    return data


def _package(
    root: Path, distribution: str | None, given: str | None
) -> tuple[str | None, str | None]:
    candidates = [given] if given else []
    if distribution and not given:
        candidates.append(re.sub(r"[-_.]+", "_", distribution).lower())
    for name in candidates:
        for folder in (f"src/{name}", name):
            if (root / folder / "__init__.py").is_file():
                return name, folder
    if given:
        raise ConfigError(
            f"package '{given}' not found in src/{given}/ or {given}/", key="--package"
        )
    if distribution:
        inits = sorted((root / "src").glob("*/__init__.py"))
        if len(inits) == 1:
            return inits[0].parent.name, f"src/{inits[0].parent.name}"
    return None, None


def _pythons(given: Sequence[str] | None, requires: Any, root: Path) -> tuple[str, ...]:
    if given:
        for version in given:
            if not re.fullmatch(r"3\.\d+", version):
                raise ConfigError(f"'{version}' is not a Python version like 3.12", key="--python")
        return tuple(sorted(dict.fromkeys(given), key=Version))
    if not isinstance(requires, str) or not requires.strip():
        return DEFAULT_PYTHONS
    try:
        spec = SpecifierSet(requires)
    except InvalidSpecifier:
        raise ConfigError(
            f"requires-python '{requires}' is not a version specifier",
            path="pyproject.toml",
            key="project.requires-python",
        ) from None
    # A minor version is supported when one of its releases matches: ">=3.10.2" keeps 3.10.
    versions = tuple(v for v in PYTHONS if any(spec.contains(f"{v}.{p}") for p in range(30)))
    if not versions:
        raise ConfigError(
            f"requires-python '{requires}' allows none of {', '.join(PYTHONS)}",
            path="pyproject.toml",
            key="project.requires-python",
            hint="pass the versions to test with --python",
        )
    return versions


def _coverage_floor(given: int | None, tool: Mapping[str, Any]) -> int:
    if given is not None:
        return given
    report = tool.get("coverage", {}).get("report", {})
    value = report.get("fail_under") if isinstance(report, dict) else None
    return int(value) if isinstance(value, (int, float)) else DEFAULT_COVERAGE_FLOOR


def _install_test(extras: Mapping[str, Any]) -> str:
    for name in _TEST_EXTRAS:
        if name in extras:
            return f"-e '.[{name}]' 'pytest-cov>=5'"
    return "-e . 'pytest>=8' 'pytest-cov>=5'"


_FRONTS = {"mkdocs": "mkdocs>=1.6,<2", "properdocs": "properdocs>=1.6"}
"""What the ``mkdocs`` and ``properdocs`` extras of docgates install."""


def _docs_parts(
    root: Path, data: Mapping[str, Any], extras: Mapping[str, Any], kind: str
) -> list[str]:
    """What the docs jobs install besides docgates."""
    parts = ["zensical"] if kind == "zensical" else []
    if "docs" in extras:
        return [*parts, "-e '.[docs]'"]
    for name in _DOCS_REQUIREMENTS:
        if (root / name).is_file():
            return [*parts, f"-r {name}"]
    theme = data.get("theme")
    theme_name = theme.get("name") if isinstance(theme, dict) else theme
    if theme_name == "material":
        parts.append("mkdocs-material")
    extensions = data.get("markdown_extensions") or []
    names = [next(iter(e)) if isinstance(e, dict) else str(e) for e in extensions]
    if any(str(name).startswith("pymdownx.") for name in names) and theme_name != "material":
        parts.append("pymdown-extensions")
    return parts
