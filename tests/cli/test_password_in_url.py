"""A password inside a connection URL (`https://user:pass@host/`) is refused by both modules,
and never repeated: not in the error XML, the log, nor `check`'s output (issue 12 section 7).
Through the real executables, against the BILLmanager stand-in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from pmenomssl.sandbox.billmanager import StandIn
from tests.billreseller.conftest import run_reseller
from tests.cli.conftest import run_cli
from tests.helpers import module_env, run_module

SECRET = "Url-Pa55word-xyz"
URLS = [
    f"https://admin:{SECRET}@reseller.enom.com/interface.asp",
    f"https://admin:{SECRET}@127.0.0.1:1/billmgr",
    f"https://admin:{SECRET}@127.0.0.1:notaport/billmgr",  # a message quoting it would leak
    f"https://admin:pa/{SECRET}@127.0.0.1/billmgr",  # "/" unencoded in the password
    f"admin:{SECRET}@127.0.0.1/billmgr",
]


def form(url: str) -> bytes:
    return (
        f"<doc><processingmodule><url>{url}</url><username>u</username>"
        f"<password>other-Pw-123</password></processingmodule></doc>"
    ).encode()


def log_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def refused_without_secret(result: subprocess.CompletedProcess[bytes], log: str) -> str:
    assert result.returncode == 1, result.stdout
    assert SECRET.encode() not in result.stdout + result.stderr
    assert SECRET not in log
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None
    desc = error.findtext("param[@name='desc']") or ""
    assert "contains a user name or password" in desc, desc
    return str(error.get("type"))


@pytest.mark.parametrize("url", URLS)
def test_enom_module_refuses_a_password_in_the_url(standin: StandIn, url: str) -> None:
    result = run_module(standin, "--command", "check_connection", stdin=form(url))
    kind = refused_without_secret(result, log_text(standin.log_path()))
    assert kind == "invalid_connection"


@pytest.mark.parametrize("url", URLS)
def test_reseller_module_refuses_a_password_in_the_url(standin: StandIn, url: str) -> None:
    result = run_reseller(standin, "--command", "check_connection", stdin=form(url))
    kind = refused_without_secret(result, log_text(standin.log_path("pmbillreseller")))
    assert kind == "invalid_connection"


@pytest.mark.parametrize("url", URLS[:3])
def test_enom_check_cli_never_shows_it(standin: StandIn, tmp_path: Path, url: str) -> None:
    pw = tmp_path / "pw"
    pw.write_text("other-Pw-123\n")
    env = module_env(standin)
    env.pop("PMENOMSSL_PASSWORD", None)
    result = run_cli(
        "check", "--url", url, "--username", "u", "--password-file", str(pw), env=env, cwd=tmp_path
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "contains a user name or password" in " ".join(result.stdout.split())
    assert SECRET not in result.stdout + result.stderr + log_text(standin.log_path())


@pytest.mark.parametrize("url", URLS[:3])
def test_reseller_check_cli_never_shows_it(standin: StandIn, tmp_path: Path, url: str) -> None:
    pw = tmp_path / "pw"
    pw.write_text("other-Pw-123\n")
    executable = Path(sys.executable).with_name("pmbillreseller")
    result = run_reseller(
        standin, "check", "--url", url, "--username", "u", "--password-file", str(pw)
    )
    out = result.stdout.decode() + result.stderr.decode()
    assert executable.exists()
    assert result.returncode == 1, out
    assert "contains a user name or password" in " ".join(out.split())
    assert SECRET not in out + log_text(standin.log_path("pmbillreseller"))
