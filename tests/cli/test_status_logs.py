"""`pmenomssl status` and `pmenomssl logs` through the real executable."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from pmenomssl.billing import Item
from pmenomssl.operator.status import ServiceView, next_action
from tests.cli.conftest import Cli, squash


def _issued(cli: Cli, domain: str) -> int:
    item = cli.world.order("rapidssl", domain)
    cli.world.ok("open", item)
    for _ in range(3):
        cli.world.ok("sync_item", item)
        if cli.world.params(item).get("service_status") == "5":
            break
    assert cli.world.params(item)["service_status"] == "5"
    return item


def _sections(stdout: str) -> tuple[str, str, str]:
    billing = stdout.split("BILLmanager says:")[1].split("ENOM says:")[0]
    enom = stdout.split("ENOM says:")[1].split("Next:")[0]
    return squash(billing), squash(enom), squash(stdout.split("Next:")[1])


def test_status_of_an_issued_certificate(cli: Cli) -> None:
    item = _issued(cli, "status.example.com")
    cert_id = cli.world.params(item)["enom_cert_id"]
    result = cli.run("status", "--item", str(item))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"Service {item}: tariff 'rapidssl' (RapidSSL")
    billing, enom, next_step = _sections(result.stdout)
    assert "item status 2 (active)" in billing
    assert "service_status 5 (issued)" in billing
    assert f"enom_cert_id {cert_id}" in billing
    assert "certificate CN=status.example.com" in billing
    assert f"CertID {cert_id} 4 Certificate Issued" in enom
    assert "approver admin@status.example.com" in enom
    assert next_step.startswith("Nothing to do: the certificate is issued and saved")
    assert "30 days before" in next_step
    assert result.stderr == ""


def test_status_while_waiting_for_the_approver(cli: Cli) -> None:
    cli.sandbox.state.policy.polls_before_issue = 99
    item = cli.world.order("rapidssl", "pending.example.com")
    cli.world.ok("open", item)
    result = cli.run("status", "--item", str(item))
    assert result.returncode == 0, result.stdout + result.stderr
    billing, enom, next_step = _sections(result.stdout)
    assert "service_status 4 (enrolled)" in billing
    assert "2 Processing" in enom
    assert next_step.startswith("Waiting for domain validation: admin@pending.example.com must")


def test_status_before_open_and_without_enom(cli: Cli) -> None:
    item = cli.world.order("rapidssl", "new.example.com")
    result = cli.run("status", "--item", str(item), "--no-enom")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ENOM says:" not in result.stdout
    assert "service_status (not set yet)" in squash(result.stdout)
    assert "Next: Nothing has been bought yet" in squash(result.stdout)
    assert sum(cli.sandbox.calls.values()) == 0


def test_status_when_enom_cannot_be_asked(cli: Cli) -> None:
    item = _issued(cli, "down.example.com")
    cli.sandbox.faults.add("http_500", times=None)
    result = cli.run("status", "--item", str(item))
    assert result.returncode == 1
    _, enom, next_step = _sections(result.stdout)
    assert "could not ask:" in enom
    assert next_step.startswith("Fix the connection to ENOM first")


def test_status_of_a_missing_service(cli: Cli) -> None:
    result = cli.run("status", "--item", "4242")
    assert result.returncode == 1
    assert "Service 4242 does not exist" in squash(result.stdout)


def test_next_action_for_a_scheduled_renewal() -> None:
    from pmenomssl.handlers.enomssl.products import find

    item = Item(
        id=7, status=2, period=12, expiredate=date(2027, 1, 1), opendate=None, remoteid="",
        processingmodule=1, pricelist=1, pricelist_intname="rapidssl", itemtype="certificate",
        module_name="pmenomssl", account=1,
    )  # fmt: skip
    params = {"enom_cert_id": "100001", "enom_renewal_due": "2026-12-01"}
    view = ServiceView(item=item, params=params, product=find("rapidssl"))
    text = next_action(view, today=date(2026, 11, 1))
    assert text.startswith("Renewal scheduled: ENOM's renewal window opens 2026-12-01")
    assert "buys" in next_action(view, today=date(2026, 12, 1))
    view.params["enom_purchase_intent"] = datetime.now(timezone.utc).isoformat()
    view.params["enom_cert_id"] = ""
    assert "adopts it instead of buying twice" in next_action(view)


# --- logs ------------------------------------------------------------------------------------

LOG = """\
Nov 22 10:00:01 [100:1] pmenomssl INFO [open item=4 ro=9] ENOM PurchaseServices 5ms ok
Nov 22 10:00:02 [100:1] pmenomssl ERROR [open item=4 ro=9] open failed unexpectedly
    Traceback (most recent call last):
      File "x.py", line 1
    ValueError: boom
Nov 22 10:00:03 [101:1] pmenomssl INFO [open item=42] ENOM PurchaseServices 4ms ok
    continuation of item 42
Nov 22 10:00:04 [102:1] pmenomssl INFO [getbalance module=1] ENOM GetBalance 3ms ok
Nov 22 10:00:05 [103:1] pmenomssl INFO [sync_item item=4] ENOM CertGetCertDetail 3ms ok
Nov 22 10:00:06 [104:1] pmenomssl INFO [features] features done in 30ms
"""


def test_logs_filters_one_item_with_its_continuation_lines(cli: Cli, tmp_path: Path) -> None:
    log = tmp_path / "copy.log"
    log.write_text(LOG, encoding="utf-8")
    result = cli.run("logs", "--item", "4", "--file", str(log))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    assert lines[0].endswith("ENOM PurchaseServices 5ms ok")
    assert lines[2:5] == LOG.splitlines()[2:5]  # the traceback stays with its record
    assert lines[5].endswith("CertGetCertDetail 3ms ok")
    assert "item=42" not in result.stdout and "continuation of item 42" not in result.stdout
    tail = cli.run("logs", "--item", "4", "--file", str(log), "--tail", "1")
    assert tail.stdout.splitlines() == lines[-1:]
    none = cli.run("logs", "--item", "5", "--file", str(log))
    assert none.returncode == 1 and "no lines about item 5" in none.stderr


def test_logs_of_a_real_order_from_the_modules_log(cli: Cli) -> None:
    first = _issued(cli, "logs.example.com")
    other = cli.world.order("rapidssl", "other.example.com")
    cli.world.ok("open", other)
    result = cli.run("logs", "--item", str(first))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("ENOM PurchaseServices" in line for line in lines)
    assert any("certificate.save" in line for line in lines)
    assert all(f"item={first}" in line for line in lines if not line.startswith("    "))
    assert not any(f"item={other}" in line for line in lines)


def test_logs_without_a_log_file(cli: Cli, tmp_path: Path) -> None:
    result = cli.run("logs", "--item", "1", env=cli.env(PMENOMSSL_LOG=str(tmp_path / "none.log")))
    assert result.returncode == 1
    assert "cannot read the log" in result.stderr
