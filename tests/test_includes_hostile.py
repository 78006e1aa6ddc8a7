"""Includes on the machine's files: base restriction, symlinked folders, deep chains."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MakeProject
from tests.helpers import lines, run

NO_CONFIG = None


def test_braces_includes_do_not_read_files_outside_the_project(make_project: MakeProject) -> None:
    # In: with no config (both include forms on by default), a page with {* ../../etc/passwd *}
    # style targets. Out: code/include-outside at each include; no line of the file is read
    # or quoted, and no hint names a file outside the project.
    outside = Path("/etc/hostname" if Path("/etc/hostname").is_file() else "/etc/passwd")
    climb = "../" * 12 + str(outside).lstrip("/")
    page = f"# Home\n\n{{* {climb} *}}\n\n{{! {climb} !}}\n\n{{* {'../' * 12}etc/passwdd *}}\n"
    root = make_project({"docs/index.md": page}, config=NO_CONFIG)
    report = run(root, ("code",))
    assert lines(report) == [
        f"docs/index.md:3:1: code/include-outside include target '{climb}' is outside the "
        "project and its repository; docgates does not read it",
        f"docs/index.md:5:1: code/include-outside include target '{climb}' is outside the "
        "project and its repository; docgates does not read it",
        f"docs/index.md:7:1: code/include-outside include target '{'../' * 12}etc/passwdd' is "
        "outside the project and its repository; docgates does not read it",
    ]
    assert all(f.hint is None for f in report.findings)


def test_missing_includes_hint_only_at_files_inside_the_project(make_project: MakeProject) -> None:
    # In: a missing target next to a real file inside the project. Out: the hint names it.
    root = make_project(
        {"docs/index.md": "# Home\n\n{* src/exampel.py *}\n", "src/example.py": "x = 1\n"},
        config=NO_CONFIG,
    )
    (finding,) = run(root, ("code",)).findings
    assert finding.rule == "code/include-missing"
    assert finding.hint == "Did you mean 'src/example.py'?"


def test_a_symlinked_folder_inside_base_path_is_included(
    make_project: MakeProject, tmp_path: Path
) -> None:
    # In: base_path [docs], docs/examples -> ../examples (a symlink), a page including
    # examples/hello.py with a syntax error. Out: the snippet is found, as pymdownx finds it
    # (it checks abspath, not the resolved path), and the error is at the file as included.
    config = (
        "site_name: T\nmarkdown_extensions:\n  - pymdownx.superfences\n"
        "  - pymdownx.snippets:\n      base_path: [docs]\n"
    )
    root = make_project(
        {
            "docs/index.md": '# Home\n\n```python\n--8<-- "examples/hello.py"\n```\n',
            "examples/hello.py": "print('hi'\n",
        },
        config=config,
    )
    (root / "docs/examples").symlink_to(root / "examples", target_is_directory=True)
    assert [f.rule for f in run(root, ("code",)).findings] == ["code/syntax-error"]
    assert run(root, ("code",)).findings[0].path == "docs/examples/hello.py"


def test_a_chain_deeper_than_32_is_not_a_cycle(make_project: MakeProject) -> None:
    # In: 40 snippet files, each including the next. Out: code/include-too-deep (a warning
    # about docgates' own limit) where the chain passes 32 includes, not code/include-cycle.
    files = {"docs/index.md": '# Home\n\n--8<-- "s0.md"\n'}
    for i in range(40):
        files[f"snippets/s{i}.md"] = f'line {i}\n--8<-- "s{i + 1}.md"\n'
    files["snippets/s40.md"] = "end\n"
    root = make_project(files)
    report = run(root, ("code",))
    assert [f.rule for f in report.findings] == ["code/include-too-deep"]
    finding = report.findings[0]
    assert (finding.path, finding.line, finding.severity.value) == ("snippets/s31.md", 2, "warning")
    assert finding.message.startswith(
        "'s32.md' is included 33 includes deep (through ... -> 'snippets/s29.md' -> "
        "'snippets/s30.md' -> 'snippets/s31.md'); "
    )
    assert finding.message.endswith(
        "docgates follows at most 32 and did not read it (included by 'docs/index.md')"
    )


def test_a_real_cycle_is_still_a_cycle(make_project: MakeProject) -> None:
    root = make_project(
        {
            "docs/index.md": '# Home\n\n--8<-- "a.md"\n',
            "snippets/a.md": '--8<-- "b.md"\n',
            "snippets/b.md": '--8<-- "a.md"\n',
        }
    )
    assert [f.rule for f in run(root, ("code",)).findings] == ["code/include-cycle"]


def test_a_name_longer_than_the_file_system_allows_is_missing(make_project: MakeProject) -> None:
    # In: snippets (block and inline form) and a link naming a 600-character file (the fuzz
    # suite's find: stat() raises ENAMETOOLONG, which pathlib does not swallow). Out: missing
    # include and missing page findings, as for any other missing name; no internal error.
    from docgates._core.includes import _variant_files

    name = "x" * 600
    page = f'# Home\n\n--8<--\n{name}.md\n--8<--\n\n--8<-- "{name}.md"\n\n[a]({name}.md#top)\n'
    root = make_project(
        {"docs/index.md": page},
        config="site_name: x\nmarkdown_extensions:\n  - pymdownx.snippets\n",
    )
    report = run(root, ("code", "links"))
    assert [(f.line, f.rule) for f in report.findings] == [
        (4, "code/include-missing"),
        (7, "code/include-missing"),
        (9, "links/page-not-found"),
    ]
    assert _variant_files(root / f"{name}.py") == []
