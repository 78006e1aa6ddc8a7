"""What in a project's config may change a page's Markdown before MkDocs renders it.

docgates reads the sources; MkDocs renders them after every plugin's ``on_page_markdown`` and
every hook ran. Where the config holds something that may rewrite pages and docgates cannot
see what it does (a ``hooks:`` file, a plugin docgates does not know), a construct that only
makes sense once rewritten (a fence header superfences rejects) is not judged as if nothing
ran: it is read the way the rewrite most likely leaves it, and the finding says that only
``mkdocs build`` with the plugins can check it. Nothing is imported: a hook file is read as
text, and only one that defines a Markdown event counts.
"""

from __future__ import annotations

from .project import Project

#: Plugins known not to rewrite page Markdown before rendering (their pages are what
#: docgates reads), by the names users write in ``plugins:``.
QUIET_PLUGINS = frozenset(
    {
        "search", "blog", "material/blog", "tags", "material/tags", "social", "material/social",
        "offline", "material/offline", "privacy", "material/privacy", "meta", "material/meta",
        "info", "material/info", "group", "material/group", "optimize", "material/optimize",
        "projects", "material/projects", "typeset", "material/typeset", "i18n", "static-i18n",
        "awesome-nav", "awesome-pages", "literate-nav", "gen-files", "section-index",
        "redirects", "mkdocstrings", "autorefs", "git-revision-date-localized",
        "git-revision-date", "git-committers", "git-authors", "minify", "minify-html",
        "glightbox", "exclude", "rss", "mike", "htmlproofer", "print-site", "autolinks",
        "open-in-new-tab", "markdown-exec", "llmstxt", "swagger-ui-tag", "mermaid2",
        "table-reader", "caption", "enumerate-headings", "badges",
    }
)  # fmt: skip
_EVENTS = ("on_page_markdown", "on_page_read_source", "on_pre_page")


def rewriting_hooks(project: Project) -> list[str]:
    """The config's ``hooks:`` that may rewrite pages: their file defines a page event, or
    cannot be read here (then nothing rules it out)."""
    hooks = project.data.get("hooks")
    found = []
    for hook in hooks if isinstance(hooks, list) else []:
        path = project.root / str(hook)
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            found.append(str(hook))
            continue
        if any(f"def {event}" in text for event in _EVENTS):
            found.append(str(hook))
    return found


def unknown_plugins(project: Project) -> list[str]:
    """Plugins docgates does not know, which may rewrite pages."""
    return [
        name
        for name in sorted(project.plugin_names)
        if name not in QUIET_PLUGINS
        and not name.startswith("docgates/")
        and name != "macros"  # macros is understood: its '{{ }}' is judged where it appears
    ]


def header_claimants(project: Project) -> str:
    """Who may rewrite fence headers before rendering, for messages; empty if nobody."""
    names = [f"hook '{h}'" for h in rewriting_hooks(project)]
    names += [f"plugin '{p}'" for p in unknown_plugins(project)]
    return ", ".join(names)
