"""`pmenomssl sandbox enom` as a person runs it: a subprocess, driven over HTTP, then stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.helpers import read_lines_until

from .conftest import contacts, make_csr

CODE = (
    "import sys; from pmenomssl.sandbox.enom.cli import main; raise SystemExit(main(sys.argv[1:]))"
)


class Served:
    def __init__(self, proc: subprocess.Popen[str], lines: list[str]) -> None:
        self.proc = proc
        self.lines = lines
        fields = dict(
            line.split(":", 1) for line in lines if ":" in line and not line.startswith("Stop")
        )
        self.url = fields["ENOM sandbox"].strip()
        self.uid = fields["uid"].strip()
        self.pw = fields["pw"].strip()
        self.admin = fields["admin"].strip()


def _start(*args: str) -> Served:
    code = CODE
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--port", "0", *args],
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
    s = _start("--uid", "demo")
    yield s
    _stop(s)


def test_cli_serves_a_full_cycle(served: Served, rsa_keys: list[rsa.RSAPrivateKey]) -> None:
    assert served.url.startswith("http://127.0.0.1:") and served.url.endswith("/interface.asp")
    assert served.uid == "demo"
    assert len(served.pw) >= 16, "a generated password is printed"

    def call(command: str, **params: str) -> str:
        data = {
            "uid": served.uid,
            "pw": served.pw,
            "command": command,
            "ResponseType": "XML",
            **params,
        }
        response = httpx.post(served.url, data=data, timeout=10)
        assert response.status_code == 200
        assert "<ErrCount>0</ErrCount>" in response.text, response.text
        return response.text

    cert_id = (
        call("PurchaseServices", Service="certificate-rapidssl-rapidssl")
        .split("<CertID>")[1]
        .split("<")[0]
    )
    call(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType="18",
        CSR=make_csr(rsa_keys[0], "www.example.com"),
        **contacts(),
    )
    call("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    assert "<CertStatusID>2</CertStatusID>" in call("CertGetCertDetail", CertID=cert_id)
    issued = call("CertGetCertDetail", CertID=cert_id)
    assert "<CertStatusID>4</CertStatusID>" in issued
    pem = issued.split("<SSLCertificate><![CDATA[")[1].split("]]>")[0]
    assert (
        x509.load_pem_x509_certificate(pem.encode()).subject.rfc4514_string()
        == "CN=www.example.com"
    )

    state = httpx.get(served.admin, timeout=10)
    assert state.json()["calls"]["CertGetCertDetail"] == 2
    assert served.pw not in state.text
    fault = httpx.post(
        served.admin.replace("state", "faults"), json={"kind": "http_500"}, timeout=10
    )
    assert fault.status_code == 201
    assert httpx.post(served.url, data={"command": "GetBalance"}, timeout=10).status_code == 500

    assert _stop(served) == 0


def test_password_from_file_is_never_printed(tmp_path: Path) -> None:
    secret = "file-secret-4f1c9a"
    pw_file = tmp_path / "pw"
    pw_file.write_text(secret + "\n")
    served = _start("--pw-file", str(pw_file), "--issue-immediately")
    try:
        assert secret not in "\n".join(served.lines)
        assert served.pw == f"(from {pw_file})"
        ok = httpx.post(
            served.url, data={"uid": "sandbox-uid", "pw": secret, "command": "GetBalance"}
        )
        assert "<ErrCount>0</ErrCount>" in ok.text
        bad = httpx.post(
            served.url, data={"uid": "sandbox-uid", "pw": "x", "command": "GetBalance"}
        )
        assert "Bad User name or Password" in bad.text
    finally:
        assert _stop(served) == 0
    assert served.proc.stdout is not None and served.proc.stderr is not None
    assert secret not in served.proc.stdout.read() + served.proc.stderr.read()


def test_unreadable_password_file(tmp_path: Path) -> None:
    code = CODE
    result = subprocess.run(
        [sys.executable, "-c", code, "--pw-file", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "cannot read the password file" in result.stderr
