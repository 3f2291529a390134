"""Time and concurrency limits every command runs under.

BILLmanager starts many module processes at once and re-runs failed operations, so two runs can
work on one item (an `open` racing a scheduled `sync_item`, or two `open`s). A per-item lock
serialises them; a deadline keeps a hung provider from holding a process forever.
"""

from __future__ import annotations

import os
import time

from pmenomssl import config
from pmenomssl import log as modlog
from pmenomssl.errors import ModuleError
from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:
    from types import FrameType, TracebackType

# Imported here: nothing that `approver` does not use (signal pulls in enum, contextlib
# collections: start-up time, issue 16). Both context managers are plain classes for that.

DEFAULT_DEADLINE_SECONDS = 300.0
# Interactive commands answer a person waiting in the panel.
INTERACTIVE_DEADLINE_SECONDS = {"check_connection": 60.0, "approver": 30.0, "features": 30.0}
# After the deadline, the command's own checks get this long to stop cleanly before the alarm.
ALARM_GRACE_SECONDS = 5.0


class DeadlineExceeded(ModuleError):
    error_type = "deadline_exceeded"


class ItemBusy(ModuleError):
    error_type = "item_busy"


def deadline_for(command: str) -> float:
    """Seconds a command may run: `PMENOMSSL_DEADLINE` when set, else the command's default."""
    configured = os.environ.get("PMENOMSSL_DEADLINE")
    if configured:
        try:
            return max(1.0, float(configured))
        except ValueError:
            pass
    return INTERACTIVE_DEADLINE_SECONDS.get(command, DEFAULT_DEADLINE_SECONDS)


class alarm_at:  # lower case: used as `with limits.alarm_at(...)`, like the function it was
    """Backstop: interrupt the command if it is still running `seconds` from now."""

    def __init__(self, seconds: float, command: str) -> None:
        self.seconds = seconds
        self.command = command
        self._previous: object = None

    def _expire(self, _signum: int, _frame: FrameType | None) -> None:
        raise DeadlineExceeded(
            f"{self.command} did not finish within {self.seconds:.0f} seconds and was stopped. "
            "The provider is probably unreachable or very slow; BILLmanager will retry. If it "
            "keeps happening, run `pmenomssl check` on the server.",
            obj=self.command,
        )

    def __enter__(self) -> None:
        import signal

        self._previous = signal.signal(signal.SIGALRM, self._expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        import signal

        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)  # type: ignore[arg-type]


def _lock_dir(name: str) -> str:
    preferred = os.path.join(config.var_dir_text(), f"{name}.locks")
    try:
        os.makedirs(preferred, mode=0o700, exist_ok=True)
        if os.access(preferred, os.W_OK):
            return preferred
    except OSError:
        pass
    import tempfile  # rarely needed, and slow to import (random, shutil, bz2, lzma)

    fallback = os.path.join(tempfile.gettempdir(), f"{name}.locks")
    os.makedirs(fallback, mode=0o700, exist_ok=True)
    return fallback


class exclusive:  # lower case: used as `with limits.exclusive(...)`, like the function it was
    """Hold the lock called `key` among this module's runs; wait for the holder, but not past
    the deadline. The kernel releases it when the holder exits, even when it is killed."""

    def __init__(self, name: str, key: str, deadline: float, *, what: str) -> None:
        self.name = name
        self.key = key
        self.deadline = deadline
        self.what = what
        self._fd: int | None = None

    def __enter__(self) -> None:
        import errno
        import fcntl

        path = os.path.join(_lock_dir(self.name), f"{self.key}.lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            waited = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                if not waited:
                    modlog.write(
                        modlog.INFO, f"{self.what} is busy with another run of the module: waiting"
                    )
                    waited = True
                if time.monotonic() >= self.deadline:
                    raise ItemBusy(
                        f"Another run of the module kept {self.what} busy until this run's "
                        "deadline. BILLmanager will retry the operation.",
                        obj=self.key,
                    )
                time.sleep(0.05)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None


def item_lock(name: str, item: int, deadline: float) -> exclusive:
    """One run at a time per item: an `open` racing a `sync_item`, or two `open`s."""
    return exclusive(name, f"item-{item}", deadline, what=f"item {item}")


def purchase_lock(name: str, module: int | None, deadline: float) -> exclusive:
    """One purchase window at a time per processing module.

    Reconciliation adopts unclaimed purchases; holding this from before a purchase until its
    CertID is saved means no other item can adopt a purchase that is still in flight.
    """
    return exclusive(name, f"purchase-{module}", deadline, what=f"purchasing for module {module}")
