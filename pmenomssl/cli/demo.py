"""`pmenomssl demo`: the whole certificate lifecycle on embedded defaults (see
pmenomssl.handlers.enomssl.operator.demo), in a temporary directory, with no network and no
MySQL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmenomssl.cli.common import paragraph
from pmenomssl.handlers.enomssl.operator.demo import DEFAULT_DOMAIN, DEFAULT_LOG_COPY

EXAMPLES = f"""\
examples:
  # the whole lifecycle: features, check, balance, order, issue, renewal, close
  pmenomssl demo

  # another sample domain, and keep the temporary BILLmanager root to look around in it
  pmenomssl demo --domain www.example.org --keep

exit status: 0 every step worked, 1 a step failed (the output says which and why).
The module's log is copied to {DEFAULT_LOG_COPY} (see --log).
"""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `pmenomssl demo`."""
    parser = subparsers.add_parser(
        "demo",
        help="run the whole certificate lifecycle against local stand-ins (no network)",
        description=paragraph(
            "Run the whole lifecycle of an SSL certificate with the real module, as BILLmanager "
            "runs it, against an ENOM sandbox on 127.0.0.1 and a BILLmanager stand-in with an "
            "SQLite database, all in a temporary directory. Takes a few seconds."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--domain",
        default=DEFAULT_DOMAIN,
        help="the sample domain to order a certificate for (default: %(default)s)",
    )
    parser.add_argument(
        "--log",
        metavar="PATH",
        type=Path,
        default=DEFAULT_LOG_COPY,
        help="where to keep a copy of the module's log (default: %(default)s)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (BILLmanager root, database, log) afterwards",
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl demo`; return the exit status."""
    from pmenomssl.handlers.enomssl.operator.demo import Demo

    domain = str(args.domain).strip().lower().rstrip(".")
    if not domain or "." not in domain or domain.startswith("*"):
        sys.stderr.write(f"pmenomssl demo: {args.domain!r} is not a plain domain name\n")
        return 2
    return Demo(sys.stdout, domain=domain, log_copy=args.log, keep=args.keep).run()
