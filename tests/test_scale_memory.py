"""What a big run leaves to the garbage collector: no cycle per page, nothing left frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from docgates._core.engine import Engine
from docgates._core.parse import ParserSettings
from docgates._core.project import load_project
from docgates._core.pymd.page import parse_page
from tests.conftest import MakeProject

PAGE = """\
# Title

Some text with a [link](other.md#part) and `code`.

!!! note "Remember"

    An admonition with a [link](#title).

=== "pip"

    ```bash
    pip install thing
    ```

=== "uv"

    ```bash
    uv add thing
    ```

- a list
    - nested, with a [link](x.md)

> a quote

```python
print("hi")
```
"""


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_parsing_a_page_leaves_no_reference_cycles(
    make_project: MakeProject, collector_off: None
) -> None:
    project = load_project(make_project({"docs/index.md": PAGE}))
    settings = ParserSettings.from_options(project.markdown, inline=True)
    parse_page(PAGE, settings)  # compiles the patterns it needs once
    gc.collect()
    parsed = parse_page(PAGE, settings)
    assert parsed.root.children  # the page was parsed
    del parsed
    # Everything the parse made was freed by reference counting: nothing for the collector.
    assert gc.collect() == 0


def test_a_run_leaves_nothing_frozen_and_keeps_what_others_froze(
    make_project: MakeProject,
) -> None:
    root = make_project({"docs/index.md": PAGE, "docs/other.md": "# Other\n\n## Part\n"})
    project = load_project(root)
    report = Engine(project, project.settings()).check(["links", "structure"])
    assert [f.rule for f in report.findings if f.rule.startswith("links/")] == [
        "links/page-not-found"
    ]
    assert gc.get_freeze_count() == 0

    kept = [object() for _ in range(3)]  # a host that froze its own objects (a pre-fork server)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        again = Engine(project, project.settings()).check(["links", "structure"])
        assert gc.get_freeze_count() == frozen
        assert again.findings == report.findings
    finally:
        gc.unfreeze()
    del kept


def test_a_run_with_the_collector_off_finds_the_same(
    make_project: MakeProject, collector_off: None
) -> None:
    root = make_project({"docs/index.md": PAGE, "docs/other.md": "# Other\n\n## Part\n"})
    project = load_project(root)
    report = Engine(project, project.settings()).check(["links", "structure"])
    assert gc.get_freeze_count() == 0
    assert not gc.isenabled()
    assert [f.rule for f in report.findings if f.rule.startswith("links/")] == [
        "links/page-not-found"
    ]
