"""The `pmenomssl` executable: BILLmanager's `--command` protocol, and subcommands for people.

`pmenomssl --command open --item 42` is BILLmanager talking; `pmenomssl demo`, `pmenomssl check`
and the other subcommands are for the provider's staff. Subcommand modules are imported only
when used, so BILLmanager's frequent `features` and `approver` calls start fast.
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


def is_protocol_call(argv: list[str]) -> bool:
    """BILLmanager always passes --command (or -c); people use subcommands."""
    return any(a in ("--command", "-c") or a.startswith("--command=") for a in argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    wants_help = bool(argv) and argv[0] in ("-h", "--help")
    if not wants_help and (not argv or is_protocol_call(argv) or argv[0].startswith("-")):
        from pmenomssl.protocol.runner import run

        return run(argv, sys.stdin.buffer, sys.stdout.buffer)
    return _operator(argv)


def _operator(argv: list[str]) -> int:
    import argparse
    import importlib

    parser = argparse.ArgumentParser(
        prog="pmenomssl",
        description=(
            "ENOM SSL certificates for BILLmanager 6. BILLmanager runs this program as "
            "`pmenomssl --command NAME`; the subcommands below are for people."
        ),
    )
    subparsers = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    wanted = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    for name, module_name in SUBCOMMANDS.items():
        if wanted is None or name == wanted:
            importlib.import_module(module_name).add_parser(subparsers)
        else:
            subparsers.add_parser(name, help=f"see `pmenomssl {name} --help`")
    args = parser.parse_args(argv)
    if not args.subcommand:
        parser.print_help()
        return 2
    module = importlib.import_module(SUBCOMMANDS[args.subcommand])
    result: int = module.run(args)
    return result
