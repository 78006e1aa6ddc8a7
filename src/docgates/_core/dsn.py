"""Server URLs (``redis://…``, ``postgresql://…``): what kind they are, and how to print them.

A URL that names a server may hold a password (after the user name and a colon, before the
``@``, or as ``?password=`` in the query). Messages print :func:`redact`'s
form only, so that a log or a CI annotation never shows it.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDIS_SCHEMES = ("redis", "rediss", "unix")
POSTGRES_SCHEMES = ("postgresql", "postgres")
_SECRET_PARAMS = frozenset({"password", "passwd", "pass", "sslpassword", "token", "secret"})


def scheme(value: str) -> str:
    """The URL scheme in lower case, or ``""`` for a path (``C:\\x`` is a path too)."""
    if "://" not in value:
        return ""
    head = value.split("://", 1)[0].lower()
    return head if head.isascii() and head.replace("+", "").isalpha() and len(head) > 1 else ""


def is_redis(value: str) -> bool:
    return scheme(value) in REDIS_SCHEMES


def is_postgres(value: str) -> bool:
    return scheme(value) in POSTGRES_SCHEMES


def redact(url: str) -> str:
    """``url`` without its password (user names and hosts stay: they say which server)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            user = userinfo.split(":", 1)[0]
            netloc = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode(
                [(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in pairs], safe="*"
            )
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:
        return "<an unreadable URL>"


def one_line(exc: BaseException) -> str:
    """A driver's error message on one line (psycopg's span several, with tabs)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
