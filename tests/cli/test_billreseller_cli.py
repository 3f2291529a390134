"""`pmbillreseller` operator subcommands through the real executable (the console script next to
sys.executable) against the BILLmanager stand-in (MariaDB) and the upstream-BILLmanager sandbox
on 127.0.0.1. The module name comes from argv[0], as on a real host (PMENOMSSL_NAME unset)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.upstream import UpstreamSandbox
from tests.cli.conftest import squash
from tests.helpers import REPO

EXECUTABLE = Path(sys.executable).with_name("pmbillreseller")
NAME = "pmbillreseller"


def reseller_env(standin: StandIn, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PMENOMSSL_") and k != "PMBILLRESELLER_PASSWORD"
    }
    env.update(standin.env())
    env["PMENOMSSL_LOG"] = str(standin.log_path(NAME))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


@dataclass
class Run:
    standin: StandIn
    upstream: UpstreamSandbox
    module: int
    workdir: Path

    def __call__(
        self, *args: str, argv0: Path = EXECUTABLE, stdin: bytes = b"", **env: str
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [str(argv0), *args],
            input=stdin,
            env=reseller_env(self.standin, **env),
            cwd=str(self.workdir),
            capture_output=True,
            timeout=90,
            check=False,
        )
        return subprocess.CompletedProcess(
            proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
        )

    def typed(self, *args: str) -> list[str]:
        return [*args, "--url", self.upstream.url, "--username", self.upstream.username]

    def log_text(self) -> str:
        path = self.standin.log_path(NAME)
        return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def upstream() -> Iterator[UpstreamSandbox]:
    with UpstreamSandbox(balance=Decimal("12345.50"), currency="RUB") as sandbox:
        yield sandbox


@pytest.fixture
def run(standin: StandIn, upstream: UpstreamSandbox, tmp_path: Path) -> Run:
    module = standin.add_module(
        NAME,
        params={"url": upstream.url, "username": upstream.username},
        crypted_params={"password": upstream.password},
        title="Upstream VDS",
    )
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    return Run(standin, upstream, module, workdir)


def assert_no_secret(run: Run, *outputs: str) -> None:
    for text in (*outputs, run.log_text()):
        assert run.upstream.password not in text


# --- check ------------------------------------------------------------------------------------


def test_check_with_typed_credentials_and_the_password_from_the_environment(run: Run) -> None:
    result = run(*run.typed("check"), PMBILLRESELLER_PASSWORD=run.upstream.password)
    assert result.returncode == 0, result.stdout + result.stderr
    assert squash(result.stdout).startswith(
        f"OK: the upstream BILLmanager at {run.upstream.url} accepts the login "
        f"'{run.upstream.username}'"
    )
    assert run.upstream.calls["whoami"] == 1
    # the module's own log, named after the executable
    assert "[check" in run.log_text()
    assert_no_secret(run, result.stdout, result.stderr)


def test_check_with_a_password_file_and_a_wrong_password(run: Run, tmp_path: Path) -> None:
    good = tmp_path / "good.pw"
    good.write_text(run.upstream.password + "\n", encoding="utf-8")
    assert run(*run.typed("check"), "--password-file", str(good)).returncode == 0

    bad = tmp_path / "bad.pw"
    bad.write_text("not-the-Password-9\n", encoding="utf-8")
    result = run(*run.typed("check"), "--password-file", str(bad))
    assert result.returncode == 1
    out = squash(result.stdout)
    assert out.startswith("FAILED (the credentials given):")
    assert "rejected the username or password" in out
    assert "error type: upstream_auth" in out
    assert "not-the-Password-9" not in result.stdout + result.stderr + run.log_text()


@pytest.mark.parametrize(
    ("setting", "error_type", "words"),
    [
        ({"two_factor": True}, "upstream_two_factor", "two-factor authentication"),
        ({"ip_restricted": True}, "upstream_ip_restricted", "this server's IP address"),
    ],
)
def test_check_names_the_cause(
    run: Run, setting: dict[str, bool], error_type: str, words: str
) -> None:
    run.upstream.configure(**setting)
    result = run("check", "--module", str(run.module))
    assert result.returncode == 1, result.stdout
    out = squash(result.stdout)
    assert f"FAILED (processing module {run.module} 'Upstream VDS' ({NAME})):" in out
    assert words in out and f"error type: {error_type}" in out
    assert_no_secret(run, result.stdout, result.stderr)


def test_check_of_an_unreachable_upstream(run: Run) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nothing listens there
    url = f"http://127.0.0.1:{port}/billmgr"
    result = run("check", "--url", url, "--username", "x", PMBILLRESELLER_PASSWORD="whatever-pw-1")
    assert result.returncode == 1
    assert "error type: upstream_unreachable" in result.stdout
    assert url in squash(result.stdout)


def test_check_of_a_web_page_is_not_a_billmanager(run: Run) -> None:
    run.upstream.fault("whoami", "html")
    result = run("check", "--module", str(run.module))
    assert result.returncode == 1
    assert "error type: upstream_not_billmanager" in result.stdout


def test_check_refuses_a_password_argument_and_needs_one(run: Run) -> None:
    refused = run(*run.typed("check"), "--password", "Secret-On-Argv-1")
    assert refused.returncode == 2
    assert "--password does not exist" in refused.stderr
    assert "Secret-On-Argv-1" not in refused.stdout + refused.stderr
    assert run.upstream.calls["whoami"] == 0

    none = run(*run.typed("check"))  # stdin is a pipe, not a terminal: no prompt
    assert none.returncode == 2
    assert "no password" in none.stderr and "PMBILLRESELLER_PASSWORD" in none.stderr

    neither = run("check")
    assert neither.returncode == 2 and "--url" in neither.stderr

    mixed = run("check", "--module", str(run.module), "--username", "someone")
    assert mixed.returncode == 2 and "go with --url, not --module" in mixed.stderr


def test_check_module_of_another_kind_is_refused(run: Run) -> None:
    enom = run.standin.add_module("pmenomssl", params={"url": run.upstream.url})
    result = run("check", "--module", str(enom))
    assert result.returncode == 1
    assert "belongs to the module 'pmenomssl', not 'pmbillreseller'" in squash(result.stdout)
    assert run.upstream.calls["whoami"] == 0


# --- balance ----------------------------------------------------------------------------------


def test_balance_shows_and_saves_each_module(run: Run) -> None:
    second = run.standin.add_module(
        NAME,
        params={"url": run.upstream.url, "username": run.upstream.username},
        crypted_params={"password": "wrong-password-2"},
        title="Upstream broken",
    )
    result = run("balance")
    assert result.returncode == 1  # one module failed
    lines = result.stdout.splitlines()
    assert lines[0].startswith("processing module")
    good = next(line for line in lines if line.startswith(f"{run.module} Upstream VDS"))
    assert good.split()[-2:] == ["12345.50", "RUB"]
    bad = squash(result.stdout.split(f"{second} Upstream broken", 1)[1])
    assert bad.startswith("FAILED:") and "rejected the username or password" in bad
    saved = run.standin.balance(run.module)
    assert saved is not None and Decimal(str(saved["balance"])) == Decimal("12345.50")
    assert saved["currency"] == "RUB"
    assert run.standin.balance(second) is None

    only = run("balance", "--module", str(run.module))
    assert only.returncode == 0, only.stdout
    assert "12345.50 RUB" in only.stdout and "broken" not in only.stdout


def test_balance_without_modules(standin: StandIn, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(EXECUTABLE), "balance"],
        env=reseller_env(standin),
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "no active processing module named 'pmbillreseller'" in result.stderr


# --- tariffs ----------------------------------------------------------------------------------


def test_tariffs_of_one_itemtype_with_periods_prices_and_addons(run: Run) -> None:
    result = run("tariffs", "--itemtype", "vds", "--module", str(run.module))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"Upstream {run.upstream.url} (processing module {run.module} 'Upstream VDS' "
        "(pmbillreseller)):"
    )
    assert "vds:" in lines
    row = next(line.split() for line in lines if line.strip().startswith("21 "))
    assert row[:2] == ["21", "VDS-1"]
    assert "1: 300.00 RUB, 3: 870.00 RUB, 12: 3240.00 RUB" in " ".join(row)
    # addons are the addon_<id> fields of the tariff's order form (no prices there)
    assert any(x.strip() == "addon 211: preset 1" for x in lines), lines
    assert any(x.strip().startswith("addon 212:") for x in lines)
    assert "certificate:" not in lines
    assert run.upstream.calls["v2.vds.order.pricelist"] == 1
    assert run.upstream.calls["v2.vds.order.param"] == 1 and run.upstream.submitted == {}
    assert sum(run.upstream.calls[f"v2.{t}.order.pricelist"] for t in ("vhost", "soft")) == 0


def test_tariffs_of_every_itemtype_from_the_first_module(run: Run) -> None:
    result = run("tariffs")
    assert result.returncode == 0, result.stdout + result.stderr
    for itemtype, tariff in (
        ("certificate", "51"),
        ("soft", "41"),
        ("vhost", "11"),
        ("vds", "21"),
        ("dedic", "31"),
    ):
        block = result.stdout.split(f"\n{itemtype}:\n", 1)[1].split("\n\n", 1)[0]
        assert block.splitlines()[1].split()[0] == tariff, (itemtype, block)
    # certificates are not v2. products (ISPsystem's New Order API page)
    assert run.upstream.calls["certificate.order.pricelist"] == 1
    assert run.upstream.calls["v2.certificate.order.pricelist"] == 0


def test_tariffs_refresh_declares_the_certificate_tariffs_as_templates(run: Run) -> None:
    before = run("--command", "features")
    assert before.returncode == 0 and "<templates>" not in before.stdout
    wrong = run("tariffs", "--refresh", "--itemtype", "vds")
    assert wrong.returncode == 2 and "certificate" in wrong.stderr
    result = run("tariffs", "--refresh", "--itemtype", "certificate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Certificate templates refreshed: upstream_51" in squash(result.stdout)
    features = etree.fromstring(run("--command", "features").stdout.encode())
    templates = features.findall("templates/template")
    assert [(t.get("name"), t.get("authemail")) for t in templates] == [("upstream_51", "yes")]
    assert "approver" in [f.get("name") for f in features.findall("features/feature")]
    approver = run(
        "--command", "approver", "--module", str(run.module), "--domain", "a.example.com"
    )
    assert approver.returncode == 0, approver.stdout + approver.stderr
    assert "<approver>admin@a.example.com</approver>" in approver.stdout


def test_tariffs_argument_errors_and_a_refused_login(run: Run) -> None:
    wrong = run("tariffs", "--itemtype", "mail")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    mixed = run("tariffs", "--username", "x")
    assert mixed.returncode == 2 and "go with --url" in mixed.stderr
    run.upstream.configure(two_factor=True)
    refused = run("tariffs")
    assert refused.returncode == 1
    assert "error type: upstream_two_factor" in refused.stdout
    # stopped at the first failure, not once per item type
    assert sum(c for f, c in run.upstream.calls.items() if f.endswith(".order.pricelist")) == 1


# --- status -----------------------------------------------------------------------------------


def value_of(block: str, label: str) -> str:
    """The value printed after `label` in a status block (`  label      value`)."""
    for line in block.splitlines():
        if line.startswith(f"  {label} "):
            return line[len(label) + 2 :].strip()
    raise AssertionError(f"no {label!r} line in:\n{block}")


def order_vds(run: Run) -> int:
    """A VDS item opened through the real `pmbillreseller --command open`."""
    pricelist = run.standin.add_pricelist("21", "vds", module_id=run.module)
    item = run.standin.add_item(
        run.module, pricelist, params={"domain": "vds.example.com"}, period=1
    )
    run.standin.add_addon(item, "211", 4)
    opened = run("--command", "open", "--item", str(item), PMENOMSSL_DEADLINE="60")
    assert opened.returncode == 0, (opened.stdout, run.log_text()[-2000:])
    return item


def test_status_side_by_side_after_an_order(run: Run) -> None:
    item = order_vds(run)
    upstream_id = run.standin.item_params(item)["upstream_id"]
    result = run("status", "--item", str(item))
    assert result.returncode == 0, result.stdout + result.stderr
    local, remote = result.stdout.split("Upstream says:")
    assert f"Service {item}: vds, tariff '21'" in local
    assert value_of(local, "item status") == "2 (active)"
    assert value_of(local, "upstream_id") == upstream_id
    assert value_of(local, "addon 211") == "4"
    assert value_of(remote, f"service {upstream_id}") == "2 (active)"
    assert value_of(remote, "tariff") == "VDS-1"  # upstream lists show the tariff by name
    assert value_of(remote, "remoteid") == str(item)
    assert value_of(remote, "addon 211") == "4"
    assert "Next: Nothing to do" in result.stdout
    assert_no_secret(run, result.stdout, result.stderr)

    run.upstream.set_status(upstream_id, 3)
    stopped = run("status", "--item", str(item))
    assert value_of(stopped.stdout, f"service {upstream_id}") == "3 (stopped)"
    assert "Next: Stopped upstream but active here" in squash(stopped.stdout)

    calls = sum(run.upstream.calls.values())
    local_only = run("status", "--item", str(item), "--local")
    assert local_only.returncode == 0 and "Upstream says:" not in local_only.stdout
    assert sum(run.upstream.calls.values()) == calls


def test_status_of_an_item_an_upstream_service_already_claims(run: Run) -> None:
    pricelist = run.standin.add_pricelist("11", "vhost", module_id=run.module)
    item = run.standin.add_item(run.module, pricelist, params={"domain": "a.example"}, period=12)
    existing = run.upstream.add_service("vhost", "11", 12, remoteid=str(item))
    result = run("status", "--item", str(item))
    assert result.returncode == 0, result.stdout
    assert f"none saved; with remoteid {item}: {existing}" in result.stdout
    assert "the next open adopts it instead of ordering again" in squash(result.stdout)
    assert run.upstream.orders == []


def test_status_of_a_missing_item_and_a_refused_login(run: Run) -> None:
    missing = run("status", "--item", "9999")
    assert missing.returncode == 1
    assert "Service 9999 does not exist" in squash(missing.stdout)

    item = order_vds(run)
    run.upstream.configure(ip_restricted=True)
    refused = run("status", "--item", str(item))
    assert refused.returncode == 1
    assert "[upstream_ip_restricted]" in squash(refused.stdout)
    assert "BILLmanager says:" in refused.stdout  # the local side is still shown


# --- the executable itself --------------------------------------------------------------------


def test_protocol_calls_go_to_the_reseller_handler_under_python_m(run: Run) -> None:
    """`python -m pmenomssl.cli.billreseller` is pmbillreseller too (argv[0] is a .py file)."""
    proc = subprocess.run(
        [sys.executable, "-m", "pmenomssl.cli.billreseller", "--command", "features"],
        env={**reseller_env(run.standin), "PMENOMSSL_LOG": ""},
        cwd=str(run.standin.root),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = etree.fromstring(proc.stdout)
    assert [t.get("name") for t in doc.findall("itemtypes/itemtype")] == [
        "certificate",
        "soft",
        "vhost",
        "vds",
        "dedic",
    ]
    assert (run.standin.root / "var" / "pmbillreseller.log").exists()
    assert not (run.standin.root / "var" / "pmenomssl.log").exists()


def test_the_handler_is_the_resellers_even_if_the_environment_says_otherwise(run: Run) -> None:
    result = run("--command", "features", PMENOMSSL_HANDLER="pmenomssl")
    assert result.returncode == 0
    assert 'itemtype name="vds"' in result.stdout


@pytest.mark.parametrize("sub", ["check", "balance", "tariffs", "status", "install", "uninstall"])
def test_every_subcommand_has_help_with_examples(run: Run, sub: str) -> None:
    result = run(sub, "--help")
    assert result.returncode == 0, result.stderr
    assert f"usage: pmbillreseller {sub}" in result.stdout
    assert (
        "examples:" in result.stdout
        and f"pmbillreseller {sub}" in result.stdout.split("examples:")[1]
    )


def test_no_subcommand_prints_the_list(run: Run) -> None:
    result = run("--help")
    assert result.returncode == 0
    for sub in ("check", "balance", "tariffs", "status", "install", "uninstall"):
        assert sub in result.stdout
    bad = run("frobnicate")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
