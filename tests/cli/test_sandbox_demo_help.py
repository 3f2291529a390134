"""`pmenomssl sandbox enom`, `pmenomssl demo` and every subcommand's --help."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from pmenomssl.handlers.enomssl.operator import demo as demo_module
from tests.cli.conftest import run_cli, squash
from tests.helpers import read_lines_until


def test_sandbox_enom_serves_one_request(tmp_path: Path) -> None:
    secret = tmp_path / "sandbox.pw"
    secret.write_text("Sandbox-pw-7781\n", encoding="utf-8")
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "pmenomssl", "sandbox", "enom", "--port", "0"),
            *("--uid", "u1", "--pw-file", str(secret), "--balance", "12.50"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = read_lines_until(
            proc, lambda lines: bool(lines) and lines[-1].startswith("Stop with"), "the banner"
        )
        url = lines[0].split(": ", 1)[1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/interface.asp")
        assert f"pw:  (from {secret})" in lines
        assert "Sandbox-pw-7781" not in "\n".join(lines)
        form = urllib.parse.urlencode(
            {"uid": "u1", "pw": "Sandbox-pw-7781", "command": "GetBalance", "ResponseType": "XML"}
        ).encode()
        with urllib.request.urlopen(url, data=form, timeout=10) as answer:  # noqa: S310
            body = answer.read().decode()
        assert "<AvailableBalance>12.50</AvailableBalance>" in body
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_demo_runs_the_whole_lifecycle(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMENOMSSL_")}
    started = time.monotonic()
    result = run_cli("demo", env=env, cwd=tmp_path, timeout=180)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    titles = [line for line in out.splitlines() if line.startswith("[")]
    assert len(titles) == demo_module.STEPS
    for number, (title, keyword) in enumerate(zip(titles, demo_module.steps()), start=1):
        assert title.startswith(f"[{number}/{demo_module.STEPS}]") and keyword in title
    text = squash(out)
    for expected in (
        "$ pmenomssl --command features",
        "certificate templates: rapidssl",
        "OK: ENOM accepts 'demo-reseller'",
        "available: 500.00 USD",
        "the client picks admin@example.com",
        "CSR: CN=shop.example.com",
        "$ pmenomssl --command open --item 1",
        "bought at ENOM: CertID 100001",
        "service_status 5 (5 = issued)",
        "subject CN=shop.example.com",
        "$ pmenomssl --command prolong --item 1",
        "CertID 100002 replaced CertID 100001",
        "$ pmenomssl --command close --item 1",
        "service closed (item status 4)",
        "Demo finished in",
    ):
        assert expected in text, expected
    assert "Traceback" not in out + result.stderr
    assert result.stderr == ""
    log = tmp_path / "logs" / "pmenomssl-demo.log"
    assert "logs/pmenomssl-demo.log" in text
    lines = log.read_text(encoding="utf-8").splitlines()
    assert any("[open item=1" in line and "PurchaseServices" in line for line in lines)
    assert any("[prolong item=1" in line for line in lines)
    # the temporary BILLmanager root is gone
    work = next(line for line in out.splitlines() if "work directory" in line).split()[-1]
    assert not Path(work).exists()
    assert elapsed < 120  # the README promises under 10 s on an idle machine


class _BrokenPurchase(demo_module.Demo):
    """The demo with an ENOM that answers PurchaseServices with HTTP 500 every time."""

    def setup(self) -> None:
        super().setup()
        assert self.sandbox is not None
        self.sandbox.faults.add("http_500", command="PurchaseServices", times=None)


def test_a_failed_demo_step_says_what_and_exits_1(tmp_path: Path) -> None:
    out = io.StringIO()
    demo = _BrokenPurchase(out, log_copy=tmp_path / "demo.log", workdir=tmp_path / "work")
    assert demo.run() == 1
    text = squash(out.getvalue())
    assert "DEMO FAILED at step 5 (Order: a CSR made on the spot, then open)" in text
    assert "pmenomssl --command open --item 1 exited with status 1" in text
    assert "HTTP 500" in text or "500" in text
    assert f"The module's log: {tmp_path / 'demo.log'}" in text
    assert (tmp_path / "demo.log").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["balance"],
        ["products"],
        ["status"],
        ["logs"],
        ["demo"],
        ["sandbox"],
        ["sandbox", "enom"],
    ],
    ids=lambda argv: "-".join(argv),
)
def test_help_shows_an_example(argv: list[str], tmp_path: Path) -> None:
    result = run_cli(*argv, "--help", env=dict(os.environ), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: pmenomssl {' '.join(argv)}")
    assert "example" in result.stdout
    assert f"\n  pmenomssl {' '.join(argv)}" in result.stdout  # a runnable example line


def test_top_level_help_lists_every_subcommand(tmp_path: Path) -> None:
    result = run_cli("--help", env=dict(os.environ), cwd=tmp_path)
    assert result.returncode == 0
    for name in ("check", "balance", "products", "status", "logs", "demo", "sandbox"):
        assert name in result.stdout
