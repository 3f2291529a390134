"""`pmenomssl sandbox enom|upstream`: serve a local stand-in of an outside service.

The servers themselves live in `pmenomssl.sandbox.enom.cli` and `pmenomssl.sandbox.upstream.cli`;
this module only registers them as sub-subcommands and hands them their own command line.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pmenomssl.cli.common import new_parser, paragraph

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room

EXAMPLES = """\
examples:
  # on port 8765 with a generated password (printed)
  pmenomssl sandbox enom --port 8765

  # a chosen password (never printed), issuing certificates inside CertPurchaseCert
  pmenomssl sandbox enom --port 8765 --pw-file sandbox.pw --issue-immediately

  # then, in another shell, point a processing module (or `pmenomssl check`) at it:
  PMENOMSSL_PASSWORD=$(cat sandbox.pw) pmenomssl check \\
      --url http://127.0.0.1:8765/interface.asp --username sandbox-uid

A curl walkthrough of a whole order and the fault/admin API: `pydoc pmenomssl.sandbox.enom.cli`.
Stop it with Ctrl-C or SIGTERM.
"""

UPSTREAM_EXAMPLES = """\
examples:
  # on port 8766 with a generated password (printed); orders are active at once
  pmenomssl sandbox upstream --port 8766

  # a chosen password (never printed); orders show processing, then active on the 2nd list read
  pmenomssl sandbox upstream --port 8766 --password-file upstream.pw --activate-after 2

  # then point a pmbillreseller processing module at http://127.0.0.1:8766/billmgr
  # (username "reseller"); switch failure modes on from another shell:
  curl -s -d '{"two_factor": true}' http://127.0.0.1:8766/_sandbox/configure

A curl walkthrough of a whole life cycle and the fault/admin API:
`pydoc pmenomssl.sandbox.upstream.cli`. Stop it with Ctrl-C or SIGTERM.
"""

# sandbox kind -> the module whose build_parser() and main(argv) serve it
KINDS = {
    "enom": "pmenomssl.sandbox.enom.cli",
    "upstream": "pmenomssl.sandbox.upstream.cli",
}


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmenomssl sandbox enom` and `pmenomssl sandbox upstream`."""
    from pmenomssl.sandbox.enom.cli import build_parser as enom_parser
    from pmenomssl.sandbox.upstream.cli import build_parser as upstream_parser

    parser = new_parser(
        subparsers,
        name,
        help="serve a local stand-in of an outside service (ENOM, an upstream BILLmanager) "
        "for tests and demos",
        description="Serve a local stand-in of an outside service for tests and demos.",
        examples="examples:\n  pmenomssl sandbox enom --port 8765\n"
        "  pmenomssl sandbox upstream --port 8766",
        wrap=False,
    )
    kinds = parser.add_subparsers(dest="sandbox_kind", metavar="KIND", required=True)
    kinds.add_parser(
        "enom",
        parents=[enom_parser()],
        add_help=False,  # the parent parser's -h/--help is inherited
        help="a local ENOM reseller API (interface.asp)",
        description=paragraph(
            "Serve a local ENOM reseller API (interface.asp) with real X.509 certificates from a "
            "sandbox CA, fault injection and a JSON admin API under /_sandbox/."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds.add_parser(
        "upstream",
        parents=[upstream_parser()],
        add_help=False,
        help="a local upstream BILLmanager client API (/billmgr, out=xml)",
        description=paragraph(
            "Serve a local upstream BILLmanager client API (/billmgr, out=xml) with a balance, "
            "tariffs, services moving from ordered to active, real X.509 certificates from a "
            "sandbox CA, the account's failure modes, fault injection and a JSON admin API "
            "under /_sandbox/."
        ),
        epilog=UPSTREAM_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def own_argv(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The sandbox's own command line for the options given (defaults left out)."""
    argv: list[str] = []
    for action in parser._actions:
        if not action.option_strings or action.dest == "help":
            continue
        value = getattr(args, action.dest, action.default)
        if value == action.default:
            continue
        option = action.option_strings[-1]
        if action.nargs == 0:  # a flag
            if value:
                argv.append(option)
        else:
            argv += [option, str(value)]
    return argv


def enom_argv(args: argparse.Namespace) -> list[str]:
    """`pmenomssl sandbox enom`'s own command line for the options given."""
    from pmenomssl.sandbox.enom.cli import build_parser

    return own_argv(build_parser(), args)


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl sandbox KIND`; return the exit status."""
    import importlib

    module = importlib.import_module(KINDS[args.sandbox_kind])
    status: int = module.main(own_argv(module.build_parser(), args))
    return status
