"""Findings: what a check says about the documentation, as data.

A finding's string form is its location, ``path:line:col``, which also makes a good test id.
Only a front (CLI formatter, MkDocs logger, pytest report) turns findings into text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Severity(str, enum.Enum):
    """How bad a finding is. ``error`` fails the CLI (exit 1) and ``mkdocs build --strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Rule:
    """A stable rule id with its default severity and a one-line summary."""

    id: str
    severity: Severity
    summary: str


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Every rule docgates can report. Ids are stable: new ones are added, none is renamed.
RULES: dict[str, Rule] = _rules(
    Rule("code/syntax-error", E, "a Python block does not compile"),
    Rule("code/runtime-error", E, "a Python block raised when it ran"),
    Rule("code/output-mismatch", E, "a block printed something other than the page says"),
    Rule("code/timeout", E, "a Python block ran longer than its timeout"),
    Rule("code/did-not-raise", E, 'a block marked docgates="expect-error" ran without raising'),
    Rule("code/cwd-changed", W, "a block changed the working directory and left it changed"),
    Rule("code/update-skipped", W, "--update left a page alone: it changed since it was read"),
    Rule("code/update-failed", E, "--update could not write a page (it was left as it was)"),
    Rule("code/include-missing", E, "an included file (--8<--, {* *}, {! !}) does not exist"),
    Rule("code/include-cycle", E, "an included file includes itself"),
    Rule("code/include-outside", E, "an include names a file outside the project (not read)"),
    Rule("code/include-too-deep", W, "an include chain is deeper than docgates follows (32)"),
    Rule("code/unchecked-fence", W, "a fence looks like Python but is not checked or rendered"),
    Rule("code/unchecked-block", W, "MkDocs rendered a Python block that docgates did not check"),
    Rule("source/decode-error", E, "a Markdown file is not valid UTF-8"),
    Rule("source/binary", E, "a file named like Markdown holds binary data"),
    Rule("source/too-large", W, "a Markdown file is larger than max_file_size"),
    Rule("source/front-matter-unread", W, "front matter docgates refuses to read (alias bomb)"),
    Rule("links/page-not-found", E, "a relative link points to a page or file that does not exist"),
    Rule("links/anchor-not-found", E, "a link points to an anchor that does not exist"),
    Rule("links/image-not-found", E, "an image reference points to a missing file"),
    Rule("links/external-broken", E, "an external URL is broken"),
    Rule("links/external-unverified", W, "an external URL could not be verified"),
    Rule("links/external-redirect", Severity.INFO, "an external URL redirects permanently"),
    Rule("structure/orphan-page", W, "a page is not reachable from nav"),
    Rule("structure/nav-target-missing", E, "a nav entry points to a missing page"),
    Rule("structure/heading-skip", W, "a heading skips a level"),
    Rule("structure/multiple-h1", W, "more than one H1, or an H1 that disagrees with the title"),
    Rule("structure/duplicate-anchor", W, "two headings make the same anchor"),
    Rule("structure/front-matter", E, "front matter does not match its schema"),
    Rule("docgates/internal-error", E, "docgates itself failed on a page (a bug to report)"),
    Rule("status/coverage-below", E, "coverage is below its gate"),
    Rule("status/tests-failed", E, "the test report has failures"),
    Rule("status/input-broken", W, "a status input (JUnit, coverage, history) cannot be read"),
    Rule("status/input-missing", N, "a configured status input does not exist (yet)"),
    Rule("status/github-unavailable", N, "the GitHub API could not be reached or refused"),
)
del E, W, N


@dataclass(frozen=True, order=True)
class Finding:
    """One thing wrong (or worth knowing) at one place.

    ``path`` is relative to the project root with ``/`` separators; ``line`` and ``column``
    are 1-based in the raw source file, front matter included. ``line`` is ``None`` only for a
    finding about a whole file.
    """

    path: str
    line: int | None
    column: int | None
    rule: str
    severity: Severity
    message: str
    hint: str | None = None
    end_line: int | None = field(default=None, compare=False)
    end_column: int | None = field(default=None, compare=False)

    @property
    def location(self) -> str:
        """``path:line:col``, as far as it is known."""
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text

    def __str__(self) -> str:
        return f"{self.location}: {self.rule} {self.message}"

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    @property
    def text(self) -> str:
        """The message and its hint as one text, the way MkDocs writes them.

        A one-line message and its hint share the line ("... 'x.md'. Did you mean 'y.md'?"); a
        message that ends in a block (a diff, a traceback) gets the hint on a line of its own,
        so that it never reads as the block's last line.
        """
        return join_hint(self.message, self.hint)


def join_hint(message: str, hint: str | None) -> str:
    """``message`` followed by ``hint``: on the same line after a full stop, or on a new line
    when the message spans several lines."""
    if not hint:
        return message
    if "\n" in message:
        return f"{message.rstrip()}\n{hint}"
    stop = "" if message.endswith((".", "?", "!", ":")) else "."
    return f"{message}{stop} {hint}"


def make(
    rule: str,
    path: str,
    line: int | None,
    column: int | None,
    message: str,
    *,
    hint: str | None = None,
    severity: Severity | None = None,
    end_line: int | None = None,
    end_column: int | None = None,
) -> Finding:
    """Build a finding for a known rule, at the rule's default severity unless told otherwise."""
    known = RULES[rule]
    return Finding(
        path=path,
        line=line,
        column=column,
        rule=rule,
        severity=severity or known.severity,
        message=message,
        hint=hint,
        end_line=end_line,
        end_column=end_column,
    )
