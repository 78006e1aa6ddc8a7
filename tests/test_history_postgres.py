"""The status history in a real PostgreSQL 15 server: many repositories, migrations, errors.

Each test gets a database of its own on a throwaway server (tests/servers.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgates._core.errors import DocgatesError
from docgates._core.status import migrations
from docgates._core.status.migrations import MIGRATIONS, Migration, upgrade
from docgates.cli import main
from tests.servers import free_port

pytestmark = pytest.mark.slow

CONFIG = """\
site_name: {name}
plugins:
  - docgates/status:
      junit: [reports/junit.xml]
      coverage: reports/coverage.json
"""


def _coverage(covered: int, statements: int = 10) -> str:
    files = {
        "pkg/mod.py": {
            "summary": {
                "num_statements": statements,
                "missing_lines": statements - covered,
                "covered_lines": covered,
                "excluded_lines": 0,
            }
        }
    }
    return json.dumps({"meta": {"format": 3, "branch_coverage": False}, "files": files})


JUNIT = (
    '<testsuite name="t" tests="2" failures="0" errors="0" skipped="0" time="0.5">'
    '<testcase classname="t" name="a" time="0.2"/><testcase classname="t" name="b" time="0.3"/>'
    "</testsuite>"
)


def site(root: Path, name: str) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG.format(name=name), encoding="utf-8")
    (root / "reports").mkdir()
    (root / "reports" / "junit.xml").write_text(JUNIT, encoding="utf-8")
    return root


def status(root: Path, url: str, *, repo: str, sha: str, covered: int, branch: str = "main"):
    (root / "reports" / "coverage.json").write_text(_coverage(covered), encoding="utf-8")
    env = {
        "GITHUB_REPOSITORY": repo,
        "GITHUB_SHA": sha,
        "GITHUB_REF_NAME": branch,
        "DOCGATES_HISTORY_URL": url,
    }
    return CliRunner().invoke(
        main, ["status", str(root), "--out", str(root / "out")], env=env, catch_exceptions=False
    )


def history(root: Path) -> list[dict[str, object]]:
    data = json.loads((root / "out" / "status" / "history.json").read_text(encoding="utf-8"))
    return data["entries"]


def db_upgrade(url: str, *extra: str):
    return CliRunner().invoke(main, ["db", "upgrade", url, *extra], catch_exceptions=False)


def db_current(url: str, *extra: str):
    return CliRunner().invoke(main, ["db", "current", url, *extra], catch_exceptions=False)


def test_upgrade_creates_the_schema_and_is_rerunnable(pg_url: str) -> None:
    assert db_current(pg_url).output == "0 (behind: this docgates needs 2)\n"
    assert db_current(pg_url, "--check").exit_code == 1
    first = db_upgrade(pg_url)
    assert first.exit_code == 0
    assert first.output.splitlines() == [
        "applied migration 1: builds of many repositories and branches, and the GitHub answer "
        "cache",
        "applied migration 2: figures as columns, and the latest build of every repository and "
        "branch",
        f"{pg_url}: schema version 0 -> 2",
    ]
    again = db_upgrade(pg_url)
    assert again.exit_code == 0
    assert again.output == f"{pg_url}: already at schema version 2; nothing to do\n"
    checked = db_current(pg_url, "--check")
    assert (checked.exit_code, checked.output) == (0, "2 (current)\n")


def test_history_over_two_commits_shows_the_coverage_change(pg_url: str, tmp_path: Path) -> None:
    assert db_upgrade(pg_url).exit_code == 0
    root = site(tmp_path / "site", "Site")
    assert status(root, pg_url, repo="org/site", sha="a" * 40, covered=9).exit_code == 0
    done = status(root, pg_url, repo="org/site", sha="b" * 40, covered=6)
    assert done.exit_code == 0, done.output
    entries = history(root)
    assert [(e["commit"], e["coverage"]) for e in entries] == [("a" * 40, 90.0), ("b" * 40, 60.0)]
    page = (root / "out" / "status" / "index.md").read_text(encoding="utf-8")
    assert "Change since the previous build of main (<code>aaaaaaaaaaaa</code>" in page
    assert "<strong>&#8722;30.00</strong> percentage points" in page  # a minus sign
    # The store is the database: the SQLite file the default would write is not there.
    assert not (root / ".docgates").exists()


def test_two_repositories_in_one_database_stay_apart(pg_url: str, tmp_path: Path) -> None:
    assert db_upgrade(pg_url).exit_code == 0
    one = site(tmp_path / "one", "One")
    two = site(tmp_path / "two", "Two")
    assert status(one, pg_url, repo="org/one", sha="1" * 40, covered=10).exit_code == 0
    assert status(two, pg_url, repo="org/two", sha="2" * 40, covered=5).exit_code == 0
    assert status(one, pg_url, repo="org/one", sha="3" * 40, covered=8).exit_code == 0
    assert [e["commit"] for e in history(one)] == ["1" * 40, "3" * 40]
    assert [(e["commit"], e["coverage"]) for e in history(two)] == [("2" * 40, 50.0)]
    # Across repositories, in one query: the latest build of each (migration 2's view).
    import psycopg

    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(
            "SELECT repository, commit_sha, coverage FROM docgates.latest ORDER BY repository"
        ).fetchall()
    assert rows == [("org/one", "3" * 40, 80.0), ("org/two", "2" * 40, 50.0)]


def test_an_upgrade_from_the_previous_version_keeps_the_data(pg_url: str, tmp_path: Path) -> None:
    """A database a docgates at schema 1 wrote, upgraded: every build is still there."""
    assert db_upgrade(pg_url, "--to", "1").output.endswith("schema version 0 -> 1\n")
    import psycopg

    old = {"generated_at": "2026-11-30T10:00:00+00:00", "commit": "c" * 40, "branch": "main",
           "coverage": 75.0, "tests": {"passed": 2, "failed": 0}}  # fmt: skip
    with psycopg.connect(pg_url) as conn:
        conn.execute(
            "INSERT INTO docgates.builds (repository, branch, commit_sha, generated_at, data) "
            "VALUES ('org/site', 'main', %s, %s, %s)",
            ("c" * 40, old["generated_at"], json.dumps(old)),
        )
    # Schema 1 is not what this docgates reads: the build says what to do.
    root = site(tmp_path / "site", "Site")
    refused = status(root, pg_url, repo="org/site", sha="d" * 40, covered=8)
    assert refused.exit_code == 2
    assert refused.output == (
        f"docgates: error: the history database '{pg_url}' is at schema version 1 and this "
        "docgates needs 2; run 'docgates db upgrade URL' first\n"
    )
    upgraded = db_upgrade(pg_url)
    assert upgraded.output.splitlines()[-1] == f"{pg_url}: schema version 1 -> 2"
    assert status(root, pg_url, repo="org/site", sha="d" * 40, covered=8).exit_code == 0
    assert [(e["commit"], e["coverage"]) for e in history(root)] == [
        ("c" * 40, 75.0),
        ("d" * 40, 80.0),
    ]
    with psycopg.connect(pg_url) as conn:
        figures = conn.execute(
            "SELECT commit_sha, coverage, tests_failed FROM docgates.builds ORDER BY id"
        ).fetchall()
    assert figures == [("c" * 40, 75.0, 0), ("d" * 40, 80.0, 0)]


def _schema(url: str) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'docgates' ORDER BY table_name, column_name"
        ).fetchall()


def test_a_migration_that_fails_leaves_the_schema_as_it_was(pg_url: str) -> None:
    """Migration 2 meets a row it cannot convert: the upgrade rolls back whole."""
    assert db_upgrade(pg_url, "--to", "1").exit_code == 0
    import psycopg

    bad = {"generated_at": "2026-11-30T10:00:00+00:00", "coverage": "n/a"}
    with psycopg.connect(pg_url) as conn:
        conn.execute(
            "INSERT INTO docgates.builds (repository, generated_at, data) "
            "VALUES ('org/site', now(), %s)",
            (json.dumps(bad),),
        )
    before = _schema(pg_url)
    failed = db_upgrade(pg_url)
    assert failed.exit_code == 2
    assert failed.output == (
        "docgates: error: migration 2 (figures as columns, and the latest build of every "
        'repository and branch) failed: invalid input syntax for type double precision: "n/a"; '
        "the upgrade was rolled back and the database is unchanged at version 1\n"
    )
    assert _schema(pg_url) == before
    assert db_current(pg_url).output == "1 (behind: this docgates needs 2)\n"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM docgates.builds").fetchone() == (1,)


def test_a_failing_upgrade_from_nothing_creates_nothing(pg_url: str) -> None:
    """All or nothing from version 0 too: migration 1 applied, 2 fails, neither is kept."""
    broken = (MIGRATIONS[0], Migration(2, "broken", ("ALTER TABLE docgates.nope ADD x int",)))
    with pytest.raises(DocgatesError) as caught:
        upgrade(pg_url, migrations=broken)
    assert str(caught.value) == (
        'migration 2 (broken) failed: relation "docgates.nope" does not exist; the upgrade was '
        "rolled back and the database is unchanged at version 0"
    )
    assert _schema(pg_url) == []
    assert migrations.version_of(pg_url) == 0


def test_a_refused_url_is_one_clear_error_with_exit_2(tmp_path: Path) -> None:
    port = free_port()
    url = f"postgresql://ci:s3cret@127.0.0.1:{port}/history"  # pragma: allowlist secret
    root = site(tmp_path / "site", "Site")
    for argv in (
        ["db", "upgrade", url],
        ["db", "current", url],
        ["status", str(root), "--history", url],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "docgates", *argv],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, (argv, done.stderr)
        assert done.stdout == ""
        lines = done.stderr.splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith(
            "docgates: error: cannot connect to the history database "
            f"'postgresql://ci:***@127.0.0.1:{port}/history': "
            'connection failed: connection to server at "127.0.0.1", port '
        ), lines[0]
        assert lines[0].endswith("failed: Connection refused Is the server running on that host "
                                 "and accepting TCP/IP connections?")  # fmt: skip
        assert "s3cret" not in done.stderr


def test_db_commands_refuse_what_is_not_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCGATES_HISTORY_URL", raising=False)
    missing = CliRunner().invoke(main, ["db", "current"])
    assert missing.exit_code == 2
    assert "give the database URL, or set DOCGATES_HISTORY_URL" in missing.output
    sqlite = CliRunner().invoke(main, ["db", "upgrade", ".docgates/history.sqlite"])
    assert sqlite.exit_code == 2
    assert "is not a PostgreSQL URL" in sqlite.output
