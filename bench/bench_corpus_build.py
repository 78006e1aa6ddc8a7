"""What docgates/code, links and structure add to `mkdocs build` of real sites.

Copies projects of ../shared/corpus-build (default: watchfiles and mkdocs-static-i18n) to
bench/.work/corpus-build with a venv each (pinned requirements plus this docgates), then builds
each one with and without the three plugins, alternating runs, and prints the median times and
their ratio (target: <= 1.10). The machine is shared: run it when it is quiet, and read the
load average it prints beside the figures.

    python bench/bench_corpus_build.py [--runs 5] [--project NAME ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_build import CONFIGS, SHARED, build, prepare, write_config  # noqa: E402

WORK = ROOT / "bench" / ".work" / "corpus-build"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--project", action="append", help="corpus-build folder (repeat for several)"
    )
    parser.add_argument("--work", type=Path, default=WORK, help="where the copies and venvs go")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is not available")
        return 0
    projects = args.project or ["watchfiles", "mkdocs-static-i18n"]
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'site':<28} {'without':>9} {'with':>9} {'ratio':>7}")
    for project in projects:
        root = prepare(project, args.work, ROOT)
        config = CONFIGS[project][0]
        plain = write_config(root, config, "none")
        gated = write_config(root, config, "after")
        for warm in (plain, gated):  # caches, bytecode
            build(root, warm, strict=False)
        times: dict[str, list[float]] = {"without": [], "with": []}
        for _ in range(args.runs):
            for name, cfg in (("without", plain), ("with", gated)):
                started = time.perf_counter()
                result = build(root, cfg, strict=False)
                times[name].append(time.perf_counter() - started)
                if result.returncode != 0:
                    print(result.stderr[-2000:])
                    return 1
        without, with_ = (statistics.median(times[k]) for k in ("without", "with"))
        print(f"{project:<28} {without:>8.2f}s {with_:>8.2f}s {with_ / without:>6.3f}x")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
