"""Loading YAML specifications with pydantic, with errors that name key and line.

Every YAML file a person writes (survey manifest, scenario, MPI specification,
indicator definitions) goes through ``load_spec``: a problem is reported as the
dotted key path and the line it sits on, and every problem is reported at once.

The one YAML reader, ``load_yaml``, refuses before building anything a text
longer than ``MAX_YAML_BYTES``, a document whose aliases expand to more than
``MAX_YAML_NODES`` nodes (the "billion laughs": a few hundred bytes of nested
aliases that would take gigabytes), an alias that contains itself, and nesting
deeper than ``MAX_YAML_DEPTH``. Every refusal is a ``SpecError`` naming the file.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from insaf.errors import Location, SpecError, said, said_together, words

__all__ = [
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "PYDANTIC_WORDS",
    "LineMap",
    "load_spec",
    "load_yaml",
    "locate",
    "parse_spec",
    "pydantic_words",
    "read_yaml_file",
]

M = TypeVar("M", bound=BaseModel)
KeyPath = tuple[Hashable, ...]

MAX_YAML_BYTES = 10 * 1024 * 1024
"""The longest YAML text read (10 MB; a scenario or manifest is a few kilobytes)."""
MAX_YAML_NODES = 200_000
"""The most scalars, lists and mappings a document may hold once its aliases are expanded."""
MAX_YAML_DEPTH = 200
"""The deepest nesting of lists and mappings."""


class LineMap:
    """1-based line numbers of every key and item of a YAML document."""

    def __init__(self, lines: dict[KeyPath, int] | None = None) -> None:
        self._lines = lines or {}

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self._lines.get((), None)


def _walk(
    node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], loader: yaml.SafeLoader
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            child = (*path, key)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines, loader)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, loader)


def _refuse(file: str | None, message: str, line: int | None = None) -> SpecError:
    return SpecError(file, [(Location(file=file, line=line), message)])


def _check_size(root: yaml.Node, file: str | None) -> None:
    """Refuse a document whose aliases expand past ``MAX_YAML_NODES`` or nest too deep.

    An alias is the same node object as its anchor, so each distinct node is
    sized once (``sizes``) and the expanded total is found in time linear in
    the text, before anything is built.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = node.start_mark.line + 1
        if key in open_nodes:
            raise _refuse(file, "YAML alias refers to a node that contains it", line)
        if depth > MAX_YAML_DEPTH:
            raise _refuse(file, f"YAML nested deeper than {MAX_YAML_DEPTH} levels", line)
        open_nodes.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_YAML_NODES:
                raise _refuse(
                    file,
                    f"YAML too large once its aliases are expanded (more than "
                    f"{MAX_YAML_NODES:,} values)",
                    line,
                )
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


