"""The stand-in's core (sandbox/billmanager/core.py): served calls answer exactly as calls that
run themselves, and a stand-in that stops serving never leaves a call to write later.

The `standin` fixture serves (tests/conftest.py); `close()` stops the core.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.billmanager.core import ADDRESS_FILE
from pmenomssl.sandbox.billmanager.files import FAULTS

CALLS = (
    ("paramlist",),
    ("service.saveparam", "elid={item}", "name=note", "value=x y"),
    ("service.saveparam", "elid=999", "name=note", "value=1"),  # an error reply, exit 1
    ("no.such.function",),
)


def _mgrctl(standin: StandIn, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(standin.mgrctl_path), "-m", "billmgr", "-o", "xml", *args],
        capture_output=True,
        check=False,
        cwd=standin.root,
        env={**os.environ, **env},
        timeout=60,
    )


def _run_all(standin: StandIn, item: int) -> list[tuple[int, bytes, bytes]]:
    answers = []
    for call in CALLS:
        result = _mgrctl(standin, *(arg.format(item=item) for arg in call))
        answers.append((result.returncode, result.stdout, result.stderr))
    return answers


def _imports(standin: StandIn) -> str:
    """What one mgrctl process that reads the database imported (PYTHONPROFILEIMPORTTIME)."""
    call = ("service.saveparam", "elid=999", "name=n", "value=1")
    return _mgrctl(standin, *call, PYTHONPROFILEIMPORTTIME="1").stderr.decode()


def test_served_calls_answer_as_calls_that_run_themselves(standin: StandIn) -> None:
    item = standin.add_item(None, "rapidssl")
    assert (standin.root / ADDRESS_FILE).exists()
    assert "pymysql" not in _imports(standin)  # served: the process only forwarded the call
    standin.clear_journal()
    served = _run_all(standin, item)
    served_journal = standin.journal()

    standin.close()
    assert not (standin.root / ADDRESS_FILE).exists()
    assert "pymysql" in _imports(standin)  # alone: it ran the call itself
    standin.clear_journal()
    alone = _run_all(standin, item)

    assert served == alone
    assert [code for code, _, _ in served] == [0, 0, 1, 1]
    unchanging = ("func", "argv", "params", "env_params", "cwd", "exit")
    assert [{k: r[k] for k in unchanging} for r in served_journal] == [
        {k: r[k] for k in unchanging} for r in standin.journal()
    ]
    # The journal names the mgrctl process, not the process that serves it.
    assert os.getpid() not in {r["pid"] for r in served_journal}
    assert standin.item_params(item)["note"] == "x y"


def test_a_call_waiting_when_the_stand_in_closes_is_dropped(standin: StandIn) -> None:
    item = standin.add_item(None, "rapidssl")
    standin.set_fault("service.saveparam", "slow", seconds=60, times=1)
    call = subprocess.Popen(
        [str(standin.mgrctl_path), "service.saveparam", f"elid={item}", "name=late", "value=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while "service.saveparam" in json.loads((standin.root / FAULTS).read_text() or "{}"):
        assert time.monotonic() < deadline, "the call never took its fault"
        time.sleep(0.02)

    started = time.monotonic()
    standin.close()
    out, err = call.communicate(timeout=20)

    assert time.monotonic() - started < 10  # not the fault's 60 s
    assert call.returncode == 1 and out == b""
    assert b"core stopped" in err
    assert "late" not in standin.item_params(item)
    assert standin.journal("service.saveparam") == []


def test_a_core_that_is_gone_leaves_mgrctl_running_calls_itself(standin: StandIn) -> None:
    address = (standin.root / ADDRESS_FILE).read_text()
    standin.close()
    (standin.root / ADDRESS_FILE).write_text(address)  # as after a crash of the serving process

    result = _mgrctl(standin, "paramlist")

    assert result.returncode == 0, result.stderr
    assert b"<DBHost>" in result.stdout
    assert [r["func"] for r in standin.journal()] == ["paramlist"]
