"""Small parts of the shared-state backends: URLs, names, the environment layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgates._core.config import StatusSettings
from docgates._core.dsn import is_postgres, is_redis, one_line, redact, scheme
from docgates._core.project import load_project
from docgates._core.status.collect import _remote_name, repository_name


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # pragma: allowlist nextline secret
        ("postgresql://ci:s3cret@db:5432/x", "postgresql://ci:***@db:5432/x"),
        ("redis://:s3cret@cache:6379/0", "redis://:***@cache:6379/0"),
        ("redis://cache:6379/0", "redis://cache:6379/0"),
        ("postgresql://ci@db/x?sslmode=require&password=s3cret",
         "postgresql://ci@db/x?sslmode=require&password=***"),
    ],
)  # fmt: skip
def test_redact_hides_passwords_only(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_url_kinds() -> None:
    assert is_redis("redis://h/0")
    assert is_redis("rediss://h/0")
    assert is_redis("unix:///tmp/r.sock")
    assert is_postgres("postgresql://h/db")
    assert is_postgres("postgres://h/db")
    assert scheme(".docgates/history.sqlite") == ""
    assert scheme(r"C:\x\y") == ""
    assert not is_postgres("https://example.org/history.json")
    assert one_line(ValueError("a\n\tb  c")) == "a b c"
    assert one_line(ValueError()) == "ValueError"


@pytest.mark.parametrize(
    ("remote", "name"),
    [
        ("https://tok:x@github.com/org/site.git", "github.com/org/site"),
        ("git@github.com:org/site.git", "github.com/org/site"),
        ("ssh://git@gitlab.example/group/sub/site", "gitlab.example/group/sub/site"),
    ],
)
def test_remote_names_drop_credentials(remote: str, name: str) -> None:
    assert _remote_name(remote) == name


def test_repository_name_order(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    s = StatusSettings()
    assert repository_name(project, s, {"GITHUB_REPOSITORY": "org/env"}) == "org/env"
    assert repository_name(project, s, {}) == tmp_path.name  # no git remote here
    s.history_repository = "org/explicit"
    assert repository_name(project, s, {"GITHUB_REPOSITORY": "org/env"}) == "org/explicit"


def test_the_environment_sits_between_the_config_and_the_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - docgates/status:\n      history: from-config.sqlite\n",
        encoding="utf-8",
    )
    project = load_project(tmp_path)
    assert project.settings().status.history == "from-config.sqlite"
    monkeypatch.setenv("DOCGATES_HISTORY_URL", "postgresql://ci@db/x")
    monkeypatch.setenv("DOCGATES_CACHE_URL", "redis://cache:6379/0")
    settings = project.settings()
    assert settings.status.history == "postgresql://ci@db/x"
    assert settings.links.external_cache == "redis://cache:6379/0"
    flagged = project.settings({"status": {"history": "flag.sqlite"}})
    assert flagged.status.history == "flag.sqlite"


def test_a_url_has_one_redis_key_whatever_its_secrets() -> None:
    """The key follows the local cache's rule (public_url): no URL text, no secret in it."""
    from docgates._core.fleet.cache import url_key

    assert url_key("https://h.example/a?token=1") == url_key("https://h.example/a?token=2")
    assert url_key("https://u:p@h.example/a") == url_key("https://h.example/a")
    assert url_key("https://h.example/a") != url_key("https://h.example/b")
    assert url_key("https://h.example/a").startswith("docgates:v1:url:")


def test_values_of_another_version_are_checked_again() -> None:
    from docgates._core.cache import Cached
    from docgates._core.fleet import Fleet, Link, run_id
    from docgates._core.fleet.cache import decode, encode, fresh, ttl

    assert decode("k", None) is None
    assert decode("k", b"not json") is None
    assert decode("k", b'{"o": "ok"}') is None
    entry = Cached("k", "broken", 404, "HTTP 404", None, 1000.0)
    assert decode("k", encode(entry, "run-1")) == (entry, "run-1")
    fleet = Fleet(Link("redis://h/0"), {"ok": 1.0}, run="run-1")
    assert fresh(entry, "run-1", 1000.0 + 3600, fleet)  # same CI run: any outcome
    assert not fresh(entry, "run-2", 1000.0 + 10, fleet)  # another run: no lifetime
    assert not fresh(entry, "", 1000.0 + 10, Fleet(Link("redis://h/0"), {}, run=""))
    ok = Cached("k", "ok", 200, "HTTP 200", None, 1000.0)
    assert fresh(ok, "other", 1000.0 + 3599, fleet)
    assert not fresh(ok, "other", 1000.0 + 3601, Fleet(Link("redis://h/0"), {"ok": 1.0}, run=""))
    assert ttl(ok, {"ok": 168.0}, "") == 168 * 3600
    assert ttl(entry, {}, "") == 300.0
    assert ttl(entry, {}, "run-1") == 6 * 3600.0
    assert isinstance(run_id(), str)


def test_run_id_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from docgates._core.fleet import run_id

    monkeypatch.delenv("DOCGATES_RUN_ID", raising=False)
    monkeypatch.delenv("GITHUB_RUN_ID", raising=False)
    assert run_id() == ""
    monkeypatch.setenv("GITHUB_RUN_ID", "77")
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "2")
    assert run_id() == "github-77-2"
    monkeypatch.setenv("DOCGATES_RUN_ID", "nightly")
    assert run_id() == "nightly"


def test_a_lost_link_says_so_once() -> None:
    from docgates._core.fleet import Link

    link = Link("redis://:pw@cache:6379/0")  # pragma: allowlist secret
    link.lost(ConnectionError("Connection refused"))
    link.lost(TimeoutError("Timeout reading"))
    assert not link.up
    assert link.notices == [
        "warning: the shared link cache 'redis://:***@cache:6379/0' did not answer (Connection "
        "refused); this run goes on with the local cache and its own per-host limits, and "
        "reports every finding as it would without it"
    ]
