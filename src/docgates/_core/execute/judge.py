"""Turn what a block did into findings at the page's own lines (and into ``--update`` edits)."""

from __future__ import annotations

import ast
import dataclasses
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import findings
from ..document import CodeLine
from ..findings import Finding
from ..source import Span
from .expect import (
    Expectation,
    Mismatch,
    PrintSite,
    compare,
    compare_exception,
    exception_lines,
    split_output,
)
from .plan import BlockRun, PagePlan

Message = dict[str, Any]
Replace = Callable[[str], str]
_MAX_TRACEBACK = 6


@dataclass
class Edit:
    """Replace raw lines ``first..last`` (inclusive; ``last = first - 1`` inserts) of ``path``."""

    path: str
    first: int
    last: int
    texts: list[str]
    """New lines, without the container's prefix (which ``update`` takes from ``prefix_of``)."""
    prefix_of: CodeLine
    """A raw line whose text before ``column`` is the prefix every new line gets."""


@dataclass
class Verdict:
    """The outcome of one run: passed or not, what to report, what ``--update`` would write."""

    passed: bool
    findings: list[Finding] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    not_run: bool = False
    """The block never ran (its worker was lost before it): counted as skipped."""


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters that never reach a page raw: C0 and C1 controls but tab and newline (``\\r``
would end a line, NUL makes the page binary), and lone surrogates (not UTF-8)."""


def visible(text: str) -> str:
    """``text`` with each control character written as Python writes it (``\\x00``,
    ``\\r``, ``\\x1b``): how printed output is compared with the page and written into it."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


def build_replacer(patterns: dict[str, str]) -> Replace:
    """What printed output goes through before it is compared or written: control characters
    made :func:`visible`, then the ``output_replace`` patterns."""
    compiled = [(re.compile(pattern), replacement) for pattern, replacement in patterns.items()]

    def replace(text: str) -> str:
        text = visible(text)
        for pattern, replacement in compiled:
            text = pattern.sub(replacement, text)
        return text

    return replace


