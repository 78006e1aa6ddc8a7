"""Hypothesis fuzzing: pages mixing every construct the parser knows, configs, includes, and
execution with harmless code through ``--update``.

Invariants: no exception escapes (configs may only raise ``ConfigError``), no finding is a
``docgates/internal-error``, every finding's line is inside its file, and ``--update`` run
twice changes nothing the second time.

The test run uses a bounded budget (about a minute in all). ``DOCGATES_FUZZ=long`` chooses the
long profile (see the docs page "What docgates promises on bad input"); ``DOCGATES_FUZZ_EXAMPLES``
sets the number of examples per test.
"""

from __future__ import annotations

import os
import re
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgates._core.engine import Engine
from docgates._core.errors import ConfigError
from docgates._core.execute import pool
from docgates._core.project import load_project
from docgates._core.report import Report
from docgates._core.transport import MemoryTransport, Response

_PROFILE = os.environ.get("DOCGATES_FUZZ", "ci")
_EXAMPLES = int(os.environ.get("DOCGATES_FUZZ_EXAMPLES", "0") or 0)
settings.register_profile(
    "ci",
    max_examples=_EXAMPLES or 40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=_EXAMPLES or 5_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(_PROFILE)
EXECUTE_EXAMPLES = max(settings().max_examples // 6, 5)

CONFIG = """\
site_name: Fuzz
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [snippets, .]
  - pymdownx.blocks.admonition
  - pymdownx.blocks.tab
  - toc:
      permalink: true
plugins:
  - docgates/code
  - docgates/links
  - docgates/structure
"""

# -- building blocks of pages -----------------------------------------------------------------

FRAGMENTS = [
    "# Title",
    "## Section {#custom}",
    "### Déjà vu & <b>bold</b>",
    "#NoSpace",
    "Plain text with [a link](other.md#section) and ![img](img.png).",
    "[ref]: other.md#nowhere",
    "See [here](#section), [there](#missing) and <https://example.invalid/x>.",
    '<a name="legacy"></a><div id="box" markdown>inside</div>',
    "```python",
    "```",
    "````",
    "~~~python",
    "~~~",
    '```python {docgates="skip"}',
    '```python title="a.py"',
    "```pycon",
    ">>> 1 + 1",
    "2",
    "print('hi')",
    "#> hi",
    "x = (",
    "def f():",
    "    return 1",
    '!!! note "Admonition"',
    "??? tip",
    "???+ warning",
    '=== "Tab one"',
    "/// tab | Block tab",
    "///",
    "- item",
    "  - nested",
    "1. first",
    "    indented code",
    "> quote",
    "> ```python",
    '--8<-- "part.md"',
    '--8<-- "missing.md"',
    '--8<-- "part.md:2:3"',
    "--8<--",
    "{* part.py *}",
    "{! part.md !}",
    "{* ../../../../etc/hostname *}",
    "<!-- docgates: skip -->",
    "<!-- a comment",
    "-->",
    "| a | b |",
    "|---|---|",
    "\t\ttab indented",
    "\x00",
    "\x1b[31mred\x1b[0m",
    "\u2028line separator",
    "[hostile](http://[::1/) [b](http://[) [c](<https://exa mple.com/>)",
    "[cred](https://user:secret@a.example/p?token=tok&x=1) <https://tok@a.example/>",
    '<a href="missing\x1b[31m\u202e.md">raw</a> [ctl](bad\x07.md)',
    "[long](" + "x" * 600 + ".md)",
    "",
    "",
]
INDENTS = ["", "", "", " ", "  ", "   ", "    ", "        ", "\t"]

line_strategy = st.builds(
    lambda indent, text: indent + text,
    st.sampled_from(INDENTS),
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)),
)
FRONT = [
    "",
    "---\ntitle: Page\n---\n",
    "---\ntitle: [unclosed\n---\n",
    "---\na: &a [1, 2]\nb: [*a, *a]\n---\n",
    "---\n- not a mapping\n---\n",
    "---\ntitle: T\na: &a [1, *a]\n---\n",
    "---\nl0: &l0 [x]\n"
    + "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 7))
    + "---\n",
    "title: MultiMarkdown\nauthor: x\n\n",
]


