"""The code gate on API pages: Python examples in the docstrings mkdocstrings renders.

Each project is a docs site whose pages hold ``::: identifier`` lines and a package (src layout,
found through the python handler's ``paths``) whose docstrings hold examples. Findings must
point at the ``.py`` file's own line and column, name the page, and cover exactly what
mkdocstrings renders: no object that no page renders, no member its options leave out.
"""

from __future__ import annotations

import ast
import inspect
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates._core.docmap import line_places
from docgates.cli import main

from .conftest import DEFAULT_CONFIG, MakeProject
from .helpers import lines, run

CONFIG = DEFAULT_CONFIG + (
    "  - mkdocstrings:\n      handlers:\n        python:\n          paths: [src]\n"
)

GOOD = '''\
"""The package.

Examples:
    >>> from pkg import double
    >>> double(2)
    4
"""


def double(x):
    """Twice ``x``.

    ```python
    from pkg import double
    assert double(1) == 2
    ```

    Examples:
        >>> double(3)
        6
    """
    return 2 * x
'''


def _api(text: str = "::: pkg\n") -> str:
    return "# API\n\n" + text


# -- where each docstring line is in the file ------------------------------------------------

SOURCES = [
    'def f():\n    """One.\n\n    Two:\n        three\n    """\n',
    'def f(): "single line"\n',
    'def f():\n    r"""Raw \\n stays.\n    >>> x = 1\n    """\n',
    'def f():\n    "one\\ntwo\\tthree"\n',
    (
        'def f():\n    """\\\n    After a continuation.\n    joined \\\n    here\n'
        '      indented\n    """\n'
    ),
    'x = 1\n"""Attribute\n  docstring"""\n',
    'def f():\n    ("a "\n     "b\\n"\n     "c")\n',
    "class C:\n    '''Single quotes.\n\n    \\x41\\u0042\\N{DIGIT ONE} \\101\n    '''\n",
    'def f():\n\t"""Tab.\n\n\t\tdeeper\n\t"""\n',
]


@pytest.mark.parametrize("source", SOURCES)
def test_each_docstring_line_maps_to_its_place_in_the_file(source: str) -> None:
    tree = ast.parse(source)
    node = next(
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
    )
    cleaned = inspect.cleandoc(node.value.rstrip())
    places = line_places(source, node.lineno, cleaned)
    assert places is not None
    assert len(places) == len(cleaned.split("\n"))
    file_lines = source.split("\n")
    for text, place in zip(cleaned.split("\n"), places, strict=True):
        there = file_lines[place.line - 1][place.column :]
        if "\\" in there[: len(text)] or "\t" in text:
            # escapes and tabs change the characters, not the line: the line starts there
            assert there[:1] in ("\\", text[:1]) or (text.startswith(" ") and "\t" in there)
        elif '"' in there[: len(text)]:
            # adjacent literals: the line starts here and goes on in the next literal
            assert text.startswith(there.split('"')[0]), (text, place, there)
        else:
            assert there.startswith(text), (text, place, there)


def test_a_docstring_griffe_reads_differently_has_no_places() -> None:
    source = 'def f():\n    """Text."""\n'
    assert line_places(source, 2, "Something else") is None
    assert line_places(source, 1, "Text.") is None  # no docstring starts on line 1
    assert line_places("def (:\n", 1, "x") is None  # the file does not parse


# -- the engine, as the CLI runs it ----------------------------------------------------------


def test_a_syntax_error_in_an_example_is_one_finding_at_the_py_line(
    make_project: MakeProject,
) -> None:
    module = GOOD.replace(">>> double(3)", ">>> double(3")
    root = make_project(
        {"docs/index.md": "# Home\n", "docs/api.md": _api(), "src/pkg/__init__.py": module},
        config=CONFIG,
    )
    line = module.split("\n").index("        >>> double(3") + 1
    assert lines(run(root)) == [
        f"src/pkg/__init__.py:{line}:19: code/syntax-error '>>>' statement does not compile: "
        "'(' was never closed: 'double(3' (in the docstring of 'pkg.double', rendered on "
        "'docs/api.md')"
    ]


