"""`pmbillreseller demo`: the whole life of a resold VDS on embedded defaults (see
pmenomssl.handlers.billreseller.operator.demo), in a temporary directory, with no network and
no MySQL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmenomssl.cli.common import paragraph
from pmenomssl.handlers.billreseller.operator.demo import DEFAULT_DOMAIN

EXAMPLES = """\
examples:
  # the whole life: features, check, balance, order, sync, renewal, addon change,
  # suspend, resume, close
  pmbillreseller demo

  # another sample domain, keep a copy of the module's log, keep the temporary BILLmanager
  # root to look around in it
  pmbillreseller demo --domain vps.example.org --log demo.log --keep

exit status: 0 every step worked, 1 a step failed (the output says which and why; the
temporary directory with the module's log is then kept).
"""


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str = "demo"
) -> None:
    """Register `pmbillreseller demo`."""
    parser = subparsers.add_parser(
        name,
        help="run the whole life of a resold VDS against local stand-ins (no network)",
        description=paragraph(
            "Run the whole life of a VDS resold from an upstream BILLmanager with the real "
            "module, as BILLmanager runs it, against an upstream sandbox on 127.0.0.1 and a "
            "BILLmanager stand-in with an SQLite database, all in a temporary directory that is "
            "removed afterwards. Takes a few seconds."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--domain",
        default=DEFAULT_DOMAIN,
        help="the sample domain (the VDS's name) (default: %(default)s)",
    )
    parser.add_argument(
        "--log",
        metavar="PATH",
        type=Path,
        default=None,
        help="keep a copy of the module's log there (default: none, the log goes with the "
        "temporary directory)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (BILLmanager root, database, log) afterwards",
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmbillreseller demo`; return the exit status."""
    from pmenomssl.handlers.billreseller.operator.demo import ResellerDemo

    domain = str(args.domain).strip().lower().rstrip(".")
    if not domain or "." not in domain or domain.startswith("*"):
        sys.stderr.write(f"pmbillreseller demo: {args.domain!r} is not a plain domain name\n")
        return 2
    return ResellerDemo(sys.stdout, domain=domain, log_copy=args.log, keep=args.keep).run()
