"""The differential suite's long run, recording every disagreement instead of stopping.

``pytest tests/test_differential.py`` stops at the first disagreement and shrinks it; a long
run wants them all, counted by construct. Run from the repository root::

    python -m tests.differential_run material ok 10000 101 out.json

(setup ``material``, ``fenced`` or ``html``; ``ok`` for well-formed pages, ``mal`` for
malformed ones; pages; seed; where to write the pages that disagree). It prints the counts:
pages, pages Python-Markdown cannot render itself, disagreements, crashes, seconds.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.differential import RendererFailed, compare, strategies, write


def main(argv: list[str]) -> None:
    config, kind, count, number, out = argv
    # compare() arms a 10 s alarm; one that fires inside a garbage-collector callback is
    # swallowed, so the alarm repeats every second until compare() disarms it.
    signal.alarm = lambda s: signal.setitimer(signal.ITIMER_REAL, s, 1 if s else 0)  # type: ignore[assignment,return-value]
    stats = {"pages": 0, "failed_render": 0, "disagree": 0, "crash": 0}
    found: list[dict[str, Any]] = []
    start = time.time()

    @seed(int(number))
    @settings(
        max_examples=int(count),
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategies(malformed=kind == "mal"))
    def check(tree: list[Any]) -> None:
        page = write(tree)
        stats["pages"] += 1
        try:
            problems = compare(page, config)
        except RendererFailed:
            stats["failed_render"] += 1
            return
        except Exception as exc:  # a crash of docgates' model: recorded, the run goes on
            stats["crash"] += 1
            problems = [f"crash {type(exc).__name__}: {exc}"]
        else:
            if not problems:
                return
            stats["disagree"] += 1
        found.append(
            {"text": page.text, "problems": problems, "constructs": sorted(page.constructs)}
        )

    check()
    result = {**stats, "seconds": round(time.time() - start, 1)}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(
            {"stats": result, "found": found, "config": config, "seed": number}, handle, indent=1
        )
    print(config, kind, number, result)


if __name__ == "__main__":
    main(sys.argv[1:])
