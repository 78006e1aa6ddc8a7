"""Benchmark: `docgates check --only code` on 500 pages x 5 Python blocks.

Compared side by side, in one run, with
- the floor: a bare loop of markdown-it-py parsing + compile() over the same files, run as a
  Python process of its own just as docgates is;
- pytest-examples in compile mode (its find_examples + compile), where installed.

Target: docgates <= 1.3x the floor. Run:  python bench/bench_code.py [--pages 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import measure, print_table, python, which

CONFIG = """\
site_name: Bench
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
"""

FLOOR = r"""
import sys
from pathlib import Path
from markdown_it import MarkdownIt

md = MarkdownIt("commonmark")
blocks = errors = 0
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    for token in md.parse(path.read_text("utf-8")):
        if token.type == "fence" and token.info.split()[:1] == ["python"]:
            blocks += 1
            try:
                compile(token.content, str(path), "exec")
            except SyntaxError:
                errors += 1
print(blocks, errors)
"""

PYTEST_EXAMPLES = r"""
import sys
from pathlib import Path
from pytest_examples import find_examples

blocks = errors = 0
for example in find_examples(Path(sys.argv[1])):
    if example.prefix in ("py", "python"):
        blocks += 1
        try:
            compile(example.source, str(example.path), "exec")
        except SyntaxError:
            errors += 1
print(blocks, errors)
"""


def make_block(rng: random.Random, n: int) -> str:
    lines = [f"def function_{n}(value: int) -> int:"]
    for i in range(rng.randint(3, 12)):
        lines.append(f"    value = value * {i + 1} + {rng.randint(0, 99)}")
    lines.append("    return value")
    lines.append("")
    lines.append(f"print(function_{n}({rng.randint(0, 9)}))")
    return "\n".join(lines)


def make_page(rng: random.Random, index: int) -> str:
    parts = [f"# Page {index}\n", "Some prose with a [link](other.md) and `code`.\n"]
    for n in range(5):
        code = make_block(rng, n)
        fence = f"```python\n{code}\n```\n"
        parts.append(f"## Section {n}\n\nText before the example.\n")
        # The floor (plain CommonMark) and pytest-examples only see top-level fences, so all
        # five blocks are top level: every tool compiles the same 2,500 blocks.
        parts.append(fence)
    return "\n".join(parts)


def generate(root: Path, pages: int) -> None:
    rng = random.Random(42)
    (root / "mkdocs.yml").write_text(CONFIG)
    docs = root / "docs"
    for index in range(pages):
        folder = docs / f"section{index % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page{index}.md").write_text(make_page(rng, index))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.pages)
        (root / "floor.py").write_text(textwrap.dedent(FLOOR))
        commands = {
            "floor (markdown-it + compile)": [python(), "floor.py", "docs"],
            "docgates check --only code": [
                which("docgates") or "docgates",
                "check",
                "--only",
                "code",
            ],
            "docgates check --only code --jobs 1": [
                which("docgates") or "docgates",
                "check",
                "--only",
                "code",
                "--jobs",
                "1",
            ],
        }
        if importlib.util.find_spec("pytest_examples"):
            (root / "pe.py").write_text(textwrap.dedent(PYTEST_EXAMPLES))
            commands["pytest-examples (compile mode)"] = [python(), "pe.py", "docs"]
        else:
            print("pytest-examples not installed: skipped (pip install pytest-examples)")
        results = measure(commands, root, args.rounds)
        print_table(
            f"{args.pages} pages x 5 Python blocks, median of {args.rounds} rounds",
            results,
            "floor (markdown-it + compile)",
        )
        ratio = results["docgates check --only code"] / results["floor (markdown-it + compile)"]
        print(f"\ndocgates / floor = {ratio:.2f}x (target <= 1.30x)")


if __name__ == "__main__":
    main()
