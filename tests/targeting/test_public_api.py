"""``insaf.targeting.__all__`` is sorted (ruff's order) and names what exists."""

from __future__ import annotations

import inspect

import insaf.targeting as targeting


def _key(name: str) -> tuple[int, str]:
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def test_all_is_sorted_and_complete() -> None:
    exported = list(targeting.__all__)
    assert exported == sorted(exported, key=_key)
    for name in exported:
        assert hasattr(targeting, name), name
    public = {
        n
        for n, v in vars(targeting).items()
        if not n.startswith("_")
        and not inspect.ismodule(v)
        and (getattr(v, "__module__", None) or "").startswith("insaf.targeting")
    }
    assert public <= set(exported), sorted(public - set(exported))
