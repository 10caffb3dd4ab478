"""The ``insaf`` command. Thin: parse, call one library function, print.

Each job lives in its own module under ``insaf.cli``, registers its command(s)
on ``app`` and is listed in ``insaf.cli.app.COMMANDS``, which imports it only
when its command runs (``insaf.cli.app`` says how to add a command). Nothing
here imports a command module: ``insaf --version`` and ``insaf --help`` load
no command's dependencies.
"""

from __future__ import annotations

import os

from insaf.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``insaf`` console script."""
    # One BLAS thread unless told otherwise (set before numpy is imported: nothing
    # above imports it). OpenBLAS splits even a vector product over threads, and on
    # a loaded machine waiting for them costs more than the work (benchmarks/).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
