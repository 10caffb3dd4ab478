"""Where two JSON documents differ, numbers compared to a tolerance: how the engines
are checked to agree (the partitioned and in-memory impacts, in a test and in
``benchmarks/simulate_scale.py``)."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["differences"]


def differences(a: Any, b: Any, path: str = "", *, tolerance: float = 1e-9) -> list[str]:
    """Each place (``/key[index]``) where ``a`` and ``b`` differ: keys, lengths, texts,
    or floats beyond ``tolerance`` (relative or absolute; two NaN are equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}/{k}", tolerance=tolerance)]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} against {len(b)} rows"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]", tolerance=tolerance)
        ]
    if isinstance(a, float) and isinstance(b, float):
        same = math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance) or (
            math.isnan(a) and math.isnan(b)
        )
        return [] if same else [f"{path}: {a!r} against {b!r}"]
    return [] if a == b else [f"{path}: {a!r} against {b!r}"]