@st.composite
def pages(draw: st.DrawFn) -> str:
    lines = draw(st.lists(line_strategy, max_size=40))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return draw(st.sampled_from(FRONT)) + newline.join(lines) + draw(st.sampled_from(["", "\n"]))


@contextmanager
def project(pages_: dict[str, str], config: str = CONFIG) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="docgates-fuzz-") as folder:
        root = Path(folder)
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        for name, text in pages_.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
        yield root


def _lines_of(path: Path) -> int:
    data = path.read_bytes()
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return text.count("\n") + 1


def assert_sound(root: Path, report: Report) -> None:
    """No internal error; every finding's line (and column) is inside its file."""
    assert [f for f in report.findings if f.rule == "docgates/internal-error"] == []
    for finding in report.findings:
        if finding.line is None:
            continue
        path = root / finding.path
        assert path.is_file(), finding
        assert 1 <= finding.line <= _lines_of(path), finding
        assert finding.column is None or finding.column >= 1, finding


def check(
    root: Path, gates: tuple[str, ...] = ("code", "links", "structure"), **code: object
) -> Report:
    loaded = load_project(root)
    engine = Engine(loaded, loaded.settings({"code": code} if code else None))
    return engine.check(gates)


# -- the properties -----------------------------------------------------------------------------


@given(
    st.dictionaries(
        st.sampled_from(["docs/index.md", "docs/other.md", "docs/a/b.md"]), pages(), min_size=1
    )
)
def test_pages_never_crash_and_findings_point_inside_their_files(files: dict[str, str]) -> None:
    extra = {"snippets/part.md": "one\ntwo\nthree\n", "part.py": "x = 1\n", "part.md": "# Part\n"}
    with project({**files, **extra}) as root:
        assert_sound(root, check(root))


CONFIG_LINES = [
    "site_name: X",
    "docs_dir: docs",
    "docs_dir: [1, 2]",
    "nav:",
    "  - Home: index.md",
    "  - Missing: nowhere.md",
    "  - ./index.md",
    "  - Section:",
    "      - other.md",
    "markdown_extensions:",
    "  - toc:",
    "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}",
    "      permalink: !!python/object/apply:os.system ['echo PWNED > PWNED']",
    "  - pymdownx.snippets",
    "  - pymdownx.superfences:",
    "      custom_fences: [{name: m, class: m, format: !!python/name:evil.f}]",
    "  - admonition",
    "plugins:",
    "  - search",
    "  - docgates/code:",
    "      timeout: abc",
    "      severity: {code/syntax-error: warning}",
    "  - docgates/links: {anchors: false}",
    "extra: &x {a: 1}",
    "more: *x",
    "bad: *undefined",
    "env: !ENV [DOCGATES_FUZZ_UNSET, default]",
    "env2: !ENV HOME",
    "INHERIT: base.yml",
    "INHERIT: missing.yml",
    "exclude_docs: |",
    "  drafts/",
    "not_in_nav: other.md",
    "use_directory_urls: maybe",
    "key: [unclosed",
    "  : bad indentation",
    "'quoted': \"string\"",
    "\ttab: x",
]


@given(
    st.lists(st.one_of(st.sampled_from(CONFIG_LINES), st.text(max_size=15)), max_size=25),
    st.sampled_from(
        ["", "site_name: Base\nmarkdown_extensions: [attr_list]\n", "INHERIT: mkdocs.yml\n"]
    ),
)
def test_configs_are_a_config_error_or_a_run(lines: list[str], base: str) -> None:
    config = "\n".join(lines) + "\n"
    page = "# Home\n\n[x](other.md#section)\n\n```python\nprint(1)\n```\n"
    with project(
        {"docs/index.md": page, "docs/other.md": "# Other\n", "base.yml": base}, config
    ) as root:
        try:
            report = check(root)
        except ConfigError:
            return
        assert_sound(root, report)
        assert not (root / "PWNED").exists()


