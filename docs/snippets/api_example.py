"""Check a project from Python and print what docgates found."""

from pathlib import Path

import docgates

project = docgates.load_project(Path("."))
settings = project.settings()
report = docgates.check(project, settings, gates=["code"])

print(report.stats.checked, "blocks checked")
for finding in report.findings:
    print(finding.location, finding.rule, finding.message)
    if finding.severity is docgates.Severity.ERROR:
        print("  fails the build")
