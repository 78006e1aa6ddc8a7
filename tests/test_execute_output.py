"""Output checks in their three styles, normalisation where the page asks, and ``--update``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.execution import _stop_workers, check, found, project

__all__ = ["_stop_workers"]

# -- #> comments and """ blocks after print -------------------------------------------------------

COMMENTS = """\
# Prints

```python
data = {"b": 2, "a": 1}
print(sorted(data))
#> ['a', 'b']
for key in sorted(data):
    print(key, data[key])
    #> a 1
    #> b 2


def show(value):
    print("value:", value)
    #> value: 3


show(3)
print({"numbers": list(range(30)), "name": "a long enough value to need several lines"})
\"\"\"
{
    'numbers': [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
        22, 23, 24, 25, 26, 27, 28, 29,
    ],
    'name': 'a long enough value to need several lines',
}
\"\"\"
print({3, 1, 2})
#> {1, 2, 3}
```
"""


def test_print_comments_pass_when_right(tmp_path: Path) -> None:
    report = check(project(tmp_path, {"docs/index.md": COMMENTS}))
    assert found(report) == []
    assert report.stats.extra["executed"]["passed"] == 1


@pytest.mark.parametrize(
    ("wrong", "right", "expected"),
    [
        (
            "    #> b 2",
            "    #> b 3",
            "docs/index.md:10:5: code/output-mismatch print() output differs from the page: "
            "expected 'b 3', printed 'b 2'",
        ),
        (
            "#> ['a', 'b']",
            "#> ['b', 'a']",
            "docs/index.md:6:1: code/output-mismatch print() output differs from the page: "
            "expected \"['b', 'a']\", printed \"['a', 'b']\"",
        ),
        (
            "    'name': 'a long enough value to need several lines',",
            "    'name': 'a long enough value to need many lines',",
            "docs/index.md:26:5: code/output-mismatch print() output differs from the page: "
            "expected \"'name': 'a long enough value to need many lines',\", printed "
            "\"{'numbers': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18...\"",
        ),
        (
            "    #> value: 3\n",
            "",
            "docs/index.md:14:5: code/output-mismatch print() output is not on the page: "
            "printed 'value: 3'",
        ),
    ],
)
def test_print_comments_fail_at_the_line_that_differs(
    tmp_path: Path, wrong: str, right: str, expected: str
) -> None:
    page = COMMENTS.replace(wrong, right, 1)
    assert page != COMMENTS
    assert found(check(project(tmp_path, {"docs/index.md": page}))) == [expected]


def test_a_print_that_never_runs_cannot_show_output(tmp_path: Path) -> None:
    page = """\
    ```python
    try:
        int("12")
    except ValueError as exc:
        print(exc)
        #> invalid literal for int() with base 10: 'x'
    ```
    """
    assert found(check(project(tmp_path, {"docs/index.md": page}))) == [
        "docs/index.md:6:5: code/output-mismatch print() output differs from the page: "
        "expected \"invalid literal for int() with base 10: 'x'\", printed ''"
    ]


def test_blocks_without_expectations_are_not_output_checked(tmp_path: Path) -> None:
    page = "```python\nprint('anything')\n```\n"
    assert found(check(project(tmp_path, {"docs/index.md": page}))) == []


def test_no_print_intercept_turns_print_checks_off(tmp_path: Path) -> None:
    page = '```python {test="no-print-intercept"}\nprint(1)\n#> 2\n```\n'
    assert found(check(project(tmp_path, {"docs/index.md": page}))) == []


# -- output fences --------------------------------------------------------------------------------

FENCES = """\
# Fences

```python
print("one")
print("two")
```

```text
one
two
```

```python
print("three")
```

```output
three
```

```python
print("four")
```

```console title="Output"
four
```

```python
print("not checked: text follows")
```

Some text.

```text
this is not output
```
"""


def test_output_fences_pass_when_right(tmp_path: Path) -> None:
    report = check(project(tmp_path, {"docs/index.md": FENCES}))
    assert found(report) == []
    assert report.stats.extra["executed"]["passed"] == 4


@pytest.mark.parametrize(
    ("wrong", "right", "expected"),
    [
        (
            "one\ntwo\n```",
            "one\n2\n```",
            "docs/index.md:10:1: code/output-mismatch output differs from the output block "
            "after the code: expected '2', printed 'two'",
        ),
        (
            "three\n```",
            "three\nfour\n```",
            "docs/index.md:19:1: code/output-mismatch output differs from the output block "
            "after the code: expected 'four', printed ''",
        ),
        (
            'print("four")',
            'print("four")\nprint("five")',
            "docs/index.md:27:1: code/output-mismatch output has more lines than the output "
            "block after the code: 'five'",
        ),
    ],
)
def test_output_fences_fail_at_the_line_that_differs(
    tmp_path: Path, wrong: str, right: str, expected: str
) -> None:
    page = FENCES.replace(wrong, right, 1)
    assert found(check(project(tmp_path, {"docs/index.md": page}))) == [expected]


# -- >>> sessions ---------------------------------------------------------------------------------

SESSION = """\
# Sessions

```pycon
>>> items = [3, 1, 2]
>>> sorted(items)
[1, 2, 3]
>>> print("a\\n\\nb")
a
<BLANKLINE>
b
>>> def double(x):
...     return x * 2
...
>>> double(21)
42
>>> int("x")
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
ValueError: invalid literal for int() with base 10: 'x'
```

!!! note

    ```python
    >>> double(2)
    4
    ```
"""


def test_sessions_pass_when_right(tmp_path: Path) -> None:
    report = check(project(tmp_path, {"docs/index.md": SESSION}))
    assert found(report) == []
    assert report.stats.extra["executed"]["passed"] == 2


