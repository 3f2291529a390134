"""`pmbillreseller check`: the connection test of the module's settings form, by hand.

With credentials typed in (`--url --username`, the password from a prompt, a file or
`PMBILLRESELLER_PASSWORD`, never from the command line), or with `--module M` reading the
settings BILLmanager stores for processing module M. It runs the handler's own
check_connection, so the verdict and its cause-and-fix text are the ones the panel shows.
"""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from pmenomssl.cli.check import check_examples, refused_connection, shown_url
from pmenomssl.cli.common import (
    UsageError,
    logged_failure,
    new_parser,
    operator_context,
    settings_form,
    start_log,
    wrapped,
)
from pmenomssl.cli.password import refuse_login_with_module
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller.operator.credentials import (
    EXAMPLE_URL,
    PASSWORD_ENV,
    Source,
    add_credentials,
    module_source,
    typed_source,
)

if TYPE_CHECKING:
    from lxml import etree

    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room

logger = logging.getLogger(__name__)

TYPED_IN = f"pmbillreseller check --url {EXAMPLE_URL} --username reseller"
EXAMPLES = check_examples(
    "pmbillreseller",
    TYPED_IN,
    typed_in_note="the password is asked for (not echoed)",
    env=PASSWORD_ENV,
    from_file="/root/up.pw",
    exit_status=(
        "0 the upstream accepts the connection, 1 it does not (the output says why and\n"
        "what to do: credentials, IP restriction, two-factor authentication, not a BILLmanager,\n"
        "unreachable), 2 wrong arguments or no password."
    ),
)


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmbillreseller check`."""
    parser = new_parser(
        subparsers,
        name,
        help="test the connection to the upstream BILLmanager (credentials, or a module's)",
        description=(
            "Test a connection to the upstream BILLmanager the way the module's settings form "
            "does (log in and read the balance), and say what is wrong and how to fix it. The "
            f"password is never an argument: it comes from a prompt, --password-file or "
            f"{PASSWORD_ENV}."
        ),
        examples=EXAMPLES,
    )
    add_credentials(parser, module_help="use the settings BILLmanager stores for module M")


def run(args: argparse.Namespace) -> int:
    """Carry out `pmbillreseller check`; return the exit status."""
    if args.url is None and args.module is None:
        raise UsageError("give --url URL --username LOGIN, or --module M")
    refuse_login_with_module(args)
    start_log("check", module=args.module)
    try:
        source = module_source(args.module) if args.module is not None else typed_source(args)
    except ModuleError as exc:
        return logged_failure("check", exc)
    return _check(source)


def _document(source: Source) -> etree._Element:
    from pmenomssl.handlers.connection import FORM_FIELDS

    conn = source.connection
    return settings_form(zip(FORM_FIELDS, (conn.url, conn.username, conn.password, conn.sourceip)))


def _check(source: Source) -> int:
    from pmenomssl.handlers.billreseller import account
    from pmenomssl.handlers.sourceip import describe

    doc = _document(source)
    ctx = operator_context("check_connection", document=doc, module=source.module_id)
    url = shown_url(source.connection.url)
    failure = refused_connection(
        account.check_connection,
        ctx,
        asking=f"asking the upstream BILLmanager at {url}",
        where=source.where,
    )
    if failure is not None:
        print(f"    error type: {failure.error_type}")
        return 1
    logger.info("check of %s: the upstream accepts the connection", source.where)
    print(
        wrapped(
            f"OK: the upstream BILLmanager at {url} accepts the login "
            f"{source.connection.username!r} {describe(source.connection.sourceip)} "
            f"({source.where})."
        )
    )
    return 0
