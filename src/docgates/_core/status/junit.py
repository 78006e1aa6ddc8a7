"""Read JUnit XML reports (pytest, unittest-xml-reporting, Maven Surefire, Jest, go-junit-report).

Counts come from the ``<testcase>`` elements themselves, not from the suites' ``tests``/
``failures`` attributes, which runners fill in differently (or not at all). A case's outcome is
``error`` when it holds an ``<error>``, ``failed`` for a ``<failure>``, ``skipped`` for a
``<skipped>``, and ``passed`` otherwise.
"""

from __future__ import annotations

import math
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from .model import TestCase, TestReport
from .xmlread import MAX_XML_BYTES, XmlError, new_parser, run_parser

MESSAGE_LIMIT = 20_000
"""Characters of a failure message kept in the model; the pages truncate further."""


class JUnitError(ValueError):
    """A file that is XML but not a JUnit report, or not XML at all."""


def read_junit(path: Path, rel: str) -> tuple[list[TestCase], float, datetime | None]:
    """The test cases of one report, the suites' total time, and when they ran.

    The report is streamed: only what the pages show is kept (each case's name, time, outcome
    and the first :data:`MESSAGE_LIMIT` characters of its message), never the captured output
    (``system-out``, ``system-err``) that makes reports of hundreds of megabytes.
    """
    try:
        reader = _Reader(rel)
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_XML_BYTES:
                raise XmlError(f"the file is {size:,} bytes, more than the {MAX_XML_BYTES:,} read")
            reader.parse(handle)
    except XmlError as exc:
        raise JUnitError(f"not valid XML: {exc}") from None
    if reader.root not in ("testsuites", "testsuite"):
        raise JUnitError(f"the root element is <{reader.root}>, not <testsuites> or <testsuite>")
    cases = reader.cases
    suites = reader.suites
    if reader.root == "testsuites" and _float(reader.root_time) is not None:
        duration = _float(reader.root_time) or 0.0
    elif suites and all(_float(t) is not None for t, _ in suites):
        duration = sum(_float(t) or 0.0 for t, _ in suites)
    else:
        duration = sum(c.time for c in cases)
    stamps = [_time(stamp) for _, stamp in suites]
    known = [s for s in stamps if s is not None]
    return cases, duration, max(known) if known else None


class _Reader:
    """An expat handler that keeps the cases and the suites' time and timestamp only."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.root: str | None = None
        self.root_time: str | None = None
        self.suites: list[tuple[str | None, str | None]] = []
        self.cases: list[TestCase] = []
        self.depth = 0
        self.case: dict[str, str] | None = None
        self.case_line = 0
        self.case_depth = 0
        self.outcome: str | None = None
        self.outcome_depth = 0
        self.outcome_attrs: dict[str, str] = {}
        self.text: list[str] = []
        self.kept = 0
        self.length = 0

    def parse(self, handle: BinaryIO) -> None:
        parser = new_parser()
        self.parser = parser
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.chars
        run_parser(parser, handle)
        if self.root is None:  # pragma: no cover - expat reports "no element found" first
            raise XmlError("no element found")

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.root is None:
            self.root = tag
            if tag == "testsuites":
                self.root_time = attrib.get("time")
        if tag == "testsuite" and (
            self.depth == 1 or (self.depth == 2 and self.root == "testsuites")
        ):
            self.suites.append((attrib.get("time"), attrib.get("timestamp")))
        if tag == "testcase" and self.case is None:
            self.case, self.case_line, self.case_depth = (
                attrib,
                self.parser.CurrentLineNumber,
                self.depth,
            )
            self.outcome = None
        elif (
            self.case is not None
            and self.outcome is None
            and self.depth == self.case_depth + 1
            and tag in _OUTCOMES
        ):
            self.outcome, self.outcome_depth, self.outcome_attrs = tag, self.depth, attrib
            self.text, self.kept, self.length = [], 0, 0

    def chars(self, data: str) -> None:
        if self.outcome is not None and self.depth == self.outcome_depth:
            self.length += len(data)
            if self.kept < MESSAGE_LIMIT:
                self.text.append(data[: MESSAGE_LIMIT - self.kept])
                self.kept += len(self.text[-1])

    def end(self, tag: str) -> None:
        if self.outcome is not None and self.depth == self.outcome_depth:
            self.outcome_depth = -1  # its text is complete; a later sibling is not read
        if self.case is not None and self.depth == self.case_depth:
            self.cases.append(self._case())
            self.case = None
        self.depth -= 1

    def _case(self) -> TestCase:
        assert self.case is not None
        outcome, message, length = "passed", "", 0
        if self.outcome is not None:
            outcome = _OUTCOMES[self.outcome]
            message, length = _message(self.outcome_attrs, "".join(self.text), self.length)
        return TestCase(
            name=self.case.get("name") or "(unnamed)",
            classname=self.case.get("classname", ""),
            time=max(_float(self.case.get("time")) or 0.0, 0.0),
            outcome=outcome,
            message=message,
            file=self.rel,
            line=self.case_line,
            message_length=length,
        )


_OUTCOMES = {"error": "error", "failure": "failed", "skipped": "skipped"}


def merge(reports: list[tuple[str, list[TestCase], float, datetime | None]]) -> TestReport:
    report = TestReport()
    for rel, cases, duration, stamp in reports:
        report.files.append(rel)
        report.cases.extend(cases)
        report.duration += duration
        if stamp is not None and (report.timestamp is None or stamp > report.timestamp):
            report.timestamp = stamp
    return report


def _message(attrib: dict[str, str], body: str, length: int) -> tuple[str, int]:
    parts = [attrib.get("message", "").strip(), body.strip()]
    kind = attrib.get("type", "").strip()
    text = "\n\n".join(p for p in parts if p)
    if len(parts[0]) and parts[1].startswith(parts[0]):
        text = parts[1]
    if kind and kind not in text[:200]:
        text = f"{kind}: {text}" if text else kind
    # ``body`` was cut at MESSAGE_LIMIT while reading; ``length`` is how long it was.
    return text[:MESSAGE_LIMIT], len(text) + max(length - len(body), 0)


def _float(value: str | None) -> float | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _time(value: str | None) -> datetime | None:
    """An ISO timestamp; without an offset it is the CI machine's local time."""
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    try:
        if stamp.tzinfo is None:
            stamp = stamp.astimezone()
        return stamp.astimezone(timezone.utc)
    except (OverflowError, OSError, ValueError):  # 9999-12-31T23:59:59-05:00 is year 10000
        return None
