"""``insaf serve``: the web platform, ready to use."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from insaf.cli.app import app, console, err_console, reports_errors


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
    busy = _busy(host, port)
    if busy is not None:
        message = Text("error: ", style="bold red")
        message.append(f"cannot listen on {host}:{port}: {busy}; choose another with --port")
        err_console.print(message, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
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


def _busy(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (in use, not an address here), or None.

    Checked before migrations and the demo are loaded, so a busy port says so at once.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"unknown address ({exc.strerror})"
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return "the port is in use (another insaf serve, or another server)"
            return exc.strerror or str(exc)
    return None
