"""Through the real executable: every file a person names is read within a bound (issue 12
section 7), and `pmenomssl csr` refuses names no CA issues for (section 2)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.cli.conftest import Cli, squash
from tests.ssl.factory import build_csr

# A bounded read of /dev/zero stays far below this; the unbounded one grew to 15 GB.
MEMORY_LIMIT = 512 * 1024 * 1024


def run_limited(cli: Cli, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`python -m pmenomssl ARGS` with its address space capped: an unbounded read fails."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "pmenomssl", *args],
        env=cli.env(),
        cwd=str(cli.workdir),
        capture_output=True,
        timeout=120,
        preexec_fn=cap,
        check=False,
    )


def test_logs_of_dev_zero_is_refused_at_once(cli: Cli) -> None:
    result = run_limited(cli, "logs", "--item", "1", "--file", "/dev/zero")
    assert result.returncode == 1
    assert b"/dev/zero is a device or special file, not a file" in result.stderr
    assert b"Traceback" not in result.stderr + result.stdout


def test_logs_from_a_pipe_with_an_endless_line_stays_bounded(cli: Cli, tmp_path: Path) -> None:
    """A FIFO is allowed (a decompressed old log), but an endless line is cut, not kept: 600 MB
    without a newline, read under a 512 MB memory cap."""
    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)
    record = "Nov 22 10:00:01 [100:1] pmenomssl INFO [open item=7] ENOM PurchaseServices ok\n"
    writer = subprocess.Popen(
        ["sh", "-c", '{ printf "%s" "$1"; head -c 600000000 /dev/zero; } > "$2"',
         "sh", record, str(fifo)],
    )  # fmt: skip
    try:
        result = run_limited(cli, "logs", "--item", "7", "--file", str(fifo))
    finally:
        writer.kill()
        writer.wait()
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.decode().splitlines() == [record.rstrip("\n")]


def test_csr_check_of_dev_zero_is_refused(cli: Cli) -> None:
    result = run_limited(cli, "csr", "--check", "/dev/zero")
    assert result.returncode == 2
    assert b"/dev/zero is a device or special file" in result.stderr


def test_csr_check_of_a_huge_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    big = tmp_path / "big.csr"
    big.write_bytes(b"A" * (65 * 1024))
    result = cli.run("csr", "--check", str(big))
    assert result.returncode == 2
    assert "holds more than 64 KiB, far more than a CSR" in result.stderr


def test_password_file_that_is_a_device_is_refused(cli: Cli) -> None:
    result = run_limited(
        cli, "check", "--url", "https://127.0.0.1:1/", "--username", "u",
        "--password-file", "/dev/zero",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert b"/dev/zero is a device or special file" in result.stderr


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("exa mple.com", "contains ' '"),
        ("a..b.com", "has an empty label"),
        ("a" * 70 + ".com", "a label has at most 63"),
        ("xn--zz.com", "not a valid internationalised (IDNA 2008) label"),
        ("server.local", "is an internal name"),
        ("foo.internal", "is an internal name"),
        ("co.uk", "is a public suffix"),
        ("1.2.3.4", "is an IP address"),
        ("localhost", "is an internal name"),
    ],
)
def test_csr_check_refuses_names_no_ca_issues_for(
    cli: Cli, tmp_path: Path, rsa2048: rsa.RSAPrivateKey, name: str, reason: str
) -> None:
    # A raw DNSName: cryptography accepts any IA5 text when building, as other tools do.
    path = tmp_path / "client.csr"
    path.write_text(build_csr(rsa2048, None, [name]))
    result = cli.run("csr", "--check", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CSR REJECTED" in result.stdout
    assert reason in squash(result.stdout), result.stdout


@pytest.mark.parametrize(
    ("cn", "reason"),
    [
        ("*.co.uk", "would cover every domain registered under the public suffix co.uk"),
        ("1.2.3.4", "is an IP address"),
        ("localhost", "is an internal name"),
        ("example.com.", "ends with a dot"),
    ],
)
def test_csr_generator_refuses_names_no_ca_issues_for(cli: Cli, cn: str, reason: str) -> None:
    result = cli.run("csr", "--cn", cn, "--out-key", "-")
    assert result.returncode == 2
    assert reason in squash(result.stderr)
    assert "PRIVATE KEY" not in result.stdout  # nothing made


def test_csr_check_converts_a_der_file(
    cli: Cli, tmp_path: Path, rsa2048: rsa.RSAPrivateKey
) -> None:
    pem = build_csr(rsa2048, "shop.example.com", ["shop.example.com"])
    der = x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER)
    path = tmp_path / "client.der"
    path.write_bytes(der)
    result = cli.run("csr", "--check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CSR OK for shop.example.com" in result.stdout


@pytest.fixture(scope="module")
def rsa2048() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
