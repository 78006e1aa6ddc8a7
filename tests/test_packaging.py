"""The release artefacts: the sdist and the wheel build offline, and the wheel installs into a
fresh environment where the command, the plugins and their package data work.

This is also how docgates is installed before a release is on PyPI (README, Getting started):
from a clone, from a wheel built like this, or from a Git URL.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import docgates

from .pipeline_support import run, snapshot_repo

pytestmark = pytest.mark.slow

DATA = (
    "docgates/py.typed",
    "docgates/_core/status/assets/docgates-status.css",
    "docgates/_core/status/assets/docgates-status.js",
    "docgates/_core/init/templates/ci.yml.j2",
    "docgates/_core/init/templates/hooks-entry.yaml.j2",
)


def test_the_wheel_and_sdist_build_offline_and_the_wheel_installs_fresh(tmp_path: Path) -> None:
    checkout, _ = snapshot_repo(tmp_path / "checkout")
    dist = tmp_path / "dist"
    built = run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(checkout)],
        cwd=tmp_path,
        env={"PIP_NO_INDEX": "1"},  # --no-isolation: nothing to download
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    version = docgates.__version__
    wheel = dist / f"docgates-{version}-py3-none-any.whl"
    sdist = dist / f"docgates-{version}.tar.gz"
    assert sorted(p.name for p in dist.iterdir()) == sorted([wheel.name, sdist.name])
    names = zipfile.ZipFile(wheel).namelist()
    for name in DATA:
        assert name in names, name
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    entry_points = (
        zipfile.ZipFile(wheel).read(f"docgates-{version}.dist-info/entry_points.txt").decode()
    )
    for plugin in ("code", "links", "structure", "status"):
        assert f"docgates/{plugin} = docgates.mkdocs_plugins.{plugin}:" in entry_points
    with tarfile.open(sdist) as archive:
        members = set(archive.getnames())
    top = f"docgates-{version}"
    for name in ("README.md", "LICENSE", "pyproject.toml", *(f"src/{d}" for d in DATA)):
        assert f"{top}/{name}" in members, name

    # A fresh environment, as a user makes one: the wheel with its mkdocs extra.
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = run(
        [str(python), "-m", "pip", "install", "-q", f"{wheel}[mkdocs]"], cwd=tmp_path, timeout=600
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    shown = run([str(venv / "bin" / "docgates"), "--version"], cwd=tmp_path)
    assert shown.stdout.strip() == f"docgates, version {version}"

    site = tmp_path / "site-src"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "index.md").write_text(
        "# Home\n\nSee [status](status/index.md).\n\n```python\nprint(1 + 1)\n```\n",
        encoding="utf-8",
    )
    (site / "mkdocs.yml").write_text(
        "site_name: Fresh\nplugins:\n  - docgates/code\n  - docgates/links\n"
        "  - docgates/structure\n  - docgates/status\n",
        encoding="utf-8",
    )
    env = {"NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": ""}
    checked = run([str(venv / "bin" / "docgates"), "check"], cwd=site, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("0 errors, 0 warnings in 1 file, 1 Python block")
    strict = run([str(python), "-m", "mkdocs", "build", "--strict"], cwd=site, env=env, timeout=180)
    assert strict.returncode == 0, strict.stderr
    assert (site / "site" / "status" / "docgates-status.css").is_file()
    assert (site / "site" / "status" / "index.html").is_file()
    where = run([str(python), "-c", "import docgates; print(docgates.__file__)"], cwd=site, env=env)
    assert where.stdout.strip().startswith(str(venv))  # the wheel's copy, not this checkout