def load_yaml(text: str, *, file: str | None = None) -> tuple[Any, LineMap]:
    """Parse YAML text safely; a syntax error names the line and column.

    Refused with a ``SpecError`` naming the file: a text over ``MAX_YAML_BYTES``,
    aliases expanding past ``MAX_YAML_NODES`` values, a self-referring alias,
    nesting deeper than ``MAX_YAML_DEPTH``.
    """
    if len(text) > MAX_YAML_BYTES:
        raise _refuse(file, f"YAML text longer than {MAX_YAML_BYTES // (1024 * 1024)} MB")
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:  # a character YAML does not allow (NUL, other controls)
        raise _refuse(file, f"YAML: {exc}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap()
        _check_size(node, file)
        lines: dict[KeyPath, int] = {}
        _walk(node, (), lines, loader)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise _refuse(file, f"YAML syntax: {exc.problem}", line) from None
    except yaml.YAMLError as exc:
        raise _refuse(file, f"YAML: {exc}") from None
    except RecursionError:
        raise _refuse(file, f"YAML nested deeper than {MAX_YAML_DEPTH} levels") from None
    finally:
        loader.dispose()
    return data, LineMap(lines)


def locate(data: Any, lines: LineMap, path: KeyPath, *, file: str | None = None) -> Location:
    """The file, line and dotted key (``reforms.r[0].amount``) of ``path`` in the
    document ``data`` read with ``lines``; ``path`` may be a pydantic error location
    or a path in a validated model (what is not in the document is dropped)."""
    found = _document_path(data, path)
    return Location(file=file, line=lines.line(found), key=_dotted(found) or None)


def _dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _document_path(data: Any, loc: KeyPath) -> KeyPath:
    """The part of a pydantic error location that exists in the document.

    pydantic puts union member names and tags into ``loc``; they are dropped
    unless they are the last part (a missing key is named by the last part).
    """
    kept: list[Hashable] = []
    node = data
    for position, part in enumerate(loc):
        found, child = _child(node, part)
        if found:
            node = child
        elif position < len(loc) - 1:
            continue
        kept.append(part)
    return tuple(kept)


def _child(node: Any, part: Hashable) -> tuple[bool, Any]:
    """Whether ``node`` has ``part`` (a mapping key or a list index), and the child."""
    if isinstance(node, Mapping) and part in node:
        return True, node[part]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


def parse_spec(model: type[M], data: Any, lines: LineMap, *, file: str | None = None) -> M:
    """Validate ``data`` as ``model``; a ``SpecError`` lists every problem with its line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems: list[tuple[Location, str]] = []
        for error in exc.errors(include_url=False):
            where = locate(data, lines, tuple(error["loc"]), file=file)
            problems.append((where, pydantic_words(error)))
        raise SpecError(file, problems) from None


PYDANTIC_WORDS = {
    "missing": "Field required",
    "extra_forbidden": "Extra inputs are not permitted",
    "literal_error": "Input should be {expected}",
    "enum": "Input should be {expected}",
    "int_type": "Input should be a valid integer",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    "int_from_float": "Input should be a valid integer, got a number with a fractional part",
    "float_type": "Input should be a valid number",
    "float_parsing": "Input should be a valid number, unable to parse string as a number",
    "string_type": "Input should be a valid string",
    "bool_type": "Input should be a valid boolean",
    "bool_parsing": "Input should be a valid boolean, unable to interpret input",
    "dict_type": "Input should be a valid dictionary",
    "list_type": "Input should be a valid list",
    "greater_than": "Input should be greater than {gt}",
    "greater_than_equal": "Input should be greater than or equal to {ge}",
    "less_than": "Input should be less than {lt}",
    "less_than_equal": "Input should be less than or equal to {le}",
}
"""Pydantic's words for the problems a specification most often has, by error type: the
templates of their Arabic in the library's catalogue (context ``error``)."""


def _alternatives(text: str) -> str:
    """Pydantic's ``'a', 'b' or 'c'``, said with Arabic words between the values in Arabic."""
    head, separator, last = text.rpartition(" or ")
    if not separator:
        return text
    return said_together([said_together(head.split(", "), ", "), last], " or ")


def pydantic_words(error: Mapping[str, Any]) -> str:
    """Pydantic's message for ``error``, ``said`` (so it can be said in Arabic) where its words
    are known; as pydantic wrote it otherwise. A ``ValueError`` of INSAF's own keeps its words."""
    context = error.get("ctx") or {}
    if error["type"] == "value_error" and isinstance(context.get("error"), BaseException):
        made = said("Value error, {reason}", reason=words(context["error"]))
    elif (template := PYDANTIC_WORDS.get(error["type"])) is not None:
        values = {
            k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in context.items()
        }
        if isinstance(values.get("expected"), str):
            values["expected"] = _alternatives(str(values["expected"]))
        try:
            made = said(template, **values)
        except (KeyError, IndexError):
            return str(error["msg"])
    else:
        return str(error["msg"])
    return made if made == error["msg"] else str(error["msg"])


def read_yaml_file(path: str | Path) -> tuple[Any, LineMap]:
    """Read a UTF-8 YAML file and the line of each key; errors name the file."""
    file = str(path)
    try:
        if Path(path).stat().st_size > MAX_YAML_BYTES:
            raise _refuse(file, f"YAML file larger than {MAX_YAML_BYTES // (1024 * 1024)} MB")
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(file, [(Location(file=file), said("file not found"))]) from None
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        raise SpecError(file, [(Location(file=file), reason)]) from None
    return load_yaml(text, file=file)


def load_spec(model: type[M], path: str | Path) -> M:
    """Read a YAML file and validate it as ``model``."""
    data, lines = read_yaml_file(path)
    return parse_spec(model, data, lines, file=str(path))
