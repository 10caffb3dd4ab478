"""The server is killed (SIGKILL) in the middle of an import and of a vote; after a restart
nothing is half-written.

The real ``insaf serve`` runs on its own database (SQLite in a temporary data
folder, or a PostgreSQL database made for the test). The kill lands while the
server holds the change's transaction open:

- on PostgreSQL the test holds a lock on the audit table, which every change
  writes last, so the server's transaction waits there with all its other rows
  written; the test sees it waiting (``pg_stat_activity``), kills the server,
  then lets go of the lock;
- on SQLite the test watches for the server's write lock (a ``BEGIN
  IMMEDIATE`` of its own is refused while the server's transaction is open)
  and kills the server at that moment.

After the restart, the import left no observation, release or audit event, and
every ballot stored has its audit event (none is half-recorded).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from django.db import connection

from .test_serve import server_env, start_server, stop_server, wait_until_up

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[2]
PASSWORD = "a long test password 42"

SETUP = """
import io, json
from tests.web.conftest import make_user, sample_observations
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from insaf.observatory import DEMO_CATALOGUE, Observation, load_catalogue
from insaf.observatory.export import write_csv
from insaf.web.observatory import services
from insaf.web.council import services as council
from tests.web.council.conftest import build_council, referral_in_drafting
services.sync_catalogue(actor=None, catalogue=load_catalogue(DEMO_CATALOGUE))
services.publish(actor=None, observations=sample_observations(), source="before")
make_user("analyst", "analyst")
c = build_council()
referral = referral_in_drafting(c, consultation=False)
opinion = referral.opinion
council.save_draft(actor=c.rapporteur, opinion=opinion, title_en="Opinion", title_ar="رأي",
                   text_en="Text.", text_ar="نص.")
council.add_recommendation(actor=c.rapporteur, opinion=opinion, text_en="Do it.", text_ar="افعل.",
                           ministry=c.ministry)
council.open_vote(actor=c.bureau, opinion=opinion)
rows = [
    Observation(indicator=code, period=year, area="DEMO", value=10.0 + k % 7, se=0.5,
                ci_low=9.0, ci_high=11.0 + k % 7, n=5000,
                disaggregation=(("governorate", str(k % 12 + 1)),) if k % 13 else ())
    for k, (code, year) in enumerate((c, y) for c in ("POV_NAT", "SCHOOL_ATT")
                                      for y in range(1950, 2050) for _ in range(13))
]
out = io.StringIO()
write_csv(rows, out, dimensions=["governorate"])
print(json.dumps({"code": referral.code, "csv": out.getvalue(),
                  "members": [u.username for u in c.all_members]}))
"""

COUNT = """
import json
from insaf.web.core.models import AuditEvent
from insaf.web.council.models import Ballot
from insaf.web.observatory.models import Observation, Release
print(json.dumps({
    "observations": Observation.objects.count(),
    "releases": Release.objects.count(),
    "publish_events": AuditEvent.objects.filter(action="observations.publish").count(),
    "ballots": Ballot.objects.count(),
    "ballot_events": AuditEvent.objects.filter(action="council.vote.ballot").count(),
}))
"""


def run(env: dict[str, str], code: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Platform:
    data: Path
    env: dict[str, str]
    holding: Callable[[], Any]
    """A context manager: while it is open, the server's next change stops mid-transaction."""


def _pg_admin(dbname: str) -> psycopg.Connection[tuple[object, ...]]:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=dbname, host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"] or None,
        password=s["PASSWORD"] or None, autocommit=True,
    )  # fmt: skip


class _PgHold:
    """Hold the audit table (SHARE mode: inserts wait) until the server is killed."""

    def __init__(self, dbname: str) -> None:
        self.dbname = dbname

    def __enter__(self) -> Callable[[], bool]:
        self.conn = _pg_admin(self.dbname)
        self.conn.autocommit = False
        self.conn.execute("LOCK TABLE core_auditevent IN SHARE MODE")
        watcher = _pg_admin(self.dbname)

        def waiting() -> bool:
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock' AND state = 'active'",
                (self.dbname,),
            ).fetchone()
            return bool(row and row[0])

        self.watcher = watcher
        return waiting

    def __exit__(self, *exc: object) -> None:
        self.conn.rollback()
        self.conn.close()
        self.watcher.close()


