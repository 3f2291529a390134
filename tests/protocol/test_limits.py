"""Per-item lock and deadline, through concurrent real processes."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from tests.protocol.conftest import ModuleRunner


def wait_for(
    condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes], limit: float = 30
) -> None:
    """Poll `condition` until true; fail with `what` (and the process's output) after `limit` s."""
    deadline = time.monotonic() + limit
    while not condition():
        if process.poll() is not None:
            _, err = process.communicate()
            pytest.fail(f"waiting for {what}: the process ended ({process.returncode}): {err!r}")
        if time.monotonic() > deadline:
            pytest.fail(f"waited {limit:.0f} s for {what}; it never happened")
        time.sleep(0.02)


def test_two_runs_on_one_item_never_overlap(test_module: ModuleRunner, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    env = {"MARKS": str(marks), "HOLD": "0.4"}
    runs = [test_module.start("--command", "suspend", "--item", "7", extra_env=env) for _ in "ab"]
    assert [run.wait(timeout=30) for run in runs] == [0, 0]
    assert marks.read_text().split("\n")[:-1] == ["start 7", "end 7", "start 7", "end 7"]


def test_runs_on_different_items_proceed_together(
    test_module: ModuleRunner, tmp_path: Path
) -> None:
    marks = tmp_path / "marks"
    # each run stays inside until both have started (or 20 s pass): with a lock between items
    # the second could only start after the first left, and the order below would show it
    env = {"MARKS": str(marks), "HOLD": "0", "RENDEZVOUS": "2"}
    runs = [
        test_module.start("--command", "suspend", "--item", item, extra_env=env)
        for item in ("1", "2")
    ]
    assert [run.wait(timeout=60) for run in runs] == [0, 0]
    lines = marks.read_text().split("\n")[:-1]
    # both entered their critical sections before either left: no lock between items
    assert sorted(lines[:2]) == ["start 1", "start 2"]


def test_a_hung_command_is_stopped_at_its_deadline(test_module: ModuleRunner) -> None:
    result = test_module(
        "--command", "resume", "--item", "3", extra_env={"PMENOMSSL_DEADLINE": "1"}, timeout=20
    )
    assert result.returncode == 1
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None and error.get("type") == "deadline_exceeded"
    assert "did not finish within" in (error.findtext("param[@name='desc']") or "")


def test_a_locked_item_gives_up_at_the_deadline(test_module: ModuleRunner, tmp_path: Path) -> None:
    holder = test_module.start(
        "--command", "suspend", "--item", "9", extra_env={"MARKS": str(tmp_path / "m"), "HOLD": "8"}
    )
    try:
        wait_for(lambda: (tmp_path / "m").exists(), "the first run to enter item 9", holder)
        result = test_module(
            "--command", "suspend", "--item", "9",
            extra_env={"MARKS": str(tmp_path / "m2"), "PMENOMSSL_DEADLINE": "1"},
        )  # fmt: skip
        assert result.returncode == 1
        error = etree.fromstring(result.stdout).find("error")
        assert error is not None and error.get("type") in ("item_busy", "deadline_exceeded")
        assert not (tmp_path / "m2").exists()
    finally:
        holder.kill()
        holder.wait()
