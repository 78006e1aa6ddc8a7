"""Small units whose behaviour the end-to-end tests do not pin down on their own."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from docgates._core import config as cfg
from docgates._core.errors import ConfigError
from docgates._core.findings import Finding, Severity
from docgates._core.infostring import FenceHeader, parse_header, rejection
from docgates._core.report import Report, Stats
from docgates._core.source import Origin, Source, decode, read_text, relpath
from docgates._core.yamlload import PythonTag, dotted, load_yaml


@dataclass
class Inner:
    name: str = "x"


@dataclass
class Sample(cfg.GateSettings):
    """A settings class with every kind of option."""

    ratio: float = 1.0
    """A number."""
    mode: Literal["fast", "safe"] = "safe"
    """A choice."""
    maybe: int | None = None
    """An optional number."""
    names: list[str] = field(default_factory=list)
    """Names."""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ratio": "high"}, "'sample.ratio': expected a number, got 'high'"),
        ({"mode": "slow"}, "'sample.mode': expected 'fast' or 'safe', got 'slow'"),
        ({"maybe": "one"}, "'sample.maybe': expected an integer or NoneType, got 'one'"),
        ({"names": 3}, "'sample.names': expected a list, got 3"),
        ({"enabled": "yes"}, "'sample.enabled': expected true or false, got 'yes'"),
        ({"severity": ["x"]}, "'sample.severity': expected a mapping, got ['x']"),
        (
            {"severity": {"code/syntax-error": "fatal"}},
            "'sample.severity.code/syntax-error': expected 'error' or 'warning' or 'info' or "
            "'ignore', got 'fatal'",
        ),
        ({"max_file_size": True}, "'sample.max_file_size': expected an integer, got True"),
    ],
)
def test_option_types_are_checked(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        cfg.parse_gate(Sample, options, gate="sample")
    assert str(info.value) == message


def test_option_values_are_coerced_kindly() -> None:
    value = cfg.parse_gate(
        Sample, {"ratio": 2, "maybe": None, "names": "one", "mode": "fast"}, gate="sample"
    )
    assert (value.ratio, value.maybe, value.names, value.mode) == (2.0, None, ["one"], "fast")
    assert cfg._coerce(3, str, "k", None, None) == "3"
    assert cfg._coerce({"name": "y"}, Inner, "k", None, None) == Inner("y")
    with pytest.raises(ConfigError, match="expected Inner"):
        cfg._coerce(3, Inner, "k", None, None)
    with pytest.raises(ConfigError, match="expected a string"):
        cfg._coerce([], str, "k", None, None)


def test_option_docs_are_read_from_the_docstrings() -> None:
    docs = cfg.option_docs(Sample)
    assert docs["ratio"] == "A number."
    assert docs["enabled"] == "Turn the gate on or off."


def test_severity_levels() -> None:
    settings = cfg.Settings()
    settings.gates["code"] = cfg.CodeSettings(
        severity={"code/unchecked-fence": "error", "code/syntax-error": "ignore"}
    )
    assert settings.level("code", "code/unchecked-fence") is Severity.ERROR
    assert settings.level("code", "code/syntax-error") is None
    assert settings.level("code", "code/timeout") is Severity.ERROR


@pytest.mark.parametrize(
    ("rest", "lang", "form", "options"),
    [
        ("python", "python", "plain", {}),
        (" .python", "python", "plain", {}),
        ("{.python .annotate #ex}", "python", "attrs", {}),
        (
            'python {test="skip" group=g requires="3.12"}',
            "python",
            "attrs",
            {"test": "skip", "group": "g", "requires": "3.12"},
        ),
        (
            'py title="a b.py" hl_lines="2 3"',
            "py",
            "options",
            {"title": "a b.py", "hl_lines": "2 3"},
        ),
        ('hl_lines="7"', None, "options", {"hl_lines": "7"}),
        (
            "python what is this",
            "python",
            "options",
            {"what": "what", "is": "is", "this": "this"},
        ),
        ("python a=b", "python", "unrecognized", {"a": "b"}),
        ("", None, "plain", {}),
    ],
)
def test_fence_headers(rest: str, lang: str | None, form: str, options: dict[str, str]) -> None:
    header = parse_header(rest)
    assert (header.lang, header.form, header.options) == (lang, form, options)


def test_attribute_lists_keep_classes_and_ids() -> None:
    header = parse_header("{.python .annotate #ex data-x='1' linenums}")
    assert header.classes == ("annotate",)
    assert header.id == "ex"
    assert header.options == {"data-x": "1", "linenums": "linenums"}


def test_which_headers_mkdocs_rejects() -> None:
    def why(rest: str, **kw: object) -> str | None:
        opts = {"superfences": True, "relaxed": False, "extra_options": frozenset()}
        opts.update(kw)
        return rejection(parse_header(rest), **opts)  # type: ignore[arg-type]

    assert why('python title="x"') is None
    assert why('python exec="on"') == "pymdownx.superfences rejects the option 'exec' in its header"
    assert why('python exec="on"', extra_options=frozenset({"exec"})) is None
    assert why("python a=b", relaxed=True) is None
    assert why("python a=b") == (
        "its header 'python a=b' is not a language and options that MkDocs understands"
    )
    assert why('python hl_lines="1"', superfences=False) is None
    assert why('python title="x"', superfences=False) is not None
    assert why('python {x="1"}', superfences=False) is not None
    assert FenceHeader("x").get("missing", "d") == "d"


def test_env_tag_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DG_UNSET", raising=False)
    monkeypatch.setenv("DG_NUM", "3")
    monkeypatch.setenv("DG_EMPTY", "")
    data = load_yaml(
        "a: !ENV DG_UNSET\nb: !ENV [DG_UNSET, fallback]\nc: !ENV [DG_NUM]\nd: !ENV DG_EMPTY\n"
        "e: !ENV [DG_UNSET, DG_NUM, 0]\n",
        "m.yml",
    ).data
    assert data == {"a": None, "b": "fallback", "c": 3, "d": None, "e": 3}
    with pytest.raises(ConfigError, match="!ENV expects"):
        load_yaml("a: !ENV {x: 1}\n", "m.yml")


def test_python_tags_keep_names_and_arguments() -> None:
    data = load_yaml(
        "a: !!python/name:pkg.func\n"
        "b: !!python/object/apply:pkg.make [1, 2]\n"
        "c: !!python/object/apply:pkg.make {args: [1], kwds: {k: v}}\n",
        "m.yml",
    ).data
    assert data["a"] == PythonTag("name", "pkg.func")
    assert data["b"] == PythonTag("object/apply", "pkg.make", (1, 2))
    assert data["c"] == PythonTag("object/apply", "pkg.make", (1,), {"k": "v"})
    assert hash(data["a"]) == hash(PythonTag("name", "pkg.func"))


def test_yaml_errors() -> None:
    with pytest.raises(ConfigError, match="a mapping key must be a plain value"):
        load_yaml("? [a, b]\n: 1\n", "m.yml")
    with pytest.raises(ConfigError, match=r"m.yml:1: 'when': cannot read value"):
        load_yaml("when: !!timestamp nope\n", "m.yml")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_yaml("a: \x07\n", "m.yml")
    assert load_yaml("", "m.yml").data is None
    assert dotted(("plugins", 0, "docgates/code", "x")) == "plugins[0].docgates/code.x"
    assert dotted(()) is None


def test_reading_files(tmp_path: Path) -> None:
    missing, problem = read_text(tmp_path / "none.md", "none.md")
    assert missing is None
    assert problem is not None
    assert "cannot read file" in problem.message
    text, problem = decode(codecs.BOM_UTF8 + "é\r\nb\rc".encode(), "a.md")
    assert (text, problem) == ("é\nb\nc", None)
    text, problem = decode(codecs.BOM_UTF16_LE + "hi".encode("utf-16-le"), "w.md")
    assert text is None
    assert problem is not None
    assert problem.rule == "source/decode-error"
    assert relpath(tmp_path / "x" / "y.md", tmp_path) == "x/y.md"
    assert relpath(Path("/elsewhere/z.md"), tmp_path).endswith("elsewhere/z.md")


def test_source_origins() -> None:
    plain = Source("a.md", "one\ntwo")
    assert plain.origin(1) == Origin("a.md", 2)
    assert not plain.expanded
    expanded = Source("a.md", "x\ny\nz", [Origin("a.md", 1), Origin("inc.md", 5, 4)])
    assert expanded.origin(1) == Origin("inc.md", 5, 4)
    assert expanded.origin(2) == Origin("inc.md", 6, 4)  # past the map: continues the last
    assert str(expanded.span(1, 6)) == "inc.md:5:3"


def test_report_helpers() -> None:
    finding = Finding("a.md", None, None, "structure/orphan-page", Severity.WARNING, "orphan")
    assert finding.location == "a.md"
    assert str(finding) == "a.md: structure/orphan-page orphan"
    report = Report(Path("."), [finding], Stats())
    assert not report.failed
    assert report.count(Severity.WARNING) == 1
    assert Severity.ERROR.rank > Severity.WARNING.rank > Severity.INFO.rank


def test_rich_output(capsys: pytest.CaptureFixture[str]) -> None:
    from docgates.cli import _console, _print_rich

    report = Report(
        Path("."),
        [Finding("a.md", 3, 1, "code/unchecked-fence", Severity.WARNING, "msg", "Do this.")],
        Stats(files=1),
        ["a notice"],
    )
    _print_rich(report, _console())
    out = capsys.readouterr().out
    assert "note: a notice" in out
    assert "a.md:3:1: warning: code/unchecked-fence msg" in out
    assert "hint: Do this." in out


@pytest.mark.parametrize(
    "uri",
    ["a.md", ".hidden.md", "x/.y/z.md", "templates/t.md", "sub/templates/t.md", "a/b.c/d.md"],
)
def test_default_exclusions_match_like_pathspec(uri: str) -> None:
    import pathspec

    from docgates._core.project import DEFAULT_EXCLUDE, Patterns

    spec = pathspec.GitIgnoreSpec.from_lines(DEFAULT_EXCLUDE)
    assert Patterns(list(DEFAULT_EXCLUDE)).match_file(uri) == spec.match_file(uri)
