"""Benchmark: `docgates check --only code --execute` on 500 pages x 5 Python blocks.

Compared side by side, in one run, with the floor: a bare loop that reads each page, cuts out
its Python fences, forks one child per page and runs the page's blocks there (one namespace,
output thrown away, no checks), as a Python process of its own just as docgates is. docgates
does more on top (it parses the Markdown as MkDocs does, compiles, runs in a worker pool with
timeouts, captures and compares the output of every block), with its cache off.

Target: docgates <= 1.5x the floor. Run:  python bench/bench_execute.py [--pages 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import measure, print_table, python, which

CONFIG = """\
site_name: Bench
markdown_extensions:
  - admonition
  - pymdownx.superfences
"""

FLOOR = r"""
import io
import os
import sys
from pathlib import Path

pages = 0
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    blocks, current = [], None
    for line in path.read_text("utf-8").split("\n"):
        if current is None and line.startswith("```python"):
            current = []
        elif current is not None and line.startswith("```"):
            blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    pid = os.fork()
    if pid == 0:
        sys.stdout = io.StringIO()
        namespace = {"__name__": "__main__"}
        for block in blocks:
            exec(compile(block, str(path), "exec"), namespace)
        os._exit(0)
    os.waitpid(pid, 0)
    pages += 1
print(pages)
"""


def make_block(page: int, n: int, price: int, count: int) -> str:
    """A typical documentation example: imports, a small class, a computation, its output."""
    if n == 0:
        return (
            "from dataclasses import dataclass, field\n\n\n"
            "@dataclass\n"
            f"class Item{page}:\n"
            "    name: str\n"
            "    price: float\n"
            "    tags: list[str] = field(default_factory=list)\n\n\n"
            f"items = [Item{page}(f'item-{{i}}', {price} * i) for i in range({count})]\n"
            "print(len(items))\n"
            f"#> {count}"
        )
    if n == 1:
        total = sum(price * i for i in range(count))
        return f"total = sum(item.price for item in items)\nprint(total)\n#> {total}"
    if n == 2:
        names = [f"item-{i}" for i in range(count)]
        return (
            "import json\n\n"
            "data = json.dumps([item.name for item in items])\n"
            "print(data)\n"
            f"#> {repr(names).replace(chr(39), chr(34))}"
        )
    if n == 3:
        return (
            "def describe(item):\n"
            "    return f'{item.name}: {item.price:.2f}'\n\n\n"
            "for item in items[:2]:\n"
            "    print(describe(item))\n"
            f"    #> item-0: {0:.2f}\n"
            f"    #> item-1: {price:.2f}"
        )
    return (
        "from collections import Counter\n\n"
        "counts = Counter(len(item.name) for item in items)\n"
        "print(sorted(counts.items()))\n"
        f"#> [(6, {count})]"
    )


def make_page(rng: random.Random, index: int) -> str:
    parts = [f"# Page {index}\n", "Some prose about the example below.\n"]
    price, count = rng.randint(1, 9), rng.randint(2, 6)
    for n in range(5):
        parts.append(f"```python\n{make_block(index, n, price, count)}\n```\n")
        parts.append("More prose, with `inline code`.\n")
    return "\n".join(parts)


def build(root: Path, pages: int) -> None:
    rng = random.Random(42)
    (root / "mkdocs.yml").write_text(CONFIG)
    docs = root / "docs"
    docs.mkdir()
    for index in range(pages):
        (docs / f"page{index:04d}.md").write_text(make_page(rng, index))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    docgates = which("docgates")
    if docgates is None:
        sys.exit("docgates is not installed in this environment")
    with tempfile.TemporaryDirectory(prefix="bench-execute-") as tmp:
        root = Path(tmp)
        build(root, args.pages)
        check = [docgates, "check", "--only", "code", "--execute"]
        commands = {
            "floor (fork per page, no checks)": [python(), "-c", FLOOR, str(root / "docs")],
            "docgates --execute --no-cache": [*check, "--no-cache"],
            "docgates --execute --no-cache --jobs 1": [*check, "--no-cache", "--jobs", "1"],
            "docgates --execute (cache warm)": check,
        }
        results = measure(commands, root, args.rounds)
        blocks = args.pages * 5
        print_table(
            f"{args.pages} pages x 5 blocks ({blocks} blocks), median of {args.rounds}",
            results,
            "floor (fork per page, no checks)",
        )
        ratio = (
            results["docgates --execute --no-cache"] / results["floor (fork per page, no checks)"]
        )
        print(f"\ndocgates / floor = {ratio:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
