"""`pmenomssl check`: the connection test by hand, with the handler's cause-and-fix texts."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

from tests.cli.conftest import PASSWORD, Cli, squash


def _by_hand(cli: Cli, password: str, *extra: str, **env: str) -> tuple[int, str, str]:
    result = cli.run(
        "check",
        "--url",
        cli.sandbox.url,
        "--username",
        cli.sandbox.uid,
        *extra,
        env=cli.env(PMENOMSSL_PASSWORD=password, **env) if password else cli.env(**env),
    )
    return result.returncode, result.stdout, result.stderr


def _assert_secret_kept(cli: Cli, *outputs: str) -> None:
    for text in (*outputs, cli.log_text()):
        assert PASSWORD not in text
    assert cli.log_text(), "the check left no line in the module's log"


def _panel_desc(cli: Cli, password: str) -> str:
    """What the panel's Test button (`--command check_connection`) says for `password`."""
    form = (
        f"<doc><processingmodule><url>{cli.sandbox.url}</url><username>{cli.sandbox.uid}"
        f"</username><password>{password}</password></processingmodule></doc>"
    ).encode()
    result = cli.world.run("check_connection", stdin=form)
    assert result.returncode == 1, result.stdout
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None
    return error.findtext("param[@name='desc']") or ""


def _without_tracking(text: str) -> str:
    return re.sub(r"ENOM TrackingKey: [0-9a-f-]+\.?", "", squash(text)).strip()


def test_password_from_the_environment(cli: Cli) -> None:
    status, out, err = _by_hand(cli, PASSWORD)
    assert status == 0, (out, err)
    assert out.startswith("OK: ENOM accepts the login 'reseller-cli'")
    assert err == ""  # stderr is a pipe: no progress display
    assert cli.sandbox.calls["GetBalance"] == 1
    _assert_secret_kept(cli, out, err)


def test_password_from_a_file(cli: Cli, tmp_path: Path) -> None:
    secret = tmp_path / "enom.pw"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    status, out, err = _by_hand(cli, "", "--password-file", str(secret))
    assert status == 0, (out, err)
    assert "OK: ENOM accepts" in out
    _assert_secret_kept(cli, out, err)


def test_the_product_list_is_cached_under_root(cli: Cli) -> None:
    status, out, _ = _by_hand(cli, PASSWORD)
    assert status == 0
    cache = cli.standin.root / "var" / "pmenomssl.products.json"
    assert cache.exists()
    assert str(cache) in squash(out)


def test_bad_password_gives_the_panels_cause_and_fix(cli: Cli) -> None:
    status, out, err = _by_hand(cli, "not-the-password")
    assert status == 1, (out, err)
    text = squash(out)
    assert text.startswith("FAILED (the credentials given):")
    assert "rejected the login ID or password" in text
    assert "separate accounts and credentials" in text  # the test/live hint
    assert _without_tracking(_panel_desc(cli, "not-the-password")) in _without_tracking(out)
    assert "not-the-password" not in out + err + cli.log_text()
    _assert_secret_kept(cli, out, err)


def test_ip_not_allowed_names_the_ip(cli: Cli) -> None:
    cli.sandbox.faults.add("ip_not_allowed", times=2)
    status, out, err = _by_hand(cli, PASSWORD)
    assert status == 1
    text = squash(out)
    assert "Add the IP address 127.0.0.1" in text
    assert "allow-list" in text
    assert _without_tracking(_panel_desc(cli, PASSWORD)) in _without_tracking(out)
    _assert_secret_kept(cli, out, err)


def test_the_stored_settings_of_a_module(cli: Cli) -> None:
    result = cli.run("check", "--module", str(cli.module))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert f"processing module {cli.module} 'ENOM live'" in squash(result.stdout)
    _assert_secret_kept(cli, result.stdout, result.stderr)


def test_a_module_that_does_not_exist(cli: Cli) -> None:
    result = cli.run("check", "--module", "999")
    assert result.returncode == 1
    assert "Processing module 999 does not exist" in squash(result.stdout)


def test_no_password_and_no_terminal_is_a_usage_error(cli: Cli) -> None:
    status, _, err = _by_hand(cli, "")
    assert status == 2
    assert "no password" in err and "PMENOMSSL_PASSWORD" in err
    assert cli.sandbox.calls["GetBalance"] == 0


def test_a_password_argument_does_not_exist(cli: Cli) -> None:
    result = cli.run("check", "--url", cli.sandbox.url, "--username", "x", "--password", PASSWORD)
    assert result.returncode == 2
    assert "does not exist: a password on the command line" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert cli.sandbox.calls["GetBalance"] == 0


def test_password_from_the_prompt_is_not_echoed(cli: Cli) -> None:
    """stdin on a terminal (and no controlling one to open): getpass asks, echo off."""
    argv = [sys.executable, "-m", "pmenomssl", "check", "--url", cli.sandbox.url]
    argv += ["--username", cli.sandbox.uid]
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            argv,
            env=cli.env(),
            cwd=str(cli.workdir),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # no /dev/tty: getpass uses the terminal on stdin
        )
        os.close(slave)
        assert proc.stderr is not None
        prompt = b""
        deadline = time.monotonic() + 30
        while b"API token:" not in prompt and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 0.2)
            if ready:
                chunk = os.read(proc.stderr.fileno(), 1024)
                assert chunk, "the check ended before asking for the password"
                prompt += chunk
        os.write(master, PASSWORD.encode() + b"\n")
        out, err = proc.communicate(timeout=60)
        echoed = b""
        while select.select([master], [], [], 0)[0]:
            try:
                chunk = os.read(master, 1024)
            except OSError:
                break
            if not chunk:
                break
            echoed += chunk
    finally:
        os.close(master)
    assert proc.returncode == 0, (out, err)
    assert prompt.startswith(b"ENOM password or API token:")
    assert b"OK: ENOM accepts" in out
    assert PASSWORD.encode() not in prompt + out + err + echoed
    _assert_secret_kept(cli)
