"""docgates settings: one typed schema shared by every front.

Each gate's options are a dataclass with a docstring per option. The MkDocs plugins build their
``Config`` classes from these dataclasses, the CLI reads the same options from the plugin entries
in ``mkdocs.yml``/``properdocs.yml``, then ``[tool.docgates]`` in ``pyproject.toml``, then its
own flags: later sources override earlier ones, option by option.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import itertools
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, get_args, get_origin

from .errors import ConfigError
from .findings import RULES, Severity
from .source import DEFAULT_MAX_FILE_SIZE

LevelName = Literal["error", "warning", "info", "ignore"]


@dataclass
class GateSettings:
    """Options every gate has."""

    enabled: bool = True
    """Turn the gate on or off."""

    exclude: list[str] = field(default_factory=list)
    """Pages this gate skips: gitignore-style patterns relative to ``docs_dir``."""

    severity: dict[str, LevelName] = field(default_factory=dict)
    """Per-rule severity overrides, e.g. ``{"code/unchecked-fence": "error"}``; ``ignore``
    drops the rule's findings."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    """Pages larger than this many bytes are reported (``source/too-large``) and skipped."""


@dataclass
class CodeSettings(GateSettings):
    """Options of the code gate (``docgates/code``)."""

    languages: list[str] = field(default_factory=lambda: ["python", "py", "python3", "py3"])
    """Fence languages whose blocks are compiled. Matched case-insensitively, as Pygments
    matches lexer names, so ``Python`` is checked too."""

    console_languages: list[str] = field(default_factory=lambda: ["pycon", "python-console"])
    """Fence languages holding ``>>>`` sessions, checked statement by statement."""

    check_includes: bool = True
    """Compile code pulled in by ``--8<--`` snippets and ``{* file *}`` includes."""

    docstrings: bool = True
    """Compile the Python examples of the docstrings mkdocstrings renders on a page
    (``::: pkg.module``): fenced Python blocks and ``>>>`` examples, reported at the ``.py``
    file's lines. Needs griffe (the ``docstrings`` extra, installed with mkdocstrings-python)."""

    execute: bool = False
    """Run the Python blocks, each page in a fresh process, and check what they print. Off by
    default; a block can opt in on its own with ``exec="on"`` or ``{docgates="run"}``."""

    timeout: float = 30.0
    """Seconds a block may run before its process is killed (``code/timeout``). A block can set
    its own: ``python {timeout="5"}``."""

    session: Literal["page", "block"] = "page"
    """``page``: the blocks of a page share one namespace, in page order. ``block``: each block
    starts from an empty namespace. Blocks with ``group="name"`` share theirs either way."""

    setup: str | None = None
    """A Python file run once in each worker process before any page, relative to the project
    root: imports every page needs (loaded once, shared by every page's process) and fixtures
    such as a fixed clock."""

    pythonpath: list[str] = field(default_factory=lambda: ["."])
    """Folders put first on ``sys.path`` of the blocks, relative to the project root."""

    output_replace: dict[str, str] = field(default_factory=dict)
    """Regular expressions replaced in what a block printed before it is compared with the page,
    for output that differs between versions, e.g. ``{"errors.pydantic.dev/[0-9.]+/":
    "errors.pydantic.dev/2/"}``."""

    output_line_length: int = 80
    """With ``--update``: print output longer than this goes into a ``\"\"\"`` block instead of
    ``#>`` lines (pytest-examples' layout)."""

    memory_limit: int = 2048
    """Megabytes of memory each page's process may allocate beyond what its worker had loaded;
    an allocation past it raises ``MemoryError``. 0 turns the limit off."""

    max_output: int = 1_000_000
    """Characters a block may print; past that the block is stopped and reported."""

    max_processes: int = 64
    """Processes a page's blocks may have running at once (the page's own process not
    counted); past it they are all killed and the block is reported. On Linux it binds root
    too (a pids cgroup where one can be made, else a count of the page's processes); 0 turns
    it off."""

    pass_env: list[str] = field(default_factory=list)
    """Environment variables the blocks see even though their names look secret. Blocks run
    without the checker's tokens, keys and passwords (names with ``TOKEN``, ``SECRET``,
    ``PASSWORD``, ``KEY``, ``AUTH``, ``CREDENTIAL``... and URLs with a password in them);
    name the ones an example needs here, e.g. ``["OPENAI_API_KEY"]``."""

    jobs: int = 0
    """Worker processes that run pages in parallel; 0 means one per CPU."""

    cache: bool = True
    """Remember blocks that passed (by their code, the blocks run before them, the Python
    version and the installed distributions), so unchanged pages are not run again."""

    cache_dir: str = ".docgates/cache"
    """Where the execution cache lives, relative to the project root."""

    update_output: bool = False
    """Rewrite the expected output in the pages to what the code printed, touching nothing
    else (what ``docgates check --execute --update`` sets)."""


