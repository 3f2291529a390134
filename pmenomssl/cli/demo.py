"""`<executable> demo`: the handler's whole lifecycle on embedded defaults, in a temporary
directory, with no network and no MySQL. Which demo runs and what its help says is the
handler's room's (`Room.demo`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl.cli.common import new_parser

if TYPE_CHECKING:
    from types import ModuleType

    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import DemoSpec, Room


def _spec(room: Room) -> tuple[DemoSpec, ModuleType, str]:
    """The room's demo, the module that runs it, and the runner's class name."""
    import importlib

    if room.demo is None:
        raise RuntimeError(f"{room.prog} declares no demo in its room")
    module_name, _, class_name = room.demo.runner.partition(":")
    return room.demo, importlib.import_module(module_name), class_name


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `<executable> demo` (--domain, --log, --keep)."""
    spec, module, _ = _spec(room)
    log_copy: Path | None = module.DEFAULT_LOG_COPY if spec.keeps_log else None
    parser = new_parser(
        subparsers,
        name,
        help=spec.texts.help,
        description=spec.texts.description,
        examples=spec.texts.examples.format(log_copy=log_copy),
    )
    parser.add_argument("--domain", default=module.DEFAULT_DOMAIN, help=spec.domain_help)
    parser.add_argument("--log", metavar="PATH", type=Path, default=log_copy, help=spec.log_help)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (BILLmanager root, database, log) afterwards",
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `<executable> demo`; return the exit status."""
    _, module, class_name = _spec(args.room)
    domain = str(args.domain).strip().lower().rstrip(".")
    if not domain or "." not in domain or domain.startswith("*"):
        sys.stderr.write(f"{args.room.prog} demo: {args.domain!r} is not a plain domain name\n")
        return 2
    demo = getattr(module, class_name)(sys.stdout, domain=domain, log_copy=args.log, keep=args.keep)
    status: int = demo.run()
    return status
