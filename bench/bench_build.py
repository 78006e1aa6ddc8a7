"""What docgates/links and docgates/structure add to `mkdocs build` (no external checking).

Generates a 300-page Material site (headings, content tabs, admonitions, cross-page anchor
links, images, a nav) under bench/.work/site300, builds it with and without the two plugins,
alternating runs, and prints the median times and their ratio (target: <= 1.10).

    python bench/bench_build.py [--pages 300] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work" / "site300"

CONFIG = """\
site_name: Bench
theme: material
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - toc:
      permalink: true
plugins:
  - search
{plugins}nav:
{nav}
"""

PAGE = """\
# Page {n}

Introduction to page {n}, with a link to [the next page](page{next}.md#usage) and to
[its configuration](page{prev}.md#configuration-options), and back to the [top](#page-{n}).

## Usage

Some text with `code`, **bold** and a [section link](#details-{n}).

```python
def handler_{n}(value: int) -> int:
    return value * {n}
```

!!! note "Remember"

    Admonitions hold text and [links](page{next}.md) too.

=== "pip"

    ```bash
    pip install package-{n}
    ```

=== "conda"

    ```bash
    conda install package-{n}
    ```

## Configuration options

| Option | Default |
|---|---|
| `alpha` | `1` |
| `beta` | `2` |

![diagram](img/diagram.png)

### Details {{#details-{n}}}

{filler}

## Examples

{filler}
"""


def generate(pages: int) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    docs = WORK / "docs"
    (docs / "img").mkdir(parents=True)
    (docs / "img" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    filler = "\n\n".join(
        f"Paragraph {i} of filler text that reads like documentation, with a few words more."
        for i in range(8)
    )
    for n in range(pages):
        text = PAGE.format(n=n, next=(n + 1) % pages, prev=(n - 1) % pages, filler=filler)
        (docs / f"page{n}.md").write_text(text, encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\n[first](page0.md)\n", encoding="utf-8")
    nav = "  - index.md\n" + "".join(f"  - page{n}.md\n" for n in range(pages))
    for name, plugins in (
        ("plain.yml", ""),
        ("gated.yml", "  - docgates/links\n  - docgates/structure\n"),
    ):
        (WORK / name).write_text(CONFIG.format(plugins=plugins, nav=nav), encoding="utf-8")


def build(config: str) -> tuple[float, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", "out"],
        cwd=WORK,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"mkdocs build -f {config} failed:\n{result.stderr}")
    return elapsed, result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    generate(args.pages)
    build("plain.yml")  # warm the file system cache and the bytecode
    build("gated.yml")
    plain: list[float] = []
    gated: list[float] = []
    for _ in range(args.runs):
        plain.append(build("plain.yml")[0])
        gated.append(build("gated.yml")[0])
    base, with_gates = statistics.median(plain), statistics.median(gated)
    print(f"mkdocs build of {args.pages + 1} pages (Material), median of {args.runs} runs")
    print(f"  without docgates plugins        {base:7.2f} s")
    print(f"  with docgates/links + structure {with_gates:7.2f} s")
    print(f"  ratio                           {with_gates / base:7.3f}  (target <= 1.10)")


if __name__ == "__main__":
    main()
