"""The mgrctl transport: argv form, reply parsing, every failure mode, large values."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from pmenomssl.billing import BillingGateway, MgrctlError
from pmenomssl.sandbox.billmanager import StandIn


@pytest.fixture
def stand(sqlite_standin: StandIn) -> StandIn:
    return sqlite_standin


@pytest.fixture
def gw(stand: StandIn) -> BillingGateway:
    return BillingGateway(stand.root, mgrctl_timeout=20)


def _item(stand: StandIn) -> int:
    module = stand.add_module()
    return stand.add_item(module, "rapidssl", csr="CSR")


def test_argv_form_cwd_and_ssh_connection(
    stand: StandIn, gw: BillingGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMENOMSSL_NAME", "pmenomssl_test")
    item = _item(stand)
    gw.set_status(item, 3)
    (call,) = stand.journal("service.setstatus")
    assert call["argv"] == [
        "-m",
        "billmgr",
        "-o",
        "xml",
        "service.setstatus",
        f"elid={item}",
        "service_status=3",
        "sok=ok",
    ]
    assert call["cwd"] == str(stand.root)
    assert call["ssh_connection"] == "pmenomssl_test"
    assert call["exit"] == 0
    assert stand.service_status(item) == 3


def test_reply_is_parsed(stand: StandIn, gw: BillingGateway) -> None:
    doc = gw.mgrctl("task.gettype", operation="prolong")
    assert doc.tag == "doc"
    assert doc.findtext("task_type") == "5"
    assert gw.task_type("open") == "1"


def test_error_reply_is_typed(stand: StandIn, gw: BillingGateway) -> None:
    with pytest.raises(MgrctlError) as caught:
        gw.mgrctl("no.such.function", elid="1")
    err = caught.value
    assert err.error_type == "mgrctl_error"
    assert (err.mgr_type, err.mgr_object) == ("missing", "func")
    assert "no.such.function" in err.mgr_message
    assert "no.such.function" in err.desc


def test_error_reply_for_a_missing_item(stand: StandIn, gw: BillingGateway) -> None:
    with pytest.raises(MgrctlError) as caught:
        gw.set_status(424242, 5)
    assert (caught.value.mgr_type, caught.value.mgr_object) == ("missing", "elid")


def test_injected_error_carries_type_object_message(stand: StandIn, gw: BillingGateway) -> None:
    item = _item(stand)
    stand.set_fault("certificate.save", "error", type="access", object="crt", message="nope")
    with pytest.raises(MgrctlError) as caught:
        gw.certificate_save(item, "CRT")
    assert (caught.value.mgr_type, caught.value.mgr_object, caught.value.mgr_message) == (
        "access",
        "crt",
        "nope",
    )


def test_nonzero_exit_without_xml(stand: StandIn, gw: BillingGateway) -> None:
    stand.set_fault("service.postopen", "exit", code=3)
    with pytest.raises(MgrctlError) as caught:
        gw.post(_item(stand), "open")
    assert caught.value.error_type == "mgrctl_error"
    assert "exited with code 3" in caught.value.desc
    assert "cannot connect" in caught.value.desc


def test_garbage_reply(stand: StandIn, gw: BillingGateway) -> None:
    stand.set_fault("task.gettype", "garbage")
    with pytest.raises(MgrctlError) as caught:
        gw.task_type("open")
    assert "not XML" in caught.value.desc
    assert caught.value.mgr_type == ""


def test_hang_times_out_and_the_process_is_killed(stand: StandIn) -> None:
    gw = BillingGateway(stand.root, mgrctl_timeout=1.0)
    stand.set_fault("task.gettype", "hang")
    started = time.monotonic()
    with pytest.raises(MgrctlError) as caught:
        gw.task_type("open")
    elapsed = time.monotonic() - started
    assert caught.value.error_type == "mgrctl_timeout"
    assert 0.9 < elapsed < 20  # the 1 s mgrctl timeout, not the hang (bound for a loaded machine)
    (call,) = stand.journal("task.gettype")
    with pytest.raises(ProcessLookupError):
        os.kill(call["pid"], 0)


def test_fault_for_a_number_of_calls(stand: StandIn, gw: BillingGateway) -> None:
    stand.set_fault("task.gettype", "error", times=1)
    with pytest.raises(MgrctlError):
        gw.task_type("open")
    assert gw.task_type("open") == "1"
    assert [c.get("fault") for c in stand.journal("task.gettype")] == ["error", None]


def test_missing_mgrctl(tmp_path: Path) -> None:
    gw = BillingGateway(tmp_path / "nothing-here")  # lazy: constructing does nothing
    with pytest.raises(MgrctlError) as caught:
        gw.task_type("open")
    assert "PMENOMSSL_MGR_ROOT" in caught.value.desc


CHAIN_CHARS = "MIIB+/=\n&<>\"' äöü €"


def test_a_20kb_certificate_chain_passes_intact(stand: StandIn, gw: BillingGateway) -> None:
    item = _item(stand)
    body = (CHAIN_CHARS * 2000)[:20000]
    chain = "".join(
        f"-----BEGIN CERTIFICATE-----\n{body[i : i + 5000]}\n-----END CERTIFICATE-----\n"
        for i in range(0, 20000, 5000)
    )
    assert len(chain) > 20000
    gw.certificate_save(item, chain)
    row = stand.certificate_row(item)
    assert row is not None
    assert row["crt"] == chain
    assert row["status"] == "issued"
    gw.save_param(item, "chain_copy", chain)
    assert stand.item_params(item)["chain_copy"] == chain


def test_secret_values_travel_outside_argv(stand: StandIn, gw: BillingGateway) -> None:
    item = _item(stand)
    gw.save_param(item, "api_password", "Sup3r-Secret-42", crypted=True)
    (call,) = stand.journal("service.saveparam")
    assert "Sup3r-Secret-42" not in " ".join(call["argv"])
    assert call["env_params"] == ["value"]
    assert call["params"]["value"] == "***"
    stored = stand.item_crypted_params(item, decrypt=False)["api_password"]
    assert stored != "Sup3r-Secret-42"
    assert stand.item_crypted_params(item)["api_password"] == "Sup3r-Secret-42"
    assert "api_password" not in stand.item_params(item)
    assert gw.item_params(item)["api_password"] == "Sup3r-Secret-42"


def test_saveparam_uses_name_value_form(stand: StandIn, gw: BillingGateway) -> None:
    item = _item(stand)
    gw.save_param(item, "custom_order_id", "5551")
    (call,) = stand.journal("service.saveparam")
    assert call["params"] == {
        "elid": str(item),
        "name": "custom_order_id",
        "value": "5551",
        "sok": "ok",
    }
    assert stand.item_params(item)["custom_order_id"] == "5551"


def test_one_log_line_per_call(stand: StandIn, gw: BillingGateway, log_file: Path) -> None:
    item = _item(stand)
    gw.set_status(item, 4)
    stand.set_fault("service.setstatus", "error")
    with pytest.raises(MgrctlError):
        gw.set_status(item, 5)
    lines = [
        line for line in log_file.read_text().splitlines() if "mgrctl service.setstatus" in line
    ]
    assert len(lines) == 2
    assert f"elid={item} service_status=4 sok=ok" in lines[0]
    assert lines[0].endswith(" ok")
    assert "ms error type=standin_fault" in lines[1]


def test_raw_script_restart_and_unknown_function(stand: StandIn) -> None:
    restart = subprocess.run(
        [str(stand.mgrctl_path), "-m", "billmgr", "-R"], capture_output=True, check=False
    )
    assert restart.returncode == 0
    unknown = subprocess.run(
        [str(stand.mgrctl_path), "-m", "billmgr", "-o", "xml", "bogus.func"],
        capture_output=True,
        check=False,
    )
    assert unknown.returncode == 1
    assert b'<error type="missing" object="func"' in unknown.stdout
    assert [c["func"] for c in stand.journal()] == ["-R", "bogus.func"]
