"""Read JUnit XML reports (pytest, unittest-xml-reporting, Maven Surefire, Jest, go-junit-report).

Counts come from the ``<testcase>`` elements themselves, not from the suites' ``tests``/
``failures`` attributes, which runners fill in differently (or not at all). A case's outcome is
``error`` when it holds an ``<error>``, ``failed`` for a ``<failure>``, ``skipped`` for a
``<skipped>``, and ``passed`` otherwise.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from pathlib import Path

from .model import TestCase, TestReport
from .xmlread import Node, XmlError, parse_file

MESSAGE_LIMIT = 20_000
"""Characters of a failure message kept in the model; the pages truncate further."""


class JUnitError(ValueError):
    """A file that is XML but not a JUnit report, or not XML at all."""


def read_junit(path: Path, rel: str) -> tuple[list[TestCase], float, datetime | None]:
    """The test cases of one report, the suites' total time, and when they ran."""
    try:
        root = parse_file(path)
    except XmlError as exc:
        raise JUnitError(f"not valid XML: {exc}") from None
    if root.tag == "testsuites":
        suites = root.findall("testsuite")
    elif root.tag == "testsuite":
        suites = [root]
    else:
        raise JUnitError(f"the root element is <{root.tag}>, not <testsuites> or <testsuite>")
    cases = [_case(node, rel) for node in root.iter("testcase")]
    duration = 0.0
    if root.tag == "testsuites" and _float(root.get("time")) is not None:
        duration = _float(root.get("time")) or 0.0
    elif suites and all(_float(s.get("time")) is not None for s in suites):
        duration = sum(_float(s.get("time")) or 0.0 for s in suites)
    else:
        duration = sum(c.time for c in cases)
    stamps = [_time(s.get("timestamp")) for s in suites]
    known = [s for s in stamps if s is not None]
    return cases, duration, max(known) if known else None


def merge(reports: list[tuple[str, list[TestCase], float, datetime | None]]) -> TestReport:
    report = TestReport()
    for rel, cases, duration, stamp in reports:
        report.files.append(rel)
        report.cases.extend(cases)
        report.duration += duration
        if stamp is not None and (report.timestamp is None or stamp > report.timestamp):
            report.timestamp = stamp
    return report


def _case(node: Node, rel: str) -> TestCase:
    outcome, message, length = "passed", "", 0
    for tag, name in (("error", "error"), ("failure", "failed"), ("skipped", "skipped")):
        found = node.find(tag)
        if found is not None:
            outcome = name
            message, length = _message(found)
            break
    return TestCase(
        name=node.get("name") or "(unnamed)",
        classname=node.get("classname"),
        time=max(_float(node.get("time")) or 0.0, 0.0),
        outcome=outcome,
        message=message,
        file=rel,
        line=node.line,
        message_length=length,
    )


def _message(node: Node) -> tuple[str, int]:
    parts = [node.get("message").strip(), node.text.strip()]
    kind = node.get("type").strip()
    text = "\n\n".join(p for p in parts if p)
    if len(parts[0]) and parts[1].startswith(parts[0]):
        text = parts[1]
    if kind and kind not in text[:200]:
        text = f"{kind}: {text}" if text else kind
    return text[:MESSAGE_LIMIT], len(text)


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
    if stamp.tzinfo is None:
        stamp = stamp.astimezone()
    return stamp.astimezone(timezone.utc)