def test_valid_examples_give_no_finding_and_are_counted(make_project: MakeProject) -> None:
    root = make_project(
        {"docs/index.md": "# Home\n", "docs/api.md": _api(), "src/pkg/__init__.py": GOOD},
        config=CONFIG,
    )
    report = run(root)
    assert lines(report) == []
    stats = report.stats.extra["docstrings"]
    # the module's '>>>' example, the function's fence and its '>>>' example
    assert (stats["directives"], stats["docstrings"], stats["examples"], stats["checked"]) == (
        1,
        2,
        3,
        3,
    )


def test_a_fence_in_a_parameter_description_indented_and_raw(make_project: MakeProject) -> None:
    module = textwrap.dedent(
        '''\
        def f(x):
            r"""Do it.

            Args:
                x: the value, for example:

                    ```python
                    f(x=[1,
                    ```

            Note:
                A note with code:

                ```py
                ok = 1
                ```
            """
        '''
    )
    root = make_project(
        {"docs/api.md": _api("::: pkg.f\n"), "src/pkg/__init__.py": module}, config=CONFIG
    )
    row = module.split("\n").index("            f(x=[1,") + 1
    found = run(root).findings
    assert [(f.path, f.line, f.column, f.rule) for f in found] == [
        ("src/pkg/__init__.py", row, 17, "code/syntax-error")
    ]
    assert "rendered on 'docs/api.md'" in found[0].message


def test_numpy_and_sphinx_styles_from_the_directive_options(make_project: MakeProject) -> None:
    numpy = textwrap.dedent(
        '''\
        def f():
            """Numpy style.

            Examples
            --------
            >>> f(
            """


        def g():
            """Sphinx style: no sections, the text is Markdown.

            ```python
            def broken(:
            ```

            :returns: nothing
            """
        '''
    )
    api = _api(
        "::: pkg.f\n    options:\n      docstring_style: numpy\n\n"
        "::: pkg.g\n    options:\n      docstring_style: sphinx\n"
    )
    root = make_project({"docs/api.md": api, "src/pkg/__init__.py": numpy}, config=CONFIG)
    text = numpy.split("\n")
    assert [(f.line, f.column) for f in run(root).findings] == [
        (text.index("    >>> f(") + 1, 10),
        (text.index("    def broken(:") + 1, 16),
    ]


def test_objects_no_page_renders_are_not_checked(make_project: MakeProject) -> None:
    bad = '    """Bad.\n\n    Examples:\n        >>> (\n    """\n'
    module = (
        textwrap.dedent(
            '''\
        from pkg.other import imported


        def shown():
            """Shown.

            Examples:
                >>> shown(
            """


        def hidden():
        '''
        )
        + bad
        + "\n\ndef _private():\n"
        + bad
    )
    other = "def imported():\n" + bad
    lone = "def lone():\n" + bad
    api = _api("::: pkg\n    options:\n      members: [shown]\n")
    root = make_project(
        {
            "docs/api.md": api,
            "docs/all.md": _api("::: pkg\n"),
            "src/pkg/__init__.py": module,
            "src/pkg/other.py": other,
            "src/lone.py": lone,
        },
        config=CONFIG,
    )
    found = run(root).findings
    # 'shown' on both pages (one finding, folded); 'hidden' on all.md only; '_private' is
    # filtered out; the imported function and the module no page names are never read.
    assert sorted((f.path, f.line, f.message.split("(in the docstring of ")[1]) for f in found) == [
        ("src/pkg/__init__.py", 8, "'pkg.shown', rendered on 'docs/all.md' and 1 more page)"),
        ("src/pkg/__init__.py", 16, "'pkg.hidden', rendered on 'docs/all.md')"),
    ]


def test_options_that_hide_examples_and_members(make_project: MakeProject) -> None:
    module = textwrap.dedent(
        '''\
        class C:
            """A class.

            Examples:
                >>> C(
            """

            def __init__(self):
                """Init.

                ```python
                init(
                ```
                """

            def method(self):
                """Method.

                ```python
                method(
                ```
                """
        '''
    )
    text = module.split("\n")
    cls, init, method = (
        text.index(t) + 1 for t in ("        >>> C(", "        init(", "        method(")
    )
    cases = {
        "": [cls, init, method],  # the default filter '!^_[^_]' keeps '__init__'
        "      show_docstring_examples: false\n": [init, method],
        "      members: false\n": [cls],
        "      merge_init_into_class: true\n": [cls, init, method],
        "      filters: ['!^method$']\n": [cls, init],
    }
    for options, expected in cases.items():
        api = _api("::: pkg.C\n" + (f"    options:\n{options}" if options else ""))
        root = make_project({"docs/api.md": api, "src/pkg/__init__.py": module}, config=CONFIG)
        assert sorted(f.line for f in run(root).findings) == sorted(expected), options


