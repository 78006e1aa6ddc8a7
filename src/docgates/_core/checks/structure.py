"""The structure gate: pages reachable from nav, nav entries that exist, sound headings, and
front matter that follows its schema.

Headings come from the parser, which sees them inside admonitions, tabs, ``///`` blocks and
list items exactly where Python-Markdown does, and never inside code; they are counted in
document order, as ``toc`` counts them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pathspec

from .. import findings
from ..anchors import AnchorBuilder, plain_text, shared_builder
from ..config import StructureSettings
from ..document import Document
from ..engine import RunContext, register
from ..errors import ConfigError
from ..findings import Finding, Severity
from ..i18n import i18n_of
from ..navfiles import AWESOME_NAV, LITERATE, nav_reach
from ..project import Project
from ..site import BLOG_PLUGINS, Site, run_site
from ..slughints import CloseMatches


def orphans(project: Project, pages: list[Path]) -> list[Finding]:
    """Pages the nav does not reach; silent with no nav (MkDocs then lists every page).

    The nav is ``nav:`` of the config, or the one a nav plugin builds from its files
    (literate-nav, awesome-pages, awesome-nav; see :mod:`..navfiles`)."""
    uris = {project.doc_uri(p): p for p in pages}
    i18n = i18n_of(project)
    reach = nav_reach(project, {i18n.split(u)[0] for u in uris} if i18n else uris)
    if reach is None and project.nav is None:
        return []
    listed = {e.uri for e in project.nav or [] if not e.is_url}
    managed: list[str] = []
    for name in BLOG_PLUGINS:
        entry = project.plugin(name)
        if entry is not None:
            blog = str(entry.options.get("blog_dir", "blog")).strip("/")
            post_dir = str(entry.options.get("post_dir", "{blog}/posts"))
            managed.append(post_dir.replace("{blog}", blog).strip("/") + "/")
    found = []
    for uri, path in uris.items():
        if uri.startswith("../"):
            continue
        base = i18n.split(uri)[0] if i18n is not None else uri
        if reach.reaches(base) if reach is not None else base in listed:
            continue
        if project.not_in_nav is not None and project.not_in_nav.match_file(uri):
            continue
        if any(uri.startswith(prefix) for prefix in managed):
            continue  # the blog plugin lists its posts itself
        where = f" (as {reach.plugin} build it)" if reach is not None else ""
        found.append(
            findings.make(
                "structure/orphan-page",
                project.rel(path),
                None,
                None,
                f"page '{uri}' is not in nav{where}, so no menu leads to it",
                hint="Add it to nav, or list it in not_in_nav if only links should reach it.",
            )
        )
    return found


def built_orphans(project: Project, site: Site, pages: list[Path]) -> list[Finding]:
    """Pages the build's own nav does not reach (``site.nav_pages``, after literate-nav,
    awesome-nav, i18n and the blog built it): never a page a plugin generated or one that is
    deliberately left out of nav (``not_in_nav``, blog posts)."""
    found = []
    for path in pages:
        uri = project.doc_uri(path)
        if not site.orphan(uri):
            continue
        found.append(
            findings.make(
                "structure/orphan-page",
                project.rel(path),
                None,
                None,
                f"page '{uri}' is not in nav, so no menu leads to it",
                hint="Add it to nav, or list it in not_in_nav if only links should reach it.",
            )
        )
    return found


def nav_targets(project: Project, site: Site) -> list[Finding]:
    """Nav entries whose page does not exist, at their line in the config file."""
    found: list[Finding] = []
    names = project.plugin_names
    if any(n in names for n in AWESOME_NAV):
        return found  # awesome-nav replaces the config's nav with its own
    literate = any(n in names for n in LITERATE)
    pages: CloseMatches | None = None
    for entry in project.nav or []:
        if entry.is_url:
            continue
        uri = entry.uri
        if (
            literate
            and entry.target.endswith("/")
            and (
                (project.docs_dir / uri).is_dir()
                or site.generators
                # the build's own files: a plugin (gen-files) wrote the folder's pages
                or (site.final and any(p.startswith(uri.rstrip("/") + "/") for p in site.pages))
            )
        ):
            continue  # literate-nav reads the folder's nav file (or lists the folder)
        if site.translated(uri) or uri in site.redirects:
            continue
        hint = None
        severity = None
        if uri in site.excluded:
            why = "exclude_docs leaves it out"
        elif uri in site.drafts:
            why = "it is a draft (draft_docs), built by 'mkdocs serve' only"
            severity = Severity.INFO
        elif site.generated(uri):
            why = f"it is not among the documentation files; {site.generated(uri)}"
            severity = Severity.INFO
        else:
            why = "it is not among the documentation files"
            if pages is None:
                pages = CloseMatches(site.pages)
            close = pages.best(uri, 0.8)
            hint = f"Did you mean '{close}'?" if close else None
        title = f"'{entry.title}' " if entry.title else ""
        found.append(
            findings.make(
                "structure/nav-target-missing",
                entry.path,
                entry.line,
                entry.column,
                f"nav entry {title}points to '{entry.target}', but {why}",
                hint=hint,
                severity=severity,
            )
        )
    return found


def headings(doc: Document, builder: AnchorBuilder, settings: StructureSettings) -> list[Finding]:
    found: list[Finding] = []
    previous = 1  # the page title is the H1, whether the page writes it or not
    h1s = [h for h in doc.headings if h.level == 1]
    for heading in doc.headings:
        if heading.level > previous + 1:
            found.append(
                findings.make(
                    "structure/heading-skip",
                    heading.span.path,
                    heading.span.line,
                    heading.span.column,
                    f"heading '{heading.text}' is an H{heading.level} after an H{previous}; "
                    f"it skips H{previous + 1}",
                    hint=f"Make it an H{previous + 1} ('{'#' * (previous + 1)} {heading.text}').",
                )
            )
        previous = heading.level
    for extra in h1s[1:]:
        found.append(
            findings.make(
                "structure/multiple-h1",
                extra.span.path,
                extra.span.line,
                extra.span.column,
                f"heading '{extra.text}' is a second H1; the page's H1 is '{h1s[0].text}' "
                f"(line {h1s[0].span.line})",
                hint="A page has one H1, its title; make the others H2.",
            )
        )
    title = doc.title
    if settings.title_h1 and title and h1s:
        written = plain_text(h1s[0].text, emoji=builder.emoji)
        if " ".join(title.split()).casefold() != written.casefold():
            found.append(
                findings.make(
                    "structure/multiple-h1",
                    h1s[0].span.path,
                    h1s[0].span.line,
                    h1s[0].span.column,
                    f"H1 '{h1s[0].text}' disagrees with the front-matter title '{title}'; "
                    "MkDocs uses the title in nav and the browser tab",
                    hint="Make them the same, or drop one of them.",
                )
            )
    page = builder.build(doc)
    first: dict[str, Any] = {}
    for anchor, base in page.headings:
        if not base:
            continue  # a heading with no text (e.g. only a shortcode comment) makes no slug
        earlier = first.get(base)
        if earlier is not None and earlier is not anchor:
            span = anchor.span
            assert span is not None
            assert earlier.span is not None
            verb = "sets" if anchor.id == base and _explicit(doc, anchor) else "makes"
            message = (
                f"heading '{anchor.text}' {verb} the anchor '#{base}', as the heading "
                f"'{earlier.text}' on line {earlier.span.line} does; "
            )
            if anchor.id == earlier.id:
                message += f"both keep '#{base}', and links reach the first one only"
            else:
                message += f"MkDocs gives them '#{earlier.id}' and '#{anchor.id}'"
            found.append(
                findings.make(
                    "structure/duplicate-anchor",
                    span.path,
                    span.line,
                    span.column,
                    message,
                    hint="Give one of them a unique id: '## Title {#unique-id}'.",
                )
            )
        first.setdefault(base, anchor)
    return found


def _explicit(doc: Document, anchor: Any) -> bool:
    return any(h.span == anchor.span and h.explicit_id for h in doc.headings)


class FrontMatterSchemas:
    """JSON Schemas for front matter by folder, loaded once."""

    def __init__(self, project: Project, settings: StructureSettings) -> None:
        self.project = project
        self.rules = [
            (pathspec.GitIgnoreSpec.from_lines([pattern]), schema)
            for pattern, schema in settings.front_matter_schema.items()
        ]
        self._loaded: dict[str, Any] = {}
        for _, schema in self.rules:  # a broken schema stops the run before any page
            if schema not in self._loaded:
                self._loaded[schema] = self._load(schema)

    def schema_for(self, uri: str) -> tuple[str, Any] | None:
        chosen = None
        for spec, schema in self.rules:
            if spec.match_file(uri):
                chosen = schema
        if chosen is None:
            return None
        if chosen not in self._loaded:
            self._loaded[chosen] = self._load(chosen)
        return chosen, self._loaded[chosen]

    def _load(self, name: str) -> Any:
        try:
            import jsonschema
        except ImportError:
            raise ConfigError(
                "front_matter_schema needs the jsonschema package",
                key="structure.front_matter_schema",
                hint="pip install 'docgates[schema]'",
            ) from None
        path = (self.project.root / name).resolve()
        try:
            schema = json.loads(Path(path).read_text("utf-8"))
            jsonschema.validators.validator_for(schema).check_schema(schema)
        except (OSError, ValueError, jsonschema.SchemaError) as exc:
            raise ConfigError(
                f"cannot use schema '{name}': {str(exc).splitlines()[0]}",
                key="structure.front_matter_schema",
            ) from None
        return jsonschema.validators.validator_for(schema)(schema)

    def check(self, doc: Document) -> list[Finding]:
        found = self.schema_for(self.project.doc_uri(doc.path))
        if found is None:
            return []
        name, validator = found
        data = doc.front_matter if doc.front_matter is not None else {}
        located = doc.front_matter_located
        by_line: dict[int, list[tuple[str, str]]] = {}
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
            key = tuple(str(p) for p in error.absolute_path)
            line = located.line_of(key) if located is not None and key else None
            where = f"'{'.'.join(key)}'" if key else "front matter"
            by_line.setdefault(line or 1, []).append((where, error.message))
        result = []
        for line, errors in sorted(by_line.items()):
            where = errors[0][0]
            reasons = "; ".join(message for _, message in errors)
            result.append(
                findings.make(
                    "structure/front-matter",
                    doc.rel,
                    line,
                    1,
                    f"{where} does not match schema '{name}': {reasons}",
                )
            )
        return result


@register("structure", all_pages=True, inline=True)
def run_structure(ctx: RunContext) -> None:
    settings = ctx.settings.structure
    docs = ctx.target_documents("structure")
    report = ctx.report.findings
    site = run_site(ctx.project, ctx.settings, ctx.extras)
    if settings.orphans:
        # A front that checks only some pages' headings (the MkDocs plugin) names every page.
        pages = ctx.extras.get("pages") or [d.path for d in docs]
        if site.nav_pages is not None:
            report.extend(built_orphans(ctx.project, site, pages))
        else:
            report.extend(orphans(ctx.project, pages))
    whole = ctx.extras.get("whole") or ctx.targets >= set(ctx.documents)
    if whole and ctx.project.nav is not None:
        report.extend(nav_targets(ctx.project, site))
    builder = shared_builder(ctx.extras, ctx.project.markdown)
    schemas = FrontMatterSchemas(ctx.project, settings) if settings.front_matter_schema else None
    for doc in docs:
        if settings.headings:
            report.extend(headings(doc, builder, settings))
        if schemas is not None:
            report.extend(schemas.check(doc))
