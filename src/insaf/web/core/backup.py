"""Backups of the platform's database, in one file, and their restore.

- **SQLite**: SQLite's online backup API copies the live database page by page
  into a new SQLite file, consistent even while the server writes (a writer
  during the copy makes it start again). Restore copies the file back the same
  way, into the live database, in one step.
- **PostgreSQL**: ``pg_dump --format=custom`` (Debian's ``postgresql-client``),
  one snapshot of the whole database; restore is ``pg_restore --clean
  --if-exists --single-transaction``: every table is replaced, or nothing is.

A file knows its kind by its first bytes (``SQLite format 3`` or ``PGDMP``); a
SQLite backup is refused by a PostgreSQL platform and the other way round.
After a restore the migrations run (an older backup is brought up to this
release) and the public version is replaced, so no page cached before the
restore is served.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections

from insaf.errors import InsafError

__all__ = ["Backup", "backup", "kind_of", "restore"]

_SQLITE = b"SQLite format 3\x00"
_PGDUMP = b"PGDMP"


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    kind: str
    """``sqlite`` or ``postgresql``."""
    size: int


def kind_of(path: Path) -> str:
    """``sqlite`` or ``postgresql``, from the file's first bytes."""
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(_SQLITE):
        return "sqlite"
    if head.startswith(_PGDUMP):
        return "postgresql"
    raise InsafError(f"{path}: not an INSAF backup (neither a SQLite file nor a pg_dump archive)")


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise InsafError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    args = ["--dbname", str(settings["NAME"])]
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise InsafError(
            f"{command[0]} is not installed: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)"
        ) from None
    if done.returncode != 0:
        raise InsafError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def backup(path: Path) -> Backup:
    """Write the whole database to ``path`` (a new file; an existing one is refused)."""
    vendor = _vendor()
    if path.exists():
        raise InsafError(f"{path}: already exists (a backup never overwrites a file)")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            args, env = _pg_environment()
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), *args], env)
        partial.replace(path)  # whole, or not there
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path=path, kind=vendor, size=path.stat().st_size)


def restore(path: Path) -> Backup:
    """Replace the whole database by the backup in ``path``, then migrate."""
    vendor = _vendor()
    if not path.is_file():
        raise InsafError(f"{path}: no such backup file")
    kind = kind_of(path)
    if kind != vendor:
        raise InsafError(f"{path}: a {kind} backup cannot be restored into a {vendor} database")
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise InsafError(f"{path}: the SQLite file is damaged")
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connections.close_all()  # the restore replaces tables this process may hold open
        args, env = _pg_environment()
        _run(
            [
                "pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner",
                "--exit-on-error", *args, str(path),
            ],
            env,
        )  # fmt: skip
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)  # replaces the public version too
    return Backup(path=path, kind=kind, size=path.stat().st_size)
