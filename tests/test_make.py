"""``make test`` says at once, in one line, when PostgreSQL is not there."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "scripts" / "check-postgres.sh"


def _check(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), url], capture_output=True, text=True, timeout=30, check=False
    )


def test_no_server_is_one_line_and_exit_1() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # the port is free again: nothing listens on it
    result = _check(f"postgres://postgres@127.0.0.1:{port}/test")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"no PostgreSQL at 127.0.0.1:{port}" in lines[0] and "POSTGRES=" in lines[0]


def test_a_listening_server_passes() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = _check(f"postgres://postgres@127.0.0.1:{port}/test")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_makefile_checks_before_installing() -> None:
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    assert "test: check-postgres $(VENV)/.installed-test" in makefile
