"""`pmenomssl balance` and `pmenomssl products` through the real executable."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

from tests.cli.conftest import Cli, squash


def test_balance_of_every_module_and_a_failing_one(cli: Cli) -> None:
    broken = cli.standin.add_module(
        "pmenomssl",
        params={"url": cli.sandbox.url, "username": cli.sandbox.uid},
        crypted_params={"password": "wrong-password-1"},
        title="ENOM test",
    )
    result = cli.run("balance")
    assert result.returncode == 1  # one module failed
    lines = result.stdout.splitlines()
    assert lines[0].startswith("processing module")
    assert any(
        line.startswith(f"{cli.module} ENOM live") and "750.00 USD" in line for line in lines
    )
    text = squash(result.stdout)
    assert f"{broken} ENOM test FAILED:" in text
    assert "rejected the login ID or password" in text
    saved = cli.standin.balance(cli.module)
    assert saved is not None and str(saved["balance"]).startswith("750")
    assert "wrong-password-1" not in result.stdout + result.stderr + cli.log_text()


def test_balance_of_one_module(cli: Cli) -> None:
    result = cli.run("balance", "--module", str(cli.module))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "750.00 USD" in result.stdout
    assert result.stderr == ""
    assert cli.sandbox.calls["GetBalance"] == 1
    assert f"[balance module={cli.module}]" in cli.log_text()


def test_products_without_a_cache_show_the_table_and_say_so(cli: Cli) -> None:
    result = cli.run("products")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.split("\n\n")[0].splitlines()
    assert header.split() == ["template", "ENOM", "code", "years", "cost/year", "enabled"]
    first = rows[0].split()
    assert first == ["rapidssl", "certificate-rapidssl-rapidssl", "?", "?", "?"]
    assert "products --refresh" in squash(result.stdout)
    assert sum(cli.sandbox.calls.values()) == 0  # no ENOM call without --refresh


def test_products_refresh_fetches_caches_and_shows_prices(cli: Cli) -> None:
    result = cli.run("products", "--refresh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert cli.sandbox.calls["GetCerts"] == 1
    cache = json.loads(
        (cli.standin.root / "var" / "pmenomssl.products.json").read_text(encoding="utf-8")
    )
    assert len(cache["products"]) == 14
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line}
    assert rows["rapidssl"][1:] == ["certificate-rapidssl-rapidssl", "1,2", "9.95", "USD", "yes"]
    assert rows["sectigoessential"][1:3] == ["certificate-comodo-essential", "1,2"]
    # ENOM does not sell every product of the table: those are named, not declared
    assert "Not offered by ENOM" in result.stdout and "securesitepro" in result.stdout
    assert "securesitepro" not in rows
    # the next run reads the cache: no ENOM call
    again = cli.run("products")
    assert again.returncode == 0 and cli.sandbox.calls["GetCerts"] == 1
    assert "9.95 USD" in again.stdout


def test_products_refresh_reports_a_failure(cli: Cli) -> None:
    cli.sandbox.faults.add("http_500", command="GetCerts", times=None)
    result = cli.run("products", "--refresh", "--module", str(cli.module))
    assert result.returncode == 1
    assert result.stdout.startswith("FAILED: ")
    assert "Traceback" not in result.stdout + result.stderr


def test_progress_shows_on_a_terminal_only(cli: Cli) -> None:
    """stderr on a pseudo-terminal gets the progress line; on a pipe (above) nothing."""
    cli.sandbox.faults.add("delay", command="GetCerts", seconds=0.5)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pmenomssl", "products", "--refresh"],
            env=cli.env(),
            cwd=str(cli.workdir),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
        )
        os.close(slave)
        seen = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        stdout, _ = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert b"fetching ENOM's product list" in seen
    assert seen.rstrip(b" ").endswith(b"\r")  # the line is erased at the end
    assert b"fetching" not in stdout
