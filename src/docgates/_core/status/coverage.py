"""Read coverage.py data: a JSON report (format 3, or 2), Cobertura XML, or a ``.coverage`` file.

Line and branch figures are kept apart (statements/missing, branches/partial/missing branches);
the combined percentage is computed as coverage.py computes it. A ``.coverage`` data file is
read through coverage.py's own API (``Coverage.load`` + ``json_report``), so the figures are
exactly the ones ``coverage report`` prints, with the project's own coverage configuration.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..source import relpath
from .model import CoverageReport, FileCoverage
from .xmlread import XmlError, parse_file

MAX_JSON_BYTES = 512 * 1024 * 1024
COVERAGE_CONFIGS = (".coveragerc", "setup.cfg", "tox.ini", "pyproject.toml")
"""Where coverage.py looks for its configuration, in its own order."""


class CoverageError(ValueError):
    """The input is not coverage data this reader understands; the message says why."""


def read_coverage(path: Path, root: Path) -> CoverageReport:
    """Read ``path`` (its format judged from its content), with paths relative to ``root``."""
    rel = relpath(path, root)
    with path.open("rb") as handle:
        head = handle.read(512)
    stripped = head.lstrip()
    if head.startswith(b"SQLite format 3\x00"):
        return _read_data_file(path, root, rel)
    if stripped.startswith(b"{"):
        return _read_json(path, root, rel)
    if stripped.startswith(b"<"):
        return _read_cobertura(path, root, rel)
    raise CoverageError(
        "not a coverage.py JSON report, a Cobertura XML report or a .coverage data file"
    )


# -- coverage json ---------------------------------------------------------------------------
def _read_json(path: Path, root: Path, rel: str, text: str | None = None) -> CoverageReport:
    if text is None:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise CoverageError(f"the file is larger than {MAX_JSON_BYTES:,} bytes")
        text = path.read_text("utf-8")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CoverageError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise CoverageError("not a coverage.py JSON report: nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise CoverageError("not a coverage.py JSON report: no 'files' mapping")
    meta: dict[str, Any] = data["meta"] if isinstance(data.get("meta"), dict) else {}
    fmt = meta.get("format")
    if fmt not in (2, 3):
        raise CoverageError(f"coverage JSON format {fmt!r} is not supported (2 or 3 is)")
    report = CoverageReport(
        source=rel,
        format="json",
        branch=bool(meta.get("branch_coverage")),
        timestamp=_local_time(meta.get("timestamp")),
    )
    for name, entry in data["files"].items():
        summary = entry.get("summary") if isinstance(entry, dict) else None
        if not isinstance(summary, dict):
            raise CoverageError(f"file '{name}' has no 'summary'")
        try:
            report.files.append(
                FileCoverage(
                    path=_display_path(str(name), root),
                    statements=_count(summary, "num_statements"),
                    missing=_count(summary, "missing_lines"),
                    excluded=_count(summary, "excluded_lines", required=False),
                    branches=_count(summary, "num_branches", required=False),
                    partial=_count(summary, "num_partial_branches", required=False),
                    missing_branches=_count(summary, "missing_branches", required=False),
                    line=_json_key_line(text, str(name)),
                )
            )
        except KeyError as exc:
            raise CoverageError(f"file '{name}': summary has no {exc}") from None
    report.files.sort(key=lambda f: f.path)
    return report


def _count(summary: dict[str, Any], key: str, *, required: bool = True) -> int:
    value = summary.get(key)
    if value is None and not required:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        if value is None:
            raise KeyError(key)
        raise CoverageError(f"'{key}' is {value!r}, not a count")
    return value


def _json_key_line(text: str, name: str) -> int:
    index = text.find(json.dumps(name) + ":")
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


# -- Cobertura XML ---------------------------------------------------------------------------
_CONDITIONS = re.compile(r"\((\d+)/(\d+)\)")


def _read_cobertura(path: Path, root: Path, rel: str) -> CoverageReport:
    try:
        tree = parse_file(path)
    except XmlError as exc:
        raise CoverageError(f"not valid XML: {exc}") from None
    if tree.tag != "coverage":
        raise CoverageError(f"the root element is <{tree.tag}>, not Cobertura's <coverage>")
    sources = [s.text.strip() for s in tree.iter("source") if s.text.strip()]
    stamp = tree.get("timestamp")
    report = CoverageReport(
        source=rel,
        format="cobertura",
        timestamp=_epoch_ms(stamp),
    )
    merged: dict[str, FileCoverage] = {}
    seen_lines: dict[str, set[int]] = {}
    for klass in tree.iter("class"):
        filename = klass.get("filename")
        if not filename:
            raise CoverageError(f"line {klass.line}: <class> has no filename")
        display = _display_path(_join_source(filename, sources), root)
        entry = merged.setdefault(display, FileCoverage(display, 0, 0, line=klass.line))
        lines = seen_lines.setdefault(display, set())
        for node in klass.iter("line"):
            number = _number(node.get("number"))
            if number is None or number in lines:
                continue  # a line listed by two classes (or methods) of one file counts once
            lines.add(number)
            executed = (_number(node.get("hits", "0")) or 0) > 0
            entry.statements += 1
            entry.missing += 0 if executed else 1
            if node.get("branch") == "true":
                match = _CONDITIONS.search(node.get("condition-coverage"))
                if match:
                    taken, total = int(match.group(1)), int(match.group(2))
                    entry.branches += total
                    entry.missing_branches += total - taken
                    if executed and taken < total:
                        entry.partial += 1
    report.files = sorted(merged.values(), key=lambda f: f.path)
    report.branch = any(f.branches for f in report.files)
    return report


def _join_source(filename: str, sources: list[str]) -> str:
    if os.path.isabs(filename) or len(sources) != 1:
        return filename
    return os.path.join(sources[0], filename)


# -- .coverage data file ---------------------------------------------------------------------
def _read_data_file(path: Path, root: Path, rel: str) -> CoverageReport:
    try:
        import coverage
    except ImportError:
        raise CoverageError(
            "reading a .coverage data file needs coverage.py: pip install 'docgates[status]'"
        ) from None
    config: str | bool = False
    for name in COVERAGE_CONFIGS:
        if (root / name).is_file():
            config = str(root / name)
            break
    with (
        tempfile.TemporaryDirectory() as tmp,
        warnings.catch_warnings(record=True),
        _working_folder(root),
    ):
        # coverage.py's own warnings ("module never imported") are about the test run.
        warnings.simplefilter("always")
        out = Path(tmp) / "coverage.json"
        try:
            # plugins=: coverage.py would import the plugins its config file names.
            cov = coverage.Coverage(
                data_file=str(path.resolve()), config_file=config, plugins=[_no_plugins]
            )
            cov.load()
            cov.json_report(outfile=str(out))
        except coverage.CoverageException as exc:
            raise CoverageError(f"coverage.py could not read it: {exc}") from None
        text = out.read_text("utf-8")
    report = _read_json(path, root, rel, text=text)
    report.format = "data"
    report.timestamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    for entry in report.files:
        entry.line = None
    return report


def _no_plugins(registry: Any) -> None:
    """coverage.py's plugin hook, registering nothing: the ``plugins`` a project's coverage
    config names are modules docgates would import, and it never imports what a config names
    (a file measured through a plugin is then reported as Python, or not at all)."""


_CWD_LOCK = threading.Lock()


@contextlib.contextmanager
def _working_folder(root: Path) -> Iterator[None]:
    """Run coverage.py from the project root, as ``coverage report`` is run there.

    coverage.py resolves relative file names (``relative_files = true``, which CI setups use
    to move data between jobs) against the working folder, and has no parameter for it.
    """
    with _CWD_LOCK:
        before = os.getcwd()
        os.chdir(root)
        try:
            yield
        finally:
            os.chdir(before)


# -- helpers ---------------------------------------------------------------------------------
def _display_path(name: str, root: Path) -> str:
    """Project-relative with ``/`` when the file is inside the project; otherwise as given."""
    if os.path.isabs(name):
        try:
            return Path(name).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return Path(name).as_posix()
    return name.replace("\\", "/")


def _local_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value)
        return (stamp if stamp.tzinfo else stamp.astimezone()).astimezone(timezone.utc)
    except (ValueError, OverflowError, OSError):  # out of range once in UTC
        return None


def _number(text: str) -> int | None:
    """A non-negative integer written in ASCII digits (``'²'.isdigit()`` is true too)."""
    return int(text) if text.isascii() and text.isdigit() else None


def _epoch_ms(text: str) -> datetime | None:
    number = _number(text)
    if number is None:
        return None
    try:
        return datetime.fromtimestamp(number / 1000, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def html_pages(folder: Path) -> dict[str, str]:
    """Map each source file to its page in coverage.py's HTML report, from the report's own
    ``status.json`` index (present since coverage.py 5)."""
    index = folder / "status.json"
    try:
        data = json.loads(index.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    pages: dict[str, str] = {}
    files = data.get("files") if isinstance(data, dict) else None
    for key, entry in (files or {}).items():
        info = entry.get("index") if isinstance(entry, dict) else None
        if not isinstance(info, dict):
            continue
        name = info.get("file") or info.get("relative_filename")
        url = info.get("url") or f"{key}.html"
        if isinstance(name, str) and isinstance(url, str) and (folder / url).is_file():
            pages[name.replace("\\", "/")] = url
    return pages
