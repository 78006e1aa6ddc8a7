"""The GitHub Actions REST API: workflow runs, their jobs, and deployments, asked politely.

- The token (from the environment variable the settings name) is attached by an ``httpx.Auth``
  that checks the request's origin: it goes to the API host only. httpx itself drops the header
  on a redirect to another origin. The token is never put in a message, a page or a file.
- Every answer is cached with its ``ETag``; the next build asks with ``If-None-Match`` and a
  ``304`` costs no rate limit. Answers that can no longer change (the jobs of a finished run
  attempt, the statuses of a deployment that reached a final state) are kept and never asked
  again. Only successes are cached.
- ``X-RateLimit-Remaining``/``Reset`` and ``Retry-After`` are read on every answer; once the
  limit is reached no further request is made, and cached answers stand in where there are any.
- One build makes at most ``max_requests`` requests.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Generator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from ..config import GithubSettings
from .history import ResponseCache
from .model import Deployment, GithubData, Run, Workflow

RUN_STRIP = 20
"""Runs per workflow drawn in the strip; their jobs are fetched for exact durations."""
WINDOW_DAYS = 30
FINAL_DEPLOYMENT_STATES = ("success", "failure", "error")
DEPLOYMENT_STATUS_LIMIT = 30
"""Deployments per environment whose statuses are asked for (the newest first)."""
RUN_PAGES = 3


class _OriginAuth(httpx.Auth):
    """Adds ``Authorization`` to requests for one origin (scheme, host, port) only."""

    def __init__(self, token: str, origin: tuple[str, str, int | None]) -> None:
        self._token = token
        self._origin = origin

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url = request.url
        if (url.scheme, url.host, url.port) == self._origin:
            request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "_OriginAuth(<token hidden>)"


class _Stop(Exception):
    """No more requests this build (rate limit, unreachable API, budget)."""


class GithubClient:
    """GET JSON from the API with ETags, a request budget and rate-limit manners."""

    def __init__(
        self,
        settings: GithubSettings,
        cache: ResponseCache,
        *,
        user_agent: str = "docgates",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base = settings.api_url.rstrip("/")
        self.settings = settings
        self.cache = cache
        parts = urlsplit(self.base)
        token = os.environ.get(settings.token_env, "").strip() if settings.token_env else ""
        origin = (parts.scheme, parts.hostname or "", _port(parts.scheme, parts.port))
        self.authenticated = bool(token)
        self.http = httpx.Client(
            auth=_OriginAuth(token, origin) if token else None,
            timeout=settings.timeout,
            follow_redirects=True,
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": user_agent,
            },
            transport=transport,
        )
        self.requests = 0
        self.problem: str | None = None
        self.rate_limited_until: datetime | None = None
        self.from_cache = False
        self.stopped = False

    def close(self) -> None:
        self.http.close()

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        query = f"?{urlencode(sorted((params or {}).items()))}" if params else ""
        return f"{self.base}{path}{query}"

    def get(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        final: Callable[[Any], bool] | None = None,
    ) -> Any | None:
        """The JSON at ``path``; a cached copy when the API cannot answer; ``None`` without one.

        ``final(body)`` says whether an answer can no longer change (then it is never asked again).
        """
        url = self.url(path, params)
        cached = self.cache.get(url)
        if cached is not None and cached.final:
            return json.loads(cached.body)
        try:
            return self._fetch(
                url, cached.etag if cached else None, cached.body if cached else None, final
            )
        except _Stop:
            if cached is not None:
                self.from_cache = True
                return json.loads(cached.body)
            return None

    def _fetch(
        self, url: str, etag: str | None, body: str | None, final: Callable[[Any], bool] | None
    ) -> Any:
        if self.stopped:
            raise _Stop
        if self.requests >= self.settings.max_requests:
            self._stop(f"used the {self.settings.max_requests} requests one build may make")
        headers = {"If-None-Match": etag} if etag and body is not None else {}
        self.requests += 1
        try:
            response = self.http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            self._stop(f"could not reach {self.base}: {type(exc).__name__}: {_plain(exc)}")
        self._watch_limits(response)
        if response.status_code == 304 and body is not None:
            return json.loads(body)
        if response.status_code == 200:
            try:
                data = response.json()
            except ValueError:
                self._stop(f"{self.base} answered {_path(url)} with something that is not JSON")
            self.cache.put(
                url, response.headers.get("ETag"), response.text, final=bool(final and final(data))
            )
            return data
        self._refused(response, url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _watch_limits(self, response: httpx.Response) -> None:
        remaining = response.headers.get("X-RateLimit-Remaining")
        reset = response.headers.get("X-RateLimit-Reset")
        if remaining == "0" and reset and reset.isascii() and reset.isdigit():
            with contextlib.suppress(OverflowError, OSError, ValueError):  # a huge value
                self.rate_limited_until = datetime.fromtimestamp(int(reset), timezone.utc)

    def _refused(self, response: httpx.Response, url: str) -> None:
        status = response.status_code
        message = _api_message(response)
        retry = response.headers.get("Retry-After")
        limited = response.headers.get("X-RateLimit-Remaining") == "0" or retry is not None
        if status in (403, 429) and limited:
            if self.rate_limited_until is None:
                digits = retry and retry.isascii() and retry.isdigit()
                seconds = min(int(retry), 86_400) if retry and digits else 60
                self.rate_limited_until = datetime.now(timezone.utc) + timedelta(seconds=seconds)
            until = self.rate_limited_until.strftime("%Y-%m-%d %H:%M UTC")
            who = "" if self.authenticated else " (no token)"
            self._stop(f"rate-limited by {self.base}{who} until {until}: {message}")
        if status == 401:
            self._stop(
                f"{self.base} refused the token in ${self.settings.token_env} "
                f"(401 {message or 'Bad credentials'})"
            )
        if status == 404:
            hint = "" if self.authenticated else "; a private repository needs a token"
            self.problem = self.problem or f"{_path(url)} was not found (404){hint}"
            raise _Stop
        if status >= 500:
            self._stop(f"{self.base} failed ({status} {message})")
        self.problem = self.problem or f"{_path(url)}: {status} {message}"
        raise _Stop

    def _stop(self, problem: str) -> None:
        self.stopped = True
        self.problem = self.problem or problem
        raise _Stop


def fetch(
    settings: GithubSettings,
    cache: ResponseCache,
    now: datetime,
    *,
    user_agent: str = "docgates",
    transport: httpx.BaseTransport | None = None,
) -> GithubData:
    """Ask the API for the repository's workflows, their runs on the branch, and deployments."""
    client = GithubClient(settings, cache, user_agent=user_agent, transport=transport)
    data = GithubData(repo=settings.repo, api_url=client.base, branch=settings.branch)
    try:
        _fetch_all(client, data, settings, now)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as exc:
        # The API answered with values docgates cannot use (an 'id' that is not a number...).
        client.problem = client.problem or (
            f"{client.base} answered with data docgates cannot read "
            f"({type(exc).__name__}: {str(exc)[:200]})"
        )
    finally:
        client.close()
    data.problem = client.problem
    data.rate_limited_until = client.rate_limited_until if client.problem else None
    data.from_cache = client.from_cache
    data.requests = client.requests
    return data


