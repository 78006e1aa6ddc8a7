"""Benchmark: running pydantic's docs examples, docgates vs pydantic's own pytest-examples way.

On ../shared/corpus/pydantic (88 pages, 571 Python fences), side by side in one run:
- docgates: execution with pydantic's conventions (tests/pydantic_corpus.py: each block on its
  own, ``group=`` blocks together, a fixed clock, the error-URL version normalised), cache off;
- pytest-examples the way pydantic's tests/test_docs.py uses it: find_examples, lint (ruff and
  black) unless ``lint="skip"``, then run with the print check, with the same mocks; one pytest
  process, as pydantic runs it;
- pytest-examples without the lint, for reference (what running alone costs it).

Each is a process of its own. The peer runs with ``--peer-python`` (default: the venv in
bench/.work/peers when it exists, else this Python), so that it can have the tool versions of
the baseline (pytest-examples 0.0.15, ruff 0.12.9, black 24.10.0):

    python3.11 -m venv bench/.work/peers
    bench/.work/peers/bin/pip install pytest pytest-examples==0.0.15 ruff==0.12.9 \
        black==24.10.0 pydantic==2.13.4 pytest-mock devtools pytz sqlalchemy email-validator

It is skipped when pytest-examples, pytest-mock or pydantic is missing there.
Target: docgates <= 0.25x pytest-examples' wall time.
Run:  python bench/bench_pydantic.py [--rounds 1] [--peer-python PATH]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ENV, measure, print_table, python

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pydantic"

DOCGATES = r"""
import collections, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests import pydantic_corpus
execution = pydantic_corpus.run(Path(sys.argv[2]))
print(dict(collections.Counter(pydantic_corpus.verdicts(execution).values())))
"""

# pydantic's tests/test_docs.py way of running its docs examples with pytest-examples, written
# out here (the corpus holds the docs, not pydantic's tests).
PEER = r"""
import os
import re
import sys
from datetime import datetime
from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

DOCS = Path(os.environ["BENCH_DOCS"])
LINT = os.environ.get("BENCH_LINT") == "1"


class GroupGlobals:
    name = None
    module_dict = None

    def get(self, name):
        return self.module_dict if name is not None and name == self.name else None

    def set(self, name, module_dict):
        self.name = name
        self.module_dict = module_dict if name is not None else None


group_globals = GroupGlobals()


class MockedDatetime(datetime):
    @classmethod
    def now(cls, *args, tz=None, **kwargs):
        return datetime(2032, 1, 2, 3, 4, 5, 6, tzinfo=tz)


def print_callback(text):
    return re.sub(r"(https://errors.pydantic.dev)/.+?/", r"\1/2/", text)


@pytest.fixture(autouse=True)
def _cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("example", find_examples(DOCS), ids=str)
def test_docs_examples(example: CodeExample, eval_example: EvalExample, mocker):
    eval_example.print_callback = print_callback
    settings = example.prefix_settings()
    test, lint = settings.get("test", ""), settings.get("lint", "")
    if test.startswith("skip") and lint.startswith("skip"):
        pytest.skip("both running code and lint skipped")
    requires = settings.get("requires")
    if requires and sys.version_info < tuple(map(int, requires.split("."))):
        pytest.skip(f"requires python {requires}")
    group = settings.get("group")
    ignore = ["D", "T", "B", "C4", "E721", "Q001"]
    if "# ignore-above" in example.source:
        ignore.append("E402")
    if group:
        ignore.append("F821")
    eval_example.set_config(ruff_ignore=ignore, line_length=80, target_version="py39")
    if LINT and not lint.startswith("skip"):
        eval_example.lint(example)
    if test.startswith("skip"):
        pytest.skip("running code skipped")
    mocker.patch("datetime.datetime", MockedDatetime)
    mocker.patch("random.randint", return_value=3)
    module_dict = group_globals.get(group)
    # Plain asserts: the docs show AssertionError messages without pytest's explanation.
    if test == "no-print-intercept":
        result = eval_example.run(example, module_globals=module_dict, rewrite_assertions=False)
    else:
        result = eval_example.run_print_check(
            example, module_globals=module_dict, rewrite_assertions=False
        )
    group_globals.set(group, result)
"""


PEERS = Path(__file__).parent / ".work" / "peers" / "bin" / "python"


def peer_missing(peer: str) -> list[str]:
    """The peer's packages that ``peer`` (a Python) cannot import."""
    probe = (
        "import importlib.util, sys; "
        "print(*[n for n in sys.argv[1:] if not importlib.util.find_spec(n)])"
    )
    names = ("pytest_examples", "pytest_mock", "pydantic")
    result = subprocess.run(
        [peer, "-c", probe, *names], capture_output=True, text=True, check=False
    )
    return result.stdout.split() if result.returncode == 0 else list(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--peer-python", default=str(PEERS) if PEERS.exists() else python())
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"the corpus is not at {CORPUS}")
    sys.path.insert(0, str(ROOT))
    from tests import pydantic_corpus

    missing = pydantic_corpus.missing()
    if missing:
        sys.exit(f"docgates' run needs {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="bench-pydantic-") as tmp:
        work = Path(tmp)
        (work / "test_docs_peer.py").write_text(PEER)
        ENV["BENCH_DOCS"] = str(CORPUS / "docs")
        ENV["PYDANTIC_ERRORS_INCLUDE_URL"] = "false"
        commands = {
            "docgates (execute, no cache)": [python(), "-c", DOCGATES, str(ROOT), str(CORPUS)]
        }
        pytest_cmd = [args.peer_python, "-m", "pytest", "test_docs_peer.py", "-q"]
        pytest_cmd += ["-p", "no:cacheprovider"]
        absent = peer_missing(args.peer_python)
        if absent:
            print(f"pytest-examples skipped: {', '.join(absent)} not installed")
        else:
            commands["pytest-examples (lint + run, pydantic's way)"] = [
                "env",
                "BENCH_LINT=1",
                *pytest_cmd,
            ]
            commands["pytest-examples (run only)"] = ["env", "BENCH_LINT=0", *pytest_cmd]
        for name, argv in commands.items():  # what each found, once
            result = subprocess.run(
                argv, cwd=work, env=ENV, capture_output=True, text=True, check=False
            )
            last = (result.stdout.strip().splitlines() or [""])[-1]
            print(f"{name}: {re.sub(r'=+', '', last).strip()}")
        results = measure(commands, work, args.rounds)
    floor = "pytest-examples (lint + run, pydantic's way)"
    if floor not in results:
        floor = "docgates (execute, no cache)"
    print_table(f"pydantic docs, median of {args.rounds}", results, floor)
    if floor != "docgates (execute, no cache)":
        ratio = results["docgates (execute, no cache)"] / results[floor]
        print(f"\ndocgates / pytest-examples = {ratio:.3f}x (target <= 0.25x)")


if __name__ == "__main__":
    main()
