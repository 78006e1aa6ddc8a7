"""URLs as docgates shows them: credentials and query secrets redacted, control characters
escaped, overlong ones cut.

A page may link a URL with a user name and password before the host, or
``...?access_token=...``; a server may redirect to such a URL. docgates requests what the
page says, but never prints a secret: in findings (and so in every output format), in
notices, in the progress line and in the cache, the user name stays (it says which account)
and the secrets read ``***``:
``https://user:***@host/?token=***``. A user name alone may be a token
(``https://ghp_...@github.com/``), so it is hidden too. Redaction works on the text, so a URL
too malformed to parse (``http://u:p@[::1/``) is redacted all the same.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import SplitResult, unquote_plus, urlsplit

from .findings import Finding

MASK = "***"
MAX_SHOWN = 200
"""The most characters of a URL a message quotes; a longer one is cut, and says by how much."""

_SECRET_PARTS = (
    "token", "secret", "password", "passwd", "signature", "credential", "apikey", "auth",
    "session", "jwt", "privatekey",
)  # fmt: skip
_SECRET_NAMES = frozenset({"key", "sig", "pwd", "pass", "code", "otp", "ticket"})
_AUTHORITY = re.compile(r"^(?P<head>(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)(?P<authority>[^/?#]*)")
_IN_TEXT = re.compile(r"(?:\b[A-Za-z][A-Za-z0-9+.-]*:)?//[^\s'\"<>`]+")
"""A URL inside a longer text (an outcome's reason, an exception's message)."""
_PAIR = re.compile(r"(?P<lead>[?&#])(?P<name>[^=&#?\s'\"]+)=(?P<value>[^&#\s'\"]+)")
"""A query (or fragment) parameter with a value, in any text."""
_LONG_RUN = re.compile(f"[^\\s'\"]{{{MAX_SHOWN + 1},}}")
"""A run of characters without a space or a quote, longer than a message quotes."""


_RFC3986 = re.compile(
    r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):)?(?://(?P<netloc>[^/?#]*))?(?P<path>[^?#]*)"
    r"(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?$",
    re.DOTALL,
)


def split(url: str) -> SplitResult:
    """``urlsplit(url)``, which never raises: a URL it refuses (``http://[::1``, an unclosed
    IPv6 bracket) is split by RFC 3986's own pattern, so it still has its scheme and host and
    counts as external (where it is reported as malformed)."""
    try:
        return urlsplit(url)
    except ValueError:
        match = _RFC3986.match(url)
        assert match is not None  # every string matches: each part is optional
        parts = {k: v or "" for k, v in match.groupdict().items()}
        parts["scheme"] = parts["scheme"].lower()
        return SplitResult(**parts)


def secret_name(name: str) -> bool:
    """Whether a query parameter named ``name`` carries a secret (``token``,
    ``access_token``, ``X-Amz-Signature``, ``api_key``, ``key``, ``sig``...)."""
    folded = unquote_plus(name).lower().replace("-", "").replace("_", "")
    return folded in _SECRET_NAMES or any(part in folded for part in _SECRET_PARTS)


def _pairs(text: str) -> str:
    """``a=1&token=x`` with the values of secret names masked."""
    out = []
    for pair in text.split("&"):
        name, equals, value = pair.partition("=")
        out.append(f"{name}={MASK}" if equals and value and secret_name(name) else pair)
    return "&".join(out)


def redact(url: str) -> str:
    """``url`` with its password (or a user name that stands alone) and the values of its
    secret query and fragment parameters replaced by ``***``; never raises."""
    match = _AUTHORITY.match(url)
    if match is not None and "@" in match.group("authority"):
        userinfo, _, host = match.group("authority").rpartition("@")
        user, colon, _ = userinfo.partition(":")
        shown = f"{user}:{MASK}" if colon else MASK
        url = f"{match.group('head')}{shown}@{host}{url[match.end() :]}"
    rest, hash_, fragment = url.partition("#")
    base, question, query = rest.partition("?")
    if question:
        rest = f"{base}?{_pairs(query)}"
    if hash_ and "=" in fragment:  # OAuth's implicit flow: #access_token=...
        fragment = _pairs(fragment)
    return f"{rest}{hash_}{fragment}"


def escape(text: str) -> str:
    """``text`` with control and format characters, line or paragraph separators and spaces
    other than the ASCII one written as ``\\xNN``/``\\uNNNN``: a terminal, a log or an XML
    report shows them inert and visible (``a.example\\xa0`` is not ``a.example``)."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char.isprintable():  # the ASCII space is; other spaces are shown, not hidden
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def cut(text: str, most: int = MAX_SHOWN) -> str:
    """``text`` cut to ``most`` characters (the last one ``…``), saying how many more there
    were; a text cut once is not cut again."""
    if len(text) <= most:
        return text
    return f"{text[: most - 1]}… ({len(text) - most + 1:,} more characters)"


def shown(url: str) -> str:
    """``url`` as a message quotes it: redacted, escaped and cut."""
    return cut(escape(redact(url)))


def scrub(text: str) -> str:
    """``text`` (a message, a reason) with every URL in it redacted (and the secret values
    of any ``?name=value`` in it, as a relative link's query holds them), control characters
    escaped and every run of more than :data:`MAX_SHOWN` characters without a space or a
    quote cut.
    Scrubbing twice changes nothing."""
    if len(text) <= MAX_SHOWN and "//" not in text and "=" not in text and text.isprintable():
        return text  # no URL, no parameter, nothing to escape, no run to cut: as it is
    text = _IN_TEXT.sub(lambda m: redact(m.group(0)), text)
    text = escape(_PAIR.sub(_mask_pair, text))  # relative links have queries too
    return _LONG_RUN.sub(lambda m: cut(m.group(0)), text)


def _mask_pair(match: re.Match[str]) -> str:
    if not secret_name(match.group("name")) or match.group("value") == MASK:
        return match.group(0)
    return f"{match.group('lead')}{match.group('name')}={MASK}"


def scrubbed(finding: Finding) -> Finding:
    """``finding`` with its message and hint scrubbed (see :func:`scrub`)."""
    message, hint = scrub(finding.message), scrub(finding.hint) if finding.hint else None
    if message == finding.message and hint == finding.hint:
        return finding
    return replace(finding, message=message, hint=hint)