@dataclass
class GithubSettings:
    """Where the status gate reads GitHub Actions data (the ``github:`` option of
    ``docgates/status``)."""

    repo: str = ""
    """The repository, ``owner/name``. Empty turns the GitHub data off."""

    token_env: str = "GITHUB_TOKEN"  # noqa: S105 - the name of a variable, not a secret
    """The environment variable that holds an API token. Optional: public repositories work
    without one, at a lower rate limit. The token is sent to the host of ``api_url`` only and is
    never printed or written."""

    api_url: str = "https://api.github.com"
    """The REST API's base URL (GitHub Enterprise Server: ``https://HOST/api/v3``)."""

    branch: str = ""
    """The branch whose workflow runs count; empty means the repository's default branch."""

    max_requests: int = 100
    """The most API requests one build makes. Answers are cached with their ETags, and the jobs
    of finished runs are kept for good, so later builds need far fewer."""

    timeout: float = 10.0
    """Seconds to wait for one API answer."""

    live: bool = True
    """Add the live-refresh script to the status page: in the reader's browser it asks the API
    (without a token) for the newest runs and updates the workflow tiles."""

    live_interval: int = 300
    """Seconds between two live refreshes while the page stays open."""


@dataclass
class StatusSettings(GateSettings):
    """Options of the status gate (``docgates/status``)."""

    junit: list[str] = field(default_factory=list)
    """JUnit XML reports: glob patterns relative to the project root (from any test runner)."""

    coverage: str = ""
    """coverage.py data: a ``coverage json`` report (format 3), a Cobertura ``coverage.xml`` or
    a ``.coverage`` data file, relative to the project root."""

    coverage_html: str = ""
    """coverage.py's HTML report folder (``htmlcov``): copied into the site and linked from
    each file of the coverage page."""

    fail_under: float = 0.0
    """The total coverage gate, in percent, compared as ``coverage report --fail-under`` does;
    ``0`` turns it off."""

    fail_under_file: float = 0.0
    """The coverage every single file must reach, in percent; ``0`` turns it off."""

    precision: int = 2
    """Digits after the decimal point of the percentages shown (coverage.py's ``precision``)."""

    github: GithubSettings | None = None
    """GitHub Actions data (workflow runs, jobs, deployments); see ``github.*`` below."""

    history: str = ".docgates/history.sqlite"
    """The history store: a SQLite file the CI keeps between runs (e.g. with
    ``actions/cache``), or a PostgreSQL database shared by many repositories and branches
    (``postgresql://user@host:5432/db``; the environment variable ``DOCGATES_HISTORY_URL``
    overrides this option). Empty keeps no history."""

    history_repository: str = ""
    """The name this site's builds are kept under in a shared PostgreSQL history; empty: the
    ``github.repo``, else ``$GITHUB_REPOSITORY``, else the git remote ``origin``
    (``host/owner/name``), else the project folder's name. Each site reads its own
    repository's builds (of every branch)."""

    history_url: str = ""
    """Where the published ``history.json`` lives (a URL or a file): read when the history
    store is missing or empty, so history survives a lost CI cache."""

    history_limit: int = 200
    """The most recent builds kept in ``history.json`` and drawn in the charts."""

    status_page: str = "status/index.md"
    """Where the CI status page goes (relative to ``docs_dir``); empty: no status page."""

    coverage_page: str = "status/coverage.md"
    """Where the coverage page goes (relative to ``docs_dir``); empty: no coverage page."""

    output_dir: str = "status"
    """The site folder for ``status.json``, ``history.json``, ``badges/``, the page assets and
    the copy of the HTML coverage report."""

    stale_after: float = 24.0
    """Hours after which test and coverage data, or a published page, count as stale and say
    so."""

    quality: bool = True
    """Show a docs-quality tile: docgates' own source checks (code, links, structure) run on
    this site."""


