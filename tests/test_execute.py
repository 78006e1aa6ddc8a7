"""Running blocks: isolation, limits, sessions, markers, runtime errors at the page's lines."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from docgates._core.engine import Engine
from docgates._core.project import load_project
from tests.execution import _stop_workers, check, col, found, project

__all__ = ["_stop_workers"]


def test_an_endless_loop_times_out_and_the_next_block_still_runs(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            # Loops

            ```python
            count = 41
            ```

            ```python {timeout="0.5"}
            while True:
                pass
            ```

            ```python
            count += 1
            print(count)
            #> 42
            ```
            """,
        },
    )
    report = check(root)
    assert found(report) == [
        "docs/index.md:7:1: code/timeout Python block did not finish within 0.5s; docgates "
        "killed its process and went on with the next block"
    ]
    assert report.stats.extra["executed"]["passed"] == 2


def test_the_site_timeout_applies_to_every_block(tmp_path: Path) -> None:
    root = project(tmp_path, {"docs/index.md": "```python\nimport time\ntime.sleep(30)\n```\n"})
    report = check(root, timeout=0.3)
    assert [f.rule for f in report.findings] == ["code/timeout"]
    assert "within 0.3s" in report.findings[0].message


def test_a_block_cannot_change_the_checkers_cwd_path_or_environment(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python
            import os, sys
            here = os.getcwd()
            sys.path.insert(0, "/nowhere")
            os.environ["DOCGATES_TEST_LEAK"] = "1"
            with open("written.txt", "w") as f:
                f.write("x")
            os.chdir("/")
            ```

            ```python
            print(os.getcwd() == here, os.path.exists("written.txt"))
            #> True True
            ```
            """,
        },
    )
    cwd, path = os.getcwd(), list(sys.path)
    report = check(root)
    assert found(report) == [
        "docs/index.md:1:1: code/cwd-changed Python block changed the working directory to '/' "
        "and did not change it back; docgates moved the next blocks back to the page's "
        "temporary folder"
    ]
    assert (os.getcwd(), sys.path) == (cwd, path)
    assert "DOCGATES_TEST_LEAK" not in os.environ
    assert not list(root.rglob("written.txt"))


def test_sys_exit_is_reported_at_its_line(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": (
                "```python\nimport sys\n\nsys.exit(3)\n```\n\n```python\nsys.exit(0)\n```\n"
            )
        },
    )
    assert found(check(root)) == [
        "docs/index.md:4:1: code/runtime-error Python block called sys.exit(3)"
    ]


def test_os_exit_ends_the_page_process_and_the_next_block_runs(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python
            import os
            state = "kept"
            ```

            ```python
            os._exit(1)
            ```

            ```python
            print(state)
            #> kept
            ```
            """,
        },
    )
    report = check(root)
    assert found(report) == [
        "docs/index.md:6:1: code/runtime-error the process running this Python block ended "
        "with exit status 1 (os._exit() or a crash); docgates went on with the next block"
    ]
    assert report.stats.extra["executed"] == {
        "run": 3,
        "passed": 2,
        "failed": 1,
        "cached": 0,
        "skipped": 0,
        "skip_reasons": {},
    }


def test_a_gigabyte_to_stdout_is_stopped(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python
            import sys

            for _ in range(1024):
                sys.stdout.write("x" * 2**20)
            ```

            ```python
            print("x" * 2**30)
            ```
            """,
        },
    )
    assert found(check(root)) == [
        "docs/index.md:5:5: code/runtime-error Python block stopped: the block wrote more than "
        "1000000 characters to stdout; docgates stopped it",
        f"docs/index.md:9:{col(7, 1)}: code/runtime-error Python block raised MemoryError",
    ]


def test_unbounded_allocation_is_a_memory_error(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python
            hoard = []
            while True:
                hoard.append(bytearray(10**7))
            ```

            ```python
            del hoard
            print("after")
            #> after
            ```
            """,
        },
    )
    assert found(check(root)) == [
        f"docs/index.md:4:{col(18, 5)}: code/runtime-error Python block raised MemoryError"
    ]


def test_a_block_that_kills_the_worker_leaves_the_checker_healthy(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/a.md": (
                "```python\nimport os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n```\n\n"
                "```python\nprint('never')\n```\n"
            ),
            "docs/b.md": "```python\nprint(1)\n#> 1\n```\n",
        },
    )
    report = check(root, jobs=1)
    assert found(report) == [
        "docs/a.md:1:1: code/runtime-error Python block ran while docgates' worker process "
        "died; the rest of the page was not run"
    ]
    assert report.stats.extra["executed"] == {
        "run": 2,
        "passed": 1,
        "failed": 1,
        "cached": 0,
        "skipped": 1,
        "skip_reasons": {"not run: its worker process was lost": 1},
    }
    assert found(check(root, jobs=1)) == found(report)


