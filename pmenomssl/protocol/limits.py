"""Time and concurrency limits every command runs under.

BILLmanager starts many module processes at once and re-runs failed operations, so two runs can
work on one item (an `open` racing a scheduled `sync_item`, or two `open`s). A per-item lock
serialises them; a deadline keeps a hung provider from holding a process forever.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from pmenomssl import config
from pmenomssl.errors import ModuleError

logger = logging.getLogger(__name__)

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
        with contextlib.suppress(ValueError):
            return max(1.0, float(configured))
    return INTERACTIVE_DEADLINE_SECONDS.get(command, DEFAULT_DEADLINE_SECONDS)


@contextlib.contextmanager
def alarm_at(seconds: float, command: str) -> Iterator[None]:
    """Backstop: interrupt the command if it is still running `seconds` from now."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise DeadlineExceeded(
            f"{command} did not finish within {seconds:.0f} seconds and was stopped. The "
            "provider is probably unreachable or very slow; BILLmanager will retry. If it "
            "keeps happening, run `pmenomssl check` on the server.",
            obj=command,
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _lock_dir(name: str) -> Path:
    preferred = config.var_dir() / f"{name}.locks"
    with contextlib.suppress(OSError):
        preferred.mkdir(mode=0o700, exist_ok=True)
        if os.access(preferred, os.W_OK):
            return preferred
    import tempfile  # rarely needed, and slow to import (random, shutil, bz2, lzma)

    fallback = Path(tempfile.gettempdir()) / f"{name}.locks"
    fallback.mkdir(mode=0o700, exist_ok=True)
    return fallback


@contextlib.contextmanager
def exclusive(name: str, key: str, deadline: float, *, what: str) -> Iterator[None]:
    """Hold the lock called `key` among this module's runs; wait for the holder, but not past
    the deadline. The kernel releases it when the holder exits, even when it is killed."""
    path = _lock_dir(name) / f"{key}.lock"
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
                logger.info("%s is busy with another run of the module: waiting", what)
                waited = True
            if time.monotonic() >= deadline:
                raise ItemBusy(
                    f"Another run of the module kept {what} busy until this run's deadline. "
                    "BILLmanager will retry the operation.",
                    obj=key,
                )
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def item_lock(name: str, item: int, deadline: float) -> contextlib.AbstractContextManager[None]:
    """One run at a time per item: an `open` racing a `sync_item`, or two `open`s."""
    return exclusive(name, f"item-{item}", deadline, what=f"item {item}")


def purchase_lock(
    name: str, module: int | None, deadline: float
) -> contextlib.AbstractContextManager[None]:
    """One purchase window at a time per processing module.

    Reconciliation adopts unclaimed purchases; holding this from before a purchase until its
    CertID is saved means no other item can adopt a purchase that is still in flight.
    """
    return exclusive(name, f"purchase-{module}", deadline, what=f"purchasing for module {module}")
