"""Find English left in Arabic output: Latin words outside an allowed list.

Used by the scans of the platform's Arabic pages (tests/web/test_arabic_scan.py)
and of the Arabic policy briefs (tests/policy/test_arabic_brief.py). The text a
person reads is scanned: text nodes (SVG included) and the attributes read
aloud or shown (``title``, ``alt``, ``aria-label``, ``placeholder``, ``value``
of buttons). Not scanned: ``<script>``, ``<style>``, ``<code>`` (identifiers
such as a survey's column names) and anything inside an element marked as
another language (``lang="en"``, as the language switch is) or ``translate="no"``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["ALLOWED", "NAMES", "latin_words"]

ALLOWED = frozenset(
    {
        # formats, standards and interfaces, written so by the statistics office
        "API", "CSV", "SDMX", "SDMX-CSV", "SDMX-ML", "JSON", "YAML", "XLSX", "HTML",
        "SVG", "PDF", "UTF-8", "OpenAPI", "REST", "ISO", "URL", "HTTP", "HTTPS",
        # names of indices and bodies with no Arabic spelling in use
        "S80/S20", "SDG", "CEQ", "OHCHR", "ESCAP", "CV", "PMT", "SHA-256", "sha256",
        # units as the statistics office writes them
        "kWh", "kg", "km", "m³", "mm",
    }
)  # fmt: skip
NAMES = frozenset({"INSAF"})
"""Words in capitals that are not codes: they have an Arabic name (إنصاف)."""
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_'’./@:+-]*[A-Za-z0-9]|[A-Za-z]")
_SKIP = {"script", "style", "code", "pre", "kbd", "samp"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip
_READ = ("title", "alt", "aria-label", "placeholder")


def _allowed(token: str) -> bool:
    token = token.strip(".:'’-")
    if not token or token in ALLOWED:
        return True
    if re.search(r"[0-9_]", token) or "@" in token or "://" in token:
        return True  # a code (POV_NAT, ESC-2024-01, A1), an address or a link
    if token.isupper() and len(token) > 1 and token not in NAMES:
        return True  # a code in capitals (GINI, FGT, an ISO currency code)
    # a file name the page offers
    return bool(re.fullmatch(r"[\w-]+\.(json|csv|xlsx|yaml|html|svg|txt|zip|parquet|dta)", token))


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[tuple[str, str]] = []

    def _hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other_language = (values.get("lang") or "ar")[:2] != "ar"
        skip = tag in _SKIP or other_language or values.get("translate") == "no"
        if not (skip or self._hidden()):
            for name in _READ:
                self._scan(values.get(name) or "", f"<{tag} {name}>")
            if tag == "input" and values.get("type") in ("submit", "button"):
                self._scan(values.get("value") or "", f"<{tag} value>")
        if tag not in _VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self._scan(data, self.stack[-1][0] if self.stack else "")

    def _scan(self, text: str, where: str) -> None:
        for token in _TOKEN.findall(text):
            if not _allowed(token):
                self.found.append((token, f"{where}: {' '.join(text.split())[:80]}"))


def latin_words(html: str) -> list[tuple[str, str]]:
    """Each Latin word outside the allowed list, with where it stands (tag and text)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.found
