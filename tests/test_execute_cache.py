"""The execution cache: passes are remembered, failures never; a corrupt cache is rebuilt."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from tests.execution import _stop_workers, check, found, project

__all__ = ["_stop_workers"]

PAGES = {
    "docs/a.md": (
        "```python\nimport os\nx = 1\nprint(x)\n#> 1\n```\n\n```python\nprint(x + 1)\n#> 2\n```\n"
    ),
    "docs/b.md": "```python\nraise ValueError('always fails')\n```\n",
}


def _executed(root: Path, **code: object) -> dict[str, object]:
    report = check(root, **{"cache": True, **code})
    executed = dict(report.stats.extra["executed"])
    executed["findings"] = found(report)
    return executed


def test_passes_are_cached_and_failures_run_again(tmp_path: Path) -> None:
    root = project(tmp_path, PAGES)
    first = _executed(root)
    assert (first["run"], first["passed"], first["cached"]) == (3, 2, 0)
    second = _executed(root)
    assert (second["run"], second["passed"], second["cached"]) == (3, 2, 2)
    assert (
        second["findings"]
        == first["findings"]
        == ["docs/b.md:2:1: code/runtime-error Python block raised ValueError: always fails"]
    )
    assert (root / ".docgates" / "cache" / "execute.sqlite3").is_file()


def test_a_changed_block_reruns_its_page(tmp_path: Path) -> None:
    root = project(tmp_path, PAGES)
    _executed(root)
    page = root / "docs" / "a.md"
    page.write_text(page.read_text().replace("x = 1", "x = 2"))
    again = _executed(root)
    assert again["cached"] == 0
    assert again["findings"][0] == (
        "docs/a.md:5:1: code/output-mismatch print() output differs from the page: "
        "expected '1', printed '2'"
    )


def test_no_cache_runs_everything(tmp_path: Path) -> None:
    root = project(tmp_path, PAGES)
    _executed(root)
    assert _executed(root, cache=False)["cached"] == 0


def test_a_changed_environment_reruns_everything(tmp_path: Path) -> None:
    root = project(tmp_path, PAGES)
    _executed(root)
    (root / "helper.py").write_text("VALUE = 1\n")  # on the blocks' sys.path: part of the key
    assert _executed(root)["cached"] == 0
    assert _executed(root)["cached"] == 2


def test_a_corrupt_cache_is_logged_and_rebuilt(tmp_path: Path) -> None:
    root = project(tmp_path, PAGES)
    database = root / ".docgates" / "cache" / "execute.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a database" * 100)
    report = check(root, cache=True)
    assert report.notices == [
        f"the execution cache '{database}' could not be read (file is not a database); rebuilt it"
    ]
    assert report.stats.extra["executed"]["passed"] == 2
    with contextlib.closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT count(*) FROM passed").fetchone() == (2,)
    assert check(root, cache=True).stats.extra["executed"]["cached"] == 2
