"""Named errors. Library code raises these for bad input, never ``assert``.

Every error that comes from a file says where: the file, the row (or line) and
the column, or, for a YAML specification, the key path and the line. A problem
found in data (a survey's, a budget's) is an error or a warning: ``Severity``.

**In Arabic.** An error's words made by ``said(template, **values)`` are
English (the exception's text, as ever) and can be said again in Arabic from
the same template and values: ``in_language(error, "ar")``. The Arabic of each
template, and of a ``Location``'s words, is in the library's catalogue under
the context ``error``; the command line shows an error this way in its
language, and the platform in the page's. Values (files,
columns, keys, numbers) are written as they are. A message not yet made by
``said`` is shown in English.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self, cast

__all__ = [
    "DataError",
    "DesignError",
    "InsafError",
    "Location",
    "Said",
    "Severity",
    "SpecError",
    "ValidationFailed",
    "in_language",
    "problems_text",
    "said",
    "said_together",
    "said_unit",
    "words",
]


class Said(str):
    """An error's words: the English text (the ``str`` itself) with the template and values it
    was made from, so that it can be said in another language (``in_language``)."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, values: dict[str, object]) -> Self:
        made = super().__new__(cls, template.format(**values))
        made.template, made.values = template, values
        return made

    def __reduce__(self) -> tuple[type[Said], tuple[str, dict[str, object]]]:
        return type(self), (self.template, self.values)  # pickled as made (Spark's tasks)

    def in_language(self, lang: str) -> str:
        """These words in ``lang`` (English where the catalogue has no translation); a value
        that is itself ``said``, or a ``Location``, is said in ``lang`` too."""
        from insaf.i18n import translated

        values = {k: _in(v, lang) for k, v in self.values.items()}
        return translated("error", self.template, lang).format(**values)


class _Together(Said):
    """Several errors' words as one (``said_together``)."""

    def __new__(cls, template: str, values: dict[str, object]) -> Self:
        parts = cast(tuple[str, ...], values["parts"])
        made = str.__new__(cls, template.join(parts))
        made.template, made.values = template, values
        return made

    def in_language(self, lang: str) -> str:
        parts = cast(tuple[str, ...], self.values["parts"])
        separator = _ARABIC_SEPARATORS.get(self.template, self.template) if lang == "ar" else None
        return (separator or self.template).join(_in(p, lang) for p in parts)


_ARABIC_SEPARATORS = {"; ": "؛ ", ", ": "، ", " or ": " أو ", " and ": " و"}


def said(template: str, /, **values: object) -> Said:
    """An error's words from ``template`` (``str.format`` placeholders) and ``values``: English
    now, and in Arabic from the catalogue's entry for ``template`` (context ``error``)."""
    return Said(template, values)


def said_unit(unit: str) -> str:
    """The word for a unit of analysis (``household``, ``person``), to be said in the
    language asked; another unit's code as it is."""
    words = {"household": said("household"), "person": said("person")}
    return words.get(unit, unit)


def said_together(parts: Iterable[str], separator: str = "; ") -> Said:
    """Several errors' words (``said`` or not) as one, ``separator`` between them (in Arabic
    the Arabic comma or semicolon, or the Arabic word for ``or`` or ``and``)."""
    return _Together(separator, {"parts": tuple(parts)})


def _in(text: Any, lang: str) -> Any:
    """``text`` in ``lang`` when it can say itself (``Said``, ``Location``), else as it is."""
    speak = getattr(text, "in_language", None)
    return speak(lang) if isinstance(text, Said | Location) and callable(speak) else text


class Severity(StrEnum):
    """How bad a problem found in data is: an error stops the work, a warning is said."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: any of file, row (1-based data row), line, column, key."""

    file: str | None = None
    row: int | None = None
    line: int | None = None
    column: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        return self.in_language("en")

    def in_language(self, lang: str) -> str:
        """``file, line 3, column 'age', key 'x'`` (those given) in ``lang``."""
        parts: list[str] = [self.file] if self.file else []
        if self.line is not None:
            parts.append(said("line {line}", line=self.line))
        elif self.row is not None:
            parts.append(said("row {row}", row=self.row))
        if self.column is not None:
            parts.append(said("column '{column}'", column=self.column))
        if self.key is not None:
            parts.append(said("key '{key}'", key=self.key))
        return ("، " if lang == "ar" else ", ").join(_in(p, lang) for p in parts)


