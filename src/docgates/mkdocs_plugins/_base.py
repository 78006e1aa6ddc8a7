"""What every docgates plugin shares: its Config built from the core settings, the project,
and logging findings so that ``mkdocs build --strict`` fails on them."""

from __future__ import annotations

import dataclasses
import functools
import traceback
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Literal, get_args, get_origin

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError, PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .._core import config as core_config
from .._core.engine import Engine
from .._core.errors import ConfigError, DocgatesError
from .._core.findings import Finding, Severity, join_hint
from .._core.internal import ISSUES, describe
from .._core.project import Project, load_project
from . import _site
from ._site import BuildRecord

log = get_plugin_logger("docgates")


def _option(tp: Any, default: Any) -> base.BaseConfigOption[Any]:
    origin = get_origin(tp)
    if tp is bool:
        return c.Type(bool, default=default)
    if tp is int:
        return c.Type(int, default=default)
    if tp is float:
        return c.Type((int, float), default=default)
    if tp is str:
        return c.Type(str, default=default)
    if origin is Literal:
        return c.Choice(get_args(tp), default=default)
    if origin is list:
        # The core schema takes one string for a list of strings (`languages: python`); MkDocs
        # must accept what the core accepts, or the two fronts disagree on one config.
        if get_args(tp) == (str,):
            return c.Type((list, str), default=default)
        return c.Type(list, default=default)
    if origin is dict:
        return c.Type(dict, default=default)
    return c.Optional(c.Type(object))  # validated by the core


def config_class(settings: type[core_config.GateSettings], name: str) -> type[base.Config]:
    """An MkDocs ``Config`` class whose options are the core settings class's fields.

    The core dataclass is the one schema (with a docstring per option); this class lets MkDocs
    validate and show the same options.
    """
    hints = typing.get_type_hints(settings)
    attrs: dict[str, Any] = {"__doc__": settings.__doc__}
    defaults = settings()
    for field in dataclasses.fields(settings):
        attrs[field.name] = _option(hints[field.name], getattr(defaults, field.name))
    return type(name, (base.Config,), attrs)


