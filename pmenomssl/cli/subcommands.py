"""The operator side of an executable: the handler's room, its parser, the one subcommand run.

Only the subcommand asked for is imported (the others show a pointer to their own --help); the
whole list is imported for the executable's own --help.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TYPE_CHECKING

from pmenomssl.cli.room import ROOM_ATTRIBUTE, Room

if TYPE_CHECKING:
    from types import ModuleType


def room_of(handler: str) -> Room:
    """The Room of the handler registered as `handler`: `ROOM` in the `operator` package beside
    the handler's class (`pmenomssl.handlers.enomssl` -> `pmenomssl.handlers.enomssl.operator`)."""
    from pmenomssl.handlers import load_handler

    handler_module = sys.modules[type(load_handler(handler)).__module__]
    package = handler_module.__package__ or handler_module.__name__
    room = getattr(importlib.import_module(f"{package}.operator"), ROOM_ATTRIBUTE)
    if not isinstance(room, Room):
        raise TypeError(f"{package}.operator.{ROOM_ATTRIBUTE} is not a pmenomssl.cli.room.Room")
    return room


def run_subcommand(argv: list[str], handler: str) -> int:
    """Parse `argv` with `handler`'s room and run the subcommand it names."""
    from pmenomssl.errors import ModuleError

    try:
        room = room_of(handler)
    except ModuleError as exc:  # no such handler registered: say so, no traceback
        sys.stderr.write(f"{handler}: {exc.desc}\n")
        return 1
    parser = _parser(room, wanted=argv[0] if argv and argv[0] in room.subcommands else None)
    args = parser.parse_args(argv)
    if not args.subcommand:
        parser.print_help()
        return 2
    from pmenomssl.cli.common import UsageError, error

    try:
        result: int = _module(room, args.subcommand).run(args)
    except UsageError as exc:  # wrong arguments, no password: the same for every subcommand
        return error(args.subcommand, str(exc), 2, executable=room.prog)
    return result


def _parser(room: Room, *, wanted: str | None) -> argparse.ArgumentParser:
    """The executable's parser: every subcommand in full when none is `wanted` (the top-level
    help lists them with their own help line), else only that one."""
    from pmenomssl.cli.common import paragraph

    if room.epilog is None:
        parser = argparse.ArgumentParser(prog=room.prog, description=room.description)
    else:
        parser = argparse.ArgumentParser(
            prog=room.prog,
            description=paragraph(room.description),
            epilog=room.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    parser.set_defaults(room=room)
    subparsers = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    for name in room.subcommands:
        if wanted is None or name == wanted:
            _module(room, name).add_parser(subparsers, name, room)
        else:
            subparsers.add_parser(name, help=f"see `{room.prog} {name} --help`")
    return parser


def _module(room: Room, subcommand: str) -> ModuleType:
    return importlib.import_module(room.subcommands[subcommand])