def test_directives_in_code_blocks_and_other_handlers_are_not_read(
    make_project: MakeProject,
) -> None:
    module = 'def f():\n    """F.\n\n    Examples:\n        >>> f(\n    """\n'
    api = _api(
        "```md\n::: pkg.f\n```\n\n"
        "::: pkg.f\n    handler: crystal\n\n"
        "Text ::: pkg.f is not a directive.\n"
    )
    root = make_project({"docs/api.md": api, "src/pkg/__init__.py": module}, config=CONFIG)
    assert lines(run(root)) == []


def test_the_option_turns_it_off_and_a_missing_module_is_a_notice(
    make_project: MakeProject,
) -> None:
    module = 'def f():\n    """F.\n\n    Examples:\n        >>> f(\n    """\n'
    root = make_project(
        {"docs/api.md": _api("::: pkg.f\n\n::: nowhere.g\n"), "src/pkg/__init__.py": module},
        config=CONFIG,
    )
    assert lines(run(root, code={"docstrings": False})) == []
    report = run(root)
    assert [f.line for f in report.findings] == [5]
    assert any(
        "'nowhere' were not checked: griffe cannot load it" in n and "'paths'" in n
        for n in report.notices
    )


def test_without_mkdocstrings_in_the_config_nothing_is_read(make_project: MakeProject) -> None:
    module = 'def f():\n    """F.\n\n    Examples:\n        >>> f(\n    """\n'
    root = make_project({"docs/api.md": _api("::: pkg.f\n"), "src/pkg/__init__.py": module})
    assert lines(run(root)) == []


def test_the_cli_reports_the_py_line_and_fails(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = GOOD.replace("assert double(1) == 2", "assert double(1) == = 2")
    root = make_project(
        {"docs/index.md": "# Home\n", "docs/api.md": _api(), "src/pkg/__init__.py": module},
        config=CONFIG,
    )
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "--only", "code"])
    line = module.split("\n").index("    assert double(1) == = 2") + 1
    assert result.exit_code == 1, result.output
    assert f"src/pkg/__init__.py:{line}:" in result.output
    assert "code/syntax-error" in result.output
    assert "rendered on 'docs/api.md'" in result.output


# -- inside the MkDocs build --------------------------------------------------------------------


def _mkdocstrings_renders() -> str | None:
    """Why the installed mkdocstrings cannot render here, or None. On Python 3.10 pip picks
    mkdocstrings 1.0.6, whose Highlighter does not pass ``md`` to pymdown-extensions'
    Highlight: every ``:::`` page fails to build, with or without docgates."""
    from markdown import Markdown

    try:
        from mkdocstrings._internal.handlers.rendering import Highlighter

        Highlighter(Markdown())
    except ImportError:
        return None  # another layout: let the build say
    except TypeError as error:
        return f"this mkdocstrings cannot render with this pymdown-extensions: {error}"
    return None


CANNOT_RENDER = _mkdocstrings_renders()


