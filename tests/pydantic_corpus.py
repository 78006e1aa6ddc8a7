"""Running the pydantic docs of ../shared/corpus the way pydantic's own tests do, and comparing
the verdict per fence with pytest-examples' (``pytest-examples-baseline.json``).

Shared by tests/test_execute_corpus.py and bench/bench_pydantic.py.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from docgates._core.checks.execute import last_execution
from docgates._core.engine import Engine
from docgates._core.execute import Execution
from docgates._core.project import load_project

SETUP = Path(__file__).parent / "data" / "pydantic_docs_setup.py"

#: What pydantic's tests/test_docs.py does, as docgates settings: each block on its own (only
#: ``group=`` blocks share), its mocks in a setup file, and its ``print_callback`` (the error
#: URLs' version) as an output replacement.
SETTINGS: dict[str, Any] = {
    "execute": True,
    "session": "block",
    "setup": str(SETUP),
    "output_replace": {r"(https://errors\.pydantic\.dev)/[^/]+/": r"\1/2/"},
}

#: Packages pydantic's docs examples import (pydantic's docs test environment has them).
NEEDED = ("pydantic", "devtools", "pytz", "sqlalchemy", "email_validator")

#: Fences where docgates and pytest-examples disagree, and why. In each, a ``print(...)`` whose
#: output the page shows never runs with pydantic 2.13.4 (the ``try`` does not raise, so the
#: ``except`` that prints is never entered); pytest-examples only checks prints that ran.
KNOWN_DIFFERENCES = {
    ("docs/concepts/experimental.md", 325): (
        "validate_json(..., experimental_allow_partial=True) no longer raises for the short "
        "last list item, so print(e) never runs"
    ),
    ("docs/concepts/types.md", 689): (
        "Model(car_owner=Owner(item=House(...)), ...) does not raise, so print(e) never runs; "
        "the output shown (fields 'wine' and 'cheese') belongs to another example"
    ),
    ("docs/errors/validation_errors.md", 227): (
        "Model(num=False) is valid (num=0j): no complex_type error is raised"
    ),
    ("docs/errors/validation_errors.md", 1727): (
        "a str Enum member passes Field(strict=True) for str: no string_sub_type error is raised"
    ),
}


def missing() -> list[str]:
    """What is missing to run the comparison (empty when it can run)."""
    gone = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if not gone:
        from importlib.metadata import version

        if version("pydantic") != "2.13.4":
            gone.append("pydantic==2.13.4")
    if sys.version_info[:2] != (3, 11):
        gone.append("Python 3.11 (the baseline's Python, for requires= markers)")
    return gone


def run(root: Path, *, cache: bool = False, jobs: int = 0) -> Execution:
    """Check the code of the docs with execution on, as ``docgates check --execute`` does."""
    project = load_project(root)
    settings = project.settings({"code": {**SETTINGS, "cache": cache, "jobs": jobs}})
    engine = Engine(project, settings)
    engine.check(["code"])
    execution = last_execution(engine)
    assert execution is not None
    return execution


def verdicts(execution: Execution) -> dict[tuple[str, int], str]:
    """``passed``/``failed``/``skipped`` for each Python fence, by (file, opening line)."""
    found: dict[tuple[str, int], str] = {}
    for page in execution.pages:
        for block, _reason in page.plan.skipped:
            found[(block.span.path, block.span.line)] = "skipped"
        for run_, verdict in zip(page.plan.runs, page.verdicts, strict=True):
            outcome = "passed" if verdict.passed else "failed"
            found[(run_.block.span.path, run_.block.span.line)] = outcome
    return found


def baseline(root: Path) -> dict[tuple[str, int], str]:
    data = json.loads((root / "pytest-examples-baseline.json").read_text())
    found: dict[tuple[str, int], str] = {}
    for example in data["examples"]:
        key = (example["file"], example["start_line"])
        # The devtools fence has two records: skipped in the docs test ("tested below") and
        # passed in its own test; its verdict is the pass.
        if found.get(key) != "passed":
            found[key] = example["pytest_examples"]
    return found


def differences(root: Path, execution: Execution) -> dict[tuple[str, int], tuple[str, str]]:
    """Fences whose verdicts differ: (pytest-examples, docgates)."""
    ours, theirs = verdicts(execution), baseline(root)
    return {
        key: (theirs.get(key, "absent"), ours.get(key, "absent"))
        for key in sorted({*ours, *theirs})
        if ours.get(key) != theirs.get(key)
    }