def plugin_bug(gate: str, event: str, page: str | None, exc: BaseException) -> PluginError:
    """The one-line ``PluginError`` for a bug in a plugin's ``event`` (on ``page``, if known);
    the traceback goes to MkDocs' debug log (``mkdocs build --verbose``)."""
    log.debug("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())
    where = f" on page '{page}'" if page else ""
    return PluginError(
        f"docgates/{gate}: internal error{where} (in {event}): {describe(exc)}. This is a bug "
        f"in docgates, not in the page: please report it with this message at {ISSUES} "
        "('mkdocs build --verbose' shows the traceback)."
    )


def _guarded(event: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` (a plugin's event handler) with every unexpected exception turned into
    MkDocs' ``PluginError``: one line naming the page, not a traceback that ends the build
    (or ``mkdocs serve``) with no word of where. MkDocs' own errors pass as they are."""

    @functools.wraps(method)
    def guarded(self: GatePlugin, *args: Any, **kwargs: Any) -> Any:
        token = _site.PAGE.set(None)
        try:
            return method(self, *args, **kwargs)
        except (BuildError, Abort):
            raise
        except (ConfigError, DocgatesError) as exc:
            raise PluginError(f"docgates: {exc}") from None
        except Exception as exc:
            page = _site.PAGE.get()
            given = kwargs.get("page")
            if page is None and isinstance(given, Page) and self.project is not None:
                page = self.project.rel(Path(given.file.abs_src_path or given.file.src_uri))
            elif page is None and isinstance(given, Page):
                page = given.file.src_uri
            raise plugin_bug(self.gate, event, page, exc) from None
        finally:
            _site.PAGE.reset(token)

    guarded.docgates_guarded = True  # type: ignore[attr-defined]
    return guarded


def _guard_events(cls: type) -> None:
    """Guard each MkDocs event handler ``cls`` itself defines."""
    for name, value in list(vars(cls).items()):
        if (
            name.startswith("on_")
            and callable(value)
            and not getattr(value, "docgates_guarded", False)
        ):
            setattr(cls, name, _guarded(name, value))


class GatePlugin(BasePlugin):  # type: ignore[type-arg]  # each subclass sets config_class
    """Base of the docgates plugins: validates options with the core schema, loads the project.

    Every event handler is guarded: an unexpected exception becomes one ``PluginError`` line
    that names the page and asks for a report (see :func:`plugin_bug`).
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _guard_events(cls)

    gate: ClassVar[str]
    settings_class: ClassVar[type[core_config.GateSettings]]
    project: Project | None = None
    engine: Engine | None = None
    options: dict[str, Any]
    command: str = "build"
    """``build``, ``serve`` or ``gh-deploy``: what MkDocs is running."""

    records: list[BuildRecord]
    """The builds this plugin takes part in (more than one while i18n builds a language)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also makes MkDocs keep this instance across `mkdocs serve`
        # rebuilds, so the engine's cache of parsed pages survives an edit.
        self.command = command

    @property
    def record(self) -> BuildRecord | None:
        """The build now running, as the site model's MkDocs provider records it."""
        records = getattr(self, "records", None)
        return records[-1] if records else None

    # First, so that every docgates plugin of the build joins one record before any page.
    @event_priority(100)
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.enabled and self.project is not None:
            if not hasattr(self, "records"):
                self.records = []
            self.records.append(_site.join(self.gate, config))

    # Any priority: MkDocs has assigned page.markdown the result of every on_page_markdown
    # handler before it renders the page, so here it is final whatever the plugins' order.
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        record = self.record
        if record is not None:
            record.started = True
            record.pages[page.file.src_uri] = page
        return html

    # MkDocs passes every page the Navigation it builds the site with (after every on_nav).
    def on_page_context(
        self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> Any:
        record = self.record
        if record is not None:
            record.nav = nav
        return context

    def on_build_error(self, *, error: Exception) -> None:
        if self.record is not None:
            self.records.pop()
            _site.abort()

    def end_build(self) -> None:
        """This plugin is done with the build now ending (at its ``on_post_build``)."""
        record = self.record
        if record is not None:
            self.records.pop()
            _site.leave(record, self.gate)

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[base.ConfigErrors, base.ConfigWarnings]:
        # The core schema speaks first: unknown options and wrong types become errors that
        # name the option and suggest a fix, as the CLI reports them.
        self.options = dict(options)
        try:
            core_config.parse_gate(self.settings_class, options, gate=f"docgates/{self.gate}")
        except ConfigError as exc:
            option = (exc.key or "").removeprefix(f"docgates/{self.gate}.")
            return [(option, base.ValidationError(_plain(exc)))], []
        return super().load_config(options, config_file_path)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Every gate reads the project the same way, as soon as MkDocs' config is complete.
        if self.enabled:
            self.load(config)
            lower_validation(config, self.gate)
        return config

    @property
    def serving(self) -> bool:
        """``mkdocs serve`` is running: no network unless asked, failures shown on pages."""
        return self.command == "serve"

    @property
    def enabled(self) -> bool:
        return bool(self.config.get("enabled", True))

    def load(self, config: MkDocsConfig) -> Engine:
        """Load the project as the CLI does, with MkDocs' own paths; errors become PluginError."""
        try:
            config_file = Path(config.config_file_path) if config.config_file_path else None
            project = _project(config, config_file)
            settings = project.settings()
            if config_file is None or not config_file.is_file():
                # No file to read the plugin entry from: the options MkDocs got are it.
                settings.gates[self.gate] = core_config.parse_gate(
                    self.settings_class,
                    self.options,
                    gate=f"docgates/{self.gate}",
                    base=settings.gate(self.gate),
                )
        except ConfigError as exc:
            raise PluginError(f"docgates: {exc}") from None
        for note in settings.notices:
            if f"docgates/{self.gate} " in note:
                log.info(note)
        self.project = project
        old = self.engine
        if old is None or (old.project.root, old.project.markdown) != (
            project.root,
            project.markdown,
        ):
            self.engine = Engine(project, settings)
        else:  # a rebuild in `mkdocs serve`: keep the cache of parsed pages
            old.project = project
            old.settings = settings
        assert self.engine is not None
        return self.engine


_guard_events(GatePlugin)

_LOADED: list[tuple[MkDocsConfig, Project]] = []
"""The project of the build whose config the plugins last saw: read once for all of them."""


def _project(config: MkDocsConfig, config_file: Path | None) -> Project:
    """The project ``config`` describes, read once per config (each ``mkdocs serve`` rebuild
    has a config of its own, so an edit to mkdocs.yml or pyproject.toml is read)."""
    if _LOADED and _LOADED[0][0] is config:
        return _LOADED[0][1]
    docs_dir = Path(config.docs_dir)
    if config_file is not None and config_file.is_file():
        project = load_project(config_file=config_file, docs_dir=docs_dir)
    else:
        project = load_project(docs_dir.parent, docs_dir=docs_dir)
    _LOADED[:] = [(config, project)]
    return project


#: MkDocs' own ``validation:`` checks that report what a docgates gate reports, with its line.
DUPLICATED_VALIDATION = {
    "links": (
        ("links", "not_found"),
        ("links", "anchors"),
        ("links", "absolute_links"),
        ("links", "unrecognized_links"),
    ),
    "structure": (("nav", "not_found"), ("nav", "omitted_files")),
}


def lower_validation(config: MkDocsConfig, gate: str) -> list[str]:
    """Lower MkDocs' own checks of the kinds ``gate`` reports to info, so that the build
    reports each problem once, with its line; say so once. Returns what was lowered."""
    import logging

    lowered = []
    for group, key in DUPLICATED_VALIDATION.get(gate, ()):
        section = getattr(config.validation, group)
        level = getattr(section, key)
        if isinstance(level, int) and level > logging.INFO:
            setattr(section, key, logging.INFO)
            lowered.append(f"validation.{group}.{key}")
    if lowered:
        log.info(
            f"while docgates/{gate} is on, MkDocs' own {', '.join(lowered)} "
            f"{'is' if len(lowered) == 1 else 'are'} lowered to info: docgates reports "
            "the same problems, with their lines"
        )
    return lowered


def _plain(exc: ConfigError) -> str:
    return join_hint(exc.message, exc.hint)


def format_finding(finding: Finding) -> str:
    return f"{finding.location}: {finding.rule} {finding.text}"


SINKS: list[Callable[[list[Finding]], object]] = []
"""Who else gets the findings the plugins report (``docgates check --build`` collects them
here, so that it reports exactly what the build reported, without reading log text)."""


def log_findings(findings: list[Finding]) -> None:
    """Log each finding: errors and warnings as warnings (``--strict`` counts them); once per
    build, though i18n's nested builds check a page in each language."""
    logged = []
    for finding in findings:
        key = (finding.rule, finding.path, finding.line, finding.column, finding.message)
        if not _site.first_time(key):
            continue
        logged.append(finding)
        if finding.severity is Severity.INFO:
            log.info(format_finding(finding))
        else:
            log.warning(format_finding(finding))
    for sink in SINKS:
        sink(logged)  # what was logged, no more: `docgates check --build` reports exactly it
