"""The corpus-build projects (``../shared/corpus-build``) with the docgates plugins added.

Each project is copied to a writable folder with a venv of its pinned requirements plus this
docgates (the lead's ready copies in ``/work/cb`` are used when present, else one is made), and
built with ``mkdocs build --strict`` from a config that lists ``docgates/code``, ``links`` and
``structure`` after the project's own plugins, or before them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus-build"
READY = Path("/work/cb")
GATES = ("docgates/code", "docgates/links", "docgates/structure")
#: Each project's config files (warehouse has two sites).
CONFIGS = {
    "warehouse": ["docs/mkdocs-blog.yml", "docs/mkdocs-user-docs.yml"],
    "pipx": ["mkdocs.yml"],
    "watchfiles": ["mkdocs.yml"],
    "mkdocs-static-i18n": ["mkdocs.yml"],
    "mkdocstrings-python": ["mkdocs.yml"],
    "mkdocs-awesome-nav": ["mkdocs.yml"],
}
ENV = {
    **os.environ,
    "NO_MKDOCS_2_WARNING": "1",
    "DISABLE_MKDOCS_2_WARNING": "true",
    "PYTHONDONTWRITEBYTECODE": "",
}
ENV.pop("PYTHONDONTWRITEBYTECODE")


def with_gates(config: str, where: str, options: dict[str, str] | None = None) -> str:
    """``config`` (the text of a mkdocs.yml) with the three gates added to its ``plugins:``,
    ``after`` or ``before`` the project's own (a block list, or none: then a new one)."""
    options = options or {}
    lines = config.split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"^plugins:\s*$", line)), None)
    if start is None:
        entries = [f"  - {g}" + _opts(g, options, "      ") for g in GATES]
        return config.rstrip("\n") + "\nplugins:\n  - search\n" + "\n".join(entries) + "\n"
    end = start + 1
    indent = None
    while end < len(lines):
        line = lines[end]
        if line.strip() and not line.startswith((" ", "-", "#")):
            break
        if indent is None and line.lstrip().startswith("- "):
            indent = line[: len(line) - len(line.lstrip())]
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    indent = indent if indent is not None else "  "
    entries = [f"{indent}- {g}" + _opts(g, options, indent + "    ") for g in GATES]
    at = start + 1 if where == "before" else end
    return "\n".join([*lines[:at], *entries, *lines[at:]])


def _opts(gate: str, options: dict[str, str], indent: str) -> str:
    extra = options.get(gate)
    if not extra:
        return ""
    return ":\n" + "\n".join(indent + line for line in extra.strip("\n").split("\n"))


def prepare(project: str, work: Path, docgates: Path) -> Path:
    """A writable copy of ``project`` under ``work`` with a venv holding ``docgates``."""
    target = work / project
    if (target / ".venv" / "bin" / "mkdocs").exists():
        return target
    source = READY / project if (READY / project).is_dir() else SHARED / project
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns(".venv"))
    python = sys.executable
    subprocess.run([python, "-m", "venv", str(target / ".venv")], check=True)
    pip = [str(target / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "-r", "requirements.txt"], cwd=target, check=True, env=ENV)
    subprocess.run([*pip, "-e", str(docgates)], cwd=target, check=True, env=ENV)
    return target


def write_config(
    root: Path, config: str, where: str, options: dict[str, str] | None = None
) -> Path:
    """A config beside ``config`` with the gates added (``where``: after/before/none)."""
    original = root / config
    text = original.read_text(encoding="utf-8")
    out = original.with_name(f"{original.stem}.docgates-{where}.yml")
    out.write_text(text if where == "none" else with_gates(text, where, options), encoding="utf-8")
    return out


def build(
    root: Path, config: Path, *, strict: bool = True, site: Path | None = None
) -> subprocess.CompletedProcess[str]:
    mkdocs = root / ".venv" / "bin" / "mkdocs"
    argv = [str(mkdocs), "build", "-f", str(config), "-d", str(site or root / ".site")]
    argv.append("--strict" if strict else "--no-strict")  # a config may set strict: true
    return subprocess.run(argv, cwd=root, capture_output=True, text=True, env=ENV, check=False)


def docgates_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The log lines the docgates plugins wrote (any level)."""
    found = []
    for line in (result.stdout + result.stderr).splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", line)
        if "docgates:" in line:
            found.append(line)
    return found


SRC = Path(__file__).resolve().parents[1] / "src"
WORK = Path(__file__).resolve().parents[1] / "bench" / ".work" / "corpus-build"


def venv(project: str) -> Path:
    """A venv with ``project``'s pinned requirements (and a docgates): the ready copy's in
    ``/work/cb`` when there is one, else one made (once, under a lock) in ``bench/.work``.
    Builds run with :data:`SRC` first on ``PYTHONPATH`` (see :func:`run_mkdocs`), so the
    docgates checked is this checkout's, whichever one the venv was made with."""
    ready = READY / project / ".venv"
    if _complete(ready):
        return ready
    import fcntl

    WORK.mkdir(parents=True, exist_ok=True)
    with (WORK / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return prepare(project, WORK, SRC.parent) / ".venv"


def run_mkdocs(
    env_dir: Path, root: Path, config: Path, site: Path
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``config`` in ``root`` with the venv ``env_dir`` and this
    checkout's docgates."""
    env = {**ENV, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), ENV.get("PYTHONPATH")]))}
    argv = [
        str(env_dir / "bin" / "mkdocs"),
        "build",
        "--strict",
        "-f",
        str(config),
        "-d",
        str(site),
    ]
    return subprocess.run(argv, cwd=root, capture_output=True, text=True, env=env, check=False)


def _complete(env_dir: Path) -> bool:
    """Whether ``env_dir`` is a finished venv of :func:`prepare` (docgates is installed last)."""
    return (env_dir / "bin" / "mkdocs").exists() and any(
        env_dir.glob("lib/python*/site-packages/docgates-*.dist-info")
    )
