"""Errors of background operations reach BILLmanager's running operation, then staff.

Runs the real executable against the BILLmanager stand-in (MariaDB) with the test handler,
whose `open` fails on the item named by FAIL_ITEM and allows 2 tries.
"""

from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from pmenomssl.sandbox.billmanager import StandIn
from tests.helpers import run_module
from tests.protocol.conftest import make_handler_site


def _run_open(standin: StandIn, site: Path, item: int, ro: int) -> tuple[int, bytes]:
    env = {
        "PMENOMSSL_NAME": "pmtest",
        "PMENOMSSL_LOG": str(standin.root / "var" / "pmtest.log"),
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "FAIL_ITEM": str(item),
    }
    result = run_module(
        standin, "--command", "open", "--item", str(item), "--runningoperation", str(ro), env=env
    )
    return result.returncode, result.stdout


def item_module(standin: StandIn) -> int:
    (row,) = standin.store.query("SELECT id FROM processingmodule WHERE module = 'pmtest'")
    return int(row["id"])


def _failing_item(standin: StandIn) -> int:
    module = standin.add_module(name="pmtest", params={}, crypted_params={})
    standin.add_pricelist("basic")
    return standin.add_item(module, "basic")


def test_error_is_saved_to_the_running_operation(standin: StandIn, tmp_path: Path) -> None:
    site = make_handler_site(tmp_path)
    item = _failing_item(standin)
    ro = standin.add_runningoperation(item, trycount=1)
    status, stdout = _run_open(standin, site, item, ro)
    assert status == 1
    assert etree.fromstring(stdout).find("error").get("type") == "test_boom"  # type: ignore[union-attr]
    report = etree.fromstring(standin.runningoperation(ro)["errorxml"].encode())
    # the module as the panel names it (processingmodule.name, found by the item: module.cpp)
    module = report.find("processingmodule")
    assert module is not None
    assert (module.get("name"), module.get("id")) == ("pmtest stand-in", str(item_module(standin)))
    error = report.find("processingmodule/error")
    assert error is not None
    assert (error.get("type"), error.get("object"), error.get("value")) == (
        "test_boom",
        "item",
        str(item),
    )
    assert "pick another item" in (error.findtext("param[@name='desc']") or "")
    assert "open failed" in (error.findtext("log") or "")
    # below the handler's limit of 2 tries: BILLmanager retries, no manual task yet
    assert standin.tasks() == []
    assert standin.runningoperation(ro)["manual"] != "on"


def test_escalates_to_a_manual_task_at_the_try_limit(standin: StandIn, tmp_path: Path) -> None:
    site = make_handler_site(tmp_path)
    item = _failing_item(standin)
    ro = standin.add_runningoperation(item, trycount=2)
    status, _ = _run_open(standin, site, item, ro)
    assert status == 1
    assert standin.runningoperation(ro)["manual"] == "on"
    tasks = standin.tasks()
    assert len(tasks) == 1
    assert tasks[0]["item"] == item and tasks[0]["runningoperation"] == ro
    funcs = [entry["func"] for entry in standin.journal() if entry["func"] != "paramlist"]
    assert funcs == [
        "runningoperation.edit",
        "runningoperation.setmanual",
        "task.gettype",
        "task.edit",
    ]


# module.cpp (ISPsystem's TheSSLStore module): a task only when none exists for the running
# operation, only when task.gettype names a type, and with empty params.


def test_a_failing_manual_rerun_creates_no_second_task(standin: StandIn, tmp_path: Path) -> None:
    site = make_handler_site(tmp_path)
    item = _failing_item(standin)
    ro = standin.add_runningoperation(item, trycount=2)
    assert _run_open(standin, site, item, ro)[0] == 1
    standin.set_trycount(ro, 3)  # staff re-ran it by hand and it failed again
    assert _run_open(standin, site, item, ro)[0] == 1
    assert len(standin.tasks()) == 1
    assert len(standin.journal("task.edit")) == 1
    # the second run still reports its error to the running operation
    assert len(standin.journal("runningoperation.edit")) == 2


def test_no_task_without_a_task_type(standin: StandIn, tmp_path: Path) -> None:
    site = make_handler_site(tmp_path)
    item = _failing_item(standin)
    ro = standin.add_runningoperation(item, trycount=2)
    standin.set_task_type("open", "")
    status, stdout = _run_open(standin, site, item, ro)
    assert status == 1
    # the module's own error reaches BILLmanager, not a failure of the escalation
    assert etree.fromstring(stdout).find("error").get("type") == "test_boom"  # type: ignore[union-attr]
    assert standin.tasks() == []
    assert standin.journal("task.edit") == []
    assert standin.runningoperation(ro)["manual"] == "on"


def test_the_task_params_are_not_the_error_text(standin: StandIn, tmp_path: Path) -> None:
    site = make_handler_site(tmp_path)
    item = _failing_item(standin)
    ro = standin.add_runningoperation(item, trycount=2)
    _run_open(standin, site, item, ro)
    (task,) = standin.tasks()
    assert task["params"] == ""
    assert "params" not in standin.journal("task.edit")[0]["params"]