def _fetch_all(
    client: GithubClient, data: GithubData, settings: GithubSettings, now: datetime
) -> None:
    repo = settings.repo
    info = client.get(f"/repos/{repo}")
    if isinstance(info, dict):
        data.html_url = str(info.get("html_url") or "")
        data.branch = data.branch or str(info.get("default_branch") or "")
    if not data.branch:
        data.branch = "main"
    if info is None:
        return  # refused, unreachable or not found: nothing else will answer either
    listing = client.get(f"/repos/{repo}/actions/workflows", {"per_page": 100})
    for item in _items(listing, "workflows"):
        if item.get("state") not in (None, "active"):
            continue
        data.workflows.append(
            Workflow(
                id=int(item["id"]),
                name=str(item.get("name") or item.get("path") or item["id"]),
                path=str(item.get("path") or ""),
                url=_workflow_url(data.html_url, str(item.get("path") or ""), item),
            )
        )
    since = (now - timedelta(days=WINDOW_DAYS)).strftime("%Y-%m-%d")
    for workflow in data.workflows:
        params = {
            "branch": data.branch,
            "per_page": 100,
            "created": f">={since}",
            "exclude_pull_requests": "true",
        }
        for page in range(1, RUN_PAGES + 1):
            answer = client.get(
                f"/repos/{repo}/actions/workflows/{workflow.id}/runs", {**params, "page": page}
            )
            runs = [_run(item) for item in _items(answer, "workflow_runs")]
            workflow.runs.extend(r for r in runs if r is not None)
            if len(runs) < 100:
                break
        workflow.runs.sort(key=lambda r: r.created_at, reverse=True)
    _fetch_deployments(client, data, repo, now)
    for workflow in data.workflows:
        for run in workflow.completed[:RUN_STRIP]:
            jobs = client.get(
                f"/repos/{repo}/actions/runs/{run.id}/attempts/{run.attempt}/jobs",
                {"per_page": 100},
                final=lambda body: True,  # a finished attempt's jobs never change
            )
            duration = _jobs_duration(_items(jobs, "jobs"))
            if duration is not None:
                run.duration = duration


