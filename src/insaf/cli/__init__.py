"""The ``insaf`` command. Thin: parse, call one library function, print.

Each job lives in its own module under ``insaf.cli`` and registers its
command(s) on ``app``.
"""

from __future__ import annotations

from insaf.cli import backup as _backup  # noqa: F401  (registers commands)
from insaf.cli import demo as _demo  # noqa: F401
from insaf.cli import estimate as _estimate  # noqa: F401
from insaf.cli import observatory as _observatory  # noqa: F401
from insaf.cli import serve as _serve  # noqa: F401
from insaf.cli import simulate as _simulate  # noqa: F401
from insaf.cli import survey as _survey  # noqa: F401
from insaf.cli import synth as _synth  # noqa: F401
from insaf.cli import target as _target  # noqa: F401
from insaf.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``insaf`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