@pytest.mark.parametrize(
    ("wrong", "right", "expected"),
    [
        (
            "[1, 2, 3]",
            "[1, 2]",
            "docs/index.md:6:1: code/output-mismatch '>>>' output differs from the page: "
            "expected '[1, 2]', printed '[1, 2, 3]'",
        ),
        (
            "<BLANKLINE>\nb",
            "<BLANKLINE>\nc",
            "docs/index.md:10:1: code/output-mismatch '>>>' output differs from the page: "
            "expected 'c', printed 'b'",
        ),
        (
            "ValueError: invalid literal",
            "TypeError: invalid literal",
            "docs/index.md:19:1: code/output-mismatch '>>>' exception differs from the page: "
            "expected \"TypeError: invalid literal for int() with base 10: 'x'\", printed "
            "\"ValueError: invalid literal for int() with base 10: 'x'\"",
        ),
        (
            '>>> int("x")',
            '>>> int("1")',
            "docs/index.md:17:1: code/output-mismatch '>>>' output: the page shows a traceback, "
            "but the statement did not raise",
        ),
        (
            "    4\n",
            "    5\n",
            "docs/index.md:26:5: code/output-mismatch '>>>' output differs from the page: "
            "expected '5', printed '4'",
        ),
    ],
)
def test_sessions_fail_at_the_line_that_differs(
    tmp_path: Path, wrong: str, right: str, expected: str
) -> None:
    page = SESSION.replace(wrong, right, 1)
    assert found(check(project(tmp_path, {"docs/index.md": page}))) == [expected]


def test_an_unexpected_exception_in_a_session_is_a_runtime_error(tmp_path: Path) -> None:
    page = "```pycon\n>>> x = 1\n>>> x.missing\n1\n>>> print('not reached')\n```\n"
    assert found(check(project(tmp_path, {"docs/index.md": page}))) == [
        "docs/index.md:3:5: code/runtime-error '>>>' statement raised AttributeError: 'int' "
        "object has no attribute 'missing'"
    ]


# -- normalising only where the page asks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("expectation", "ok"),
    [
        ("#> <__main__.Thing object at 0x7f0000001234>", True),
        ("#> <__main__.Thing object at 0x0123456789ab>", True),
        ("#> <__main__.Thing object at ...>", True),
        ("#> <...Thing ...>", True),
        ("#> <__main__.Thing object>", False),
        ("#> <__main__.Other object at 0x7f0000001234>", False),
    ],
)
def test_addresses_and_ellipsis_match_only_where_the_page_has_them(
    tmp_path: Path, expectation: str, ok: bool
) -> None:
    page = f"```python\nclass Thing:\n    pass\n\n\nprint(Thing())\n{expectation}\n```\n"
    report = check(project(tmp_path, {"docs/index.md": page}))
    assert (found(report) == []) is ok


def test_output_replace_normalises_what_differs_between_versions(tmp_path: Path) -> None:
    page = (
        "```python\nimport sys\n\nprint(f'python {sys.version_info[0]}.{sys.version_info[1]}')\n"
        "#> python 3.x\n```\n"
    )
    root = project(tmp_path, {"docs/index.md": page})
    assert [f.rule for f in check(root).findings] == ["code/output-mismatch"]
    assert found(check(root, output_replace={r"3\.\d+": "3.x"})) == []


# -- --update -------------------------------------------------------------------------------------

STALE = """\
---
title: Update
---

# Update

```python
x = 2
print(x * 2)
#> 5
for word in ["a", "b"]:
    print(word)
print(list(range(5)))
```

!!! note "In a container"

    ```pycon
    >>> x + 1
    4
    >>> print("no output shown")
    >>> 1 / 0
    Traceback (most recent call last):
      ...
    KeyError: 'wrong'
    ```

```python
print("fresh")
```

```text
stale
lines
```

```python
print("right")
#> right
```
"""

FRESH = """\
---
title: Update
---

# Update

```python
x = 2
print(x * 2)
#> 4
for word in ["a", "b"]:
    print(word)
    #> a
    #> b
print(list(range(5)))
#> [0, 1, 2, 3, 4]
```

!!! note "In a container"

    ```pycon
    >>> x + 1
    3
    >>> print("no output shown")
    no output shown
    >>> 1 / 0
    Traceback (most recent call last):
      ...
    ZeroDivisionError: division by zero
    ```

```python
print("fresh")
```

```text
fresh
```

```python
print("right")
#> right
```
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_update_round_trips_and_touches_nothing_else(tmp_path: Path, newline: str) -> None:
    root = project(tmp_path, {})
    page = root / "docs" / "index.md"
    page.parent.mkdir()
    page.write_bytes(STALE.replace("\n", newline).encode())
    report = check(root, update_output=True)
    assert found(report) == []
    assert report.notices == ["updated 7 expected outputs in 'docs/index.md'"]
    expected = FRESH.replace("\n", newline).encode()
    assert page.read_bytes() == expected
    assert found(check(root)) == []
    before = page.read_bytes()
    assert found(check(root, update_output=True)) == []
    assert page.read_bytes() == before


def test_update_writes_long_output_as_a_block(tmp_path: Path) -> None:
    page = "```python\nprint('x' * 100)\n#> x\n```\n"
    root = project(tmp_path, {"docs/index.md": page})
    check(root, update_output=True)
    assert (root / "docs/index.md").read_text() == textwrap.dedent(
        '''\
        ```python
        print('x' * 100)
        """
        {}
        """
        ```
        '''
    ).format("x" * 100)
