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
def item_lock(name: str, item: int, deadline: float) -> Iterator[None]:
    """Hold the item's lock; wait for another run to finish, but not past the deadline."""
    path = _lock_dir(name) / f"item-{item}.lock"
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
                logger.info("item %s is busy with another run of the module: waiting", item)
                waited = True
            if time.monotonic() >= deadline:
                raise ItemBusy(
                    f"Another run of the module kept item {item} busy until this run's "
                    "deadline. BILLmanager will retry the operation.",
                    obj="item",
                    value=str(item),
                )
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock
