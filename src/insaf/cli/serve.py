"""``insaf serve``: the web platform, ready to use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from insaf.cli.app import app, console, reports_errors


@app.command("serve")
@reports_errors
def serve(
    data: Annotated[
        Path, typer.Option("--data", help="Data folder: SQLite database, secret key, static files.")
    ] = Path("data"),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option("--workers", help="Server processes (default: 2 per CPU core, at least 2)."),
    ] = 0,
    threads: Annotated[int, typer.Option("--threads", help="Threads per process.")] = 4,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo/--no-demo", help="Load the demo observatory when the database is empty."
        ),
    ] = True,
    access_log: Annotated[bool, typer.Option("--access-log", help="Log every request.")] = False,
) -> None:
    """Serve the INSAF platform (migrations applied, demo data on first start) with gunicorn
    and the job worker.

    SQLite in the data folder unless DATABASE_URL names a PostgreSQL database.
    """
    from insaf.web import server

    count = workers or server.default_workers()
    server.run(
        data=data,
        host=host,
        port=port,
        workers=count,
        threads=threads,
        access_log=access_log,
        demo=demo,
        say=lambda text: console.print(text, highlight=False),
    )