INCLUDE_LINES = [
    '--8<-- "a.md"',
    '--8<-- "b.md"',
    '--8<-- "a.md:1:2"',
    '--8<-- "a.md:-1"',
    '--8<-- "a.md:sec"',
    "--8<-- [start:sec]",
    "--8<-- [end:sec]",
    ';--8<-- "a.md"',
    "--8<--",
    "a.md",
    "{* a.py *}",
    "{* a.py ln[1:2] *}",
    "{! a.md !}",
    "{! b.md [ln:1-2] !}",
    "{* ../../../../../etc/hostname *}",
    "text",
    "```python",
    "```",
    "x = 1",
]


@given(
    st.lists(st.sampled_from(INCLUDE_LINES), max_size=12),
    st.lists(st.sampled_from(INCLUDE_LINES), max_size=8),
    st.lists(st.sampled_from(INCLUDE_LINES), max_size=8),
)
def test_includes_never_crash(page: list[str], a: list[str], b: list[str]) -> None:
    files = {
        "docs/index.md": "# Home\n\n" + "\n".join(page) + "\n",
        "snippets/a.md": "\n".join(a) + "\n",
        "snippets/b.md": "\n".join(b) + "\n",
        "a.md": "\n".join(a) + "\n",
        "b.md": "\n".join(b),
        "a.py": "x = 1\ny = (\n",
    }
    with project(files) as root:
        assert_sound(root, check(root, ("code", "links")))


STATEMENTS = [
    "x = 1",
    "print(x)",
    "print('hello')",
    "print(1, 2, sep='-')",
    "print({3, 1, 2})",
    "print('a\\x00b\\rc\\x1b[1m')",
    "print('é' * 3)",
    "print('line one\\nline two')",
    "y = x + 1",
    "print(y)",
    "1 / 0",
    "print(undefined_name)",
    "import sys; sys.exit(0)",
    "for i in range(3):\n    print(i)",
    "def f():\n    return 2\nprint(f())",
]
EXPECT = ["", "#> 1", "#> hello", "#> wrong", '"""\nstale\n"""']


EXEC_CONFIG = CONFIG.replace(
    "  - docgates/code\n",
    "  - docgates/code:\n      execute: true\n      timeout: 5\n      cache: false\n",
)


