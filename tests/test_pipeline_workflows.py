"""The repository's workflows and pre-commit files: valid, pinned, least-privilege, complete."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from docgates._core.init import ACTIONS
from docgates._core.project import load_project

from .pipeline_support import REPO, WORKFLOWS, run, schema_errors, tool, zizmor_findings

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?P<rest>.*)$")


def load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on".
    data["on"] = data.pop(True)
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[Any, Any]]:
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def test_the_four_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == ["cd.yml", "ci.yml", "docs.yml", "security.yml"]


def test_workflows_match_the_vendored_github_schema() -> None:
    assert schema_errors(WORKFLOWS) == ""


def test_zizmor_finds_nothing_at_medium_or_above() -> None:
    assert zizmor_findings(WORKFLOWS) == []


def test_zizmor_and_the_schema_do_catch_a_bad_workflow(tmp_path: Path) -> None:
    """The two checks above can fail: a workflow with the classic mistakes is caught."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        textwrap.dedent(
            """\
            on: pull_request_target
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                    with:
                      ref: ${{ github.event.pull_request.head.sha }}
                  - run: echo "${{ github.event.pull_request.title }}"
            """
        ),
        encoding="utf-8",
    )
    idents = {f.split()[0] for f in zizmor_findings([bad])}
    assert {"unpinned-uses", "template-injection", "dangerous-triggers"} <= idents
    invalid = tmp_path / "invalid.yml"
    invalid.write_text("on: push\njobs:\n  a:\n    runs-on: x\n    stepz: []\n", encoding="utf-8")
    assert "stepz" in schema_errors([invalid]) or "steps" in schema_errors([invalid])


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_sha_with_its_version(path: Path) -> None:
    pins = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES.match(line)
        if not match or match["action"].startswith("./"):
            continue
        where = f"{path.name}:{number}"
        assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{where}: not a full commit SHA"
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", match["rest"]), f"{where}: no # vX.Y.Z"
        pins[match["action"]] = f"{match['ref']} {match['rest'].strip()}"
    # The same pins as the templates `docgates init` writes, so the two never drift apart.
    for action, pin in pins.items():
        assert pin in ACTIONS.values(), (action, pin)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_concurrency_and_timeouts(path: Path) -> None:
    workflow = load(path.name)
    assert workflow["permissions"] == {}, "the default token gets no permission"
    assert "group" in workflow["concurrency"]
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} states its permissions"
        if "uses" in job:  # a called workflow: its own jobs carry the timeouts
            continue
        assert 0 < job["timeout-minutes"] <= 45, f"{path.name}: job {name} has a timeout"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_ci_runs_every_gate_on_every_version_and_front() -> None:
    ci = load("ci.yml")
    assert set(ci["on"]) == {"push", "pull_request", "workflow_call"}
    assert ci["on"]["push"]["branches"] == ["main", "develop"]
    assert ci["on"]["pull_request"]["branches"] == ["main", "develop"]
    matrix = ci["jobs"]["tests"]["strategy"]["matrix"]
    assert matrix == {"python": ["3.10", "3.11", "3.12", "3.13"], "front": ["mkdocs", "properdocs"]}
    runs = "\n".join(str(s.get("run", "")) for s in steps(ci))
    assert "pre_commit run --all-files" in runs
    assert "--cov-fail-under=90" in runs
    assert "--fail-under=90" in runs
    assert "--junitxml=" in runs
    assert "mkdocs build --strict" in runs
    assert "properdocs build --strict" in runs
    uploads = [s["with"]["name"] for s in steps(ci) if "upload-artifact" in str(s.get("uses"))]
    assert uploads == ["reports-${{ matrix.python }}-${{ matrix.front }}", "coverage"]
    # The coverage artifact holds what the status plugin in mkdocs.yml reads (docs.yml
    # downloads it into reports/).
    artifact = next(
        s for s in ci["jobs"]["coverage"]["steps"] if s.get("name", "").startswith("Upload")
    )
    shipped = artifact["with"]["path"].split()
    entry = load_project(REPO).plugin("docgates/status")
    assert entry is not None
    status = entry.options
    for wanted in [*status["junit"], status["coverage"], status["coverage_html"]]:
        assert wanted in shipped or f"{wanted}/" in shipped, wanted
    # The floor in CI is the floor in .ci/run.
    assert "--cov-fail-under=90" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_docs_builds_strict_caches_external_links_and_deploys_pages() -> None:
    docs = load("docs.yml")
    assert set(docs["on"]) == {"workflow_call", "schedule", "workflow_dispatch"}
    # External links: a matrix of four shards, each with its cache in .docgates/ (where the
    # link cache is written: --cache), merged into one report by a job that runs regardless.
    shards = docs["jobs"]["external-links"]
    assert shards["strategy"]["matrix"] == {"shard": [1, 2, 3, 4]}
    cache = next(s for s in shards["steps"] if "actions/cache@" in str(s.get("uses")))
    assert cache["with"]["path"] == ".docgates/"
    assert cache["with"]["restore-keys"] == "docgates-external-${{ matrix.shard }}-"
    check = next(s["run"] for s in shards["steps"] if "docgates check" in str(s.get("run")))
    assert '--shard "$SHARD/4"' in check
    assert '--cache "${DOCGATES_CACHE_URL:-.docgates/external.sqlite}"' in check
    assert shards["env"]["DOCGATES_CACHE_URL"] == "${{ secrets.DOCGATES_CACHE_URL }}"
    report = docs["jobs"]["external-report"]
    assert report["needs"] == "external-links"
    assert report["if"] == "${{ !cancelled() }}"
    runs = [str(s.get("run", "")) for s in steps(docs)]
    assert "docgates merge external-*.json --format github" in runs
    assert "mkdocs build --strict --site-dir site" in runs
    deploy = docs["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "actions/deploy-pages@" in deploy["steps"][0]["uses"]


def test_ci_tests_run_against_postgres_and_redis_service_containers() -> None:
    tests = load("ci.yml")["jobs"]["tests"]
    services = tests["services"]
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    for service in services.values():
        assert all(p.startswith("127.0.0.1:") for p in service["ports"]), "loopback only"
        assert "--health-cmd" in service["options"]
    assert tests["env"]["DOCGATES_TEST_POSTGRES_URL"].startswith("postgresql://postgres@127.0.0.1")
    assert tests["env"]["DOCGATES_TEST_REDIS_URL"] == "redis://127.0.0.1:6379"
    names = [s.get("name", "") for s in tests["steps"]]
    # The connection test comes before the tests that use the servers.
    assert names.index("Connection test (PostgreSQL 15, Redis 7)") < names.index(
        "Tests, with coverage and a JUnit report"
    )


def test_cd_migrates_the_history_database_by_hand_behind_an_approval() -> None:
    cd = load("cd.yml")
    assert cd["on"]["workflow_dispatch"]["inputs"]["migrate"]["default"] is False
    job = cd["jobs"]["migrate"]
    assert job["if"] == "${{ github.event_name == 'workflow_dispatch' && inputs.migrate }}"
    assert job["environment"]["name"] == "history-database"
    assert job["env"] == {"DOCGATES_HISTORY_URL": "${{ secrets.DOCGATES_HISTORY_URL }}"}
    assert job["permissions"] == {"contents": "read"}
    runs = [s.get("run") for s in job["steps"] if "run" in s]
    assert runs[-3:] == [
        "docgates db current",
        "docgates db upgrade",
        "docgates db current --check",
    ]


def test_cd_stages_on_main_deploys_on_approval_and_publishes_on_tags() -> None:
    cd = load("cd.yml")
    assert cd["on"]["push"] == {"branches": ["main"], "tags": ["v*"]}
    assert "workflow_dispatch" in cd["on"]
    assert cd["concurrency"]["cancel-in-progress"] is False
    jobs = cd["jobs"]
    assert jobs["gates"]["uses"] == "./.github/workflows/ci.yml"
    assert jobs["site"]["uses"] == "./.github/workflows/docs.yml"
    assert jobs["site"]["with"]["deploy"] == "${{ github.event_name == 'workflow_dispatch' }}"
    assert jobs["staging"]["environment"]["name"] == "staging"
    publish = jobs["release-publish"]
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    assert "pypa/gh-action-pypi-publish@" in publish["steps"][-1]["uses"]
    assert "with" not in publish["steps"][-1], "trusted publishing: no token, no password"
    # id-token is granted only where a deploy or an upload needs it.
    granted = [n for n, j in jobs.items() if "id-token" in j.get("permissions", {})]
    assert granted == ["site", "release-publish"]


def test_security_scans_dependencies_code_workflows_and_history() -> None:
    security = load("security.yml")
    assert set(security["on"]) == {"schedule", "push", "pull_request", "workflow_dispatch"}
    assert security["on"]["schedule"] == [{"cron": "17 2 * * 1"}]
    runs = "\n".join(str(s.get("run", "")) for s in steps(security))
    assert "pip-audit --strict" in runs
    assert "bandit -c pyproject.toml -r src" in runs
    assert "--config .semgrep/" in runs
    assert "semgrep --test" in runs
    assert "zizmor --min-severity medium --format sarif" in runs
    assert 'gitleaks" git' in runs
    checkout = security["jobs"]["secrets"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0, "the secret scan reads the whole history"
    categories = [
        s["with"]["category"] for s in steps(security) if "upload-sarif" in str(s.get("uses"))
    ]
    assert categories == ["bandit", "semgrep", "zizmor", "gitleaks"]
    for name, job in security["jobs"].items():
        uploads = any("upload-sarif" in str(s.get("uses")) for s in job["steps"])
        assert ("security-events" in job["permissions"]) is uploads, name


def test_semgrep_rules_and_their_examples_are_kept_together() -> None:
    rules = yaml.safe_load((REPO / ".semgrep" / "docgates.yml").read_text(encoding="utf-8"))
    ids = {rule["id"] for rule in rules["rules"]}
    examples = (REPO / ".semgrep" / "docgates.py").read_text(encoding="utf-8")
    for rule_id in ids:
        assert f"# ruleid: {rule_id}" in examples, rule_id
        assert f"# ok: {rule_id}" in examples, rule_id


def test_hooks_manifest_for_other_repositories() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert list(hooks) == ["docgates", "docgates-code", "docgates-links", "docgates-structure"]
    entries = {name: h["entry"] for name, h in hooks.items()}
    assert entries == {
        "docgates": "docgates check",
        "docgates-code": "docgates check --only code",
        "docgates-links": "docgates check --only links",
        "docgates-structure": "docgates check --only structure",
    }
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True
        # Every changed file reaches docgates (a snippet, pyproject.toml, an image a page
        # shows), and the hook runs on a commit that only deletes files.
        assert hook["always_run"] is True
        files = re.compile(hook["files"])
        for name in ("docs/index.md", "mkdocs.yml", "pyproject.toml", "snippets/a.py", "x.png"):
            assert files.search(name), name


def test_this_repositorys_hooks_are_local_and_cover_every_gate() -> None:
    from pre_commit.clientlib import load_config

    config = load_config(str(REPO / ".pre-commit-config.yaml"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {h["id"]: h for h in config["repos"][0]["hooks"]}
    # `system` (pre-commit 4.4 and later report it as `unsupported`): the tool in this venv.
    assert {h["language"] for h in hooks.values()} <= {"system", "unsupported"}
    assert set(hooks) == {
        "ruff-format",
        "ruff-check",
        "mypy",
        "bandit",
        "detect-secrets",
        "check-github-workflows",
        "zizmor",
        "pre-commit-hooks-manifest",
        "docgates",
    }
    assert hooks["check-github-workflows"]["entry"].endswith("vendor.github-workflows")
    assert "--offline" in hooks["zizmor"]["entry"]


def test_the_secret_scan_catches_a_token(tmp_path: Path) -> None:
    """detect-secrets, with this repository's baseline, fails on a committed GitHub token."""
    leak = tmp_path / "settings.py"
    leak.write_text('TOKEN = "ghp_' + "a1B2c3D4e5F6g7H8i9J0" * 2 + '"\n', encoding="utf-8")
    # The hook compares with git (as pre-commit runs it, inside a repository).
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "settings.py"], cwd=tmp_path, check=True)
    result = run(
        [tool("detect-secrets-hook"), "--baseline", str(REPO / ".secrets.baseline"), str(leak)],
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "GitHub Token" in result.stdout