@pytest.mark.slow
@pytest.mark.skipif(CANNOT_RENDER is not None, reason=str(CANNOT_RENDER))
def test_mkdocs_build_reports_the_example_at_its_line_once(make_project: MakeProject) -> None:
    module = GOOD.replace(">>> double(3)", ">>> double(3") + textwrap.dedent(
        '''

        def _private():
            """Never rendered.

            Examples:
                >>> (
            """
        '''
    )
    # a second page renders it too; a griffe extension of the project is loaded as
    # mkdocstrings loads it, preload_modules too
    root = make_project(
        {
            "docs/index.md": "# Home\n\n::: pkg.double\n",
            "docs/api.md": _api(),
            "src/pkg/__init__.py": module,
            "scripts/ext.py": "import griffe\n\n\nclass Quiet(griffe.Extension):\n    pass\n",
        },
        config=CONFIG
        + "          options:\n            extensions: [scripts/ext.py]\n"
        + "            preload_modules: [pkg]\n",
    )
    executable = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(
        [executable, "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert "Traceback" not in result.stderr, result.stderr
    warnings = [
        re.sub(r"\x1b\[[0-9;]*m", "", line)
        for line in result.stderr.splitlines()
        if "WARNING" in line
    ]
    line = module.split("\n").index("        >>> double(3") + 1
    assert warnings == [
        f"WARNING -  docgates: src/pkg/__init__.py:{line}:19: code/syntax-error '>>>' statement "
        "does not compile: '(' was never closed: 'double(3' (in the docstring of "
        "'pkg.double', rendered on 'docs/api.md' and 1 more page)"
    ]
    assert result.returncode == 1


BAD_F = 'def f():\n    """F.\n\n    Examples:\n        >>> f(\n    """\n'


def test_md_exec_fences_are_markdown_the_build_renders(make_project: MakeProject) -> None:
    # markdown-exec renders a 'md exec="on"' fence as Markdown: its ':::' lines are read,
    # with their options, the blank-line-then-options form included; a plain 'md' is code.
    config = CONFIG + "  - markdown-exec\n"
    api = _api(
        '```md exec="on"\n::: pkg.f\n\n    options:\n      show_docstring_examples: true\n```\n\n'
        "```md\n::: pkg.g\n```\n"
    )
    module = BAD_F + "\n\n" + BAD_F.replace("def f", "def g").replace(">>> f(", ">>> g(")
    root = make_project({"docs/api.md": api, "src/pkg/__init__.py": module}, config=config)
    assert [(f.line, f.column) for f in run(root).findings] == [(5, 14)]


def test_directive_options_that_are_not_yaml_are_left_to_mkdocstrings(
    make_project: MakeProject,
) -> None:
    api = _api("::: pkg.f\n    options: [unclosed\n")
    root = make_project({"docs/api.md": api, "src/pkg/__init__.py": BAD_F}, config=CONFIG)
    # mkdocstrings fails the build on the YAML; the docstring is still read with defaults
    assert [f.line for f in run(root).findings] == [5]


def test_public_filter_inherited_members_and_submodules(make_project: MakeProject) -> None:
    base = textwrap.dedent(
        '''\
        class Base:
            def inherited(self):
                """Inherited.

                Examples:
                    >>> inherited(
                """
        '''
    )
    module = textwrap.dedent(
        '''\
        from pkg.base import Base

        __all__ = ["Child", "_exported"]


        class Child(Base):
            """Child."""


        def _exported():
            """Private name, public by __all__.

            Examples:
                >>> _exported(
            """
        '''
    )
    sub = "def in_sub():\n" + BAD_F.split("\n", 1)[1].replace(">>> f(", ">>> in_sub(")
    files = {"src/pkg/__init__.py": module, "src/pkg/base.py": base, "src/pkg/sub.py": sub}
    cases = {
        "::: pkg\n": set(),  # Child has no inherited members by default; _exported filtered
        "::: pkg\n    options:\n      filters: public\n": {("src/pkg/__init__.py", 14)},
        "::: pkg.Child\n    options:\n      inherited_members: true\n": {("src/pkg/base.py", 6)},
        "::: pkg.Child\n    options:\n      inherited_members: [inherited]\n": {
            ("src/pkg/base.py", 6)
        },
        # the submodules, and the class of pkg.base with its own method
        "::: pkg\n    options:\n      show_submodules: true\n": {
            ("src/pkg/sub.py", 5),
            ("src/pkg/base.py", 6),
        },
        "::: pkg\n    options:\n      members: true\n      show_submodules: true\n": {
            ("src/pkg/sub.py", 5),
            ("src/pkg/base.py", 6),
            ("src/pkg/__init__.py", 14),
        },
    }
    for directive, expected in cases.items():
        root = make_project({"docs/api.md": _api(directive), **files}, config=CONFIG)
        assert {(f.path, f.line) for f in run(root).findings} == expected, directive


def test_without_griffe_a_notice_says_what_was_not_checked(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(
        {"docs/api.md": _api("::: pkg.f\n"), "src/pkg/__init__.py": BAD_F}, config=CONFIG
    )
    monkeypatch.setitem(sys.modules, "griffe", None)  # import griffe raises ImportError
    report = run(root)
    assert report.findings == []
    assert any(
        "griffe is not installed" in n and "docgates[docstrings]" in n for n in report.notices
    )


def test_the_build_proof_names_docstring_code_nobody_checked(make_project: MakeProject) -> None:
    from docgates._core.checks.proof import Proof
    from docgates._core.engine import Engine
    from docgates._core.project import load_project

    good = 'def f():\n    """F.\n\n    ```python\n    x = 1\n    ```\n    """\n'
    root = make_project(
        {"docs/api.md": _api("::: pkg.f\n"), "src/pkg/__init__.py": good}, config=CONFIG
    )

    def block(code: str, classes: str = "language-python highlight") -> str:
        return f'<div class="{classes}"><pre><span></span><code>{code}\n</code></pre></div>'

    html = (
        '<div class="doc doc-object doc-function">'
        + block("f()", "language-python doc-signature highlight")  # the signature: not checked
        + '<div class="doc doc-contents">'
        + block("x = 1")  # the example docgates compiled
        + block("y = 2")  # one it did not read
        + block("echo hi", "language-bash highlight")
        + "</div></div>"
    )
    project = load_project(root)
    engine = Engine(project, project.settings())
    python = frozenset({"python", "py", "pycon"})
    proof = Proof({"docs/api.md": "<h1>API</h1>" + html}, python)
    report = engine.check(["code"], extras={"proof": proof})
    assert lines(report) == [
        "docs/api.md:3:1: code/unchecked-block mkdocstrings rendered a 'python' block from a "
        "docstring that docgates did not check: 'y = 2'"
    ]


def test_unparsed_docstrings_flat_layout_and_skip_markers(make_project: MakeProject) -> None:
    # docstring_style: null renders the whole docstring as Markdown; no 'paths' means the
    # config's folder (a flat layout); a fence marked skip is counted, not compiled.
    module = textwrap.dedent(
        '''\
        def f():
            """Not parsed.

            ```python
            broken(
            ```

            ```python {docgates="skip"}
            outline(...
            ```
            """
        '''
    )
    config = DEFAULT_CONFIG + "  - mkdocstrings\n"
    api = _api("::: flat.f\n    options:\n      docstring_style: null\n")
    root = make_project({"docs/api.md": api, "flat.py": module}, config=config)
    report = run(root)
    assert [(f.path, f.line, f.column) for f in report.findings] == [("flat.py", 5, 11)]
    stats = report.stats.extra["docstrings"]
    assert (stats["examples"], stats["checked"], stats["skipped"]) == (2, 1, 1)


def test_every_example_line_of_an_installed_package_maps_exactly(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    # griffe's own docstrings (found on sys.path, as mkdocstrings finds installed packages):
    # every line of every example must sit in the file at the line and column reported.
    from docgates._core.checks import docstrings

    config = DEFAULT_CONFIG + "  - mkdocstrings\n"
    root = make_project(
        {"docs/api.md": _api("::: griffe\n    options:\n      members: true\n")}, config=config
    )
    seen: list[docstrings.Example] = []
    original = docstrings.Renderer.examples

    def recording(self: docstrings.Renderer, directive: docstrings.Directive):  # type: ignore[no-untyped-def]
        for example in original(self, directive):
            seen.append(example)
            yield example

    monkeypatch.setattr(docstrings.Renderer, "examples", recording)
    run(root)
    assert len(seen) >= 10
    checked = 0
    for example in seen:
        for line in example.block.lines:
            if not line.text.strip():
                continue
            path = Path(line.path) if Path(line.path).is_absolute() else root / line.path
            there = path.read_text(encoding="utf-8").split("\n")[line.line - 1]
            assert there[line.column : line.column + len(line.text)] == line.text, (line, there)
            checked += 1
    assert checked >= 30


RUNS = textwrap.dedent(
    '''\
    def area(width, height):
        """The area.

        Examples:
            >>> from shapes import area
            >>> area(2, 3)
            6
            >>> area(2, 2)
            5

        ```python
        assert area(1, 1) == 1
        area(1, "x") + 1
        ```
        """
        return width * height


    def other():
        """Its own namespace: 'area' was imported by another docstring.

        Examples:
            >>> area(1, 1)
            1
        """
    '''
)


def test_with_execute_on_examples_run_each_docstring_in_its_own_namespace(
    make_project: MakeProject,
) -> None:
    root = make_project({"docs/api.md": _api("::: shapes\n"), "src/shapes.py": RUNS}, config=CONFIG)
    assert lines(run(root)) == []  # compiled only
    report = run(root, code={"execute": True})
    text = RUNS.split("\n")
    found = [(f.rule, f.path, f.line, f.message.split("\n")[0]) for f in report.findings]
    assert found == [
        (
            "code/output-mismatch",
            "src/shapes.py",
            text.index("        5") + 1,
            "'>>>' output differs from the docstring: expected '5', printed '4' (in the "
            "docstring of 'shapes.area', rendered on 'docs/api.md')",
        ),
        (
            "code/runtime-error",
            "src/shapes.py",
            text.index('    area(1, "x") + 1') + 1,
            'Python block raised TypeError: can only concatenate str (not "int") to str '
            "(in the docstring of 'shapes.area', rendered on 'docs/api.md')",
        ),
        (
            "code/runtime-error",
            "src/shapes.py",
            text.index("        >>> area(1, 1)") + 1,
            "'>>>' statement raised NameError: name 'area' is not defined (in the docstring "
            "of 'shapes.other', rendered on 'docs/api.md')",
        ),
    ]
    assert all(f.hint is None or "--update" not in f.hint for f in report.findings)


EXTENSION = textwrap.dedent(
    '''\
    import griffe


    class AddExample(griffe.Extension):
        """Gives every function an example that does not compile."""

        def on_function_instance(self, *, func, **kwargs):
            if func.docstring is not None:
                func.docstring.value += "\\n\\nExamples:\\n    >>> added("
    '''
)


def test_griffe_extensions_and_the_builds_own_modules_only_inside_a_build(
    make_project: MakeProject,
) -> None:
    import griffe

    from docgates._core.checks.docstrings import Handler
    from docgates._core.engine import Engine
    from docgates._core.project import load_project

    module = 'def f():\n    """F."""\n'
    config = CONFIG + "          options:\n            extensions: [scripts/ext.py]\n"
    root = make_project(
        {
            "docs/api.md": _api("::: pkg.f\n"),
            "src/pkg/__init__.py": module,
            "scripts/ext.py": EXTENSION,
        },
        config=config,
    )
    # The CLI runs no project code: the extension is not loaded, nothing to report.
    assert lines(run(root)) == []
    project = load_project(root)
    options = project.plugin("mkdocstrings").options  # type: ignore[union-attr]

    def build_run(handler: Handler) -> list[str]:
        engine = Engine(project, project.settings())
        return lines(engine.check(["code"], extras={"mkdocstrings": handler}))

    # Inside a build the extension is loaded as mkdocstrings loads it (path relative to the
    # config): the example it adds is checked. It has no line in the file: the docstring's.
    inside = build_run(Handler.from_plugin(options, root, run_project_code=True))
    assert [line.split(":")[:2] for line in inside] == [["src/pkg/__init__.py", "2"]]
    # With the modules the build's mkdocstrings loaded, those very objects are read.
    loader = griffe.GriffeLoader(search_paths=[str(root / "src")])
    loader.load("pkg")
    loader.modules_collection["pkg.f"].docstring.value = "Built.\n\n```python\nbuilt(\n```"
    reused = build_run(
        Handler.from_plugin(
            options, root, run_project_code=True, collection=loader.modules_collection
        )
    )
    assert len(reused) == 1
    assert "'built('" in reused[0]


def test_a_changed_py_file_checks_the_pages_that_render_it(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pre-commit passes the changed files: a .py file reaches the pages whose ':::' lines
    # name its package, not the others.
    root = make_project(
        {
            "docs/api.md": _api("::: pkg.f\n"),
            "docs/other.md": _api("::: elsewhere.g\n"),
            "docs/index.md": "# Home\n\n```python\nbroken(\n```\n",
            "src/pkg/__init__.py": BAD_F,
            "src/elsewhere.py": "def g():\n    pass\n",
            "tools/script.py": "x = 1\n",
        },
        config=CONFIG,
    )
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "--only", "code", "src/pkg/__init__.py"])
    assert result.exit_code == 1, result.output
    assert "src/pkg/__init__.py:5:" in result.output
    assert "docs/index.md" not in result.output  # a page the change cannot reach
    quiet = CliRunner().invoke(main, ["check", "--only", "code", "tools/script.py"])
    assert quiet.exit_code == 0, quiet.output
