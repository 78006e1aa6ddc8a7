"""The ``docgates`` command: a thin front over the engine.

Exit codes: 0 when no finding is an error, 1 when one is, 2 for a usage, configuration or
internal error (with a one-line reason on stderr).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from ._core.engine import SOURCE_GATES, Engine, resolve_paths
from ._core.errors import ConfigError, DocgatesError
from ._core.formatters import FORMATS, formatter
from ._core.project import Project, find_config, load_project
from ._core.report import Report
from ._progress import for_output

if TYPE_CHECKING:
    from rich.console import Console

ALL_CHECKS = (*SOURCE_GATES, "external")


_DEBUG = {"on": False}
"""``--debug`` (anywhere on the command line) or ``DOCGATES_DEBUG=1``: print tracebacks."""


def _take_debug(args: list[str]) -> list[str]:
    """``args`` without ``--debug`` (before a ``--``), noting that it was given."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" in args[:end]:
        _DEBUG["on"] = True
        args = [a for a in args[:end] if a != "--debug"] + args[end:]
    return args


class _Group(click.Group):
    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        args = _take_debug(list(sys.argv[1:] if args is None else args))
        _DEBUG["on"] = _DEBUG["on"] or os.environ.get("DOCGATES_DEBUG", "") not in ("", "0")
        try:
            # Errors are handled below, so that every failure exits with code 2.
            return super().main(args, *rest, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(2)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(2)
        except ConfigError as exc:
            click.echo(f"docgates: config error: {exc}", err=True)
            sys.exit(2)
        except DocgatesError as exc:
            click.echo(f"docgates: error: {exc}", err=True)
            sys.exit(2)
        except Exception as exc:  # docgates itself cannot go on: one line, exit 2
            if _DEBUG["on"]:
                import traceback

                traceback.print_exc()
            kind = type(exc).__name__
            message = " ".join(str(exc).split())[:300]
            click.echo(
                f"docgates: internal error: {kind}{': ' + message if message else ''} (this is "
                "a bug in docgates; run with --debug for the traceback, and please report it)",
                err=True,
            )
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgates")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    help="Print the traceback of an internal error (also after any command, or DOCGATES_DEBUG=1).",
)
def main() -> None:
    """Prove a docs site true: code, links, structure and status gates for MkDocs."""


