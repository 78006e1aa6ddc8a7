"""Files docgates reads or edits keep what they hold: the execution cache sees data files, a
huge JUnit report is read in bounded memory, and ``init`` keeps CRLF and a BOM."""

from __future__ import annotations

import codecs
import os
import time
import tracemalloc
from pathlib import Path

from docgates import __version__
from docgates._core.init import InitOptions, apply, detect, plan
from docgates._core.status.junit import MESSAGE_LIMIT, read_junit
from tests.execution import CONFIG, check, found, project


def test_the_execution_cache_sees_the_data_files_a_block_reads(tmp_path: Path) -> None:
    # In: a block that prints a value from data.json (in the project, on pythonpath '.'),
    # run twice with the cache on, then data.json changes. Out: the second run comes from the
    # cache; after the change the block runs again and its stale output is reported.
    data = tmp_path / "data.json"
    data.write_text('{"answer": 42}')
    page = f"```python\nimport json\nprint(json.load(open({str(data)!r}))['answer'])\n#> 42\n```\n"
    config = CONFIG.replace("      cache: false\n", "      cache: true\n")
    root = project(tmp_path, {"docs/index.md": page}, config)
    assert found(check(root)) == []
    assert check(root).stats.extra["executed"]["cached"] == 1
    time.sleep(0.01)
    data.write_text('{"answer": 43}')
    report = check(root)
    assert report.stats.extra["executed"]["cached"] == 0
    assert [f.rule for f in report.findings] == ["code/output-mismatch"]


def test_pages_and_ignored_outputs_do_not_change_the_cache_key(tmp_path: Path) -> None:
    # In: a cached pass, then another page and a git-ignored report file change. Out: still
    # from the cache (pages are keyed on their own; outputs a run rewrites are not inputs).
    page = "```python\nprint(1)\n#> 1\n```\n"
    config = CONFIG.replace("      cache: false\n", "      cache: true\n")
    root = project(tmp_path, {"docs/index.md": page, "docs/other.md": "# Other\n"}, config)
    (root / ".gitignore").write_text("/reports/\n")
    (root / "reports").mkdir()
    assert found(check(root)) == []
    (root / "docs/other.md").write_text("# Other, edited\n")
    (root / "reports/junit.xml").write_text("<testsuite/>")
    assert check(root).stats.extra["executed"]["cached"] == 1


def test_a_huge_junit_report_is_read_in_bounded_memory(tmp_path: Path) -> None:
    # In: a 60 MB JUnit report whose bulk is captured output (system-out, failure texts).
    # Out: every case read, messages cut at MESSAGE_LIMIT, and the reader's peak Python memory
    # is a small fraction of the file (the old tree kept every byte, several times over).
    path = tmp_path / "junit.xml"
    chunk = "x" * 100_000
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?>\n<testsuites time="1.5"><testsuite name="s" time="1.5">\n')
        for i in range(300):
            out.write(f'<testcase classname="c" name="t{i}" time="0.005">')
            if i % 3 == 0:
                out.write(f'<failure message="boom {i}">{chunk}</failure>')
            out.write(f"<system-out>{chunk}</system-out></testcase>\n")
        out.write("</testsuite></testsuites>\n")
    assert path.stat().st_size > 40_000_000
    tracemalloc.start()
    try:
        cases, seconds, _ = read_junit(path, "junit.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(cases) == 300
    assert seconds == 1.5
    failed = [c for c in cases if c.outcome == "failed"]
    assert len(failed) == 100
    assert failed[0].message.startswith("boom 0\n\nxxx")
    assert len(failed[0].message) == MESSAGE_LIMIT
    assert failed[0].message_length > 100_000
    assert peak < 16_000_000, peak


def test_init_keeps_a_crlf_config_with_a_bom(tmp_path: Path) -> None:
    # In: an mkdocs.yml saved on Windows: UTF-8 BOM, CRLF endings, mode 0640.
    # Out: 'init' adds its plugins; the file still starts with the BOM, every line ends in
    # CRLF, and the mode is kept.
    config = tmp_path / "mkdocs.yml"
    config.write_bytes(codecs.BOM_UTF8 + b"site_name: Sample\r\nplugins:\r\n  - search\r\n")
    os.chmod(config, 0o640)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Sample\n")
    ctx = detect(tmp_path, InitOptions(), __version__)
    apply(ctx, plan(ctx))
    data = config.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"site_name: Sample\r\nplugins:\r\n  - search\r\n")
    assert b"  - docgates/code\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert oct(config.stat().st_mode & 0o777) == oct(0o640)
