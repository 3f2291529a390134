"""The `pmenomssl` executable: BILLmanager's `--command` protocol, and subcommands for people.

`pmenomssl --command open --item 42` is BILLmanager talking; `pmenomssl demo`, `pmenomssl check`
and the other subcommands are for the provider's staff. Subcommand modules are imported only
when used, so BILLmanager's frequent `features` and `approver` calls start fast (this module
imports nothing but `sys` for them: not even `typing`, tests/protocol/test_startup.py).

`dispatch` is that split for every executable of the package (`pmbillreseller` too): each one
names its handler, and the handler's room (`<its package>.operator`, see `room.py`) declares
the subcommands, the description and the epilog. The room is found the way the protocol
runner finds the handler: by the handler's entry-point name.
"""

from __future__ import annotations

import sys

#: The handler `pmenomssl` serves: the entry-point name it is registered under.
HANDLER = "pmenomssl"


def is_protocol_call(argv: list[str]) -> bool:
    """BILLmanager always passes --command (or -c); people use subcommands."""
    return any(a in ("--command", "-c") or a.startswith("--command=") for a in argv)


def main(argv: list[str] | None = None) -> int:
    return dispatch(argv, handler=HANDLER)


def dispatch(argv: list[str] | None, *, handler: str) -> int:
    """Run BILLmanager's protocol call, or the subcommand of `handler`'s room that `argv`
    names (`--help` included)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    wants_help = bool(argv) and argv[0] in ("-h", "--help")
    if not wants_help and (not argv or is_protocol_call(argv) or argv[0].startswith("-")):
        from pmenomssl.protocol.runner import run

        return run(argv, sys.stdin.buffer, sys.stdout.buffer)
    from pmenomssl.cli.subcommands import run_subcommand

    return run_subcommand(argv, handler)
