"""Running the platform: migrations, demo data on first start, a production server (gunicorn)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["default_threads", "default_workers", "serve", "setup"]


def default_workers() -> int:
    """Server processes when none is asked for: two per CPU core, at least two.

    Requests are CPU-bound Python (a few milliseconds each) and each process has
    one interpreter lock: one process per core keeps the cores busy, and a second
    fills the gaps while one waits on the disk, the database or the scheduler.
    """
    return max(2, 2 * (os.cpu_count() or 1))


def default_threads() -> int:
    """Threads per server process when none is asked for (``gthread`` workers).

    Threads do not add CPU (one lock per process) but keep a worker answering
    its other kept-alive connections while one thread waits on a slow client or
    streams a long download. On the 2-core reference machine, 4 x 4, 4 x 2, 3 x 4
    and 2 x 8 gave the same latency at 200 requests/s within the noise (see the
    *Speed* section of ``docs/platform.md``).
    """
    return 4


def setup(data: Path | None = None) -> None:
    """Point Django at the platform settings (and the data folder) and initialise it."""
    if data is not None:
        os.environ["INSAF_DATA"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insaf.web.settings")
    import django

    django.setup()


def prepare(*, demo: bool, say: Callable[[str], None]) -> None:
    """Apply migrations; load the demo observatory when the database has no indicator, and
    the demo council when there is no council yet and the observatory is the demo's."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from insaf.web.observatory.models import Indicator

    if demo and not Indicator.objects.exists():
        from insaf.web.observatory.demo import load_demo

        say("empty database: loading the demo observatory (first start only)")
        cells = load_demo(say=say)
        say(f"demo observatory loaded: {cells} cells after disclosure control")
    from insaf.web.council import demo as council_demo

    if demo and council_demo.wanted():
        say("no council yet: loading the demo council (first start only)")
        council_demo.load_demo(say=say)


def serve(*, host: str, port: int, workers: int, threads: int, access_log: bool) -> None:
    """Serve the WSGI application with gunicorn (threads per worker, workers forked)."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from insaf.web.wsgi import application

    connections.close_all()  # each worker opens its own connections after the fork

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                "accesslog": "-" if access_log else None,
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 60,
                "keepalive": 5,
                "backlog": 2048,
                "worker_connections": 1000,
                # the workers' heartbeat file in memory, not on a (possibly overlay) disk
                "worker_tmp_dir": "/dev/shm" if Path("/dev/shm").is_dir() else None,
            }
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()