@dataclass
class LinksSettings(GateSettings):
    """Options of the links gate (``docgates/links``) and of external URL checking."""

    anchors: bool = True
    """Check ``#anchor`` fragments of same-page and cross-page links."""

    anchor_ids: Literal["render", "source"] = "source"
    """Where the CLI takes each page's ids from: ``source`` computes them with docgates' own
    copy of the slug rules and imports nothing from the project; ``render`` renders each page
    with the project's Markdown extensions, which imports and runs them (and the
    ``!!python/name:`` functions the config names) as ``mkdocs build`` does, and falls back to
    ``source`` when one cannot be imported. The MkDocs plugin always reads them from the built
    HTML."""

    absolute_links: LevelName = "info"
    """Level for site-absolute links (``/path/``) that do not start with the path of
    ``site_url``, which docgates cannot resolve."""

    excluded_links: LevelName = "info"
    """Level for links to pages in ``exclude_docs`` or ``draft_docs`` (MkDocs says so at INFO)."""

    generated: list[str] = field(default_factory=list)
    """Pages generated at build time (gitignore-style patterns relative to ``docs_dir``); links
    to them are reported at ``generated_links`` level when the CLI cannot see them."""

    generated_links: LevelName = "info"
    """Level for links to missing pages that a plugin may generate at build time (``generated``
    patterns, or any page when ``gen-files`` and similar plugins are on)."""

    external: bool = False
    """Check external URLs (``http``/``https``; ``mailto:``/``tel:`` for syntax only). Off by
    default; the CLI's ``--external`` turns it on."""

    external_in_serve: bool = False
    """Check external URLs during ``mkdocs serve`` too (from the cache first)."""

    external_timeout: float = 10.0
    """Seconds to wait for an answer (to connect, and for each part of it); one whole request
    takes at most twice this, however slowly a server sends."""

    external_concurrency: int = 128
    """Requests in flight at once, over all hosts."""

    external_per_host: int = 4
    """Requests in flight at once to one host."""

    external_interval: float = 0.0
    """Seconds between the starts of two requests to the same host."""

    external_retries: int = 2
    """Retries (with exponential backoff) after a timeout, a reset connection, or a 429/503."""

    external_budget: float = 60.0
    """Seconds the whole run may spend waiting on ``Retry-After``; a 429 or 503 that asks for
    more is reported as unverified."""

    external_include: list[str] = field(default_factory=list)
    """Only URLs matching one of these regular expressions are checked (all when empty)."""

    external_exclude: list[str] = field(default_factory=list)
    """URLs matching one of these regular expressions are skipped (and counted)."""

    external_fragments: bool = False
    """Check ``#fragment`` of external HTML pages (reads each page only as far as the id)."""

    external_cache: str = ""
    """The result cache (SQLite); empty for ``docgates/external.sqlite`` in the user cache
    folder, shared by the plugin, the CLI and the pre-commit hook."""

    external_cache_hours: dict[str, float] = field(
        default_factory=lambda: {"ok": 168.0, "redirect": 168.0}
    )
    """How long each outcome (``ok``, ``redirect``, ``unverified``, ``broken``) stays cached;
    an outcome not listed is checked again on every run."""

    external_github_token_env: str = "GITHUB_TOKEN"  # noqa: S105  (a variable name)
    """Environment variable holding a GitHub token, sent only to GitHub hosts over HTTPS."""

    external_user_agent: str = "docgates-linkcheck/0.1 (+https://github.com/docgates/docgates)"
    """The ``User-Agent`` header of every request."""


