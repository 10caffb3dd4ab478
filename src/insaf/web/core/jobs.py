"""Background jobs: long computations run by the job worker, outside any request.

The queue is django-q2 with its ORM broker: a job is a row in the platform's
own database (SQLite or PostgreSQL), so the default set-up needs no other
server. ``enqueue`` writes the row in the caller's transaction: the job and the
record that asked for it are committed together, or neither is.

``insaf serve`` starts the worker beside gunicorn (``insaf.web.server``); it
runs ``settings.Q_CLUSTER["workers"]`` jobs at a time, each in a process of its
own, and stops a job that runs past its time limit (``INSAF_JOB_TIME_LIMIT``):
the job sees ``TimeLimitExceeded`` raised inside it and can record why it
stopped; a job stuck in native code is killed three seconds later and a new
process takes its place. The job's own record says what happened (an impact
statement's job, ``insaf.web.council.services.statement_jobs``, shows its step
and its failure on the statement's page).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django_q.exceptions import TimeoutException as TimeLimitExceeded

__all__ = ["TimeLimitExceeded", "enqueue", "time_limit", "work"]


def time_limit() -> int:
    """Seconds a job may run (``INSAF_JOB_TIME_LIMIT``)."""
    return int(settings.JOB_TIME_LIMIT)


def enqueue(function: str, *args: Any, name: str) -> str:
    """Queue ``function(*args)`` (a dotted path; arguments JSON-like) with the time limit.

    Call it inside the transaction that stores what the job will work on.
    """
    from django_q.tasks import async_task

    return str(async_task(function, *args, task_name=name, timeout=time_limit()))


def work(*, keep_going: Callable[[], bool], every: float = 1.0) -> None:
    """Run jobs until SIGTERM or SIGINT, or until ``keep_going()`` turns false."""
    from django.db import connections
    from django_q.cluster import Cluster

    connections.close_all()  # the worker's processes open their own after the fork
    cluster = Cluster()
    cluster.start()
    try:
        while cluster.sentinel is not None and cluster.sentinel.is_alive() and keep_going():
            time.sleep(every)
    finally:
        if cluster.sentinel is not None and cluster.stop_event is not None:
            cluster.stop()