class Judge:
    """Judges the runs of one page."""

    def __init__(self, plan: PagePlan, replace: Replace, line_length: int) -> None:
        self.plan = plan
        self.replace = replace
        self.line_length = line_length
        self.by_file = {run.filename: run for run in plan.runs}
        self.failed: dict[str, list[tuple[frozenset[str], Finding]]] = {}
        """Per session, the blocks that failed: the names each would have bound, and the
        finding that says why it failed."""

    def verdict(self, run: BlockRun, result: Message | None) -> Verdict:
        verdict = self._verdict(run, result)
        errors = [f for f in verdict.findings if f.severity is not findings.Severity.INFO]
        if errors and not run.expect_error:
            verdict.findings = [self._consequence(run, result or {}, f) for f in verdict.findings]
            self.failed.setdefault(run.session, []).append((bound_names(run), errors[0]))
        return verdict

    def _consequence(self, run: BlockRun, result: Message, finding: Finding) -> Finding:
        """A ``NameError`` for a name an earlier failed block of the session would have bound
        is not a new error: it follows from that one (info, pointing at it)."""
        name = _name_error(result)
        if finding.rule != "code/runtime-error" or name is None:
            return finding
        for names, cause in self.failed.get(run.session, []):
            if name in names:
                return dataclasses.replace(
                    finding,
                    severity=findings.Severity.INFO,
                    message=f"{finding.message}\n(this follows from the error at "
                    f"{cause.location}: that block failed before it defined '{name}')",
                )
        return finding

    def _verdict(self, run: BlockRun, result: Message | None) -> Verdict:
        status = (result or {}).get("status", "lost")
        if status == "not-run":
            return Verdict(False, not_run=True)
        if status in ("lost", "timeout", "died", "process-limit"):
            return Verdict(False, [self._ended(run, status, result or {})])
        verdict = Verdict(True)
        if run.mode == "session":
            self._session(run, result or {}, verdict)
        else:
            self._exec(run, result or {}, verdict)
        cwd = (result or {}).get("cwd")
        if cwd:
            verdict.findings.append(
                self._at(
                    "code/cwd-changed",
                    _fence(run),
                    f"Python block changed the working directory to '{cwd}' and did not change "
                    "it back; docgates moved the next blocks back to the page's temporary folder",
                )
            )
        verdict.passed = verdict.passed and not any(
            f.rule != "code/cwd-changed" for f in verdict.findings
        )
        return verdict

    # -- exec blocks ---------------------------------------------------------------------------
    def _exec(self, run: BlockRun, result: Message, verdict: Verdict) -> None:
        status = result.get("status")
        what = "Python block"
        if status != "ok":
            if run.expect_error and status in ("error", "exit"):
                return
            verdict.findings.append(self._raised(run, result, what))
            return
        if run.expect_error:
            marker = (
                'test="xfail"'
                if (run.block.option("test") or "").startswith("xfail")
                else ('docgates="expect-error"')
            )
            verdict.findings.append(
                self._at(
                    "code/did-not-raise",
                    _fence(run),
                    f"Python block is marked {marker} but ran without raising",
                )
            )
            return
        if run.records_prints:
            self._prints(run, result.get("prints") or [], verdict)
        if run.fence is not None:
            actual = split_output(self.replace(result.get("stdout", "")))
            self._expect(run, run.fence, actual, verdict, "output")

    def _prints(self, run: BlockRun, records: list[Any], verdict: Verdict) -> None:
        calls: dict[int, list[list[Any]]] = {}
        for record in records:
            if not isinstance(record, list) or len(record) != 4 or record[0] != run.filename:
                continue
            site = _site_of(run.sites, int(record[1]))
            if site is not None:
                calls.setdefault(site.start, []).append(record)
        for site in run.sites:
            made = calls.get(site.start, [])
            texts = [self.replace(_joined(call)) for call in made]
            actual = [line for text in texts for line in text.split("\n")]
            anchor = run.positions[site.end - 1]
            expectation = site.expectation or Expectation(
                "comment", [], [], anchor, indent=" " * site.column
            )
            found = compare(expectation.texts, actual, layout=expectation.style == "docstring")
            if found is None:
                continue
            verdict.findings.append(self._mismatch(expectation, found, "print() output"))
            verdict.edits.append(self._print_edit(expectation, made, anchor))

    def _print_edit(
        self, expectation: Expectation, calls: list[list[Any]], anchor: CodeLine
    ) -> Edit:
        indent = expectation.indent
        texts: list[str] = []
        for call in calls:
            single = self.replace(_joined(call))
            if "\n" not in single and len(indent) + 3 + len(single) < self.line_length:
                texts.append(f"{indent}#> {single}")
                continue
            sep = str(call[2]) + "\n"
            body = self.replace(
                sep.join(_format_arg(a, self.line_length - len(indent)) for a in call[3])
            )
            texts.append(f'{indent}"""')
            texts.extend(f"{indent}{line}".rstrip() for line in body.split("\n"))
            texts.append(f'{indent}"""')
        return _edit(expectation, texts, anchor, indent="")

    # -- sessions ------------------------------------------------------------------------------
    def _session(self, run: BlockRun, result: Message, verdict: Verdict) -> None:
        outcomes = result.get("statements") or []
        for statement, outcome in zip(run.statements, outcomes, strict=False):
            expectation = statement.expectation
            if outcome.get("status") == "ok":
                actual = split_output(self.replace(outcome.get("stdout", "")))
                if expectation.traceback:
                    found = compare(expectation.texts, actual)
                    mismatch = Mismatch(0, "", expectation.texts[0], "")
                    verdict.findings.append(
                        self._mismatch(expectation, mismatch, "'>>>' output", raised=False)
                    )
                    verdict.edits.append(
                        _edit(expectation, _session_texts(actual), expectation.anchor)
                    )
                    continue
                self._expect(run, expectation, actual, verdict, "'>>>' output")
                continue
            error = outcome.get("error") or {}
            if expectation.traceback:
                wanted = exception_lines(expectation.texts)
                name = str(error.get("type", ""))
                module = str(error.get("module", ""))
                qualified = name if module in ("builtins", "__main__", "") else f"{module}.{name}"
                only = self.replace(str(error.get("only", "")))
                found = compare_exception(wanted, only, qualified, name)
                if found is not None:
                    offset = len(expectation.texts) - len(wanted)
                    shifted = Mismatch(
                        found.index + offset, found.diff, found.expected, found.actual
                    )
                    verdict.findings.append(self._mismatch(expectation, shifted, "'>>>' exception"))
                    verdict.edits.append(
                        _edit(
                            expectation,
                            [*expectation.texts[:offset], *split_output(only)],
                            expectation.anchor,
                        )
                    )
                continue
            verdict.findings.append(self._raised(run, {**result, **outcome}, "'>>>' statement"))
            return

    # -- shared --------------------------------------------------------------------------------
    def _expect(
        self,
        run: BlockRun,
        expectation: Expectation,
        actual: list[str],
        verdict: Verdict,
        what: str,
    ) -> None:
        found = compare(expectation.texts, actual)
        if found is None:
            return
        verdict.findings.append(self._mismatch(expectation, found, what))
        texts = _session_texts(actual) if expectation.style == "session" else actual
        verdict.edits.append(_edit(expectation, texts, expectation.anchor))

    def _mismatch(
        self, expectation: Expectation, found: Mismatch, what: str, *, raised: bool | None = None
    ) -> Finding:
        if found.index < len(expectation.lines):
            line = expectation.lines[found.index]
        elif expectation.lines:
            line = expectation.lines[-1]
        else:
            line = expectation.anchor
        where = "the output block after the code" if expectation.style == "fence" else "the page"
        if raised is False:
            message = f"{what}: the page shows a traceback, but the statement did not raise"
        elif not expectation.texts:
            message = f"{what} is not on {where}: printed {_quote(found.actual)}"
        elif found.index >= len(expectation.texts):
            message = f"{what} has more lines than {where}: {_quote(found.actual)}"
        else:
            message = (
                f"{what} differs from {where}: expected {_quote(found.expected)}, "
                f"printed {_quote(found.actual)}"
            )
        if found.diff:
            message += "\n" + found.diff
        return findings.make(
            "code/output-mismatch",
            line.path,
            line.line,
            _column(line),
            message,
            hint="Run 'docgates check --execute --update' to write what the code prints.",
        )

    def _raised(self, run: BlockRun, result: Message, what: str) -> Finding:
        error = result.get("error") or {}
        status = result.get("status")
        name = str(error.get("type", "Exception"))
        message = str(error.get("message", ""))
        frames = [f for f in error.get("frames", []) if isinstance(f, list) and len(f) == 4]
        place = self._innermost(frames) or _fence(run)
        if status == "exit":
            head = f"{what} called sys.exit({error.get('code', '')})"
        elif status == "output-limit":
            head = f"{what} stopped: {message}"
        else:
            first, _, rest = message.partition("\n")
            head = f"{what} raised {name}" + (f": {first}" if first else "")
            if rest.strip():
                head += "\n" + "\n".join(f"    {line}" for line in rest.split("\n")[:12])
        trace = self._traceback(frames)
        if trace:
            head += "\nTraceback (most recent call last), on the page:\n" + "\n".join(trace)
        return findings.make("code/runtime-error", place.path, place.line, place.column, head)

    def _innermost(self, frames: list[list[Any]]) -> Span | None:
        for filename, lineno, _name, column in reversed(frames):
            run = self.by_file.get(filename)
            if run is None or not run.positions:
                continue
            row = min(max(int(lineno), 1), len(run.positions)) - 1
            code = run.positions[row]
            offset = int(column) if isinstance(column, int) and column >= 0 else _indent(code.text)
            return Span(code.path, code.line, code.column + offset + 1)
        return None

    def _traceback(self, frames: list[list[Any]]) -> list[str]:
        lines = []
        for filename, lineno, name, _column in frames[-_MAX_TRACEBACK:]:
            run = self.by_file.get(filename)
            if run is not None and run.positions:
                row = min(max(int(lineno), 1), len(run.positions)) - 1
                code = run.positions[row]
                lines.append(f"  {code.path}:{code.line}, in {name}: {code.text.strip()}")
            else:
                lines.append(f"  {filename}:{lineno}, in {name}")
        if len(frames) > _MAX_TRACEBACK:
            lines.insert(0, f"  ... ({len(frames) - _MAX_TRACEBACK} outer frames)")
        return lines if len(frames) > 1 or any(f[0] not in self.by_file for f in frames) else []

    def _ended(self, run: BlockRun, status: str, result: Message) -> Finding:
        span = _fence(run)
        if status == "timeout":
            seconds = f"{run.timeout:g}"
            return self._at(
                "code/timeout",
                span,
                f"Python block did not finish within {seconds}s; docgates killed its process "
                "and went on with the next block",
                hint='Make the example faster, or give it more time: python {timeout="60"}.',
            )
        if status == "process-limit":
            return self._at(
                "code/runtime-error",
                span,
                f"Python block had more than {result.get('limit', '?')} processes running at "
                "once; docgates killed them all and went on with the next block",
                hint="Start fewer processes, or raise the code gate's 'max_processes'.",
            )
        if status == "lost":
            why = "stopped answering" if result.get("stuck") else "died"
            return self._at(
                "code/runtime-error",
                span,
                f"Python block ran while docgates' worker process {why}; the rest of the page "
                "was not run",
            )
        if "signal" in result:
            number = int(result["signal"])
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            how = f"was killed by {name}"
            if name == "SIGKILL":
                how += " (perhaps for using too much memory)"
            elif name == "SIGXCPU":
                how += " (it used more CPU time than its timeouts allow)"
        else:
            how = f"ended with exit status {result.get('exit', '?')} (os._exit() or a crash)"
        if result.get("when"):
            how += " " + str(result["when"])
        return self._at(
            "code/runtime-error",
            span,
            f"the process running this Python block {how}; docgates went on with the next block",
        )

    @staticmethod
    def _at(rule: str, span: Span, message: str, *, hint: str | None = None) -> Finding:
        return findings.make(rule, span.path, span.line, span.column, message, hint=hint)


