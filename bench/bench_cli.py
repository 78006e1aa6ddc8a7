"""Benchmark: `docgates check` (code, links, structure) on a 100-page site, as pre-commit runs it.

Three runs, each a process of its own (start-up included, as a hook pays it), interleaved:
- the whole site (``docgates check``, what ``pre-commit run --all-files`` costs);
- one changed page (``docgates check docs/p050.md``: the page, plus every page the reverse index
  finds linking to it or including it);
- the floor: ``python -c "import docgates.cli"`` (what any hook pays before reading a page).

Target: the whole-site run under 1 s. Run:  python bench/bench_cli.py [--pages 100] [--rounds 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import measure, print_table, python

CONFIG = """\
site_name: Bench
markdown_extensions:
  - admonition
  - attr_list
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [snippets]
  - toc:
      permalink: true
"""


def make_site(root: Path, pages: int) -> None:
    docs = root / "docs"
    (root / "snippets").mkdir(parents=True)
    docs.mkdir()
    (root / "snippets" / "shared.py").write_text("def helper(x):\n    return x * 2\n")
    nav = ["nav:"]
    for i in range(pages):
        name = f"p{i:03}.md"
        nav.append(f"  - {name}")
        previous, following = f"p{(i - 1) % pages:03}.md", f"p{(i + 1) % pages:03}.md"
        body = [
            f"# Page {i}",
            "",
            f"See [the previous page]({previous}#usage) and [the next one]({following}#details).",
            "",
        ]
        for section in ("Usage", "Details", "Examples"):
            body += [f"## {section}", "", "Some words about it, with `code` and *emphasis*.", ""]
            body += ["```python", f"value_{i} = {i}", "print(value_" + str(i) + ")", "```", ""]
        body += ['!!! note "Shared"', "", "    ```python", '    --8<-- "shared.py"', "    ```", ""]
        body += ['=== "One"', "", "    ```python", "    x = 1", "    ```", ""]
        (docs / name).write_text("\n".join(body))
    (root / "mkdocs.yml").write_text(CONFIG + "\n".join(nav) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, args.pages)
        check = [python(), "-m", "docgates", "check", "--jobs", "1"]
        commands = {
            "floor: import docgates.cli": [python(), "-c", "import docgates.cli"],
            f"docgates check ({args.pages} pages)": check,
            "docgates check docs/p050.md (+ reverse index)": [*check, "docs/p050.md"],
        }
        results = measure(commands, root, args.rounds)
    print_table(
        f"docgates check, {args.pages} pages, median of {args.rounds}", results, next(iter(results))
    )
    whole = results[f"docgates check ({args.pages} pages)"]
    verdict = "under" if whole < 1.0 else "OVER"
    print(f"\nwhole-site run: {whole:.3f} s, {verdict} the 1 s budget ({whole / 1.0:.2f}x of it)")


if __name__ == "__main__":
    main()
