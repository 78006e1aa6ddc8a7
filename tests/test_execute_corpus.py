"""The pydantic docs of ../shared/corpus, run the way pydantic runs them, fence by fence against
pytest-examples' verdicts (skipped without pydantic 2.13.4, its docs' extras or the corpus)."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from tests import pydantic_corpus
from tests.execution import _stop_workers

__all__ = ["_stop_workers"]


@pytest.mark.slow
@pytest.mark.corpus
def test_pydantic_verdicts_match_pytest_examples(corpus: Path) -> None:
    absent = pydantic_corpus.missing()
    if absent:
        pytest.skip(f"needs {', '.join(absent)}")
    root = corpus / "pydantic"
    execution = pydantic_corpus.run(root)
    ours = pydantic_corpus.verdicts(execution)
    assert collections.Counter(ours.values()) == {"passed": 483, "skipped": 84, "failed": 4}
    differences = pydantic_corpus.differences(root, execution)
    assert differences == dict.fromkeys(pydantic_corpus.KNOWN_DIFFERENCES, ("passed", "failed"))
    failing = sorted(
        (f.path, f.line, f.rule)
        for page in execution.pages
        for v in page.verdicts
        for f in v.findings
    )
    assert failing == [
        ("docs/concepts/experimental.md", 346, "code/output-mismatch"),
        ("docs/concepts/types.md", 801, "code/output-mismatch"),
        ("docs/errors/validation_errors.md", 239, "code/output-mismatch"),
        ("docs/errors/validation_errors.md", 1745, "code/output-mismatch"),
    ]
