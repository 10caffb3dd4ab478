"""``insaf backup`` and ``insaf restore``: the platform's database in one file, and back.

SQLite (the data folder's database) through SQLite's online backup API;
PostgreSQL (``DATABASE_URL``) through ``pg_dump``/``pg_restore``
(``insaf.web.core.backup``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from insaf.cli.app import app, console, reports_errors
from insaf.errors import InsafError

DataOpt = Annotated[
    Path,
    typer.Option("--data", help="The platform data folder (its SQLite database, or DATABASE_URL)."),
]


def _setup(data: Path) -> None:
    from insaf.web import server

    server.setup(data)


@app.command("backup")
@reports_errors
def backup(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The backup file to write (must not exist).")
    ],
    data: DataOpt = Path("data"),
) -> None:
    """Write the platform's whole database to one file (safe while the server runs)."""
    _setup(data)
    from insaf.web.core.backup import backup as write

    done = write(file)
    console.print(f"Wrote {done.path} ({done.kind} backup, {done.size:,} bytes)", highlight=False)


@app.command("restore")
@reports_errors
def restore(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A file written by insaf backup.")],
    data: DataOpt = Path("data"),
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: the whole database is replaced.")
    ] = False,
) -> None:
    """Replace the platform's whole database by a backup, then apply the migrations.

    Stop the server first. Every table is replaced, or (on an error) none is.
    """
    if not yes:
        raise InsafError("restore replaces the whole database: stop the server, then add --yes")
    _setup(data)
    from insaf.web.core.backup import restore as read

    done = read(file)
    console.print(f"Restored {done.kind} backup {done.path}", highlight=False)
