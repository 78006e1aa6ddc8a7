"""Bad input gets one clear finding or error, naming the file (and line and key), and loses
nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates._core.errors import ConfigError
from docgates._core.project import load_project
from docgates.cli import main
from tests.conftest import MakeProject
from tests.helpers import lines, run

BROKEN = "```python\nx = (\n```\n"


def test_invalid_utf8_is_reported_and_the_other_pages_are_checked(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "docs/latin1.md": "# Caf\xe9\n\nLine two\n".encode("latin-1"),
            "docs/good.md": BROKEN,
        }
    )
    assert lines(run(root)) == [
        "docs/good.md:2:5: code/syntax-error Python block does not compile: "
        "'(' was never closed: 'x = ('",
        "docs/latin1.md:1:6: source/decode-error file is not valid UTF-8 (byte e9 0a 0a 4c "
        "cannot be decoded); MkDocs cannot read it",
    ]


def test_a_binary_file_named_md(make_project: MakeProject) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    root = make_project({"docs/image.md": png, "docs/good.md": BROKEN})
    report = run(root)
    assert [(f.path, f.rule) for f in report.findings] == [
        ("docs/good.md", "code/syntax-error"),
        ("docs/image.md", "source/binary"),
    ]
    assert report.findings[1].hint == "Rename it or add it to 'exclude_docs'."


def test_a_50_mb_page_is_reported_not_parsed(make_project: MakeProject) -> None:
    root = make_project({"docs/good.md": BROKEN})
    big = root / "docs" / "huge.md"
    chunk = ("lorem ipsum " * 80 + "\n").encode()
    with big.open("wb") as handle:
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
    report = run(root)
    assert [(f.path, f.rule, f.severity.value) for f in report.findings] == [
        ("docs/good.md", "code/syntax-error", "error"),
        ("docs/huge.md", "source/too-large", "warning"),
    ]
    assert report.findings[1].message == (
        "file is 50.0 MiB, larger than max_file_size (10.0 MiB); not checked"
    )


def test_a_snippet_that_includes_itself(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/page.md": '# Page\n\n--8<-- "loop.md"\n\n' + BROKEN,
            "snippets/loop.md": 'Before\n\n--8<-- "loop.md"\n\nAfter\n',
        }
    )
    assert lines(run(root)) == [
        "docs/page.md:6:5: code/syntax-error Python block does not compile: "
        "'(' was never closed: 'x = ('",
        "snippets/loop.md:3:8: code/include-cycle snippet 'loop.md' includes itself (through "
        "'snippets/loop.md' -> 'snippets/loop.md'); MkDocs skips it "
        "(included by 'docs/page.md')",
    ]


def test_malformed_yaml_is_a_config_error_at_its_line(make_project: MakeProject) -> None:
    root = make_project({"docs/a.md": "# A\n"}, config="site_name: x\nnav:\n  - a.md\n - b.md\n")
    with pytest.raises(ConfigError) as info:
        load_project(root)
    assert str(info.value).startswith("mkdocs.yml:4: invalid YAML:")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            "site_name: x\nplugins:\n  - docgates/code:\n      langauges: [py]\n",
            "mkdocs.yml:4: 'plugins.docgates/code.langauges': unknown option. "
            "Did you mean 'languages'?",
        ),
        (
            "site_name: x\nplugins:\n  - docgates/code:\n      max_file_size: big\n",
            "mkdocs.yml:4: 'plugins.docgates/code.max_file_size': expected an integer, got 'big'",
        ),
        (
            "site_name: x\nplugins:\n  - docgates/code:\n      severity:\n"
            "        code/unchecked-fenc: error\n",
            "mkdocs.yml:5: 'plugins.docgates/code.severity': unknown rule id "
            "'code/unchecked-fenc'. Did you mean 'code/unchecked-fence'?",
        ),
        (
            "site_name: x\ndocs_dir: [a]\n",
            "mkdocs.yml:2: 'docs_dir': expected a folder path, got ['a']",
        ),
        ("- just\n- a list\n", "mkdocs.yml:1: the config must be a mapping of settings"),
        (
            "INHERIT: base.yml\nsite_name: x\n",
            "mkdocs.yml:1: 'INHERIT': INHERIT points to a missing file 'base.yml'",
        ),
    ],
)
def test_config_errors_name_file_line_and_key(
    make_project: MakeProject, config: str, expected: str
) -> None:
    root = make_project({"docs/a.md": "# A\n"}, config=config)
    with pytest.raises(ConfigError) as info:
        load_project(root).settings()
    assert str(info.value) == expected


def test_cli_turns_config_errors_into_exit_code_2(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"docs/a.md": "# A\n"}, config="site_name: [\n")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert result.output.startswith("docgates: config error: mkdocs.yml:2: invalid YAML:")


def test_a_config_that_is_not_utf8(make_project: MakeProject) -> None:
    root = make_project({"docs/a.md": "# A\n"}, config=None)
    (root / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\n")
    with pytest.raises(ConfigError, match=r"mkdocs.yml:1: config file is not valid UTF-8"):
        load_project(root)


def test_pages_that_are_fine_are_unaffected_by_a_bad_neighbour(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project({"docs/a.md": BROKEN, "docs/b.md": b"\xff\xfe\x00bad", "docs/c.md": BROKEN})
    assert [f.path for f in run(root).findings] == ["docs/a.md", "docs/b.md", "docs/c.md"]
