"""External URLs: each distinct URL checked once (see :mod:`..linkcheck`), every place it
appears reported, results shared through the cache (:mod:`..cache`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import findings
from ..cache import LinkCache, default_path
from ..config import LinksSettings
from ..document import Document, Link
from ..dsn import is_redis, redact
from ..engine import RunContext, register
from ..errors import ConfigError
from ..findings import Finding
from ..source import Span
from ..urltext import scrub, shown, split

if TYPE_CHECKING:
    from ..fleet import Fleet
    from ..fleet.cache import TieredCache
    from ..linkcheck import Outcome


@dataclass(frozen=True)
class Place:
    """Where a URL appears, and the page that shows it."""

    span: Span
    target: str
    page: str = ""


# -- from pages to findings ------------------------------------------------------------------


def places(docs: Iterable[Document]) -> dict[str, list[Place]]:
    """Every external URL of ``docs`` and each place it is written."""
    found: dict[str, list[Place]] = {}
    for doc in docs:
        links: list[Link] = [
            link
            for link in doc.links
            if not (link.reference is not None and link.reference in doc.references)
        ]
        links += [Link("link", r.target, r.span) for r in doc.references.values()]
        for link in links:
            target = link.target.strip()
            if target.startswith("//"):
                target = "https:" + target
            scheme = split(target).scheme.lower()
            if not scheme or (len(scheme) == 1 and target[1:3] == ":\\"):
                continue
            found.setdefault(target, []).append(Place(link.span, link.target, doc.rel))
    return found


def report(
    outcomes: dict[str, Outcome],
    where: dict[str, list[Place]],
    by_page: dict[str, list[Finding]] | None = None,
) -> list[Finding]:
    result = []
    for url, outcome in outcomes.items():
        if outcome.outcome == "ok":
            continue
        # Never a secret, a control character or a megabyte of URL in a message: the page's
        # text is what it is, but what docgates prints is redacted, escaped and cut.
        url_shown, reason = shown(url), scrub(outcome.reason)
        for place in where.get(url, []):
            span = place.span
            if outcome.outcome == "broken":
                rule, text = "links/external-broken", f"URL '{url_shown}' is broken: {reason}"
            elif outcome.outcome == "unverified":
                rule = "links/external-unverified"
                text = f"URL '{url_shown}' could not be verified: {reason}"
            else:
                rule = "links/external-redirect"
                text = f"URL '{url_shown}' has {reason}"
            hint = (
                f"Link '{shown(outcome.final_url)}' instead."
                if outcome.outcome == "redirect" and outcome.final_url
                else None
            )
            finding = findings.make(rule, span.path, span.line, span.column, text, hint=hint)
            result.append(finding)
            if by_page is not None:
                by_page.setdefault(place.page, []).append(finding)
    return result


def open_cache(ctx: RunContext, settings: LinksSettings) -> LinkCache | None:
    """The local cache: the file ``external_cache`` names, or the one in the user cache folder
    (also when ``external_cache`` names a Redis: it is the local cache beside it)."""
    if ctx.extras.get("no_cache"):
        return None
    raw = "" if is_redis(settings.external_cache) else settings.external_cache
    path = Path(raw).expanduser() if raw else default_path()
    if raw and not path.is_absolute():
        path = ctx.project.root / path
    return LinkCache(path, settings.external_cache_hours)


def shared(settings: LinksSettings) -> Fleet | None:
    """The Redis this run shares with others, when ``external_cache`` names one."""
    url = settings.external_cache
    if not is_redis(url):
        return None
    try:
        import redis  # noqa: F401
    except ImportError:  # pragma: no cover - redis is in the test extra
        raise ConfigError(
            f"a Redis link cache ('{redact(url)}') needs redis-py: pip install 'docgates[redis]'",
            key="links.external_cache",
        ) from None
    from ..fleet import Fleet, Link

    return Fleet(Link(url), settings.external_cache_hours)


# One run for all pages: each URL is checked once, wherever it appears (never in forked workers).
@register("external", all_pages=True, inline=True)
def run_external(ctx: RunContext) -> None:
    from ..linkcheck import ExternalChecker  # httpx is imported only when URLs are checked

    settings = ctx.settings.links
    where = places(ctx.target_documents("links"))
    local = open_cache(ctx, settings)
    cache: LinkCache | TieredCache | None = local
    fleet = shared(settings)
    if fleet is not None and not ctx.extras.get("no_cache"):
        from ..fleet.cache import RedisLinkCache, TieredCache

        cache = TieredCache(local, RedisLinkCache(fleet))
    checker = ExternalChecker(
        settings,
        ctx.extras.get("transport"),
        cache,
        offline=bool(ctx.extras.get("offline")),
        fleet=fleet,
    )
    checker.progress = ctx.engine.progress
    try:
        outcomes = checker.check(where)
    finally:
        if cache is not None:
            cache.close()
            if cache.problem:  # rebuilt, or unusable (then this run's outcomes stay in memory)
                ctx.report.notices.append(cache.problem)
    if fleet is not None:
        ctx.report.notices.extend(fleet.link.notices)
    ctx.report.findings.extend(report(outcomes, where, ctx.extras.setdefault("by_page", {})))
    counts = checker.tally.to_dict()
    ctx.report.stats.extra["external"] = counts
    ctx.report.notices.append(summary(counts))


def summary(counts: dict[str, Any]) -> str:
    """The run's one-line account of external checking, from its counts (``stats.external``;
    ``docgates merge`` writes it again from the shards' counts added up)."""
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(counts.get("skipped", {}).items()))
    return (
        f"external: {counts.get('urls', 0)} URL(s), {counts.get('from_cache', 0)} from the "
        f"cache, {counts.get('requests', 0)} request(s) ({counts.get('retries', 0)} retries, "
        f"{counts.get('redirects', 0)} redirects)" + (f"; skipped {skipped}" if skipped else "")
    )
