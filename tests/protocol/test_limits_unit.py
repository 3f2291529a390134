"""`pmenomssl.protocol.limits` in-process: deadlines per command, the alarm backstop and the
locks (an flock on a separate open file is refused even within one process, so two holders can
be tried here without processes; test_limits.py does it with real concurrent runs)."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pmenomssl import log as modlog
from pmenomssl.protocol import limits


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "var").mkdir()
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))
    monkeypatch.delenv("PMENOMSSL_DEADLINE", raising=False)
    return tmp_path


@pytest.mark.parametrize(
    ("command", "seconds"),
    [("open", 300.0), ("sync_item", 300.0), ("check_connection", 60.0), ("approver", 30.0)],
)
def test_deadline_per_command(root: Path, command: str, seconds: float) -> None:
    assert limits.deadline_for(command) == seconds


@pytest.mark.parametrize(("configured", "seconds"), [("7", 7.0), ("0.2", 1.0), ("x", 300.0)])
def test_configured_deadline(
    root: Path, monkeypatch: pytest.MonkeyPatch, configured: str, seconds: float
) -> None:
    monkeypatch.setenv("PMENOMSSL_DEADLINE", configured)
    assert limits.deadline_for("open") == seconds  # at least 1 s; unreadable: the default


def test_alarm_interrupts_a_hung_command_and_is_disarmed_after() -> None:
    previous = signal.getsignal(signal.SIGALRM)
    with limits.alarm_at(30, "resume"):
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # armed, with a handler of its own
        assert signal.getsignal(signal.SIGALRM) != previous
    # disarmed on leaving (it never fires later) and the previous handler is back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == previous
    with pytest.raises(limits.DeadlineExceeded) as caught, limits.alarm_at(0.2, "resume"):
        time.sleep(30)
    assert caught.value.obj == "resume"
    assert caught.value.error_type == "deadline_exceeded"
    assert caught.value.desc.startswith("resume did not finish within 0 seconds and was stopped.")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == previous


def test_the_deadline_error_tells_the_operator_what_happened_and_what_to_do() -> None:
    with pytest.raises(limits.DeadlineExceeded) as caught:
        limits.alarm_at(305.4, "open")._expire(signal.SIGALRM, None)
    assert caught.value.desc == (
        "open did not finish within 305 seconds and was stopped. The provider is probably "
        "unreachable or very slow; BILLmanager will retry. If it keeps happening, run "
        "`pmenomssl check` on the server."
    )
    assert caught.value.obj == "open"


def test_a_held_lock_makes_the_second_holder_give_up_at_its_deadline(root: Path) -> None:
    with limits.item_lock("pmunit", 5, time.monotonic() + 30):
        with (
            pytest.raises(limits.ItemBusy) as caught,
            limits.item_lock("pmunit", 5, time.monotonic()),  # gives up at once
        ):
            raise AssertionError("entered a lock another holder has")
        assert caught.value.obj == "item-5"
        assert "kept item 5 busy" in caught.value.desc
        # other items and the purchase window are other locks
        with limits.item_lock("pmunit", 6, time.monotonic() + 0.3):
            pass
        with limits.purchase_lock("pmunit", 5, time.monotonic() + 0.3):
            with (
                pytest.raises(limits.ItemBusy) as busy,
                limits.purchase_lock("pmunit", 5, time.monotonic()),
            ):
                raise AssertionError("two purchase windows at once")
            assert busy.value.obj == "purchase-5"
            assert "kept purchasing for module 5 busy" in busy.value.desc
        assert (root / "var" / "pmunit.locks" / "purchase-5.lock").is_file()
    # released on leaving: the next holder gets it at once
    with limits.item_lock("pmunit", 5, time.monotonic() + 0.3):
        pass


def test_locks_live_in_a_private_folder_under_var(root: Path) -> None:
    with limits.item_lock("pmunit", 1, time.monotonic() + 5):
        pass
    folder = root / "var" / "pmunit.locks"
    assert (folder / "item-1.lock").is_file()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "item-1.lock").stat().st_mode) == 0o600


def test_without_a_writable_var_the_locks_go_to_the_temporary_folder(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "var").rmdir()
    (root / "var").write_text("not a folder")  # mkdir of var/pmunit.locks fails
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    for _ in range(2):  # the second run finds the folder the first made
        with limits.item_lock("pmunit", 3, time.monotonic() + 5):
            pass
    folder = temporary / "pmunit.locks"
    assert (folder / "item-3.lock").is_file()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


class FakeClock:
    """`time.monotonic` and `time.sleep` for the lock's wait: a sleep only moves the clock (and
    may run what the test scheduled after the n-th sleep, such as the holder leaving)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, now: float) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self.after: dict[int, Callable[[], object]] = {}
        monkeypatch.setattr(time, "monotonic", lambda: self.now)
        monkeypatch.setattr(time, "sleep", self.sleep)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        action = self.after.get(len(self.sleeps))
        if action is not None:
            action()


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    monkeypatch.setattr(modlog, "write", lambda level, message: lines.append((level, message)))
    return lines


