"""`pmenomssl logs --item I`: that service's history from the module's log file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config, log
from pmenomssl.cli import files
from pmenomssl.cli.common import add_item_option, error, new_parser, positive_int
from pmenomssl.operator.progress import Progress

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room

# Show progress while reading a log file at least this large.
PROGRESS_BYTES = 32 * 1024 * 1024

EXAMPLES = """\
examples:
  # everything the module logged about service 42 (with continuation lines)
  pmenomssl logs --item 42

  # the last 20 lines of it, from a copied log
  pmenomssl logs --item 42 --tail 20 --file /tmp/pmenomssl.log

The log is $PMENOMSSL_LOG, else $ROOT/var/<module name>.log (ROOT: $PMENOMSSL_MGR_ROOT,
default /usr/local/mgr5). How much it holds is set in $ROOT/etc/debug.conf (`pmenomssl 9`).
exit status: 0 lines found, 1 none found or no log file.
"""


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmenomssl logs`."""
    parser = new_parser(
        subparsers,
        name,
        help="show one service's history from the module's log",
        description=(
            "Print the lines of the module's log that belong to one service: every line "
            "tagged item=I, with its continuation lines."
        ),
        examples=EXAMPLES,
    )
    add_item_option(parser)
    parser.add_argument(
        "--file", metavar="PATH", type=Path, help="the log file (default: the module's log)"
    )
    parser.add_argument(
        "--tail", metavar="N", type=positive_int, help="only the last N matching lines"
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl logs`; return the exit status."""
    from collections import deque

    from pmenomssl.operator.logfilter import item_lines

    path: Path = args.file or log.log_path(config.module_name())
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        return error(
            "logs",
            f"cannot read the log {path}: {exc.strerror or exc}. Give --file, or set "
            "PMENOMSSL_MGR_ROOT (or PMENOMSSL_LOG) to where the module logs",
        )
    with handle:
        try:
            size = files.check_kind(str(path), handle.fileno())
        except files.FileRefused as exc:
            return error("logs", str(exc))
        with Progress(f"reading {path}", enabled=None if size >= PROGRESS_BYTES else False):
            # Only as far as the file reached when opened, each line bounded: --file /dev/zero
            # or a log still being written never makes this grow without end.
            found = item_lines(files.bounded_lines(handle, size), args.item)
            if args.tail:
                selected: list[str] | deque[str] = deque(found, maxlen=args.tail)
            else:
                selected = list(found)
    if not selected:
        return error("logs", f"no lines about item {args.item} in {path}")
    out = sys.stdout
    for line in selected:
        out.write(line + "\n")
    return 0