class InsafError(Exception):
    """Base class of every error INSAF raises on purpose."""


class DataError(InsafError):
    """A data file or table cannot be used as it is."""

    def __init__(self, message: str, where: Location | None = None) -> None:
        self.message = message
        self.where = where or Location()
        super().__init__(self.in_language("en"))

    def in_language(self, lang: str) -> str:
        prefix = self.where.in_language(lang)
        text = _in(self.message, lang)
        return f"{prefix}: {text}" if prefix else text

    def __reduce__(self) -> tuple[type[DataError], tuple[str, Location]]:
        # pickled as made (a Spark task sends its error to the driver)
        return type(self), (self.message, self.where)


class SpecError(InsafError):
    """A YAML specification (manifest, scenario, indicator, MPI) is invalid.

    ``problems`` holds one ``(location, message)`` pair per problem found, so a
    user sees every mistake at once.
    """

    def __init__(self, file: str | None, problems: list[tuple[Location, str]]) -> None:
        self.file = file
        self.problems = problems
        super().__init__(self.in_language("en"))

    def in_language(self, lang: str) -> str:
        return problems_text(self.file, self.problems, lang)

    def __reduce__(self) -> tuple[type[SpecError], tuple[str | None, list[tuple[Location, str]]]]:
        return type(self), (self.file, self.problems)


def problems_text(
    file: str | None, problems: Sequence[tuple[Location, str]], lang: str, most: int | None = None
) -> str:
    """``file: N problem(s)`` and each problem on a line of its own, where it is first, in
    ``lang``; the first ``most`` of them, and how many more, when ``most`` is given."""
    shown = problems if most is None else problems[:most]
    lines = []
    for where, message in shown:
        place, text = where.in_language(lang), str(_in(message, lang))
        lines.append(f"{place}: {text}" if place else text)
    head = f"{file}: " if file else ""
    count = said("{count} problem(s)", count=len(problems)).in_language(lang)
    more = ""
    if len(problems) > len(shown):
        more = "\n  " + said("... {count} more", count=len(problems) - len(shown)).in_language(lang)
    return head + count + "\n  " + "\n  ".join(lines) + more


class DesignError(InsafError):
    """The sampling design cannot support the requested computation."""


class ValidationFailed(InsafError):  # noqa: N818 - reads better at the call site
    """A survey failed validation; ``report`` lists every problem found."""

    def __init__(self, report: object, message: str) -> None:
        self.report = report
        super().__init__(message)


def in_language(error: BaseException | str, lang: str) -> str:
    """What ``error`` (or words, ``said`` or not) says, in ``lang``: its words made by
    ``said`` from the catalogue, its location's words too; any other text as it is (module
    notes)."""
    if isinstance(error, str):
        return str(_in(error, lang))
    speak = getattr(error, "in_language", None)
    if isinstance(error, InsafError) and callable(speak):  # DataError, SpecError and the like
        return str(speak(lang))
    if len(error.args) == 1 and isinstance(error.args[0], Said):
        return error.args[0].in_language(lang)
    return str(error)


def words(error: BaseException) -> str:
    """What ``error`` says, kept ``said`` where it was (to be put in another error's words,
    or a report's, and still be said in any language)."""
    if isinstance(error, InsafError) and callable(getattr(error, "in_language", None)):
        return _Of(str(error), {"error": error})
    if len(error.args) == 1 and isinstance(error.args[0], Said):
        return error.args[0]
    return str(error)


class _Of(Said):
    """An error's words, said as the error says them (``words``)."""

    def __new__(cls, template: str, values: dict[str, object]) -> Self:
        made = str.__new__(cls, template)
        made.template, made.values = template, values
        return made

    def in_language(self, lang: str) -> str:
        return in_language(cast(BaseException, self.values["error"]), lang)
