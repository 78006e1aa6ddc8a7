"""The pytest front: ``pytest --docgates docs/``, one item per block, and pytest-xdist."""

from __future__ import annotations

import textwrap

import pytest

from tests.execution import _stop_workers

__all__ = ["_stop_workers"]

pytest_plugins = ["pytester"]

CONFIG = """\
site_name: Test
markdown_extensions:
  - attr_list
  - pymdownx.superfences
plugins:
  - docgates/code:
      timeout: 5
      cache: false
"""

PAGE = """\
# Page

```python
x = 20
```

```python
print(x + 1)
#> 22
```

```python {test="skip"}
raise RuntimeError("skipped")
```

```python
y = [
```

```pycon
>>> x * 2
40
```
"""


def _write(pytester: pytest.Pytester, pages: dict[str, str]) -> None:
    pytester.makefile(".yml", mkdocs=CONFIG)
    for name, text in pages.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_each_block_is_an_item_with_its_page_line(pytester: pytest.Pytester) -> None:
    _write(pytester, {"docs/index.md": PAGE, "README.md": "```python\nraise SystemExit(1)\n```\n"})
    result = pytester.runpytest("--docgates", "docs", "-v", "-rA", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "docs/index.md:3 PASSED*",
            "docs/index.md:7 FAILED*",
            'docs/index.md:12 SKIPPED (test="skip")*',
            "docs/index.md:16 FAILED*",
            "docs/index.md:20 PASSED*",
            "*_ Python block at docs/index.md:7 _*",
            "docs/index.md:9:1: code/output-mismatch print() output differs from the page: "
            "expected '22', printed '21'",
            "*_ Python block at docs/index.md:16 _*",
            "docs/index.md:17:5: code/syntax-error Python block does not compile: '[' was never "
            "closed: 'y = ['",
            "PASSED docs/index.md:3",
            "PASSED docs/index.md:20",
            'SKIPPED [1] docs/index.md: test="skip"',
            "FAILED docs/index.md:7 - docs/index.md:9:1: code/output-mismatch*",
            "FAILED docs/index.md:16 - docs/index.md:17:5: code/syntax-error*",
        ]
    )


def test_included_code_is_an_item_at_its_include_line(pytester: pytest.Pytester) -> None:
    config = CONFIG.replace(
        "  - pymdownx.superfences\n",
        "  - pymdownx.superfences\n  - pymdownx.snippets:\n      base_path: [snippets]\n",
    )
    pytester.makefile(".yml", mkdocs=config)
    (pytester.path / "docs").mkdir()
    (pytester.path / "snippets").mkdir()
    (pytester.path / "snippets" / "example.py").write_text("value = 1 / 0\n")
    (pytester.path / "snippets" / "block.md").write_text("Intro.\n\n```python\nx = 1 / 0\n```\n")
    (pytester.path / "docs" / "index.md").write_text(
        '# Page\n\n--8<-- "block.md"\n\n```python\n--8<-- "example.py"\n```\n'
    )
    result = pytester.runpytest("--docgates", "docs", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ Python block at docs/index.md:3 _*",
            "snippets/block.md:4:*: code/runtime-error Python block raised ZeroDivisionError: "
            "division by zero",
            "*_ Python block at docs/index.md:5 _*",
            "snippets/example.py:1:*: code/runtime-error Python block raised ZeroDivisionError: "
            "division by zero",
        ]
    )


def test_without_the_option_markdown_is_not_collected(pytester: pytest.Pytester) -> None:
    _write(pytester, {"docs/index.md": PAGE})
    result = pytester.runpytest("docs", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


@pytest.mark.slow
def test_xdist_keeps_each_pages_blocks_on_one_worker(pytester: pytest.Pytester) -> None:
    log = pytester.path / "runs.log"
    pages = {}
    for number in range(8):
        pages[f"docs/page{number}.md"] = (
            f"```python\nimport os\nvalue = {number}\n"
            f"with open({str(log)!r}, 'a') as f:\n"
            f"    f.write('page{number} ' + os.environ['PYTEST_XDIST_WORKER'] + '\\n')\n```\n\n"
            f"```python\nprint(value)\n#> {number}\n```\n\n"
            f"```python\nprint(value * 2)\n#> {number * 2}\n```\n"
        )
    _write(pytester, pages)
    result = pytester.runpytest_subprocess(
        "--docgates", "docs", "-n", "2", "-p", "no:cacheprovider", timeout=120
    )
    result.assert_outcomes(passed=24)
    runs = log.read_text().split()
    assert sorted(runs[::2]) == [f"page{n}" for n in range(8)]  # each page ran once
    assert set(runs[1::2]) == {"gw0", "gw1"}  # on both workers
