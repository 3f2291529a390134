"""`pmenomssl.protocol.limits` in-process: deadlines per command, the alarm backstop and the
locks (an flock on a separate open file is refused even within one process, so two holders can
be tried here without processes; test_limits.py does it with real concurrent runs)."""

from __future__ import annotations

import stat
import tempfile
import time
from pathlib import Path

import pytest

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
    with pytest.raises(limits.DeadlineExceeded) as caught, limits.alarm_at(0.2, "resume"):
        time.sleep(30)
    assert caught.value.obj == "resume"
    assert "resume did not finish within 0 seconds" in caught.value.desc
    with limits.alarm_at(0.2, "resume"):
        pass
    time.sleep(0.4)  # a disarmed alarm never fires later


def test_a_held_lock_makes_the_second_holder_give_up_at_its_deadline(root: Path) -> None:
    with limits.item_lock("pmunit", 5, time.monotonic() + 30):
        with (
            pytest.raises(limits.ItemBusy) as caught,
            limits.item_lock("pmunit", 5, time.monotonic() + 0.3),
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
                limits.purchase_lock("pmunit", 5, time.monotonic() + 0.3),
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