def _fetch_deployments(client: GithubClient, data: GithubData, repo: str, now: datetime) -> None:
    answer = client.get(f"/repos/{repo}/deployments", {"per_page": 100})
    horizon = now - timedelta(days=WINDOW_DAYS)
    per_env: dict[str, int] = {}
    for item in _items(answer, "deployments"):
        created = _time(item.get("created_at"))
        if created is None or not isinstance(item.get("id"), int):
            continue
        env = str(item.get("environment") or "(none)")
        deployment = Deployment(
            id=item["id"],
            environment=env,
            sha=str(item.get("sha") or ""),
            ref=str(item.get("ref") or ""),
            created_at=created,
        )
        data.deployments.append(deployment)
        seen = per_env.get(env, 0)
        if seen >= DEPLOYMENT_STATUS_LIMIT or (seen and created < horizon):
            continue
        per_env[env] = seen + 1
        statuses = client.get(
            f"/repos/{repo}/deployments/{deployment.id}/statuses",
            {"per_page": 100},
            final=lambda body: (
                any(isinstance(s, dict) and s.get("state") in FINAL_DEPLOYMENT_STATES for s in body)
                if isinstance(body, list)
                else False
            ),
        )
        if isinstance(statuses, list) and statuses:
            states = [s for s in statuses if isinstance(s, dict)]
            if states:
                deployment.state = str(states[0].get("state") or "")
                deployment.succeeded = any(s.get("state") == "success" for s in states)
                deployment.url = str(
                    states[0].get("environment_url") or states[0].get("log_url") or ""
                )
        elif isinstance(statuses, list):
            deployment.succeeded = False
    data.deployments.sort(key=lambda d: d.created_at, reverse=True)


def _items(answer: Any, key: str) -> list[dict[str, Any]]:
    if isinstance(answer, dict):
        answer = answer.get(key)
    if not isinstance(answer, list):
        return []
    return [item for item in answer if isinstance(item, dict)]


def _run(item: dict[str, Any]) -> Run | None:
    created = _time(item.get("created_at"))
    updated = _time(item.get("updated_at"))
    if created is None or updated is None or not isinstance(item.get("id"), int):
        return None
    started = _time(item.get("run_started_at")) or created
    commit = item.get("head_commit") if isinstance(item.get("head_commit"), dict) else {}
    title = item.get("display_title") or (commit.get("message") if commit else "") or ""
    run = Run(
        id=item["id"],
        workflow_id=int(item.get("workflow_id") or 0),
        number=int(item.get("run_number") or 0),
        status=str(item.get("status") or ""),
        conclusion=item.get("conclusion") if isinstance(item.get("conclusion"), str) else None,
        created_at=created,
        updated_at=updated,
        started_at=started,
        url=str(item.get("html_url") or ""),
        sha=str(item.get("head_sha") or ""),
        title=str(title).split("\n", 1)[0],
        event=str(item.get("event") or ""),
        attempt=int(item.get("run_attempt") or 1),
    )
    if run.status == "completed":
        run.duration = max((updated - started).total_seconds(), 0.0)
    return run


def _jobs_duration(jobs: list[dict[str, Any]]) -> float | None:
    starts = [t for t in (_time(j.get("started_at")) for j in jobs) if t is not None]
    ends = [t for t in (_time(j.get("completed_at")) for j in jobs) if t is not None]
    if not starts or not ends:
        return None
    return max((max(ends) - min(starts)).total_seconds(), 0.0)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def _workflow_url(html_url: str, path: str, item: dict[str, Any]) -> str:
    if html_url and path.startswith(".github/workflows/"):
        return f"{html_url}/actions/workflows/{path.rsplit('/', 1)[-1]}"
    return str(item.get("html_url") or html_url)


def _port(scheme: str, port: int | None) -> int | None:
    default = {"http": 80, "https": 443}.get(scheme)
    return None if port == default else port


def _path(url: str) -> str:
    return urlsplit(url).path


def _plain(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0][:200] or "no reason given"


def _api_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])[:200]
    return response.reason_phrase
