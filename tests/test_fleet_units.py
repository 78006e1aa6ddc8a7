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