def _parse_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from ._core.shard import Shard

    try:
        return Shard.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _split_checks(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> list[str] | None:
    if value is None:
        return None
    checks = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [c for c in checks if c not in ALL_CHECKS]
    if unknown:
        raise click.BadParameter(
            f"unknown check {', '.join(repr(u) for u in unknown)}; "
            f"choose from {', '.join(ALL_CHECKS)}"
        )
    return checks


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The mkdocs.yml, properdocs.yml or zensical.toml to use (default: found by walking up).",
)
@click.option(
    "--only",
    callback=_split_checks,
    metavar="CHECKS",
    help=f"Comma-separated checks to run: {', '.join(ALL_CHECKS)} "
    f"(default: {','.join(SOURCE_GATES)}).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes for large sites (0: one per CPU, used from 100 pages on; 1: none).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--execute/--no-execute",
    default=None,
    help="Run the Python blocks and check what they print (default: the 'execute' setting).",
)
@click.option(
    "--update",
    is_flag=True,
    help="Run the blocks and rewrite the expected output in the pages to what they printed.",
)
@click.option(
    "--external/--no-external",
    default=None,
    help="Check external URLs too (default: the links gate's 'external' setting).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Use no cache: run every block, even those that passed before, and neither read nor "
    "write the external-link cache.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit code 1) on warnings too, as `mkdocs build --strict` does with the plugins.",
)
@click.option(
    "--shard",
    callback=_parse_shard,
    metavar="K/N",
    help="Report on shard K of N of the pages (a stable split by path; links, anchors and "
    "orphans still see the whole site). Merge the shards' JSON with 'docgates merge'.",
)
@click.option(
    "--cache",
    "cache_url",
    metavar="URL",
    help="The external-link cache: a SQLite file, or redis://host:port/db shared by every run "
    "(default: $DOCGATES_CACHE_URL, then the 'external_cache' setting).",
)
@click.option(
    "--build",
    "build",
    is_flag=True,
    help="Run the real MkDocs (or ProperDocs) build in this process, into a temporary folder, "
    "with the project's plugins and hooks and the docgates gates, and report what the gates "
    "report (this runs the project's code).",
)
def check(
    paths: Sequence[Path],
    config_file: Path | None,
    only: list[str] | None,
    fmt: str,
    jobs: int,
    output: Path | None,
    execute: bool | None,
    update: bool,
    external: bool | None,
    no_cache: bool,
    strict: bool,
    shard: Any,
    cache_url: str | None,
    build: bool,
) -> None:
    """Check the documentation in PATHS (a project, a docs folder or Markdown files).

    With no PATHS, the project in the current folder is checked. Markdown files (as pre-commit
    passes them) are checked in the project they belong to.
    """
    code: dict[str, Any] = {}
    if execute is not None:
        code["execute"] = execute
    if update:
        code["update_output"] = True
        code.setdefault("execute", True)
    if no_cache:
        code["cache"] = False
    if jobs:
        code["jobs"] = jobs  # the worker processes that run blocks, too
    overrides: dict[str, dict[str, Any]] | None = {"code": code} if code else None
    if cache_url is not None:
        overrides = {**(overrides or {}), "links": {"external_cache": cache_url}}
    groups, deleted = _group_by_project(list(paths), config_file)
    if shard is not None and len(groups) > 1:
        raise click.BadParameter("shard one project at a time", param_hint="--shard")
    reports = []
    for project, targets in groups:
        settings = project.settings(overrides)
        gates = list(only or SOURCE_GATES)
        if external or (external is None and only is None and settings.links.external):
            gates.append("external")
        elif external is False and "external" in gates:
            gates.remove("external")
        if build:
            from .commands.build import run_build

            reports.append((project, run_build(project, [g for g in gates if g != "external"])))
            continue
        engine = Engine(project, settings)
        engine.progress = for_output(fmt)
        pages = _pages_to_check(engine, targets, deleted.get(project.root, []))
        if pages is not None and not pages and shard is None:
            continue
        workers = jobs or (os.cpu_count() or 1)
        extras: dict[str, Any] = {"run_opted_in": bool(execute or update)}
        if no_cache:
            extras["no_cache"] = True
        if shard is not None:
            from ._core import shard as sharding

            site = sharding.site_of(project, pages)
            pages = sharding.select(project, pages, shard)
            extras["whole"] = shard.index == 1  # site-wide findings: reported by shard 1
        report = engine.check(dict.fromkeys(gates), pages, jobs=workers, extras=extras)
        if shard is not None:
            sharding.annotate(report, shard, site)
        reports.append((project, report))
    if not reports:
        project = load_project(Path.cwd(), config_file=config_file)
        reports.append((project, Report(project.root)))
    _emit([(p.root, r) for p, r in reports], fmt, output)
    if _DEBUG["on"]:
        for _, report in reports:
            for trace in report.tracebacks:
                click.echo(trace, err=True, nl=False)
    sys.exit(1 if any(failed(report, strict=strict) for _, report in reports) else 0)


