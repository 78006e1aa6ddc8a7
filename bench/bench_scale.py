"""How the cost of `docgates check` grows with the size of the site.

Generates sites of 300, 3,000 and 10,000 pages (10 sections; headings, admonitions, content
tabs, a Python block or two, and about 15 links a page: cross-page links with and without
anchors, same-page anchors, images, URL-style links, external URLs; about 8% of them broken,
most close to a real target so that a "Did you mean" hint is due). For each size it runs,
alternating, round by round, each as a process of its own:

- the parse floor: markdown-it-py parsing the same pages;
- `docgates check --only links,structure` with ids rendered by the project's extensions
  (`anchor_ids: render`) and with docgates' own slug rules (`anchor_ids: source`);
- `docgates check --only code`;

and prints the median time, the peak memory (maximum resident set of the process tree's
largest process) and the ratio to the floor for each, then the growth of each from one size
to the next. With `--build` it also runs `mkdocs build` of the 3,000-page site with and without
the docgates/links and docgates/structure plugins (Material theme), alternating.

Targets (issue 13): at 3,000 pages links,structure <= 2x the floor; 300 -> 3,000 pages <= 12x
growth, 3,000 -> 10,000 <= 4x; peak memory at 10,000 pages < 500 MB.

    python bench/bench_scale.py [--sizes 300,3000,10000] [--rounds 3] [--build]
    python bench/bench_scale.py --generate DIR --sizes 3000   # write the sites and stop
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ENV, python, which

SECTIONS = (
    "getting-started",
    "tutorials",
    "guides",
    "concepts",
    "reference",
    "api",
    "deployment",
    "integrations",
    "operations",
    "community",
)
WORDS = [
    "cache",
    "client",
    "config",
    "server",
    "token",
    "route",
    "model",
    "schema",
    "query",
    "index",
    "plugin",
    "theme",
    "build",
    "deploy",
    "release",
    "migrate",
    "upgrade",
    "backup",
    "restore",
    "logging",
    "metrics",
    "tracing",
    "alerts",
    "storage",
    "network",
    "proxy",
    "secret",
    "policy",
    "role",
    "user",
    "group",
    "session",
    "cookie",
    "header",
    "request",
    "response",
    "stream",
    "worker",
    "queue",
    "scheduler",
    "timeout",
    "retry",
    "limit",
    "quota",
    "region",
    "cluster",
    "node",
    "volume",
    "snapshot",
    "template",
    "widget",
    "layout",
    "search",
    "filter",
    "export",
    "import",
    "webhook",
    "event",
    "hook",
]
VERBS = [
    "configure",
    "use",
    "install",
    "enable",
    "write",
    "run",
    "test",
    "debug",
    "tune",
    "secure",
    "extend",
    "monitor",
]

CONFIG = """\
site_name: Scale bench
theme:
  name: material
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
{nav}"""

FLOOR = r"""
import sys
from pathlib import Path
from markdown_it import MarkdownIt

