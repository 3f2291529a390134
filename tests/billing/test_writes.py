"""Every gateway write, through the real stand-in mgrctl, on MariaDB and SQLite."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pmenomssl.billing import BillingGateway, MgrctlError
from pmenomssl.sandbox.billmanager import StandIn


def test_item_lifecycle(any_standin: StandIn, gateway: BillingGateway) -> None:
    module = any_standin.add_module()
    item = any_standin.add_item(module, "rapidssl", csr="CSR")
    ro = any_standin.add_runningoperation(item, operation="open")
    gateway.save_param(item, "custom_order_id", "O-1")
    gateway.save_param(item, "custom_order_id", "O-2")  # replaces, never duplicates
    gateway.set_status(item, 3)
    gateway.set_expiredate(item, date(2027, 12, 31))
    gateway.certificate_open(item)
    assert any_standin.item_params(item) == {"custom_order_id": "O-2", "service_status": "3"}
    row = any_standin.item_row(item)
    assert (row["status"], row["expiredate"], row["opendate"]) == (
        2,
        date(2027, 12, 31),
        date.today(),
    )
    assert any_standin.runningoperation(ro)["closed"] == "on"
    cert = any_standin.certificate_row(item)
    assert cert is not None and cert["status"] == "open"
    gateway.certificate_failed(item)
    cert = any_standin.certificate_row(item)
    assert cert is not None and cert["status"] == "failed"


@pytest.mark.parametrize(
    ("operation", "status"),
    [
        ("open", 2),
        ("resume", 2),
        ("suspend", 3),
        ("close", 4),
        ("prolong", 1),
        ("setparam", 1),
        ("reopen", 1),
    ],
)
def test_post_operations(sqlite_standin: StandIn, operation: str, status: int) -> None:
    gateway = BillingGateway(sqlite_standin.root)
    item = sqlite_standin.add_item(None, "rapidssl", status=1)
    gateway.post(item, operation)
    assert sqlite_standin.journal()[-1]["func"] == f"service.post{operation}"
    assert sqlite_standin.item_row(item)["status"] == status


def test_unknown_post_operation_is_a_programming_error(sqlite_standin: StandIn) -> None:
    with pytest.raises(ValueError):
        BillingGateway(sqlite_standin.root).post(1, "explode")
    assert sqlite_standin.journal() == []


def test_balance(any_standin: StandIn, gateway: BillingGateway) -> None:
    module = any_standin.add_module()
    gateway.save_balance(module, Decimal("1234.50"), "USD", datetime(2025, 6, 1, 8, 30, 0))
    assert any_standin.balance(module) == {
        "balance": "1234.50",
        "currency": "USD",
        "notify_time": "2025-06-01 08:30:00",
    }
    (call,) = any_standin.journal("processing.savebalance")
    assert call["params"]["processingmodule"] == str(module)


def test_running_operation_error_and_escalation(
    any_standin: StandIn, gateway: BillingGateway
) -> None:
    item = any_standin.add_item(None, "rapidssl")
    ro = any_standin.add_runningoperation(item, trycount=10)
    errorxml = (
        '<doc><processingmodule id="1"><error type="x">&lt;é&gt;</error></processingmodule></doc>'
    )
    gateway.runningoperation_error(ro, errorxml)
    gateway.runningoperation_setmanual(ro)
    task_type = gateway.task_type("open")
    gateway.create_task(item, ro, task_type, params="why=failed")
    row = any_standin.runningoperation(ro)
    assert (row["errorxml"], row["manual"]) == (errorxml, "on")
    (task,) = any_standin.tasks()
    assert (task["item"], task["runningoperation"], task["type"], task["params"]) == (
        item,
        ro,
        "1",
        "why=failed",
    )
    with pytest.raises(MgrctlError):
        gateway.runningoperation_setmanual(ro + 1000)


def test_import_service(any_standin: StandIn, gateway: BillingGateway) -> None:
    module = any_standin.add_module()
    any_standin.add_pricelist("rapidssl", module_id=module)
    service = gateway.import_service(
        module,
        import_pricelist_intname="rapidssl",
        import_service_name="www.example.com",
        expiredate="2026-05-01",
        period="12",
        custom_order_id="E-77",
    )
    item = gateway.item(service)
    assert (item.processingmodule, item.pricelist_intname, item.expiredate, item.status) == (
        module,
        "rapidssl",
        date(2026, 5, 1),
        2,
    )
    assert any_standin.item_params(service) == {"custom_order_id": "E-77"}
    with pytest.raises(MgrctlError) as caught:
        gateway.import_service(module, import_pricelist_intname="nope")
    assert caught.value.mgr_object == "import_pricelist_intname"