@dataclass
class StructureSettings(GateSettings):
    """Options of the structure gate (``docgates/structure``)."""

    orphans: bool = True
    """Report pages that ``nav`` does not reach (silent when there is no ``nav``)."""

    headings: bool = True
    """Report heading level skips, more than one H1, and headings whose slugs collide."""

    title_h1: bool = True
    """Report an H1 that disagrees with the page's front-matter ``title``."""

    front_matter_schema: dict[str, str] = field(default_factory=dict)
    """JSON Schema files for front matter, by folder: ``{"blog/posts/": "schemas/post.json"}``
    (gitignore-style patterns relative to ``docs_dir``; schema paths relative to the project
    root). The last matching pattern wins. Needs the ``jsonschema`` package."""


GATES: dict[str, type[GateSettings]] = {
    "code": CodeSettings,
    "links": LinksSettings,
    "structure": StructureSettings,
    "status": StatusSettings,
}
"""The gates by name. Each gate's settings class; more gates register themselves here."""

ENVIRONMENT: dict[str, tuple[str, str]] = {
    "DOCGATES_CACHE_URL": ("links", "external_cache"),
    "DOCGATES_HISTORY_URL": ("status", "history"),
}
"""Environment variables that set an option, for a CI fleet that shares servers: they
override the config files, and the CLI's flags override them."""


def environment_options(gate: str, env: Mapping[str, str]) -> dict[str, Any]:
    """The options of ``gate`` that ``env`` sets (see :data:`ENVIRONMENT`)."""
    return {
        option: env[name]
        for name, (owner, option) in ENVIRONMENT.items()
        if owner == gate and env.get(name)
    }


GATE_ALIASES: dict[str, str] = {"external": "links"}
"""Checks that read another gate's settings: external URL checking is configured with links."""


@dataclass
class Settings:
    """The settings of every gate, resolved from all sources."""

    gates: dict[str, GateSettings] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    """What the user should know about how the settings were resolved (an option set to two
    values, in the config's plugin entry and in ``[tool.docgates]``)."""

    def gate(self, name: str) -> GateSettings:
        name = GATE_ALIASES.get(name, name)
        if name not in self.gates:
            self.gates[name] = GATES[name]()
        return self.gates[name]

    @property
    def code(self) -> CodeSettings:
        return typing.cast(CodeSettings, self.gate("code"))

    @property
    def status(self) -> StatusSettings:
        return typing.cast(StatusSettings, self.gate("status"))

    @property
    def links(self) -> LinksSettings:
        return typing.cast(LinksSettings, self.gate("links"))

    @property
    def structure(self) -> StructureSettings:
        return typing.cast(StructureSettings, self.gate("structure"))

    def level(self, gate: str, rule: str) -> Severity | None:
        """The severity of ``rule`` after the gate's overrides; ``None`` means ignored."""
        override = self.gate(gate).severity.get(rule)
        if override == "ignore":
            return None
        if override:
            return Severity(override)
        return RULES[rule].severity


Locator = Callable[[tuple[str, ...]], int | None]
"""Finds the line of an option's key: ``locate(("timeout",)) -> 12``."""

T = TypeVar("T", bound=GateSettings)


