"""JUnit XML: one test case per checked page, a failure per error finding.

CI systems that show JUnit results (GitLab, Jenkins, GitHub test reporters) then list each page
with its problems. Warnings are attached as ``system-out`` so they are visible but do not fail.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ..findings import Finding, Severity
from ..report import Report
from .text import format_finding

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even escaped (a NUL a block printed, a control character
in a file name)."""


def _xml(text: str) -> str:
    """``text`` with the characters XML cannot hold written as Python writes them (``\\x00``)."""
    return _NOT_XML.sub(lambda m: repr(m.group(0))[1:-1], text)


def format_report(report: Report) -> str:
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_path[finding.path].append(finding)
    for path in report.stats.pages:
        by_path.setdefault(path, [])
    suite = ET.Element(
        "testsuite",
        name="docgates",
        tests=str(len(by_path)),
        failures=str(
            sum(1 for fs in by_path.values() if any(f.severity is Severity.ERROR for f in fs))
        ),
        errors="0",
        skipped="0",
        time=f"{report.stats.seconds:.3f}",
    )
    for path in sorted(by_path):
        case = ET.SubElement(suite, "testcase", classname="docgates", name=_xml(path), time="0")
        errors = [f for f in by_path[path] if f.severity is Severity.ERROR]
        others = [f for f in by_path[path] if f.severity is not Severity.ERROR]
        if errors:
            failure = ET.SubElement(
                case,
                "failure",
                message=_xml(
                    f"{len(errors)} error(s); first: {errors[0].rule} {errors[0].message}"
                ),
                type=errors[0].rule,
            )
            failure.text = _xml("\n".join(format_finding(f) for f in errors))
        if others:
            out = ET.SubElement(case, "system-out")
            out.text = _xml("\n".join(format_finding(f) for f in others))
    if report.notices:
        notes = ET.SubElement(suite, "system-out")
        notes.text = _xml("\n".join(f"note: {notice}" for notice in report.notices))
    root = ET.Element("testsuites", name="docgates")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