@st.composite
def executed_pages(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        body = "\n".join(draw(st.lists(st.sampled_from(STATEMENTS), min_size=1, max_size=4)))
        expect = draw(st.sampled_from(EXPECT))
        container = draw(st.sampled_from(["", "!!! note\n\n"]))
        block = f"```python\n{body}\n{expect}\n```\n" if expect else f"```python\n{body}\n```\n"
        if draw(st.booleans()):
            block = block.replace("\n```\n", "\n\n```\n")  # a blank last line before the fence
        if container:
            block = container + textwrap.indent(block, "    ")
        parts.append(block)
    return "# Page\n\n" + "\n".join(parts)


@settings(max_examples=EXECUTE_EXAMPLES)
@given(executed_pages())
def test_update_twice_changes_nothing_the_second_time(page: str) -> None:
    with project({"docs/index.md": page}, EXEC_CONFIG) as root:
        first = check(root, ("code",), update_output=True)
        assert_sound(root, first)
        once = (root / "docs/index.md").read_bytes()
        second = check(root, ("code",), update_output=True)
        assert_sound(root, second)
        assert (root / "docs/index.md").read_bytes() == once
        assert b"\x00" not in once


SCHEMES = ["http://", "https://", "//", "HTTPS://", "ftp://", "mailto:", "tel:", ""]
USERINFO = ["", "", "user:secret@", "tok-secret@", "u:p:secret@", "@", ":secret@"]
HOSTS = [
    "a.example", "a.example:443", "[::1", "[", "[::1]", "exa mple.com", "localhost:80800",
    "a.example:abc", "", "ä.example", "a.example\x01", "%5B", "a..example",
]  # fmt: skip
TAILS = [
    "", "/", "/p?token=secret&x=1", "/?access_token=secret", "/cb#access_token=secret",
    "/?key=secret", "/\x1b[31m", "/" + "y" * 400, "/r", "/a b", "/%zz", "?", "#",
]  # fmt: skip
hostile_urls = st.builds(
    lambda *parts: "".join(parts),
    st.sampled_from(SCHEMES),
    st.sampled_from(USERINFO),
    st.sampled_from(HOSTS),
    st.one_of(st.sampled_from(TAILS), st.text(max_size=12)),
)
_SHOWN_SECRET = re.compile(r"//[^/?#\s']*secret|[?&#][a-z_]*(?:token|key)=secret")
FORMS = ["[t]({})", "[t](<{}>)", "<{}>", '<a href="{}">t</a>', "[r{n}]: {}\n\n[x][r{n}]", "{}"]


@settings(max_examples=max(settings().max_examples // 2, 10))
@given(
    st.lists(st.tuples(st.sampled_from(FORMS), hostile_urls), min_size=1, max_size=6),
    hostile_urls,
)
def test_hostile_external_links_never_crash_or_show_a_secret(
    links: list[tuple[str, str]], location: str
) -> None:
    # Every link goes to an in-memory transport (never the network): a.example/r redirects to
    # a drawn URL, anything else answers 404.
    lines = [form.format(url, n=n) for n, (form, url) in enumerate(links)]
    with project({"docs/index.md": "# Home\n\n" + "\n\n".join(lines) + "\n"}) as root:
        loaded = load_project(root)
        engine = Engine(loaded, loaded.settings({"links": {"external_retries": 0}}))
        routes = {
            f"{scheme}a.example/r": Response(301, "", {"location": location})
            for scheme in ("http://", "https://")
        }
        report = engine.check(
            ["links", "external"],
            extras={"transport": MemoryTransport(routes), "no_cache": True},
        )
        assert_sound(root, report)
        for finding in report.findings:
            # No secret in a URL's authority, nor as a token's or key's value ('mailto:'
            # addresses and relative links have no credentials to hide).
            assert not _SHOWN_SECRET.search(finding.text), finding
            assert finding.text.replace("\n", " ").isprintable(), finding
            assert len(finding.message) < 1000, finding


NAV_LINES = [
    "nav:",
    "  - index.md",
    "  - Section: a",
    "  - '*'",
    "  - glob: '*.md'",
    "  - ...",
    "hide: true",
    "ignore: draft-*.md",
    "append_unmatched: true",
    "nav: &n [index.md, *n]",
    "l0: &l0 [x]",
    "l1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]",
    "l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]",
    "l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]",
    "l4: [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]",
    "title: !!python/object/apply:os.system ['echo PWNED > PWNED']",
    "nav: [" * 50 + "]" * 50,
    "key: [unclosed",
    "\ttab: x",
]


@given(
    st.sampled_from(["awesome-nav", "awesome-pages"]),
    st.lists(st.one_of(st.sampled_from(NAV_LINES), st.text(max_size=15)), max_size=12),
    st.lists(st.sampled_from(NAV_LINES), max_size=6),
)
def test_nav_files_are_a_config_error_or_a_run(plugin: str, top: list[str], sub: list[str]) -> None:
    name = ".nav.yml" if plugin == "awesome-nav" else ".pages"
    files = {
        "docs/index.md": "# Home\n",
        "docs/draft-1.md": "# Draft\n",
        f"docs/{name}": "\n".join(top) + "\n",
        f"docs/a/{name}": "\n".join(sub) + "\n",
        "docs/a/one.md": "# One\n",
    }
    with project(files, f"site_name: x\nplugins:\n  - {plugin}\n") as root:
        error: ConfigError | None = None
        try:
            report = check(root, ("structure",))
        except ConfigError as exc:
            error = exc
        assert not (root / "PWNED").exists()
        if error is not None:  # only a nav file can be wrong here: the error names it
            assert str(error.path).endswith(name), error
            return
        assert_sound(root, report)


def teardown_module() -> None:
    pool.shutdown()