def failed(report: Report, *, strict: bool) -> bool:
    """The verdict: an error fails; under ``--strict`` a warning does too, as MkDocs counts the
    warnings the plugins log (they log errors and warnings alike as warnings)."""
    from ._core.findings import Severity

    if report.failed:
        return True
    build = report.stats.extra.get("build")
    if isinstance(build, dict) and build.get("aborted"):
        return True  # `--build` of a config with 'strict: true' failed as its build does
    warned = isinstance(build, dict) and bool(build.get("warnings"))
    return strict and (report.count(Severity.WARNING) > 0 or warned)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The mkdocs.yml, properdocs.yml or zensical.toml to read the status options from.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the pages, status.json, history.json and badges into DIR (e.g. your docs dir).",
)
@click.option(
    "--summary", is_flag=True, help="Print a Markdown summary (for $GITHUB_STEP_SUMMARY)."
)
@click.option("--junit", multiple=True, metavar="GLOB", help="JUnit XML reports (repeatable).")
@click.option("--coverage", metavar="FILE", help="coverage.json, coverage.xml or .coverage.")
@click.option("--coverage-html", metavar="DIR", help="coverage.py's HTML report folder.")
@click.option("--fail-under", type=float, help="The total coverage gate, in percent.")
@click.option("--fail-under-file", type=float, help="The per-file coverage gate, in percent.")
@click.option("--github-repo", metavar="OWNER/NAME", help="Read GitHub Actions data of this repo.")
@click.option(
    "--history",
    metavar="URL",
    help="The history store: a SQLite file, or postgresql://… (default: $DOCGATES_HISTORY_URL, "
    "then the config); '' keeps none.",
)
@click.option("--no-record", is_flag=True, help="Do not add this run to the history store.")
def status(
    path: Path | None,
    config_file: Path | None,
    out: Path | None,
    summary: bool,
    junit: tuple[str, ...],
    coverage: str | None,
    coverage_html: str | None,
    fail_under: float | None,
    fail_under_file: float | None,
    github_repo: str | None,
    history: str | None,
    no_record: bool,
) -> None:
    """Write the status pages and JSON without MkDocs, and gate on coverage and tests.

    Reads the docgates/status options from the project's config (and [tool.docgates.status]);
    flags override them. Exit code 1 when a gate fails (coverage below fail_under, failed
    tests at error level).
    """
    from ._core.status import collect, html_report_files, site_files
    from ._core.status import summary as make_summary
    from ._core.status.summary import one_line

    project = load_project(path or Path.cwd(), config_file=config_file)
    written = 0
    flags: dict[str, Any] = {
        "junit": list(junit) or None,
        "coverage": coverage,
        "coverage_html": coverage_html,
        "fail_under": fail_under,
        "fail_under_file": fail_under_file,
        "history": history,
    }
    overrides = {k: v for k, v in flags.items() if v is not None}
    if github_repo is not None:
        current = project.settings().status.github
        overrides["github"] = {**(vars(current) if current else {}), "repo": github_repo}
    settings = project.settings({"status": overrides})
    collected = collect(project, settings)
    try:
        snap = collected.snapshot
        if out is not None:
            status_settings = settings.status
            for rel, content in site_files(
                snap, status_settings, use_directory_urls=project.use_directory_urls
            ).items():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
                written += 1
            for rel, source in html_report_files(collected.html_dir, status_settings).items():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
                written += 1
        if not no_record:
            collected.record()
    finally:
        collected.close()
    for finding in snap.findings:
        click.echo(
            f"{finding.location}: {finding.severity.value}: {finding.rule} {finding.message}",
            err=True,
        )
    if summary:
        click.echo(make_summary(snap, settings.status), nl=False)
    # The closing line, on standard error (standard output may be the job summary).
    where = [f"wrote {written} files to {out}" if out is not None else "wrote no pages (no --out)"]
    history = settings.status.history
    if no_record or not history:
        where.append("recorded no history")
    else:
        where.append(f"recorded this build in {_redacted(history)}")
    click.echo(f"docgates status: {one_line(snap, settings.status)}; {'; '.join(where)}", err=True)
    failed = any(f.severity.value == "error" for f in snap.findings)
    sys.exit(1 if failed else 0)


