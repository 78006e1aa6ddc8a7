"""Hostile links: malformed, overlong, with control characters or secrets. Each is a clear
links finding that quotes the link safely (escaped, cut, redacted), never a crash; secrets
never reach a message, an output format, the progress line or the cache."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from docgates._core.engine import Engine
from docgates._core.formatters import FORMATS, formatter
from docgates._core.progress import Progress
from docgates._core.project import load_project
from docgates._core.report import Report
from docgates._core.transport import MemoryTransport, Response
from docgates._core.urltext import redact, scrub, shown
from tests.conftest import MakeProject
from tests.linkserver import serving

CLI = [sys.executable, "-m", "docgates", "check", "--only", "external"]
LONG = "https://a.example/" + "a" * 5000
SECRETS = ("s3cret", "SECRET1", "SECRET2", "SECRET3", "ghp_TOKEN4", "hunter2", "SECRET6")


def _external(root: Path, transport: MemoryTransport, **links: object) -> Report:
    project = load_project(root)
    settings = project.settings({"links": {"external_retries": 0, **links}})
    return Engine(project, settings).check(
        ["links", "external"], extras={"transport": transport, "no_cache": True}
    )


def test_hostile_urls_are_findings_that_quote_them_safely(make_project: MakeProject) -> None:
    # In: links to 'http://[::1/', 'http://[', 'https://exa mple.com/', a 5,000-character URL,
    # a raw HTML link with an escape sequence and a right-to-left override, and an internal
    # link with a bell character. Out: one links finding each, whose message quotes the link
    # escaped (\x1b, \u202e) and cut to 200 characters, saying why; no internal error, and no
    # message holds a control character.
    page = (
        "# Home\n\n"
        "[a](http://[::1/) [b](http://[)\n\n"
        "[c](<https://exa mple.com/>)\n\n"
        f"[d]({LONG})\n\n"
        '<a href="https://a.example/x\x1b[31my\u202e">e</a>\n\n'
        '<a href="missing\x07.md">f</a>\n'
    )
    root = make_project({"docs/index.md": page})
    transport = MemoryTransport({"https://a.example/x\x1b[31my\u202e": Response(404, "")})
    report = _external(root, transport)
    assert [f.rule for f in report.findings if f.rule == "docgates/internal-error"] == []
    assert sorted((f.line, f.message) for f in report.findings) == [
        # markdown-it turns 'http://[::1/' into 'http://:1%5B:/' (the link the page shows)
        (3, "URL 'http://%5B' is broken: the URL is malformed: the host '[' is not a host name"),
        (
            3,
            "URL 'http://:1%5B:/' is broken: the URL is malformed: Port could not be cast to "
            "integer value as '1%5B:'",
        ),
        (
            5,
            "URL 'https://exa%20mple.com/' is broken: the URL is malformed: the host "
            "'exa mple.com' is not a host name",
        ),
        (7, f"URL '{LONG[:199]}… (4,819 more characters)' is broken: HTTP 404"),
        (9, "URL 'https://a.example/x\\x1b[31my\\u202e' is broken: HTTP 404"),
        (11, "link 'missing\\x07.md': no page or file is served at 'missing\\x07.md'"),
    ]
    for finding in report.findings:
        assert finding.message.isprintable(), finding
        assert len(finding.message) < 300, finding
    # Nothing was sent for the malformed ones; the others went out as the page wrote them.
    assert sorted(r.url for r in transport.requests) == sorted(
        [LONG, "https://a.example/x\x1b[31my\u202e"]
    )


def test_credentials_in_urls_are_never_shown(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In: links with user:pass@, a token as user name, ?token=, ?key=, ?access_token= and
    # #access_token= values, one redirecting (permanently) to another URL with credentials,
    # and a malformed one with a password. Out: every finding shows them as '***' (the user
    # name kept), in the text, JSON, SARIF, JUnit and GitHub outputs, on the progress line
    # and in the cache file; the requests still carry them.
    page = (
        "# Home\n\n"
        "[a](https://alice:s3cret@a.example/missing?token=SECRET1&x=1)\n\n"
        "[b](https://a.example/missing?key=SECRET2)\n\n"
        "[c](https://ghp_TOKEN4@a.example/gone)\n\n"
        "[d](https://a.example/moved)\n\n"
        "[e](https://a.example/cb#access_token=SECRET3&state=1)\n\n"
        "[f](http://bob:SECRET6@[::1/)\n"
    )
    root = make_project({"docs/index.md": page})
    transport = MemoryTransport(
        {
            "https://alice:s3cret@a.example/missing?token=SECRET1&x=1": Response(404, ""),
            "https://a.example/moved": Response(
                301, "", {"location": "https://bob:hunter2@a.example/new?access_token=SECRET3"}
            ),
            "https://bob:hunter2@a.example/new?access_token=SECRET3": Response(200, ""),
            "https://a.example/cb": Response(404, ""),
        }
    )
    seen: list[str] = []

    class Recording(Progress):
        def advance(self, current: str = "", count: int = 1) -> None:
            seen.append(current)

    project = load_project(root)
    cache = tmp_path / "links.sqlite"
    settings = project.settings({"links": {"external_retries": 0, "external_cache": str(cache)}})
    engine = Engine(project, settings)
    engine.progress = Recording()
    report = engine.check(["links", "external"], extras={"transport": transport})
    by_line = {f.line: f.text for f in report.findings}
    assert by_line == {
        3: "URL 'https://alice:***@a.example/missing?token=***&x=1' is broken: HTTP 404",
        5: "URL 'https://a.example/missing?key=***' is broken: HTTP 404",
        7: "URL 'https://***@a.example/gone' is broken: HTTP 404",
        9: "URL 'https://a.example/moved' has moved permanently to "
        "'https://bob:***@a.example/new?access_token=***'. Link "
        "'https://bob:***@a.example/new?access_token=***' instead.",
        11: "URL 'https://a.example/cb#access_token=***&state=1' is broken: HTTP 404",
        13: "URL 'http://bob:***@:1%5B:/' is broken: the URL is malformed: Port could not be "
        "cast to integer value as '1%5B:'",
    }
    assert any("s3cret" in r.url for r in transport.requests)  # the request is as written
    outputs = [formatter(fmt)(report) for fmt in FORMATS]
    outputs += seen
    db = sqlite3.connect(cache)
    outputs.append(json.dumps(db.execute("SELECT * FROM outcomes").fetchall()))
    db.close()
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text, (secret, text[:500])
    assert "https://alice:***@a.example/missing?token=***&x=1" in seen


def test_the_cli_never_prints_a_secret_in_any_format(make_project: MakeProject) -> None:
    # In: `docgates check --external` (every format) on a page linking a 127.0.0.1 server
    # with user:pass@ and ?token=, the server redirecting to a URL with a password. Out: exit
    # 1, the findings there, and no secret in standard output or error.
    with serving() as server:
        host = server.base.split("//", 1)[1]
        server.secret_location = f"http://bob:hunter2@{host}/missing?access_token=SECRET3"
        page = (
            f"# Home\n\n[a](http://alice:s3cret@{host}/missing?token=SECRET1)\n\n"
            f"[b]({server.base}/moved-to-secret)\n"
        )
        root = make_project({"docs/index.md": page})
        for fmt in ("text", "json", "sarif", "junit", "github"):
            result = subprocess.run(
                [*CLI, "--no-cache", "--format", fmt],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert result.returncode == 1, result.stderr
            assert "alice:***@" in result.stdout
            for secret in SECRETS:
                assert secret not in result.stdout + result.stderr, (fmt, secret)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:secret@host/", "https://user:***@host/"),
        ("https://tok@host/p", "https://***@host/p"),
        ("//u:p@host/", "//u:***@host/"),
        (
            "https://host/?a=1&access_token=x&key=k&api-key=z&q",
            "https://host/?a=1&access_token=***&key=***&api-key=***&q",
        ),
        ("https://host/?X-Amz-Signature=abc#frag", "https://host/?X-Amz-Signature=***#frag"),
        ("https://host/#id_token=abc", "https://host/#id_token=***"),
        ("http://u:p@[::1/?token=t", "http://u:***@[::1/?token=***"),
        ("https://host/path@x?keyboard=1", "https://host/path@x?keyboard=1"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
    ],
)
def test_redact(url: str, expected: str) -> None:
    # In: URLs with secrets in each place (and lookalikes that hold none). Out: only the
    # secrets masked, whether or not the URL parses.
    assert redact(url) == expected


def test_scrub_is_idempotent_and_cuts_only_long_runs() -> None:
    # In: a reason holding a URL with a password, an escape sequence and a 1,000-character
    # word. Out: all made safe, and scrubbing again changes nothing.
    text = "HTTP 404 at 'https://u:pw@h/x' \x1b[0m '" + "z" * 1000 + "'"
    once = scrub(text)
    assert once == (
        "HTTP 404 at 'https://u:***@h/x' \\x1b[0m '" + "z" * 199 + "… (801 more characters)'"
    )
    assert scrub(once) == once
    assert shown("https://h/" + "\x00" * 300).endswith("… (1,011 more characters)")
    # A no-break space is shown, not passed off as nothing (the fuzz suite's find in a host).
    assert scrub("the host 'a.example\xa00' is not a host name") == (
        "the host 'a.example\\xa00' is not a host name"
    )


def test_a_raw_html_link_urlsplit_refuses_is_external_not_a_crash(
    make_project: MakeProject,
) -> None:
    # In: a raw HTML link 'http://[::1' (Python's urlsplit raises on it; markdown-it leaves
    # raw HTML alone), found by the fuzz suite. Out: the links gate leaves it to the external
    # check (it was docgates/internal-error), which calls it malformed; the built-page scan of
    # the MkDocs plugin and --affected skip it too.
    from docgates._core.affected import _link_targets
    from docgates._core.builtpage import link_problems, read_built

    root = make_project({"docs/index.md": '# Home\n\n<a href="http://[::1">t</a>\n'})
    project = load_project(root)
    report = Engine(project, project.settings()).check(["links"])
    assert report.findings == []
    report = _external(root, MemoryTransport())
    assert [f.text for f in report.findings] == [
        "URL 'http://[::1' is broken: the URL is malformed: Invalid IPv6 URL"
    ]
    doc = Engine(project, project.settings()).read(root / "docs/index.md", inline=True)
    assert _link_targets(doc, project.docs_dir) == set()  # type: ignore[arg-type]
    from docgates._core.site import run_site

    site = run_site(project, project.settings(), {})
    built = read_built('<a href="http://[::1">t</a>')
    assert link_problems("index.md", built, site, {}) == (False, set())


def test_mailto_and_tel_reasons_hide_query_secrets(make_project: MakeProject) -> None:
    # In: a tel: link whose "number" carries ?token=. Out: the reason quotes it redacted.
    root = make_project({"docs/index.md": "# Home\n\n[t](tel:a.example/p?token=SECRET1&x=1)\n"})
    assert [f.text for f in _external(root, MemoryTransport()).findings] == [
        "URL 'tel:a.example/p?token=***&x=1' is broken: 'a.example/p?token=***&x=1' is not a "
        "telephone number"
    ]


def test_a_relative_links_query_secrets_are_hidden_too(make_project: MakeProject) -> None:
    # In: a relative link to a missing page with ?token= in its query (found by the fuzz
    # suite: 'a.example/p?token=...' is a relative link). Out: the finding shows '***'.
    root = make_project({"docs/index.md": "# Home\n\n[a](a.example/p?token=SECRET1&x=1)\n"})
    project = load_project(root)
    report = Engine(project, project.settings()).check(["links"])
    assert [f.text for f in report.findings] == [
        "link 'a.example/p?token=***&x=1': no page or file is served at 'a.example/p'"
    ]