def test_main_name_top_level_await_and_a_temporary_folder(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python
            import asyncio
            import os


            async def answer():
                await asyncio.sleep(0)
                return 42


            print(__name__, await answer())
            #> __main__ 42
            print(os.listdir("."), os.getcwd().startswith(os.path.realpath(os.sep)))
            #> [] True
            ```
            """,
        },
    )
    report = check(root)
    assert found(report) == []
    assert report.stats.extra["executed"]["passed"] == 1


def test_pickle_and_dataclasses_see_the_session_module(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python
            from __future__ import annotations

            import dataclasses
            import inspect
            import pickle


            @dataclasses.dataclass
            class Point:
                x: int


            print(pickle.loads(pickle.dumps(Point(1))))
            #> Point(x=1)
            print(inspect.getsource(Point).splitlines()[0])
            #> @dataclasses.dataclass
            ```
            """,
        },
    )
    assert found(check(root)) == []


# -- sessions -------------------------------------------------------------------------------------

SESSIONS = """\
```python
x = 1
```

```python {group="other"}
x = 100
```

```python
print(x)
#> 1
```

```python {group="other"}
print(x)
#> 100
```
"""


def test_blocks_of_a_page_share_a_namespace_and_groups_have_their_own(tmp_path: Path) -> None:
    root = project(tmp_path, {"docs/index.md": SESSIONS})
    report = check(root)
    assert found(report) == []
    assert report.stats.extra["executed"]["passed"] == 4


def test_session_block_starts_each_block_fresh(tmp_path: Path) -> None:
    root = project(tmp_path, {"docs/index.md": SESSIONS})
    assert found(check(root, session="block")) == [
        f"docs/index.md:10:{col(7, 1)}: code/runtime-error Python block raised NameError: "
        "name 'x' is "
        "not defined"
    ]


def test_sessions_stay_per_page_when_pages_run_in_parallel(tmp_path: Path) -> None:
    pages = {}
    for number in range(12):
        pages[f"docs/page{number}.md"] = (
            f"```python\nimport time\nvalue = {number}\ntime.sleep(0.01)\n```\n\n"
            f"```python\nprint(value)\n#> {number}\n```\n"
        )
    root = project(tmp_path, pages)
    report = check(root, jobs=3)
    assert found(report) == []
    assert report.stats.extra["executed"]["passed"] == 24


# -- markers --------------------------------------------------------------------------------------


def test_markers_skip_and_count_their_reasons(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python {test="skip"}
            raise RuntimeError("not run")
            ```

            ```python {test="skip" lint="skip"}
            raise RuntimeError("not run")
            ```

            ```python {docgates="skip"}
            raise RuntimeError("not run")
            ```

            <!-- docgates: skip -->
            ```python
            raise RuntimeError("not run")
            ```

            ```python {requires="3.99"}
            raise RuntimeError("not run")
            ```

            ```python {lint="skip"}
            print("lint skip alone still runs")
            #> lint skip alone still runs
            ```
            """,
        },
    )
    report = check(root)
    assert found(report) == []
    assert report.stats.extra["executed"] == {
        "run": 1,
        "passed": 1,
        "failed": 0,
        "cached": 0,
        "skipped": 5,
        "skip_reasons": {
            "<!-- docgates: skip -->": 1,
            'docgates="skip"': 1,
            "requires Python 3.99": 1,
            'test="skip"': 1,
            'test="skip" lint="skip"': 1,
        },
    }