def _redacted(location: str) -> str:
    """A history location to print: a URL loses its user and password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(location)
    if not parts.scheme or not parts.netloc:
        return location
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc, query=""))


@main.command()
@click.argument(
    "path",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("--force", is_flag=True, help="Overwrite files that exist with other content.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--package", help="The import name of the package to test (default: detected).")
@click.option(
    "--python",
    "pythons",
    metavar="VERSIONS",
    help="Comma-separated Python versions for the test matrix (default: from requires-python).",
)
@click.option("--docs-dir", help="The docs folder (default: docs_dir of the MkDocs config).")
@click.option("--coverage-floor", type=click.IntRange(0, 100), help="Minimum coverage, percent.")
@click.option(
    "--hooks-repo",
    default=None,
    metavar="URL",
    help="Fetch the pre-commit hooks from this repository (a URL or a path; it must have "
    "--hooks-rev). Default: 'repo: local' hooks that run the docgates installed here.",
)
@click.option(
    "--hooks-rev",
    metavar="REV",
    help="The hooks repository's tag, branch or commit (default: "
    "this version's tag, v" + __version__ + ").",
)
@click.option(
    "--docgates-spec",
    metavar="REQUIREMENT",
    help="What the workflows pip install for docgates (default: this docgates' own source: "
    "its version on the index, or its Git URL and commit).",
)
def init(
    path: Path | None,
    force: bool,
    dry_run: bool,
    package: str | None,
    pythons: str | None,
    docs_dir: str | None,
    coverage_floor: int | None,
    hooks_repo: str | None,
    hooks_rev: str | None,
    docgates_spec: str | None,
) -> None:
    """Set up the docgates pipeline in the project at PATH (default: the current folder).

    Adds the docgates plugins to mkdocs.yml (the status gate too, when there is a package to
    test), the docgates hook to .pre-commit-config.yaml and .docgates/ to .gitignore (keeping
    everything else), and writes the CI, docs, CD and security workflows and the semgrep rules,
    adapted to the project. Every change is shown as a diff. A file that exists with other
    content is left alone (exit code 1) unless --force is given.
    """
    from ._core import init as setup

    options = setup.InitOptions(
        package=package,
        python=[v.strip() for v in pythons.split(",") if v.strip()] if pythons else None,
        docs_dir=docs_dir,
        coverage_floor=coverage_floor,
        hooks_repo=hooks_repo,
        hooks_rev=hooks_rev,
        docgates_spec=docgates_spec,
    )
    context = setup.detect(path or Path.cwd(), options, __version__)
    changes = setup.plan(context)
    for change in changes:
        if change.status == "unchanged":
            continue
        click.echo(change.diff(), nl=False)
    if dry_run:
        _init_summary(context, changes, force=force, written=False)
        click.echo("dry run: nothing was written")
        sys.exit(0)
    skipped = setup.apply(context, changes, force=force)
    _init_summary(context, changes, force=force, written=True)
    if skipped:
        click.echo(
            f"docgates: {len(skipped)} file{'s' if len(skipped) > 1 else ''} left as they were; "
            "rerun with --force to overwrite",
            err=True,
        )
        sys.exit(1)


def _init_summary(context: Any, changes: list[Any], *, force: bool, written: bool) -> None:
    """What init wrote (or would write), where docgates comes from, and what to run next."""
    for change in changes:
        status = change.status
        if status == "unchanged":
            click.echo(f"unchanged  {change.path}")
        elif status == "conflict" and not force:
            click.echo(f"exists     {change.path} (other content; --force overwrites it)")
        else:
            verb = {"create": "create", "edit": "update", "conflict": "overwrite"}[status]
            extra = f" ({change.summary})" if change.summary else ""
            click.echo(f"{verb:<10} {change.path}{extra}")
    if context.hooks_local:
        click.echo(
            "pre-commit: the docgates hook runs the docgates installed here "
            "(repo: local, language: system): install docgates where you commit."
        )
    else:
        click.echo(
            f"pre-commit: the docgates hook comes from {context.hooks_repo} at {context.hooks_rev}."
        )
    click.echo(
        f"workflows: docgates is installed with pip install '{context.docgates.requirement}'."
    )
    if context.docgates.note:
        click.echo(f"note: {context.docgates.note}")
    if written:
        import shlex

        # pre-commit checks the files git tracks: what init wrote is added first.
        touched = sorted(
            {c.path.split("/", 1)[0] if c.path.startswith(".github/") else c.path for c in changes}
        )
        click.echo(
            f"next: git add {' '.join(shlex.quote(t) for t in touched)} && pre-commit install "
            f"&& pre-commit run --all-files && {context.build_command}"
        )


def _group_by_project(
    paths: list[Path], config_file: Path | None
) -> tuple[list[tuple[Project, list[Path]]], dict[Path, list[Path]]]:
    """The projects the PATHS belong to, each with its PATHS, and the files each change
    deletes (PATHS that do not exist, and the deletions pre-commit leaves out)."""
    from ._core.affected import deleted_files, was_tracked

    missing = [p for p in paths if not p.exists()]
    for path in missing:
        if not was_tracked(path):
            raise click.BadParameter(f"'{path}' does not exist", param_hint="PATHS")
    gone = [*missing, *deleted_files(Path.cwd())]
    if config_file or not paths:
        start = paths[0] if paths and not missing else Path.cwd()
        project = load_project(start, config_file=config_file)
        present = [p for p in paths if p.exists()]
        return [(project, present)], {project.root: [g.resolve() for g in gone]}
    groups: dict[Path | None, list[Path]] = {}
    for path in paths:
        if path.exists():
            groups.setdefault(find_config(path), []).append(path)
    deleted: dict[Path, list[Path]] = {}
    for path in gone:
        config = find_config(path)
        if config is None:
            continue
        groups.setdefault(config, [])
        deleted.setdefault(config.parent.resolve(), []).append(path.resolve())
    result = []
    for config, members in groups.items():
        project = load_project(members[0] if members else config or Path.cwd(), config_file=config)
        result.append((project, members))
    return result, deleted


def _pages_to_check(engine: Engine, targets: list[Path], deleted: list[Path]) -> list[Path] | None:
    """The pages to report on for the changed files ``targets`` and the ``deleted`` files:
    those named, and every page the change can break (see :mod:`._core.affected`); ``None``
    for the whole site (no files named, or the config changed)."""
    from ._core.affected import affected_pages
    from ._core.document import Document

    project = engine.project
    if not targets and not deleted:
        return None
    named = resolve_paths(project, targets) if targets else []
    pyproject = project.pyproject_path or project.root / "pyproject.toml"
    if named is None or any(t.resolve() == pyproject for t in targets):
        return None
    documents = {}
    for page in project.pages():
        read = engine.read(page, inline=True)
        if isinstance(read, Document):
            documents[page] = read
    changed = [t.resolve() for t in targets if t.is_file()]
    reached = affected_pages(project, documents, changed, deleted)
    return list(dict.fromkeys([*named, *sorted(reached)]))


def _emit(reports: Sequence[tuple[Path, Report]], fmt: str, output: Path | None) -> None:
    """Print (or write) the reports of one run, each given with its project's root."""
    cwd = Path.cwd().resolve()
    merged = Report(cwd)
    for root, report in reports:
        if root != cwd and fmt != "json":
            report = _rebase(report, root, cwd)
        merged.findings.extend(report.findings)
        merged.notices.extend(report.notices)
        merged.stats.merge(report.stats)
        merged.stats.seconds += report.stats.seconds
    if fmt == "json" and len(reports) == 1:
        merged.root = reports[0][0]
    text = formatter(fmt)(merged)
    if fmt == "json" and len(reports) == 1:
        shown = os.path.relpath(reports[0][0], cwd).replace(os.sep, "/")
        text = text.replace('"root": "."', f'"root": "{shown}"', 1)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        if fmt != "text":
            click.echo(_summary_line(merged), err=True)
        return
    if fmt == "text":
        console = _console()
        # A terminal, or FORCE_COLOR asking for colour in a pipe (rich's own rules, which also
        # honour NO_COLOR and TTY_COMPATIBLE).
        if console.is_terminal:
            _print_rich(merged, console)
            return
    click.echo(text, nl=False)


