"""YAML that would take unbounded time or memory, or crash the reader: a clear error instead."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgates._core.errors import ConfigError
from docgates._core.project import load_project
from docgates._core.yamlload import load_yaml
from tests.conftest import MakeProject
from tests.helpers import run


def bomb(width: int, depth: int, indent: str = "") -> str:
    """The 'billion laughs' in YAML: each level holds ``width`` aliases of the one before."""
    lines = [f"{indent}l0: &l0 [lol]"]
    for level in range(1, depth + 1):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"{indent}l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_in_mkdocs_yml_is_a_config_error_at_once(make_project: MakeProject) -> None:
    # In: 9 aliases x 7 levels in mkdocs.yml (4.8 million values expanded). Out: a ConfigError
    # at the anchor's line, in well under a second, and in bounded memory.
    root = make_project(
        {"docs/index.md": "# Home\n"}, config="site_name: x\nextra:\n" + bomb(9, 7, "  ")
    )
    started = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        load_project(root)
    assert (
        time.monotonic() - started < 10
    )  # a hang guard (expanding it takes minutes), not a timing test
    assert str(caught.value) == (
        "mkdocs.yml:9: aliases of the anchor on this line would expand the YAML by 11,434,275 "
        "values (at most 100,000 are read): not read"
    )


def test_an_alias_bomb_in_an_inherited_file(make_project: MakeProject) -> None:
    # In: the same bomb in the file mkdocs.yml INHERITs. Out: a ConfigError naming that file.
    root = make_project(
        {"docs/index.md": "# Home\n", "base.yml": "extra:\n" + bomb(9, 7, "  ")},
        config="site_name: x\nINHERIT: base.yml\n",
    )
    with pytest.raises(ConfigError, match=r"^base\.yml:8: aliases of the anchor"):
        load_project(root)


def test_alias_bombs_in_front_matter_cost_nothing(make_project: MakeProject) -> None:
    # In: 40 pages, each with 9 aliases x 5 levels in its front matter. Out: the pages are
    # checked (their front matter is not read) in a few seconds, not 27.
    pages = {f"docs/p{i}.md": "---\n" + bomb(9, 5) + "---\n# Page\n" for i in range(40)}
    root = make_project(pages)
    started = time.monotonic()
    report = run(root, ("code", "structure"))
    assert time.monotonic() - started < 10
    assert report.stats.files == 40


def test_a_self_referencing_alias_is_a_short_error() -> None:
    # In: a: &a [1, *a] (and a mapping that holds itself). Out: a one-line ConfigError at the
    # line, not a RecursionError with a 150 KB traceback.
    with pytest.raises(ConfigError) as caught:
        load_yaml("x: 1\na: &a [1, *a]\n", "mkdocs.yml")
    assert str(caught.value) == "mkdocs.yml:2: an alias refers to the value that holds it"
    with pytest.raises(ConfigError, match=r"^mkdocs\.yml:1: an alias refers"):
        load_yaml("m: &m {self: *m}\n", "mkdocs.yml")


def test_deep_nesting_is_a_config_error() -> None:
    # In: 1,500 nested flow sequences. Out: a ConfigError, not a RecursionError.
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_yaml("a: " + "[" * 1500 + "]" * 1500 + "\n", "mkdocs.yml")


def test_aliases_within_the_budget_share_their_value() -> None:
    # In: an anchor used three times. Out: three equal values, the anchor's line kept.
    located = load_yaml("base: &b {x: 1}\none: *b\ntwo: *b\n", "mkdocs.yml")
    assert located.data == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1}}
    assert located.line_of(("base", "x")) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[unclosed", "[unclosed"),
        ("a: b: c", "a: b: c"),
        ("*undefined", "*undefined"),
        ("true", True),
        ("3", 3),
        ("", None),
        ("2020-13-45", "2020-13-45"),
        ("- item", "- item"),
    ],
)
def test_env_values_are_one_scalar_as_pyyaml_env_tag_reads_them(
    value: str, expected: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In: !ENV of a variable holding text that is not a YAML scalar. Out: the text itself
    # (or the scalar YAML's implicit resolvers make of it), never a traceback.
    monkeypatch.setenv("DOCGATES_TEST_VALUE", value)
    located = load_yaml("v: !ENV DOCGATES_TEST_VALUE\n", "mkdocs.yml")
    assert located.data == {"v": expected}


def test_env_values_agree_with_pyyaml_env_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    # In: the values MkDocs' own reader (pyyaml-env-tag) resolves. Out: the same values.
    yaml_env_tag = pytest.importorskip("yaml_env_tag")
    import yaml

    loader = yaml.SafeLoader
    loader.add_constructor("!ENV", yaml_env_tag.construct_env_tag)
    for value in ["[unclosed", "a: b: c", "yes", "0x1F", "1e3", "~", "2001-12-14", "x"]:
        monkeypatch.setenv("DOCGATES_TEST_VALUE", value)
        text = "v: !ENV DOCGATES_TEST_VALUE\n"
        assert load_yaml(text, "m.yml").data == yaml.load(text, Loader=loader), value


def test_a_bomb_under_a_memory_cap_still_gives_the_error(make_project: MakeProject) -> None:
    # In: the 9 x 7 bomb, checked by 'docgates check' limited to 300 MB of address space.
    # Out: exit 2 and the one-line config error (not an abort with no message).
    root = make_project(
        {"docs/index.md": "# Home\n"}, config="site_name: x\nextra:\n" + bomb(9, 7, "  ")
    )
    limit = 1024 * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "docgates", "check", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=cap,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("docgates: config error: mkdocs.yml:9: aliases of the anchor")
    assert len(result.stderr.splitlines()) == 1
    assert Path(root / "mkdocs.yml").is_file()


def test_deeply_nested_front_matter_is_text_at_once(make_project: MakeProject) -> None:
    # In: a page whose front matter nests 3,000 flow sequences. Out: read in well under a
    # second (PyYAML alone takes minutes), the page still checked.
    page = "---\na: " + "[" * 3000 + "]" * 3000 + "\n---\n# Page\n\n```python\nx = 1\n```\n"
    root = make_project({"docs/index.md": page})
    started = time.monotonic()
    report = run(root, ("code",))
    assert (
        time.monotonic() - started < 15
    )  # a hang guard (PyYAML alone takes minutes), not a timing test
    assert report.stats.python_blocks == 1


@pytest.mark.parametrize(
    ("plugin", "nav_file"),
    [("awesome-nav", "docs/.nav.yml"), ("awesome-pages", "docs/guide/.pages")],
)
def test_an_alias_bomb_in_a_nav_file_is_a_config_error_at_once(
    make_project: MakeProject, plugin: str, nav_file: str
) -> None:
    # In: the 9 x 7 bomb in awesome-nav's .nav.yml (or awesome-pages' .pages), read by the
    # structure gate's orphan check. Out: the config error of mkdocs.yml's reader, naming the
    # nav file and the anchor's line, at once; not seconds of expansion.
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "docs/guide/a.md": "# A\n",
            nav_file: "nav:\n  - index.md\n" + bomb(9, 7),
        },
        config=f"site_name: x\nplugins:\n  - {plugin}\n",
    )
    started = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        run(root, ("structure",))
    assert (
        time.monotonic() - started < 10
    )  # a hang guard (expanding it takes minutes), not a timing test
    assert str(caught.value) == (
        f"{nav_file}:9: aliases of the anchor on this line would expand the YAML by "
        "11,434,275 values (at most 100,000 are read): not read"
    )


def test_a_self_referencing_alias_in_a_nav_file_is_a_short_config_error(
    make_project: MakeProject,
) -> None:
    # In: a .nav.yml whose nav holds itself, and one nested too deeply. Out: one-line config
    # errors at the file (and line), not a RecursionError; `docgates check` exits 2.
    root = make_project(
        {"docs/index.md": "# Home\n", "docs/.nav.yml": "nav: &n\n  - index.md\n  - *n\n"},
        config="site_name: x\nplugins:\n  - awesome-nav\n",
    )
    with pytest.raises(ConfigError) as caught:
        run(root, ("structure",))
    assert str(caught.value) == "docs/.nav.yml:1: an alias refers to the value that holds it"
    (root / "docs/.nav.yml").write_text("nav: " + "[" * 1500 + "]" * 1500 + "\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "docgates", "check", str(root), "--only", "structure"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "docgates: config error: docs/.nav.yml: invalid YAML: nested too deeply to read "
        "(more than 400 levels)\n"
    )


def test_a_python_tag_in_a_nav_file_is_data(make_project: MakeProject) -> None:
    # In: a .pages file naming os.system through a Python tag. Out: read as data (nothing
    # called), the pages it lists still counted as in the nav.
    root = make_project(
        {
            "docs/index.md": "# Home\n",
            "docs/a/.pages": "title: !!python/object/apply:os.system ['echo PWNED > PWNED']\n"
            "nav:\n  - one.md\n",
            "docs/a/one.md": "# One\n",
            "docs/a/two.md": "# Two\n",
        },
        config="site_name: x\nplugins:\n  - awesome-pages\n",
    )
    assert [f.path for f in run(root, ("structure",)).findings] == ["docs/a/two.md"]
    assert not (root / "PWNED").exists()


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        (
            "title: T\na: &a [1, *a]\n",
            3,
            "front matter is not read: an alias refers to the value that holds it",
        ),
        (
            "title: T\n" + bomb(9, 6),
            8,
            "front matter is not read: aliases of the anchor on this line would expand the "
            "YAML by 1,270,467 values (at most 100,000 are read)",
        ),
    ],
)
def test_front_matter_that_is_not_read_is_a_finding_at_its_line(
    make_project: MakeProject, front: str, line: int, message: str
) -> None:
    # In: a page whose front matter holds a self-referencing alias, or an alias bomb. Out: a
    # source/front-matter-unread warning at the anchor's line of the page (under every gate),
    # and the page still checked: its broken Python block is reported.
    page = f"---\n{front}---\n# Page\n\n```python\nx = (\n```\n"
    root = make_project({"docs/index.md": page})
    for gates in [("code",), ("structure",)]:
        report = run(root, gates)
        unread = [f for f in report.findings if f.rule == "source/front-matter-unread"]
        assert [(f.path, f.line, f.column, f.message) for f in unread] == [
            ("docs/index.md", line, 1, message)
        ]
        assert unread[0].severity.value == "warning"
    assert "code/syntax-error" in [f.rule for f in run(root, ("code",)).findings]


@pytest.mark.parametrize(
    "text",
    [
        'title: "A page"\ntags:\n  - one\n  - two\ndate: 2024-01-02\n',
        "base: &b {x: 1}\nother: *b\nname: café\n",
        "key: [1, 2\n",  # invalid: the same error either way
        "a: 1\n  b: 2\n",
        "x: !!python/name:os.system\n",
    ],
)
def test_front_matter_read_with_libyaml_is_what_the_python_loader_reads(text: str) -> None:
    def load(fast: bool) -> tuple[object, object]:
        try:
            located = load_yaml(text, "page.md", fast=fast)
        except ConfigError as exc:
            return "error", (exc.message, exc.line)
        return located.data, located.positions

    assert load(fast=True) == load(fast=False)
