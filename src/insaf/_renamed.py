"""Renamed keywords and keys: an old name keeps working for one release, with a warning.

``docs/glossary.md`` gives each concept one name. When a public keyword is
renamed, ``@renamed_keywords(level="confidence")`` lets callers still pass
``level=``: the call goes on with ``confidence=`` and a ``DeprecationWarning``
names the new keyword. A YAML key is renamed with ``renamed_keys`` in a
pydantic ``model_validator(mode="before")``, which warns with a
``FutureWarning`` (shown to users by default) naming the file's key.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ParamSpec, TypeVar

__all__ = ["renamed_keys", "renamed_keywords"]

P = ParamSpec("P")
R = TypeVar("R")


def renamed_keywords(**renames: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Accept each old keyword (``old="new"``) as the new one, with a DeprecationWarning."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{func.__qualname__}() got both {old}= and {new}=")
                    warnings.warn(
                        f"{func.__qualname__}(): {old}= is deprecated; use {new}=",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper

    return decorate


def renamed_keys(data: Any, renames: Mapping[str, str], where: str) -> Any:
    """``data`` (a mapping read from YAML) with old keys moved to their new names.

    Warns once per old key (``FutureWarning``); giving both is left for the
    model to refuse (``extra="forbid"`` names the old key).
    """
    if not isinstance(data, Mapping):
        return data
    moved = dict(data)
    for old, new in renames.items():
        if old in moved and new not in moved:
            warnings.warn(
                f"{where}: key {old!r} is deprecated; use {new!r}", FutureWarning, stacklevel=2
            )
            moved[new] = moved.pop(old)
    return moved