def test_a_waiting_run_polls_logs_once_and_enters_when_the_holder_leaves(
    root: Path, monkeypatch: pytest.MonkeyPatch, log_lines: list[tuple[int, str]]
) -> None:
    holder = limits.item_lock("pmunit", 5, 1000.0)
    holder.__enter__()
    clock = FakeClock(monkeypatch, 100.0)
    clock.after[3] = lambda: holder.__exit__(None, None, None)  # leaves during the third wait
    with limits.item_lock("pmunit", 5, 160.0):
        assert clock.sleeps == [0.05, 0.05, 0.05]
        assert log_lines == [
            (modlog.INFO, "item 5 is busy with another run of the module: waiting")
        ]
        # held now: a third run is refused
        with pytest.raises(limits.ItemBusy), limits.item_lock("pmunit", 5, clock.now):
            raise AssertionError("two holders of item 5")


def test_a_run_whose_deadline_has_come_gives_up_without_waiting(
    root: Path, monkeypatch: pytest.MonkeyPatch, log_lines: list[tuple[int, str]]
) -> None:
    with limits.purchase_lock("pmunit", 7, 1000.0):
        clock = FakeClock(monkeypatch, 100.0)
        with (
            pytest.raises(limits.ItemBusy) as caught,
            limits.purchase_lock("pmunit", 7, 100.0),  # the deadline is now, exactly
        ):
            raise AssertionError("two purchase windows at once")
        assert clock.sleeps == []
        assert caught.value.desc == (
            "Another run of the module kept purchasing for module 7 busy until this run's "
            "deadline. BILLmanager will retry the operation."
        )
        assert caught.value.obj == "purchase-7"
        assert caught.value.error_type == "item_busy"
        assert log_lines == [
            (modlog.INFO, "purchasing for module 7 is busy with another run of the module: waiting")
        ]


def test_leaving_twice_or_leaving_a_lock_never_taken_closes_no_other_file(root: Path) -> None:
    with limits.item_lock("pmunit", 2, time.monotonic() + 5):
        pass
    never_taken = limits.item_lock("pmunit", 3, time.monotonic() + 5)
    with limits.item_lock("pmunit", 2, time.monotonic() + 5):
        refused = limits.item_lock("pmunit", 2, time.monotonic() - 1)
        with pytest.raises(limits.ItemBusy):
            refused.__enter__()
    lock = limits.item_lock("pmunit", 4, time.monotonic() + 5)
    with lock:
        pass
    other = os.open(os.devnull, os.O_RDONLY)  # likely the number the lock's file had
    try:
        lock.__exit__(None, None, None)
        never_taken.__exit__(None, None, None)
        refused.__exit__(None, None, None)
        os.fstat(other)  # still open
    finally:
        os.close(other)