def _summary_line(report: Report) -> str:
    from ._core.formatters.text import summary

    return summary(report)


def _rebase(report: Report, root: Path, cwd: Path) -> Report:
    prefix = os.path.relpath(root, cwd).replace(os.sep, "/")
    findings = [replace(f, path=f"{prefix}/{f.path}") for f in report.findings]
    return Report(report.root, findings, report.stats, report.notices)


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, stderr=stderr)


def _print_rich(report: Report, console: Console) -> None:
    from rich.text import Text

    from ._core.findings import Severity
    from ._core.formatters.text import summary

    styles = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for notice in report.notices:
        console.print(Text(f"note: {notice}", style="dim"))
    for finding in report.findings:
        line = Text()
        line.append(finding.location, style="bold")
        line.append(": ")
        line.append(finding.severity.value, style=styles[finding.severity])
        line.append(f": {finding.rule} ", style="dim")
        line.append(finding.message)
        console.print(line)
        if finding.hint:
            console.print(Text(f"    hint: {finding.hint}", style="green"))
    style = "bold red" if report.failed else "bold green"
    console.print(Text(summary(report), style=style))


def _register_commands() -> None:
    # Commands with modules of their own (docgates/commands/).
    from .commands.db import db
    from .commands.merge import merge

    main.add_command(db)
    main.add_command(merge)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
