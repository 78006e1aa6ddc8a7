"""Exceptions: only for a broken tool or an unusable configuration.

Problems in the documentation itself are :class:`~docgates._core.findings.Finding` objects,
never exceptions.
"""

from __future__ import annotations


class DocgatesError(Exception):
    """Base class of every exception docgates raises on purpose."""


class ConfigError(DocgatesError):
    """A configuration that docgates cannot work with.

    Carries the file, the 1-based line and the dotted key so that every front can say where
    the problem is: the CLI exits with code 2, the MkDocs plugins raise ``PluginError`` and the
    pytest plugin raises a usage error.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.key = key
        self.hint = hint

    @property
    def location(self) -> str:
        """``file:line`` (or just the file) where the problem is, or an empty string."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        parts = []
        if self.location:
            parts.append(f"{self.location}:")
        if self.key:
            parts.append(f"'{self.key}':")
        parts.append(self.message)
        text = " ".join(parts)
        if self.hint:
            text += f". {self.hint}" if not text.endswith(".") else f" {self.hint}"
        return text
