"""Which pages a change can break: the reverse index of links and includes.

pre-commit passes the files a commit changes. Checking only those misses what the change breaks
elsewhere: a renamed heading that another page links to, a deleted page, a snippet a page
includes. Given the changed and deleted files, :func:`affected_pages` adds every page that
links to one of them, includes one of them (directly or through other includes), or is included
by one of them. Deleted files are not passed by pre-commit; :func:`deleted_files` asks git for
them, the way pre-commit computes its own file list.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import unquote

from .document import Document
from .project import MARKDOWN_SUFFIXES, Project
from .urltext import split


def _link_targets(doc: Document, docs_dir: Path) -> set[Path]:
    """The files (in ``docs_dir``) the page's links and reference definitions point at."""
    page_dir = doc.path.parent
    targets: set[Path] = set()
    written = [link.target for link in doc.links] + [r.target for r in doc.references.values()]
    for target in written:
        parts = split(target.strip())
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = unquote(parts.path)
        written_at = docs_dir / path.lstrip("/") if path.startswith("/") else page_dir / path
        base = Path(posixpath.normpath(str(written_at)))
        targets.add(base)
        if not base.suffix:  # 'guide/' or '../install' reach guide.md, guide/index.md...
            targets.update(base.with_suffix(suffix) for suffix in MARKDOWN_SUFFIXES)
            targets.add(base / "index.md")
            targets.add(base / "README.md")
            # a browser resolves 'x/' against the page's URL, one folder deeper
            targets.add(Path(posixpath.normpath(str(page_dir.parent / path))).with_suffix(".md"))
    return targets


def _include_files(doc: Document, project: Project) -> set[Path]:
    """Every file the page pulls in, and where an include that now fails would look."""
    files = {p.resolve() for p in doc.files}
    options = project.markdown
    bases: list[Path] = [project.root, project.docs_dir]
    if options.snippets is not None:
        bases += list(options.snippets.base_path)
    if options.mdx_include_base is not None:
        bases.append(options.mdx_include_base)
    for include in doc.includes:
        files.update(p.resolve() for p in include.resolved)
        if not include.resolved:
            name = include.target.split(":", 1)[0].strip()
            files.update((base / name).resolve() for base in bases)
    return files


def affected_pages(
    project: Project,
    documents: Mapping[Path, Document],
    changed: Iterable[Path],
    deleted: Iterable[Path] = (),
) -> set[Path]:
    """Pages (among ``documents``, by path) that ``changed`` or ``deleted`` files can break:
    the changed pages themselves, pages linking to or including a changed or deleted file,
    and pages that a changed page includes."""
    touched = {p.resolve() for p in (*changed, *deleted)}
    pages = set(documents)
    result = {p for p in touched if p in pages}
    docs_dir = project.docs_dir
    for path, doc in documents.items():
        if path in result:
            continue
        if _link_targets(doc, docs_dir) & touched or _include_files(doc, project) & touched:
            result.add(path)
    for path in [p for p in touched if p in documents]:
        result.update(f for f in _include_files(documents[path], project) if f in pages)
    result.update(_rendering_pages(project, documents, touched))
    return result


def _rendering_pages(
    project: Project, documents: Mapping[Path, Document], touched: set[Path]
) -> set[Path]:
    """Pages whose ``::: identifier`` lines (mkdocstrings) can render a changed ``.py`` file:
    those naming a package or module the file's path holds (``src/pkg/mod.py``: ``pkg...``,
    ``mod...``). A superset of what griffe would resolve, found without loading anything."""
    names: set[str] = set()
    for path in touched:
        if path.suffix in (".py", ".pyi"):
            names.update(path.parts[:-1])
            names.add(path.stem)
    if not names or "mkdocstrings" not in project.plugin_names:
        return set()
    from .checks.docstrings import directives

    markdown_exec = "markdown-exec" in project.plugin_names
    found = set()
    for path, doc in documents.items():
        for directive in directives(doc, markdown_exec=markdown_exec):
            if directive.identifier.split(".", 1)[0] in names:
                found.add(path)
                break
    return found


def deleted_files(root: Path, env: Mapping[str, str] | None = None) -> list[Path]:
    """Files the change being checked deletes, when pre-commit runs the hook.

    pre-commit leaves deletions out of the files it passes; it sets ``PRE_COMMIT=1`` (and
    ``PRE_COMMIT_FROM_REF``/``PRE_COMMIT_TO_REF`` for ``--from-ref``/``--to-ref``). Staged
    deletions are the change of an ordinary commit. Outside pre-commit, or outside git, none.
    """
    env = os.environ if env is None else env
    if env.get("PRE_COMMIT") != "1":
        return []
    source, target = env.get("PRE_COMMIT_FROM_REF"), env.get("PRE_COMMIT_TO_REF")
    if source and target:
        command = ["git", "diff", "--name-only", "--no-renames", "--diff-filter=D", "-z"]
        command.append(f"{source}...{target}")
    else:
        command = ["git", "diff", "--cached", "--name-only", "--no-renames", "--diff-filter=D"]
        command.append("-z")
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        out = subprocess.run(
            command, cwd=top, capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [Path(top) / name for name in out.split("\0") if name]


def was_tracked(path: Path) -> bool:
    """True when git knows ``path`` (in the index or in ``HEAD``): a path that does not exist
    is then a deletion, not a typo."""
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    for command in (
        ["git", "ls-files", "--", str(path.resolve())],
        ["git", "ls-tree", "--name-only", "HEAD", "--", str(path.resolve())],
    ):
        try:
            out = subprocess.run(
                command, cwd=folder, capture_output=True, text=True, check=False, timeout=30
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return False
        if out.strip():
            return True
    return False