def _name_error(result: Message) -> str | None:
    """The undefined name of the ``NameError`` a block (or its failing statement) raised."""
    errors = [result.get("error")] + [o.get("error") for o in result.get("statements") or []]
    for error in errors:
        if isinstance(error, dict) and error.get("type") in ("NameError", "UnboundLocalError"):
            name = error.get("name")
            if isinstance(name, str) and name:
                return name
            match = _UNDEFINED.search(str(error.get("message", "")))
            if match:
                return match.group(1)
    return None


_UNDEFINED = re.compile(r"name '([^']+)' is not defined")


def bound_names(run: BlockRun) -> frozenset[str]:
    """The names a block's code binds at its top level (assignments, defs, imports...)."""
    code = run.code if run.mode == "exec" else "\n".join(s.code for s in run.statements)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add(alias.asname or alias.name.split(".", 1)[0])
    return frozenset(names)


def _site_of(sites: list[PrintSite], line: int) -> PrintSite | None:
    best = None
    for site in sites:
        if site.start <= line <= site.end and (
            best is None or site.end - site.start < best.end - best.start
        ):
            best = site
    return best


def _joined(call: list[Any]) -> str:
    sep = str(call[2])
    return sep.join(str(arg[0]) for arg in call[3] if isinstance(arg, list) and arg)


