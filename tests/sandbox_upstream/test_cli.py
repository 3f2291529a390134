"""`pmenomssl sandbox upstream` as a person runs it: a subprocess, driven over HTTP, stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers import read_lines_until

# The real entry point, through `pmenomssl sandbox upstream` (the lead's CLI dispatcher).
CODE = "import sys; from pmenomssl.cli import main; raise SystemExit(main(sys.argv[1:]))"


class Served:
    def __init__(self, proc: subprocess.Popen[str], lines: list[str]) -> None:
        self.proc = proc
        self.lines = lines
        fields = dict(line.split(": ", 1) for line in lines if ": " in line)
        self.url = fields["Upstream BILLmanager sandbox"].strip()
        self.username = fields["username"].strip()
        self.password = fields["password"].strip()
        self.admin = fields["admin"].strip()

    def call(self, func: str, **params: str) -> str:
        data = {"authinfo": f"{self.username}:{self.password}", "out": "xml", "func": func}
        response = httpx.post(self.url, data={**data, **params}, timeout=10)
        assert response.status_code == 200
        return response.text


def _start(*args: str) -> Served:
    proc = subprocess.Popen(
        [sys.executable, "-c", CODE, "sandbox", "upstream", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines = read_lines_until(
        proc, lambda lines: bool(lines) and lines[-1].startswith("Stop with"), "the banner"
    )
    return Served(proc, lines)


def _stop(served: Served) -> int:
    if served.proc.poll() is None:
        served.proc.send_signal(signal.SIGTERM)
    try:
        return served.proc.wait(timeout=10)
    finally:
        if served.proc.poll() is None:
            served.proc.kill()


@pytest.fixture
def served() -> Iterator[Served]:
    s = _start("--activate-after", "2", "--balance", "500", "--username", "demo")
    yield s
    _stop(s)


def test_cli_serves_orders_and_stops_cleanly(served: Served) -> None:
    assert served.url.startswith("http://127.0.0.1:") and served.url.endswith("/billmgr")
    assert served.username == "demo" and len(served.password) >= 16
    assert 'balance="500,00"' in served.call("whoami")
    reply = served.call(
        "v2.vhost.order.param",
        pricelist="11",
        order_period="1",
        datacenter="1",
        clicked_button="finish",
        skipbasket="on",
        sok="ok",
    )
    assert "<id>1001</id>" in reply
    assert "<status>5</status>" in served.call("vhost")  # --activate-after 2
    assert "<status>2</status>" in served.call("vhost")
    state = httpx.get(served.admin, timeout=10)
    assert state.json()["balance"] == "350.00" and state.json()["calls"]["vhost"] == 2
    assert served.password not in state.text
    assert _stop(served) == 0


def test_password_from_file_is_never_printed(tmp_path: Path) -> None:
    secret = "file-secret-7c2e"
    password_file = tmp_path / "pw"
    password_file.write_text(secret + "\n")
    served = _start("--password-file", str(password_file))
    try:
        assert served.password == f"(from {password_file})"
        served.password = secret
        assert "<user " in served.call("whoami")
        served.password = "wrong"
        assert 'type="auth"' in served.call("whoami")
    finally:
        assert _stop(served) == 0
    assert served.proc.stdout is not None and served.proc.stderr is not None
    assert secret not in "\n".join(served.lines) + served.proc.stdout.read()
    assert secret not in served.proc.stderr.read()


def test_unreadable_password_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CODE,
            "sandbox",
            "upstream",
            "--password-file",
            str(tmp_path / "no"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "cannot read the password file" in result.stderr
