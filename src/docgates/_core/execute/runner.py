"""Run planned pages: the cache first, then the worker pool, then the judge."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import CodeSettings
from ..document import Document
from ..errors import ConfigError
from ..progress import NULL, Progress, task
from .cache import ResultCache, environment_key
from .judge import Judge, Verdict, build_replacer
from .plan import PagePlan
from .pool import PoolConfig, get_pool

_MIB = 1024 * 1024


@dataclass
class PageOutcome:
    """What running one page gave: a verdict per run (in the plan's order)."""

    plan: PagePlan
    verdicts: list[Verdict] = field(default_factory=list)
    cached: bool = False


@dataclass
class Execution:
    """The outcome of running some pages, and what the user should hear about it."""

    pages: list[PageOutcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    """The pages that were planned (with or without blocks to run)."""


def execute(
    plans: list[PagePlan], settings: CodeSettings, root: Path, progress: Progress = NULL
) -> Execution:
    """Run the blocks ``plans`` hold (skipping pages the cache knows passed) and judge them."""
    done = Execution([PageOutcome(plan) for plan in plans if plan.skipped and not plan.runs])
    runnable = [plan for plan in plans if plan.runs]
    if not runnable:
        return done
    config = pool_config(settings, root)
    cache = ResultCache(root / settings.cache_dir) if settings.cache else None
    try:
        _run(done, runnable, settings, config, cache, progress)
    finally:
        if cache is not None:
            cache.close()
    order = {id(plan): position for position, plan in enumerate(plans)}
    done.pages.sort(key=lambda page: order[id(page.plan)])
    return done


def _run(
    done: Execution,
    runnable: list[PagePlan],
    settings: CodeSettings,
    config: PoolConfig,
    cache: ResultCache | None,
    progress: Progress,
) -> None:
    keys: dict[int, list[str]] = {}
    todo = runnable
    if cache is not None:
        environment = environment_key(
            pythonpath=[Path(p) for p in config.pythonpath],
            setup=Path(config.setup) if config.setup else None,
            extra={
                "output_replace": settings.output_replace,
                "memory_limit": settings.memory_limit,
                "max_output": settings.max_output,
                "max_processes": settings.max_processes,
                "pass_env": sorted(settings.pass_env),
            },
        )
        keys = {id(plan): plan.keys(environment) for plan in runnable}
        known = cache.known(key for plan_keys in keys.values() for key in plan_keys)
        todo = []
        for plan in runnable:
            if all(key in known for key in keys[id(plan)]):
                done.pages.append(PageOutcome(plan, [Verdict(True) for _ in plan.runs], True))
            else:
                todo.append(plan)
        if cache.problem:
            done.notices.append(cache.problem)
    if todo:
        extra = {
            "memory": settings.memory_limit * _MIB,
            "max_output": settings.max_output,
            "max_processes": settings.max_processes,
        }
        jobs = [plan.job(i, **extra) for i, plan in enumerate(todo)]
        with task(progress, "Running examples", len(todo)):
            results = get_pool(config).run(
                jobs, on_done=lambda ident: progress.advance(todo[ident].doc.rel)
            )
        replace = build_replacer(settings.output_replace)
        passed: list[str] = []
        for ident, plan in enumerate(todo):
            judge = Judge(plan, replace, settings.output_line_length)
            page = results.get(ident, {})
            verdicts = [judge.verdict(run, page.get(run.index)) for run in plan.runs]
            done.pages.append(PageOutcome(plan, verdicts))
            if cache is not None:
                passed.extend(k for k, v in zip(keys[id(plan)], verdicts, strict=True) if v.passed)
        if cache is not None:
            cache.store(passed)


def prestart(settings: CodeSettings, root: Path, pages: int) -> None:
    """Start the worker pool now, so that it boots while the pages are planned."""
    config = pool_config(settings, root)
    get_pool(config).start(min(config.size, pages))


def pool_config(settings: CodeSettings, root: Path) -> PoolConfig:
    """The worker configuration for ``settings``: absolute paths, and a stamp of the setup file."""
    setup = None
    stamp = ""
    if settings.setup:
        path = (root / settings.setup).resolve()
        if not path.is_file():
            raise ConfigError(f"the setup file '{settings.setup}' does not exist", key="code.setup")
        setup = str(path)
        stamp = hashlib.sha256(path.read_bytes()).hexdigest()
    size = settings.jobs if settings.jobs > 0 else (os.cpu_count() or 1)
    return PoolConfig(
        root=str(root),
        pythonpath=tuple(str((root / p).resolve()) for p in settings.pythonpath),
        setup=setup,
        setup_stamp=stamp,
        size=size,
        pass_env=tuple(settings.pass_env),
    )
