"""mkdocs-static-i18n's layout, read from its options: which language each page is in, the URL
it is built at, and which file a link or nav entry reaches for a page of a given language.

Two layouts (``docs_structure``):

* ``suffix``: ``page.md`` (or ``page.en.md``) is the default language, ``page.fr.md`` is French;
* ``folder``: ``en/page.md`` and ``fr/page.md``.

The default language is built at the site root, every other one under ``<locale>/``. A link or
nav entry names the page without its language (``page.md``); the plugin points it at the
page's own translation, or at the default language's page when ``fallback_to_default`` is on.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from .project import Project

I18N_PLUGINS = ("i18n", "static-i18n")


@dataclass(frozen=True)
class I18n:
    structure: str
    default: str
    locales: tuple[str, ...]
    fallback: bool = True

    def split(self, uri: str) -> tuple[str, str]:
        """``uri`` as the page it translates (no language) and its language."""
        if self.structure == "folder":
            head, _, rest = uri.partition("/")
            if rest and head in self.locales:
                return rest, head
            return uri, self.default
        stem, ext = posixpath.splitext(uri)
        base, dot, locale = stem.rpartition(".")
        if dot and locale in self.locales:
            return base + ext, locale
        return uri, self.default

    def file(self, base: str, locale: str) -> list[str]:
        """The files that hold page ``base`` in ``locale``, best first."""
        if self.structure == "folder":
            return [f"{locale}/{base}"]
        stem, ext = posixpath.splitext(base)
        if locale == self.default:
            return [f"{stem}.{locale}{ext}", base]
        return [f"{stem}.{locale}{ext}"]

    def url_prefix(self, uri: str) -> tuple[str, str]:
        """The page ``uri`` is built as (no language), and the URL prefix of its language."""
        base, locale = self.split(uri)
        return base, "" if locale == self.default else f"{locale}/"

    def resolve(self, base: str, page: str, exists: Iterable[str]) -> str | None:
        """The file a link to ``base`` from ``page`` reaches (its translation, else the
        default language's when the plugin falls back), if one exists."""
        known = set(exists)
        _, locale = self.split(page)
        order = self.file(base, locale)
        if self.fallback or locale == self.default:
            order += self.file(base, self.default)
        return next((f for f in order if f in known), None)


def i18n_of(project: Project) -> I18n | None:
    """The i18n layout of the project, if mkdocs-static-i18n is configured."""
    entry = next((project.plugin(n) for n in I18N_PLUGINS if project.plugin(n)), None)
    if entry is None:
        return None
    options = entry.options
    languages = options.get("languages")
    locales: list[str] = []
    default = str(options.get("default_language", "") or "")
    if isinstance(languages, list):
        for item in languages:
            if isinstance(item, dict) and item.get("locale"):
                locales.append(str(item["locale"]))
                if item.get("default"):
                    default = str(item["locale"])
    elif isinstance(languages, dict):  # 0.x: {en: {...}, fr: {...}}
        locales = [str(k) for k in languages]
    if not locales:
        return None
    return I18n(
        structure=str(options.get("docs_structure", "suffix")),
        default=default or locales[0],
        locales=tuple(locales),
        fallback=bool(options.get("fallback_to_default", True)),
    )
