"""Render the templates in ``templates/`` (package data) for one project.

The templates are Jinja with square-bracket delimiters (``[[ name ]]``, ``[% if %]``), so that
GitHub's own ``${{ expression }}`` syntax passes through untouched.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from .context import InitContext

ACTIONS = {
    "checkout": "de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2",
    "setup_python": "e797f83bcb11b83ae66e0230d6156d7c80228e7c # v6.0.0",
    "setup_go": "44694675825211faa026b3c33043df3e48a5fa00 # v6.0.0",
    "cache": "0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0",
    "upload_artifact": "b7c566a772e6b6bfb58ed0dc250532a479d7789f # v6.0.0",
    "download_artifact": "018cc2cf5baa6db3ef3c5f8a56943fffe632ef53 # v6.0.0",
    "upload_pages_artifact": "7b1f4a764d45c48632c6b24a0339c27f5614fb0b # v4.0.0",
    "deploy_pages": "d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e # v4.0.5",
    "upload_sarif": "5d4e8d1aca955e8d8589aabd499c5cae939e33c7 # v4.31.9",
    "pypi_publish": "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e # v1.13.0",
}
"""Every action the workflows use, pinned by the full commit SHA of the release in the comment.
This repository's own workflows use the same pins (a test keeps them equal)."""

TOOLS = {
    "pip_audit": "2.10.1",
    "bandit": "1.9.4",
    "semgrep": "1.185.0",
    "zizmor": "1.32.0",
    "gitleaks": "8.30.1",
    "go": "1.25",
}
"""Versions of the scanners the security workflow installs."""

WORKFLOWS = ("ci", "docs", "cd", "security")


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_source),
        block_start_string="[%",
        block_end_string="%]",
        variable_start_string="[[",
        variable_end_string="]]",
        comment_start_string="[#",
        comment_end_string="#]",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # YAML, not HTML: nothing to escape (the values are names and versions we checked).
        autoescape=jinja2.select_autoescape(enabled_extensions=(), default_for_string=False),
    )


def _source(name: str) -> str:
    return (resources.files(__package__) / "templates" / name).read_text(encoding="utf-8")


def render(name: str, context: InitContext, **extra: Any) -> str:
    """Render ``templates/<name>`` with the project's facts, the action pins and the tools."""
    template = _environment().get_template(name)
    values = {**context.as_template_vars(), "actions": ACTIONS, "tools": TOOLS, **extra}
    text: str = template.render(values)
    return _squeeze_blank_lines(text)


def _squeeze_blank_lines(text: str) -> str:
    """At most one blank line in a row (optional sections leave extra ones behind)."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
