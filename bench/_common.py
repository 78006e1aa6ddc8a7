"""Shared helpers for the benchmarks: timing commands side by side and printing ratios."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# Bytecode is cached as on any installed system (a wheel install compiles it); some sandboxes
# set PYTHONDONTWRITEBYTECODE, which would make every run recompile every module from source.
ENV = {
    key: value
    for key, value in {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }.items()
    if key != "PYTHONDONTWRITEBYTECODE"
}


def time_command(argv: Sequence[str], cwd: Path, *, ok_codes: Sequence[int] = (0, 1)) -> float:
    """Wall time of one run of ``argv`` (raises if it exits with an unexpected code)."""
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in ok_codes:
        raise RuntimeError(f"{argv[0]} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return elapsed


def measure(commands: dict[str, Sequence[str]], cwd: Path, rounds: int) -> dict[str, float]:
    """Median wall time per command, the commands interleaved round by round."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():  # warm the file cache and bytecode once
        time_command(argv, cwd)
    for _ in range(rounds):
        for name, argv in commands.items():
            times[name].append(time_command(argv, cwd))
    return {name: statistics.median(values) for name, values in times.items()}


def print_table(title: str, results: dict[str, float], floor: str) -> None:
    base = results[floor]
    print(f"\n{title}")
    print(f"{'command':<40} {'median s':>10} {'ratio to floor':>15}")
    for name, seconds in results.items():
        print(f"{name:<40} {seconds:>10.3f} {seconds / base:>14.2f}x")


def python() -> str:
    return sys.executable


def which(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)
