"""The stand-in's `$ROOT`: where each of its files lives, and the JSON files that the test
process and the stand-in's mgrctl processes share.

Several processes read and rewrite those JSON files (a test arms a fault while a module's mgrctl
uses one up), so every read-modify-write holds an exclusive lock on `<file>.lock`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

JOURNAL = Path("var") / "mgrctl.journal"
CONFIG = Path("etc") / "standin.json"
FAULTS = Path("etc") / "standin.faults.json"
#: Per-operation overrides of mgrctl's TASK_TYPES (`StandIn.set_task_type`); "" is a panel without
#: a task type for that operation (module.cpp then creates no task).
TASK_TYPES_FILE = Path("etc") / "standin.tasktypes.json"
#: The panel key crypted params are encrypted with (billmgr.conf's default CryptKey).
PANEL_KEY = Path("etc") / "billmgr.pem"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (through `<path>.lock`) for a read-modify-write."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(path.suffix + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object in `path`; {} when there is no such file."""
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def update_json_object(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply `change` to the JSON object in `path` (created when missing), under the lock."""
    with locked(path):
        data = read_json_object(path)
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
