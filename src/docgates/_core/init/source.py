"""Where the workflows ``init`` writes get docgates from, and whether a hooks revision exists.

docgates is installed in one of four ways, and pip records which (PEP 610's
``direct_url.json``): from an index (nothing recorded: that index has this version), from a Git
URL (the URL and the exact commit), from a folder (a checkout, often editable) or from a file
(a wheel or sdist). CI can install the first two as they are; a checkout becomes a Git URL at its
commit (its ``origin``, else the project's Source URL), which CI can install once that commit is
pushed; a file cannot be reached from CI at all, which the caller is told.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..errors import ConfigError

_SHA = re.compile(r"[0-9a-f]{40}")
GIT_TIMEOUT = 30.0


@dataclass(frozen=True)
class DocgatesSource:
    """A pip requirement for docgates that CI can install, and what the user should know."""

    requirement: str
    """A PEP 508 requirement: ``docgates[mkdocs]==0.1.0`` or ``docgates[mkdocs] @ git+…@sha``."""
    origin: str
    """``index``, ``git``, ``checkout``, ``file`` or ``given``."""
    note: str = ""
    """What init prints about it ("push commit … first"), or nothing."""
    git_url: str | None = None
    """``git+URL@rev`` for an editable install (what pip-audit's ``--skip-editable`` skips)."""


def docgates_source(
    extra: str | None, version: str, *, given: str | None = None, record: Any = None
) -> DocgatesSource:
    """The requirement the workflows install docgates with (``extra``: ``mkdocs``, ...).

    ``given`` (``--docgates-spec``) wins; otherwise ``record`` (the parsed ``direct_url.json``,
    read from the installed distribution when not passed) decides."""
    name = f"docgates[{extra}]" if extra else "docgates"
    if given:
        return DocgatesSource(given, "given")
    if record is None:
        record = _direct_url()
    if not record:
        return DocgatesSource(f"{name}=={version}", "index")
    url = str(record.get("url", ""))
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        git = f"git+{url}@{vcs['commit_id']}"
        return DocgatesSource(f"{name} @ {git}", "git", git_url=git)
    if isinstance(record.get("dir_info"), dict) and url.startswith("file:"):
        return _from_checkout(name, Path(unquote(urlparse(url).path)), version)
    return DocgatesSource(
        f"{name}=={version}",
        "file",
        note=(
            f"docgates was installed from {url or 'a file'}, which CI cannot reach: the "
            f"workflows install {name}=={version} from the package index. Pass "
            "--docgates-spec with a requirement CI can install (a Git URL, or a version on "
            "your index)."
        ),
    )


def _direct_url() -> dict[str, Any] | None:
    try:
        text = metadata.distribution("docgates").read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # pragma: no cover - docgates runs, so it is there
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _from_checkout(name: str, folder: Path, version: str) -> DocgatesSource:
    commit = _git(folder, "rev-parse", "HEAD")
    if commit is None or not _SHA.fullmatch(commit):
        return DocgatesSource(
            f"{name}=={version}",
            "file",
            note=(
                f"docgates runs from '{folder}', which is not a Git checkout CI can reach: the "
                f"workflows install {name}=={version} from the package index. Pass "
                "--docgates-spec with a requirement CI can install."
            ),
        )
    remote = _git(folder, "remote", "get-url", "origin") or _source_url()
    git = f"git+{remote}@{commit}"
    dirty = _git(folder, "status", "--porcelain", "--untracked-files=no")
    note = (
        f"the workflows install docgates from the checkout it runs from: {remote} at commit "
        f"{commit[:12]}; push that commit where CI can fetch it, or pass --docgates-spec."
    )
    if dirty:
        note += " The checkout has uncommitted changes, which CI will not see."
    return DocgatesSource(f"{name} @ {git}", "checkout", note=note, git_url=git)


def _source_url() -> str:
    urls = metadata.metadata("docgates").get_all("Project-URL") or []
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() in ("source", "repository"):
            return url.strip()
    return "https://github.com/docgates/docgates"  # pragma: no cover - the metadata has it


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def check_revision(repo: str, rev: str) -> None:
    """Raise ``ConfigError`` unless ``repo`` can be reached and has ``rev`` (a tag, a branch or
    a commit), so that the pre-commit config init writes can be installed."""
    where = "--hooks-rev"
    local = Path(repo).expanduser()
    if local.is_dir():
        found = _git(local, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if found:
            return
        raise ConfigError(
            f"the hooks repository '{repo}' has no revision '{rev}'",
            key=where,
            hint="Name a tag, branch or commit it has, or leave out --hooks-repo to run the "
            "docgates installed here",
        )
    listed = _git(Path.cwd(), "ls-remote", "--", repo)
    if listed is None:
        raise ConfigError(
            f"the hooks repository '{repo}' cannot be reached",
            key="--hooks-repo",
            hint="Check the URL (and the network), or leave out --hooks-repo to run the "
            "docgates installed here",
        )
    refs = {}
    for line in listed.splitlines():
        sha, _, ref = line.partition("\t")
        refs[ref] = sha
    names = {f"refs/tags/{rev}", f"refs/heads/{rev}", rev}
    if names & set(refs) or (_SHA.fullmatch(rev) and rev in refs.values()):
        return
    if _SHA.fullmatch(rev):
        return  # a commit that no ref points at: only a clone could tell; pre-commit will
    raise ConfigError(
        f"the hooks repository '{repo}' has no tag or branch '{rev}'",
        key=where,
        hint="Name a tag, branch or commit it has, or leave out --hooks-repo to run the "
        "docgates installed here",
    )