def test_expect_error_passes_only_if_the_block_raises(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python {docgates="expect-error"}
            1 / 0
            ```

            ```python {docgates="expect-error"}
            1 / 1
            ```

            ```python {test="xfail"}
            1 / 1
            ```
            """,
        },
    )
    assert found(check(root)) == [
        'docs/index.md:5:1: code/did-not-raise Python block is marked docgates="expect-error" '
        "but ran without raising",
        'docs/index.md:9:1: code/did-not-raise Python block is marked test="xfail" but ran '
        "without raising",
    ]


def test_blocks_opt_in_when_the_site_does_not_run_them(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python
            raise RuntimeError("not run: execution is off")
            ```

            ```python exec="on"
            raise RuntimeError("markdown-exec block")
            ```

            ```python {docgates="run"}
            raise RuntimeError("docgates block")
            ```
            """,
        },
        config="site_name: T\nmarkdown_extensions:\n  - attr_list\n  - pymdownx.superfences:\n"
        "      relaxed_headers: true\n",
    )
    assert found(check(root, cache=False)) == [
        "docs/index.md:6:1: code/runtime-error Python block raised RuntimeError: "
        "markdown-exec block",
        "docs/index.md:10:1: code/runtime-error Python block raised RuntimeError: docgates block",
    ]


def test_inside_a_build_markdown_exec_blocks_are_left_to_markdown_exec(tmp_path: Path) -> None:
    # markdown-exec runs exec="on" blocks in the build's own process and folder (a credits
    # page reading pyproject.toml works there, not in docgates' folder): compiled, not re-run.
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            ```python exec="on"
            open("pyproject.toml").read()
            ```

            ```python exec="on"
            def broken(:
            ```

            ```python {docgates="run"}
            raise RuntimeError("docgates block")
            ```
            """,
        },
        config="site_name: T\nmarkdown_extensions:\n  - attr_list\n  - pymdownx.superfences:\n"
        "      relaxed_headers: true\nplugins:\n  - markdown-exec\n",
    )
    loaded = load_project(root)
    engine = Engine(loaded, loaded.settings({"code": {"cache": False}}))
    report = engine.check(["code"], extras={"exec_in_build": True})
    assert [(f.path, f.line, f.rule) for f in report.findings] == [
        ("docs/index.md", 6, "code/syntax-error"),  # still compiled
        ("docs/index.md", 10, "code/runtime-error"),  # docgates="run" is docgates' own
    ]
    assert report.stats.extra["executed"]["skip_reasons"] == {
        'exec="on": markdown-exec runs it in this build': 2
    }
    assert any("2 Python blocks that markdown-exec runs" in n for n in report.notices)


def test_blocks_that_do_not_compile_are_not_run(tmp_path: Path) -> None:
    root = project(tmp_path, {"docs/index.md": "```python\nprint(1\n```\n"})
    report = check(root)
    assert [f.rule for f in report.findings] == ["code/syntax-error"]
    assert report.stats.extra["executed"]["skip_reasons"] == {"does not compile": 1}


# -- runtime errors -------------------------------------------------------------------------------


def test_a_runtime_error_points_at_the_innermost_frame_on_the_page(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": """\
            # Errors

            !!! note

                ```python
                def parse(text):
                    return int(text)
                ```

            Then:

            ```python
            values = ["1", "two"]
            total = sum(parse(v) for v in values)
            ```
            """,
        },
    )
    (finding,) = check(root).findings
    assert str(finding) == (
        f"docs/index.md:7:{col(16, 9)}: code/runtime-error Python block raised ValueError: "
        "invalid literal "
        "for int() with base 10: 'two'\n"
        "Traceback (most recent call last), on the page:\n"
        "  docs/index.md:14, in <module>: total = sum(parse(v) for v in values)\n"
        "  docs/index.md:14, in <genexpr>: total = sum(parse(v) for v in values)\n"
        "  docs/index.md:7, in parse: return int(text)"
    )


def test_a_runtime_error_in_included_code_points_at_the_included_file(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": '# Page\n\n```python\n--8<-- "example.py"\n```\n',
            "snippets/example.py": "first = 1\nsecond = first / 0\n",
        },
    )
    assert found(check(root)) == [
        f"snippets/example.py:2:{col(10, 1)}: code/runtime-error Python block raised "
        "ZeroDivisionError: "
        "division by zero"
    ]


def test_a_setup_file_runs_once_per_worker_before_the_pages(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "docs/index.md": (
                "```python\nimport datetime\nprint(datetime.date.today())\n#> 2032-01-02\n```\n"
            ),
            "setup_docs.py": (
                "import datetime\n\n\nclass Fixed(datetime.date):\n    @classmethod\n"
                "    def today(cls):\n        return datetime.date(2032, 1, 2)\n\n\n"
                "datetime.date = Fixed\n"
            ),
        },
    )
    assert found(check(root, setup="setup_docs.py")) == []


def test_a_broken_setup_file_is_a_config_error(tmp_path: Path) -> None:
    from docgates._core.errors import ConfigError

    root = project(
        tmp_path,
        {
            "docs/index.md": "```python\npass\n```\n",
            "setup_docs.py": "import not_a_module_at_all\n",
        },
    )
    with pytest.raises(ConfigError, match="the setup file raised ModuleNotFoundError"):
        check(root, setup="setup_docs.py")
    with pytest.raises(ConfigError, match="does not exist"):
        check(root, setup="missing.py")