def option_docs(cls: type[GateSettings]) -> dict[str, str]:
    """The docstring of each option of a settings class (read from its source)."""
    import ast
    import inspect
    import textwrap

    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not dataclasses.is_dataclass(klass):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError):  # pragma: no cover - source unavailable
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for stmt, nxt in itertools.pairwise(body):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(nxt, ast.Expr)
                and isinstance(nxt.value, ast.Constant)
                and isinstance(nxt.value.value, str)
            ):
                docs[stmt.target.id] = inspect.cleandoc(nxt.value.value)
    return docs


def parse_gate(
    cls: type[T],
    data: Mapping[str, Any] | None,
    *,
    gate: str,
    path: str | None = None,
    locate: Locator | None = None,
    base: T | None = None,
) -> T:
    """Validate ``data`` against ``cls``; unknown or mistyped options are a ConfigError.

    ``base`` holds already-resolved values that ``data`` overrides, option by option.
    """
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    # A shallow field copy, not ``asdict``: nested settings (``github``) stay dataclasses.
    values: dict[str, Any] = (
        {f.name: copy.deepcopy(getattr(base, f.name)) for f in dataclasses.fields(base)}
        if base is not None
        else {}
    )
    for key, value in (data or {}).items():
        line = locate((str(key),)) if locate else None
        if key not in names:
            close = difflib.get_close_matches(str(key), names, n=1)
            raise ConfigError(
                "unknown option",
                path=path,
                line=line,
                key=f"{gate}.{key}",
                hint=f"Did you mean '{close[0]}'?"
                if close
                else f"Known options: {', '.join(names)}.",
            )
        values[key] = _coerce(value, hints[key], f"{gate}.{key}", path, line)
    _check_severity(values.get("severity", {}), gate, path, locate)
    return cls(**values)


def _check_severity(
    severity: Mapping[str, str], gate: str, path: str | None, locate: Locator | None
) -> None:
    for rule in severity:
        if rule not in RULES:
            close = difflib.get_close_matches(rule, list(RULES), n=1)
            raise ConfigError(
                f"unknown rule id '{rule}'",
                path=path,
                line=locate(("severity", rule)) if locate else None,
                key=f"{gate}.severity",
                hint=f"Did you mean '{close[0]}'?" if close else None,
            )


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return " or ".join(repr(a) for a in get_args(tp))
    if origin in (list, dict):
        return f"a {'list' if origin is list else 'mapping'}"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(tp))
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def _coerce(value: Any, tp: Any, key: str, path: str | None, line: int | None) -> Any:
    def fail() -> ConfigError:
        return ConfigError(
            f"expected {_type_name(tp)}, got {value!r}", path=path, line=line, key=key
        )

    origin = get_origin(tp)
    if tp is type(None):
        if value is None:
            return None
        raise fail()
    if origin in (typing.Union, types.UnionType):
        for option in get_args(tp):
            if dataclasses.is_dataclass(option) and isinstance(value, Mapping):
                # Nested settings: their own errors (an unknown key) say more than "expected".
                return _coerce(value, option, key, path, line)
            try:
                return _coerce(value, option, key, path, line)
            except ConfigError:
                continue
        raise fail()
    if origin is Literal:
        if value in get_args(tp):
            return value
        raise fail()
    if origin is list:
        (item_tp,) = get_args(tp)
        if isinstance(value, str) and item_tp is str:
            value = [value]
        if not isinstance(value, list):
            raise fail()
        return [_coerce(v, item_tp, key, path, line) for v in value]
    if origin is dict:
        key_tp, value_tp = get_args(tp)
        if not isinstance(value, Mapping):
            raise fail()
        return {
            _coerce(k, key_tp, key, path, line): _coerce(v, value_tp, f"{key}.{k}", path, line)
            for k, v in value.items()
        }
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, Mapping):
            raise fail()
        return parse_gate(tp, value, gate=key, path=path)  # type: ignore[type-var]
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise fail()
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise fail()
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise fail()
    if tp is str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise fail()
    return value  # pragma: no cover - Any
