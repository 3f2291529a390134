"""`pmenomssl sandbox enom`: serve the local ENOM reseller API (pmenomssl.sandbox.enom.cli)."""

from __future__ import annotations

import argparse

from pmenomssl.cli.common import paragraph

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


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `pmenomssl sandbox enom`."""
    from pmenomssl.sandbox.enom.cli import build_parser

    parser = subparsers.add_parser(
        "sandbox",
        help="serve a local stand-in of an outside service (ENOM) for tests and demos",
        description="Serve a local stand-in of an outside service for tests and demos.",
        epilog="example:\n  pmenomssl sandbox enom --port 8765",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = parser.add_subparsers(dest="sandbox_kind", metavar="KIND", required=True)
    kinds.add_parser(
        "enom",
        parents=[build_parser()],
        add_help=False,  # the parent parser's -h/--help is inherited
        help="a local ENOM reseller API (interface.asp)",
        description=paragraph(
            "Serve a local ENOM reseller API (interface.asp) with real X.509 certificates from a "
            "sandbox CA, fault injection and a JSON admin API under /_sandbox/."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def enom_argv(args: argparse.Namespace) -> list[str]:
    """The sandbox's own command line for the options given (defaults left out)."""
    from pmenomssl.sandbox.enom.cli import build_parser

    argv: list[str] = []
    for action in build_parser()._actions:
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


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl sandbox enom`; return the exit status."""
    from pmenomssl.sandbox.enom.cli import main

    return main(enom_argv(args))