def _format_arg(arg: list[Any], width: int) -> str:
    text, is_str = str(arg[0]), bool(arg[1])
    if is_str:
        return text
    try:  # pytest-examples lays long output out with black; use it when it is installed
        import black  # type: ignore[import-not-found,unused-ignore]

        mode = black.Mode(line_length=max(width, 20), string_normalization=False)
        return str(black.format_str(text, mode=mode)).strip("\n")
    except Exception:
        return text


def _edit(
    expectation: Expectation, texts: list[str], anchor: CodeLine, indent: str | None = None
) -> Edit:
    lead = expectation.indent if indent is None else indent
    texts = [f"{lead}{text}".rstrip() if text else "" for text in texts]
    if expectation.first is not None and expectation.last is not None:
        return Edit(
            expectation.first.path,
            expectation.first.line,
            expectation.last.line,
            texts,
            expectation.first,
        )
    return Edit(anchor.path, anchor.line + 1, anchor.line, texts, anchor)


def _session_texts(actual: list[str]) -> list[str]:
    return [text if text.strip() else "<BLANKLINE>" for text in actual]


def _fence(run: BlockRun) -> Span:
    return run.block.span


def _column(line: CodeLine) -> int:
    return line.column + _indent(line.text) + 1


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _quote(text: str, limit: int = 80) -> str:
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)
