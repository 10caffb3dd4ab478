"""``insaf serve`` as a user runs it: a first start on an empty data folder, then a statement.

Issue 10 found that after a first start (which loads the demo with Polars)
every impact-statement upload hung for good: the server's master had used
Polars before forking its workers. Here the real command starts on an empty
data folder and a free port; the master must not even have loaded Polars,
and a statement asked for over HTTP is computed by the job worker and
published. SQLite only (the server makes its own database in the folder).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.db import connection

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the real server is started once, on SQLite"
    ),
]

PASSWORD = "a long test password 42"
ADMIN = f"""
import django
django.setup()
from django.contrib.auth.models import User
from insaf.web.core.roles import Role
from insaf.web.core.services import assign_role
user = User.objects.create_user(username="boss", password={PASSWORD!r})
assign_role(actor=None, user=user, role=Role.ADMINISTRATOR)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        INSAF_DATA=str(data),
        INSAF_SECURE_COOKIES="0",  # plain HTTP on the loopback
        DJANGO_SETTINGS_MODULE="insaf.web.settings",
    )
    return env


def wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    pytest.fail(f"the server did not start: {log.read_text(errors='replace')[-3000:]}")


def stop_server(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Signal the whole process group the server started (master, web workers, job worker)."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    try:  # the job worker's processes leave shortly after the master
        for _ in range(40):
            os.killpg(process.pid, 0)
            time.sleep(0.25)
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def start_server(
    data: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    log = data.parent / f"serve-{port}.log"
    command = [str(Path(sys.executable).parent / "insaf"), "serve", "--data", str(data)]
    command += ["--port", str(port), "--workers", "1", "--threads", "2", *args]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env or server_env(data), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    return process, f"http://127.0.0.1:{port}", log


def signed_in(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/en/accounts/login/", timeout=30)
    answer = session.post(
        f"{base}/en/accounts/login/",
        data={
            "username": "boss",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/en/accounts/login/"},
        timeout=30,
    )
    assert answer.status_code == 200 and answer.url == f"{base}/en/", answer.url
    return session


@pytest.fixture
def first_start(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    data = tmp_path / "data"
    process, base, log = start_server(data)
    try:
        wait_until_up(base, process, log, limit=900)  # the demo is computed first
        yield process, base, data
    finally:
        stop_server(process)


def test_after_a_first_start_a_statement_is_computed_and_published(
    first_start: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    process, base, data = first_start
    # the master is the process started (``os.execv``): Polars never entered it
    maps = Path(f"/proc/{process.pid}/maps")
    if maps.exists():
        assert "polars" not in maps.read_text(errors="replace")
    subprocess.run([sys.executable, "-c", ADMIN], env=server_env(data), check=True)
    session = signed_in(base)
    form = session.get(f"{base}/en/council/referrals/2022-001/impact/new/", timeout=30).text
    survey = re.search(r'name="survey".*?<option value="([^"]+)"', form, re.S)
    assert survey is not None, form[-2000:]
    answer = session.post(
        f"{base}/en/council/referrals/2022-001/impact/new/",
        data={
            "survey": survey.group(1),
            "note": "The latest survey.",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": base},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[-2000:]
    job = base + answer.headers["Location"]
    seen: list[str] = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        page = session.get(job, timeout=30, allow_redirects=False)
        if page.status_code == 302:
            break
        status = re.search(r'data-status="(\w+)"', page.text)
        assert status is not None and status.group(1) != "failed", page.text[-2000:]
        seen.append(status.group(1))
        time.sleep(1)
    else:
        pytest.fail(f"the statement was not published; the job page said {seen}")
    statement = session.get(base + page.headers["Location"], timeout=30)
    assert statement.status_code == 200 and "The latest survey." in statement.text
    assert process.poll() is None
