"""The `pmenomssl` executable: BILLmanager's `--command` protocol, and subcommands for people.

`pmenomssl --command open --item 42` is BILLmanager talking; `pmenomssl demo`, `pmenomssl check`
and the other subcommands are for the provider's staff. Subcommand modules are imported only
when used, so BILLmanager's frequent `features` and `approver` calls start fast (this module
imports nothing but `sys` for them: not even `typing`, tests/protocol/test_startup.py).

`dispatch` is that split for every executable of the package (`pmbillreseller` too): each one
names its subcommand table, its prog, description and epilog.
"""

from __future__ import annotations

import sys

# subcommand -> module in pmenomssl.cli providing add_parser(subparsers) and run(args) -> int
SUBCOMMANDS = {
    "balance": "pmenomssl.cli.balance",
    "check": "pmenomssl.cli.check",
    "csr": "pmenomssl.cli.csr",
    "doctor": "pmenomssl.cli.doctor",
    "install": "pmenomssl.cli.install",
    "demo": "pmenomssl.cli.demo",
    "logs": "pmenomssl.cli.logs",
    "products": "pmenomssl.cli.products",
    "sandbox": "pmenomssl.cli.sandbox",
    "uninstall": "pmenomssl.cli.uninstall",
    "status": "pmenomssl.cli.status",
    "sync": "pmenomssl.cli.sync",
}

DESCRIPTION = (
    "ENOM SSL certificates for BILLmanager 6. BILLmanager runs this program as "
    "`pmenomssl --command NAME`; the subcommands below are for people."
)


def is_protocol_call(argv: list[str]) -> bool:
    """BILLmanager always passes --command (or -c); people use subcommands."""
    return any(a in ("--command", "-c") or a.startswith("--command=") for a in argv)


def main(argv: list[str] | None = None) -> int:
    return dispatch(argv, prog="pmenomssl", subcommands=SUBCOMMANDS, description=DESCRIPTION)


def dispatch(
    argv: list[str] | None,
    *,
    prog: str,
    subcommands: dict[str, str],
    description: str,
    epilog: str | None = None,
    name_argument: bool = False,
) -> int:
    """Run BILLmanager's protocol call, or the subcommand `argv` names (`--help` included).

    `subcommands` maps a subcommand to the module that provides `add_parser(subparsers)` and
    `run(args) -> int`; only the one asked for is imported. With `name_argument`, add_parser is
    given the subcommand's name too (one module may serve two subcommands). With an `epilog`,
    the help keeps its layout and the description is wrapped here (`common.paragraph`);
    without one, argparse wraps the description itself.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    wants_help = bool(argv) and argv[0] in ("-h", "--help")
    if not wants_help and (not argv or is_protocol_call(argv) or argv[0].startswith("-")):
        from pmenomssl.protocol.runner import run

        return run(argv, sys.stdin.buffer, sys.stdout.buffer)
    return _operator(argv, prog, subcommands, description, epilog, name_argument)


def _operator(
    argv: list[str],
    prog: str,
    subcommands: dict[str, str],
    description: str,
    epilog: str | None,
    name_argument: bool,
) -> int:
    import argparse
    import importlib

    if epilog is None:
        parser = argparse.ArgumentParser(prog=prog, description=description)
    else:
        from pmenomssl.cli.common import paragraph

        parser = argparse.ArgumentParser(
            prog=prog,
            description=paragraph(description),
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    subparsers = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    wanted = argv[0] if argv and argv[0] in subcommands else None
    for name, module_name in subcommands.items():
        if wanted is None or name == wanted:
            module = importlib.import_module(module_name)
            if name_argument:
                module.add_parser(subparsers, name)
            else:
                module.add_parser(subparsers)
        else:
            subparsers.add_parser(name, help=f"see `{prog} {name} --help`")
    args = parser.parse_args(argv)
    if not args.subcommand:
        parser.print_help()
        return 2
    result: int = importlib.import_module(subcommands[args.subcommand]).run(args)
    return result
