"""`pmenomssl doctor`: check an installation point by point (pmenomssl.operator.doctor)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config
from pmenomssl.cli.common import new_parser

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room

EXAMPLES = """\
examples:
  pmenomssl doctor
  pmenomssl doctor --root /usr/local/mgr5 --name pmenomsslpy

One line per check: OK, FAIL (with `Fix:` what to do) or SKIP (a check it depends on failed).
exit status: 0 every check passed, 1 at least one FAILed.
"""


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmenomssl doctor` (--root, --name)."""
    parser = new_parser(
        subparsers,
        name,
        help="check an installation point by point and say what to fix",
        description=(
            "Check the wrapper, the module XML against the code's features, mgrctl, the "
            "database, the panel key, the log, and that every active processing module of "
            "this name reaches ENOM from an allow-listed IP address."
        ),
        examples=EXAMPLES,
        wrap=False,
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="BILLmanager's root (default: PMENOMSSL_MGR_ROOT or /usr/local/mgr5)",
    )
    parser.add_argument("--name", default=None, help="module name (default: pmenomssl)")


def run(args: argparse.Namespace) -> int:
    from pmenomssl import log as modlog
    from pmenomssl.operator.doctor import diagnose, log_usable

    root = Path(args.root) if args.root is not None else config.mgr_root()
    name = args.name or os.environ.get("PMENOMSSL_NAME") or config.DEFAULT_MODULE_NAME
    # The layers below read the root and name from the environment (config).
    os.environ["PMENOMSSL_MGR_ROOT"] = str(root)
    os.environ["PMENOMSSL_NAME"] = name
    log_file = root / "var" / f"{name}.log"
    if log_usable(log_file):
        modlog.setup(name, log_file)
    else:  # the `log` check reports it; nothing reaches the terminal but the check lines
        package_logger = logging.getLogger("pmenomssl")
        package_logger.addHandler(logging.NullHandler())
        package_logger.propagate = False
    return diagnose(root, name, say=lambda line: print(line, flush=True))
