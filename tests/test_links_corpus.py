"""The links and structure gates on real documentation trees (skipped without the corpus).

Every error they report there is a real defect of those docs; what can only be known at build
time (hook shortcodes, mkdocstrings ids, pages written by hooks) is reported at info.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from docgates._core.engine import Engine
from docgates._core.project import load_project

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def _check(root: Path):  # type: ignore[no-untyped-def]
    project = load_project(root)
    return Engine(project, project.settings()).check(["links", "structure"])


def test_mkdocs_material(corpus: Path) -> None:
    report = _check(corpus / "mkdocs-material")
    errors = sorted(str(f) for f in report.findings if f.severity.value == "error")
    assert errors == [
        "docs/blog/posts/blog-support-just-landed.md:192:3: links/page-not-found reference "
        "'[blog post]: blog-support-just-landed/blog-post.png': the target "
        "'blog/posts/blog-support-just-landed/blog-post.png' is not among the documentation "
        "files (the reference is never used)",
        "docs/blog/posts/insiders-now-free-for-everyone.md:109:3: links/anchor-not-found "
        "reference '[tags plugin: advanced settings]: ../../setup/setting-up-tags.md"
        "#advanced-settings' points to a missing anchor '#advanced-settings' in "
        "'setup/setting-up-tags.md'",
        "docs/blog/posts/insiders-now-free-for-everyone.md:92:3: links/anchor-not-found "
        "reference '[blog plugin: advanced settings]: ../../setup/setting-up-a-blog.md"
        "#advanced-settings' points to a missing anchor '#advanced-settings' in "
        "'setup/setting-up-a-blog.md'",
        "docs/blog/posts/insiders-now-free-for-everyone.md:99:3: links/anchor-not-found "
        "reference '[privacy plugin: advanced settings]: ../../setup/ensuring-data-privacy.md"
        "#advanced-settings' points to a missing anchor '#advanced-settings' in "
        "'setup/ensuring-data-privacy.md'",
        "docs/plugins/index.md:30:3: links/page-not-found reference '[design principles]: "
        "../design-principles.md': the target 'design-principles.md' is not among the "
        "documentation files (the reference is never used)",
        "docs/setup/extensions/index.md:76:3: links/anchor-not-found reference '[overview]: "
        "#advanced-configuration' points to a missing anchor '#advanced-configuration' on this "
        "page (the reference is never used)",
        "docs/setup/extensions/python-markdown.md:89:3: links/anchor-not-found reference "
        "'[using grids]: ../../reference/grids.md#using-grids' points to a missing anchor "
        "'#using-grids' in 'reference/grids.md' (a later definition of the same label is the one "
        "links use)",
    ]
    kinds = Counter((f.severity.value, f.rule) for f in report.findings)
    assert kinds == {
        ("error", "links/anchor-not-found"): 5,
        ("error", "links/page-not-found"): 2,
        ("info", "links/anchor-not-found"): 41,
        ("warning", "structure/duplicate-anchor"): 18,
        ("warning", "structure/multiple-h1"): 4,
    }


def test_pydantic(corpus: Path) -> None:
    report = _check(corpus / "pydantic")
    kinds = Counter((f.severity.value, f.rule) for f in report.findings)
    assert kinds == {
        ("info", "links/anchor-not-found"): 10,
        ("info", "structure/nav-target-missing"): 1,
        ("warning", "structure/duplicate-anchor"): 3,
    }
    # The default ids mode imports nothing of the project: no notice about its extensions.
    assert report.notices == []