md = MarkdownIt("commonmark")
tokens = 0
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    tokens += len(md.parse(path.read_text("utf-8")))
print(tokens)
"""


class Page:
    def __init__(self, uri: str, title: str, headings: list[str]) -> None:
        self.uri = uri
        self.title = title
        self.headings = headings


def slug(text: str) -> str:
    return "-".join(text.lower().split())


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        words = rng.sample(WORDS, rng.choice((2, 2, 3)))
        name = "-".join(words)
        if name not in used:
            used.add(name)
            return name


def plan(pages: int, seed: int = 13) -> list[Page]:
    """The pages of the site: a path in one of the sections, a title and headings."""
    rng = random.Random(seed)
    used: dict[str, set[str]] = {s: set() for s in SECTIONS}
    result = [Page("index.md", "Home", ["Overview", "Next steps"])]
    for n in range(pages - 1):
        section = SECTIONS[n % len(SECTIONS)]
        name = _name(rng, used[section])
        title = " ".join(name.split("-")).capitalize()
        headings = [f"{rng.choice(VERBS).capitalize()} the {w}" for w in rng.sample(WORDS, 4)] + [
            "Options",
            "Examples",
        ]
        result.append(Page(f"{section}/{name}.md", title, headings))
    return result


def _relative(target: str, page: str) -> str:
    import posixpath

    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def _typo(rng: random.Random, text: str) -> str:
    """A one-character slip: a dropped, doubled or swapped letter."""
    i = rng.randrange(1, max(2, len(text) - 1))
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _links(rng: random.Random, page: Page, site: list[Page]) -> list[str]:
    """About 15 links, about 8% of them broken (most with a close match to hint at)."""
    out: list[str] = []
    for _ in range(4):
        other = rng.choice(site)
        out.append(f"[{other.title}]({_relative(other.uri, page.uri)})")
    for _ in range(4):
        other = rng.choice(site)
        heading = rng.choice(other.headings)
        out.append(f"[{heading}]({_relative(other.uri, page.uri)}#{slug(heading)})")
    for _ in range(2):
        heading = rng.choice(page.headings)
        out.append(f"[{heading}](#{slug(heading)})")
    out.append(f"![diagram]({_relative('img/diagram.png', page.uri)})")
    other = rng.choice(site[1:])
    url = _relative(other.uri[:-3], page.uri) + "/"
    out.append(f"[{other.title}]({'../' + url if page.uri != 'index.md' else url})")
    out.append(f"[upstream](https://example.com/{slug(page.title)})")
    while len(out) < 15:
        other = rng.choice(site)
        out.append(f"[{other.title}]({_relative(other.uri, page.uri)})")
    for i in range(len(out)):
        if rng.random() >= 0.08:
            continue
        other = rng.choice(site[1:])
        heading = rng.choice(other.headings)
        kind = rng.randrange(6)
        target = _relative(other.uri, page.uri)
        if kind == 0:  # a typo in the page name
            folder, _, name = target.rpartition("/")
            out[i] = f"[typo]({folder}/{_typo(rng, name[:-3])}.md)"
        elif kind == 1:  # a page that never existed
            out[i] = (
                f"[gone]({_relative('attic/removed-' + str(rng.randrange(10**6)), page.uri)}.md)"
            )
        elif kind == 2:  # a typo in the anchor
            out[i] = f"[anchor typo]({target}#{_typo(rng, slug(heading))})"
        elif kind == 3:  # GitHub's underscore-free slug of a repeated heading
            out[i] = f"[second examples]({target}#examples-1)"
        elif kind == 4:  # an anchor in the wrong case
            out[i] = f"[case]({target}#{slug(heading).title()})"
        else:  # the wrong folder
            other_section = rng.choice(SECTIONS)
            out[i] = f"[folder](../{other_section}/{other.uri.rsplit('/', 1)[-1]})"
    return out


def _code(rng: random.Random, n: int) -> str:
    body = [f"def handler_{n}(value: int) -> int:"]
    body += [
        f"    value = value * {i + 1} + {rng.randrange(100)}" for i in range(rng.randint(2, 6))
    ]
    body.append("    return value" if rng.random() > 0.02 else "    return value +")
    return "```python\n" + "\n".join(body) + "\n```\n"


def render_page(rng: random.Random, n: int, page: Page, site: list[Page]) -> str:
    links = _links(rng, page, site)
    per = -(-len(links) // len(page.headings))
    parts = [f"# {page.title}\n", f"An introduction to {page.title.lower()}.\n"]
    for h, heading in enumerate(page.headings):
        level = 3 if h == 2 and rng.random() < 0.5 else 2
        if h == 1 and rng.random() < 0.03:
            level = 4  # a skipped level, now and then
        parts.append(f"{'#' * level} {heading}\n")
        chunk = links[h * per : (h + 1) * per]
        parts.append(
            "Some prose that reads like documentation, with `code`, **bold** and "
            + ", ".join(chunk)
            + ".\n"
        )
        if h == 1:
            parts.append(_code(rng, n))
        elif h == 3:
            parts.append('!!! note "Remember"\n\n    An admonition with ' + "a line of text.\n")
            parts.append(
                '=== "pip"\n\n    ```bash\n    pip install thing\n    ```\n\n'
                '=== "uv"\n\n    ```bash\n    uv add thing\n    ```\n'
            )
    if rng.random() < 0.3:
        parts.append("## Examples\n\nA second 'Examples' heading gets '#examples_1'.\n")
    return "\n".join(parts)


def generate(root: Path, pages: int) -> None:
    """Write a site of ``pages`` pages (and its configs) into ``root``."""
    rng = random.Random(pages)
    site = plan(pages)
    docs = root / "docs"
    (docs / "img").mkdir(parents=True, exist_ok=True)
    (docs / "img" / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for section in SECTIONS:
        (docs / section).mkdir(exist_ok=True)
    for n, page in enumerate(site):
        (docs / page.uri).write_text(render_page(rng, n, page, site), encoding="utf-8")
    listed = [p for p in site if rng.random() > 0.02]  # a few orphans
    nav = "".join(f"  - {p.uri}\n" for p in listed)
    configs = {
        "render.yml": "  - docgates/links:\n      anchor_ids: render\n  - docgates/structure\n",
        "source.yml": "  - docgates/links:\n      anchor_ids: source\n  - docgates/structure\n",
        "plain.yml": "",
    }
    for name, plugins in configs.items():
        (root / name).write_text(CONFIG.format(plugins=plugins, nav=nav), encoding="utf-8")
    (root / "floor.py").write_text(FLOOR, encoding="utf-8")


# -- measuring ------------------------------------------------------------------------------


def run(argv: Sequence[str], cwd: Path, ok: Sequence[int] = (0, 1)) -> tuple[float, float]:
    """Wall time and peak memory (MB: the largest resident set in the process tree)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{err.decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def commands(root: Path, *, render: bool = True) -> dict[str, list[str]]:
    docgates = which("docgates") or "docgates"
    check = [docgates, "check"]
    found = {
        "parse floor (markdown-it-py)": [python(), "floor.py", "docs"],
        "links,structure (ids rendered)": [
            *check,
            "--config",
            "render.yml",
            "--only",
            "links,structure",
        ],
        "links,structure (ids from source)": [
            *check,
            "--config",
            "source.yml",
            "--only",
            "links,structure",
        ],
        "code": [*check, "--config", "source.yml", "--only", "code"],
    }
    if not render:
        del found["links,structure (ids rendered)"]
    return found


def measure(root: Path, rounds: int, *, render: bool = True) -> dict[str, tuple[float, float]]:
    cmds = commands(root, render=render)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    peaks: dict[str, list[float]] = {name: [] for name in cmds}
    for argv in cmds.values():  # warm the file cache and the bytecode
        run(argv, root)
    for _ in range(rounds):
        for name, argv in cmds.items():
            seconds, peak = run(argv, root)
            times[name].append(seconds)
            peaks[name].append(peak)
    return {n: (statistics.median(times[n]), max(peaks[n])) for n in cmds}


def build(root: Path, rounds: int) -> None:
    mkdocs = [python(), "-m", "mkdocs", "build", "--strict", "-d", "out"]
    runs: dict[str, list[float]] = {"plain.yml": [], "source.yml": []}
    peaks: dict[str, float] = {}
    for _ in range(rounds):
        for config, times in runs.items():
            # --strict fails on the seeded broken links: exit 1 is expected with the plugins.
            seconds, peak = run([*mkdocs, "-f", config], root, ok=(0, 1))
            times.append(seconds)
            peaks[config] = max(peaks.get(config, 0.0), peak)
    plain, gated = (statistics.median(runs[c]) for c in runs)
    print(f"\nmkdocs build (Material), {rounds} round(s), median")
    print(f"  without the plugins                  {plain:8.2f} s  {peaks['plain.yml']:7.0f} MB")
    print(f"  with docgates/links + structure      {gated:8.2f} s  {peaks['source.yml']:7.0f} MB")
    print(f"  ratio                                {gated / plain:8.3f}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="300,3000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--build", action="store_true", help="also time mkdocs build")
    parser.add_argument("--build-pages", type=int, default=3000)
    parser.add_argument("--build-rounds", type=int, default=1)
    parser.add_argument(
        "--no-render", action="store_true", help="leave out the (slow) ids-rendered runs"
    )
    parser.add_argument("--generate", type=Path, help="write the sites into DIR and stop")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.generate:
        for size in sizes:
            generate(args.generate / f"site{size}", size)
            print(args.generate / f"site{size}")
        return
    results: dict[int, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for size in sizes:
            root = Path(tmp) / f"site{size}"
            generate(root, size)
            print(f"\n{size} pages (load average before: {load()})")
            results[size] = measure(root, args.rounds, render=not args.no_render)
            floor = results[size]["parse floor (markdown-it-py)"][0]
            print(f"{'command':<36} {'median s':>9} {'peak MB':>8} {'/ floor':>8}")
            for name, (seconds, peak) in results[size].items():
                print(f"{name:<36} {seconds:>9.3f} {peak:>8.0f} {seconds / floor:>7.2f}x")
            print(f"(load average after: {load()})")
        if len(sizes) > 1:
            print("\ngrowth of the median time from one size to the next")
            names = list(results[sizes[0]])
            print(
                f"{'command':<36} "
                + " ".join(f"{f'{a}->{b}':>12}" for a, b in itertools.pairwise(sizes))
            )
            for name in names:
                cells = [
                    results[b][name][0] / results[a][name][0] for a, b in itertools.pairwise(sizes)
                ]
                print(f"{name:<36} " + " ".join(f"{c:>11.2f}x" for c in cells))
        if args.build:
            root = Path(tmp) / f"site{args.build_pages}"
            if not root.exists():
                generate(root, args.build_pages)
            build(root, args.build_rounds)
    print(f"\nrounds: {args.rounds}; load average at the end: {load()}")


if __name__ == "__main__":
    main()