class _SqliteHold:
    """No lock to hold: report when the server holds the write lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> Callable[[], bool]:
        probe = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        self.probe = probe

        def writing() -> bool:
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                return "locked" in str(exc) or "busy" in str(exc)
            probe.execute("ROLLBACK")
            return False

        return writing

    def __exit__(self, *exc: object) -> None:
        self.probe.close()


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    data = tmp_path / "data"
    data.mkdir()
    env = server_env(data)
    if connection.vendor == "postgresql":
        name = f"{connection.settings_dict['NAME']}_kill"[:60]
        admin = _pg_admin("postgres")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        s = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"
        try:
            yield Platform(data, env, lambda: _PgHold(name))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    else:
        yield Platform(data, env, lambda: _SqliteHold(data / "insaf.sqlite3"))


def signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/en/accounts/login/", timeout=30)
    session.post(
        f"{base}/en/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/en/accounts/login/"},
        timeout=30,
    )
    assert "sessionid" in session.cookies, username
    return session


def _post_in_background(call: Callable[[], Any]) -> list[Any]:
    answers: list[Any] = []

    def go() -> None:
        try:
            answers.append(call())
        except requests.RequestException as exc:
            answers.append(exc)

    threading.Thread(target=go, daemon=True).start()
    return answers


def kill_when(
    process: subprocess.Popen[bytes], mid_transaction: Callable[[], bool], limit: float = 120
) -> None:
    deadline = time.monotonic() + limit
    while not mid_transaction():
        assert time.monotonic() < deadline, "the server never opened its transaction"
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_killed_mid_import_and_mid_vote_nothing_is_half_written(platform: Platform) -> None:
    p = platform
    setup = run(p.env, SETUP)
    before = run(p.env, COUNT)
    process, base, log = start_server(p.data, "--no-demo", env=p.env)
    try:
        wait_until_up(base, process, log, limit=300)
        analyst = signed_in(base, "analyst")
        manage = analyst.get(f"{base}/en/manage/", timeout=30)
        assert manage.status_code == 200
        csv = setup["csv"].encode()
        with p.holding() as mid_transaction:
            answers = _post_in_background(
                lambda: analyst.post(
                    f"{base}/en/manage/",
                    data={"action": "import", "csrfmiddlewaretoken": analyst.cookies["csrftoken"]},
                    files={"import-file": ("many.csv", csv, "text/csv")},
                    headers={"Referer": base},
                    timeout=300,
                )
            )
            kill_when(process, mid_transaction)
        time.sleep(0.5)
        assert not [a for a in answers if isinstance(a, requests.Response)], "answered first"
    finally:
        stop_server(process, signal.SIGKILL)
    after_import = run(p.env, COUNT)
    assert after_import == before  # no observation, release or audit event of the import

    process, base, log = start_server(p.data, "--no-demo", env=p.env)
    try:
        wait_until_up(base, process, log, limit=300)
        members = [signed_in(base, name) for name in setup["members"]]
        url = f"{base}/en/council/referrals/{setup['code']}/opinion/vote/"
        with p.holding() as mid_transaction:
            for member in members:
                _post_in_background(
                    lambda member=member: member.post(
                        url,
                        data={
                            "action": "ballot",
                            "choice": "for",
                            "csrfmiddlewaretoken": member.cookies["csrftoken"],
                        },
                        headers={"Referer": base},
                        timeout=120,
                    )
                )
            kill_when(process, mid_transaction)
    finally:
        stop_server(process, signal.SIGKILL)
    # restarted: the platform serves, and every ballot stored is whole
    process, base, log = start_server(p.data, "--no-demo", env=p.env)
    try:
        wait_until_up(base, process, log, limit=300)
        assert requests.get(f"{base}/en/council/", timeout=30).status_code == 200
    finally:
        stop_server(process)
    after_vote = run(p.env, COUNT)
    assert after_vote["ballots"] == after_vote["ballot_events"] - before["ballot_events"]
    assert after_vote["ballots"] < len(setup["members"])  # the kill stopped one mid-way
    assert {k: after_vote[k] for k in ("observations", "releases", "publish_events")} == {
        k: before[k] for k in ("observations", "releases", "publish_events")
    }
