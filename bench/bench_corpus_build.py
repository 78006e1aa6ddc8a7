"""What docgates/code, links and structure add to `mkdocs build` of real sites.

Copies projects of ../shared/corpus-build (default: watchfiles and mkdocs-static-i18n) to
bench/.work/corpus-build with a venv each (pinned requirements plus this docgates), then builds
each one with and without the three plugins (listed after the project's own), alternating runs,
and prints the median times and their ratio (target: <= 1.10).

Two times per build: wall-clock, and the CPU time (user + system) of the build process. The
machine is shared: when other work runs, wall time mostly measures waiting for a core, so the
CPU ratio is the steadier figure; read the load average printed beside them.

    python bench/bench_corpus_build.py [--runs 5] [--project NAME ...] [--config FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_build import CONFIGS, SHARED, build, prepare, write_config  # noqa: E402

WORK = ROOT / "bench" / ".work" / "corpus-build"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--project",
        action="append",
        help="corpus-build folder, or folder:config (warehouse:docs/mkdocs-user-docs.yml)",
    )
    parser.add_argument("--work", type=Path, default=WORK, help="where the copies and venvs go")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is not available")
        return 0
    projects = args.project or ["watchfiles", "mkdocs-static-i18n"]
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {_load()}")
    print(
        f"{'site':<40} {'wall without':>12} {'with':>7} {'ratio':>6}"
        f"   {'cpu without':>11} {'with':>6} {'ratio':>6}   load"
    )
    for spec in projects:
        project, _, config = spec.partition(":")
        config = config or CONFIGS[project][0]
        root = prepare(project, args.work, ROOT)
        plain = write_config(root, config, "none")
        gated = write_config(root, config, "after")
        for warm in (plain, gated):  # caches, bytecode
            build(root, warm, strict=False)
        wall: dict[str, list[float]] = {"without": [], "with": []}
        cpu: dict[str, list[float]] = {"without": [], "with": []}
        for _ in range(args.runs):
            for name, cfg in (("without", plain), ("with", gated)):
                started, used = time.perf_counter(), _children_cpu()
                result = build(root, cfg, strict=False)
                wall[name].append(time.perf_counter() - started)
                cpu[name].append(_children_cpu() - used)
                if result.returncode != 0:
                    print(result.stderr[-2000:])
                    return 1
        w0, w1 = (statistics.median(wall[k]) for k in ("without", "with"))
        c0, c1 = (statistics.median(cpu[k]) for k in ("without", "with"))
        name = project if config == CONFIGS[project][0] else f"{project}:{Path(config).name}"
        print(
            f"{name:<40} {w0:>11.2f}s {w1:>6.2f}s {w1 / w0:>5.3f}x"
            f"   {c0:>10.2f}s {c1:>5.2f}s {c1 / c0:>5.3f}x   {_load()}",
            flush=True,
        )
    print(f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
