"""Running the platform: migrations, demo data on first start, the job worker, gunicorn.

``insaf serve`` (``run``) works in three processes, so that nothing heavy ever
runs in the process that forks the web workers:

1. **prepare**, a child process: migrations, then the demo observatory and
   council on a first start. Loading the demo computes indicators and impact
   statements with Polars and numpy, which start thread pools; a process forked
   from one that holds such a pool inherits its locks but not its threads, and
   the first Polars call in the fork can wait for ever. So this work happens in
   a process that ends before anything is forked.
2. **the server's master**, a fresh interpreter (``os.execv``: the ``insaf``
   command has imported the library; the master should not even have it). It
   imports gunicorn and the settings module's location, nothing else; the
   Django application is loaded by each web worker after the fork.
3. **the job worker** (``insaf.web.core.jobs``), started by the master and
   stopped with it: the long computations (impact statements) run there, with
   a time limit, outside any request.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from insaf.errors import InsafError

__all__ = ["default_threads", "default_workers", "prepare", "run", "serve", "setup"]


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
    """Apply migrations; load the demo observatory when the database has no indicator,
    the demo council when there is no council yet and the observatory is the demo's,
    the demo registry when there is no programme yet, and the demo plan and budget
    when no budget is stored."""
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
    from insaf.web.registry import demo as registry_demo

    if demo and registry_demo.wanted():
        say("no programme yet: loading the demo registry (first start only)")
        registry_demo.load_demo(say=say)
    from insaf.web.budget import demo as budget_demo

    if demo and budget_demo.wanted():
        say("no budget yet: loading the demo plan and budget (first start only)")
        budget_demo.load_demo(say=say)


def _python(*args: str) -> list[str]:
    return [sys.executable, "-m", "insaf.web.server", *args]


def run(
    *,
    data: Path,
    host: str,
    port: int,
    workers: int,
    threads: int,
    access_log: bool,
    demo: bool,
    say: Callable[[str], None],
    jobs: bool = True,
) -> NoReturn:
    """``insaf serve``: prepare in a child process, then become the server's master.

    The current process is replaced (``os.execv``) by a fresh interpreter that
    runs ``serve``; it does not return.
    """
    os.environ["INSAF_DATA"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insaf.web.settings")
    sys.stdout.flush()
    done = subprocess.run(_python("prepare", "--demo" if demo else "--no-demo"), check=False)
    if done.returncode != 0:
        raise InsafError(f"preparing the platform failed (exit status {done.returncode})")
    say(
        f"INSAF platform at http://{host}:{port}/ ({workers} workers x {threads} threads"
        + (", a job worker)" if jobs else ")")
    )
    sys.stdout.flush()
    sys.stderr.flush()
    master = ["master", f"--host={host}", f"--port={port}", f"--workers={workers}"]
    master += [f"--threads={threads}", "--access-log" if access_log else "--no-access-log"]
    master += ["--jobs" if jobs else "--no-jobs"]
    os.execv(sys.executable, _python(*master))


def start_jobs() -> subprocess.Popen[bytes]:
    """The job worker, a child of this process that stops when this process is gone."""
    return subprocess.Popen(_python("jobs", f"--parent={os.getpid()}"))


def stop(process: subprocess.Popen[bytes], *, wait: float = 30.0) -> None:
    """Ask a child process to stop (SIGTERM), and kill it if it has not within ``wait`` s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(
    *, host: str, port: int, workers: int, threads: int, access_log: bool, jobs: bool = True
) -> None:
    """The server's master: the job worker, then gunicorn (threads per worker, workers forked).

    The WSGI application is imported by each worker after the fork
    (``preload_app`` stays off), so the master holds no database connection and
    no library state to share.
    """
    from gunicorn.app.base import BaseApplication

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
            from insaf.web.wsgi import application

            return application

    worker = start_jobs() if jobs else None
    try:
        Server().run()
    finally:
        if worker is not None:
            stop(worker)


def run_jobs(*, parent: int) -> None:
    """The job worker (``insaf.web.core.jobs``): until stopped, or until ``parent`` is gone."""
    setup()
    from insaf.web.core import jobs

    jobs.work(keep_going=lambda: os.getppid() == parent)


def main(argv: list[str] | None = None) -> None:
    """``python -m insaf.web.server prepare | master | jobs``: the processes of ``run``."""
    parser = argparse.ArgumentParser(prog="python -m insaf.web.server")
    steps = parser.add_subparsers(dest="step", required=True)
    prep = steps.add_parser("prepare")
    prep.add_argument("--demo", action=argparse.BooleanOptionalAction, default=True)
    master = steps.add_parser("master")
    master.add_argument("--host", required=True)
    master.add_argument("--port", type=int, required=True)
    master.add_argument("--workers", type=int, required=True)
    master.add_argument("--threads", type=int, required=True)
    master.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=False)
    master.add_argument("--jobs", action=argparse.BooleanOptionalAction, default=True)
    worker = steps.add_parser("jobs")
    worker.add_argument("--parent", type=int, required=True)
    args = parser.parse_args(argv)
    if args.step == "prepare":
        setup()
        prepare(demo=args.demo, say=lambda text: print(text, flush=True))
    elif args.step == "master":
        serve(
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
            access_log=args.access_log,
            jobs=args.jobs,
        )
    else:
        run_jobs(parent=args.parent)


if __name__ == "__main__":
    main()
