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

from pmenomssl import urls
from pmenomssl.cli.common import (
    UsageError,
    operator_context,
    paragraph,
    settings_form,
    start_log,
    wrapped,
)
from pmenomssl.cli.reseller_common import (
    EXAMPLE_URL,
    PASSWORD_ENV,
    Source,
    add_credentials,
    error,
    handler_command,
    module_source,
    typed_source,
)
from pmenomssl.errors import ModuleError
from pmenomssl.operator.progress import Progress

if TYPE_CHECKING:
    from lxml import etree

logger = logging.getLogger(__name__)

EXAMPLES = f"""\
examples:
  # the password is asked for (not echoed)
  pmbillreseller check --url {EXAMPLE_URL} --username reseller

  # from a script: the password in a file (mode 0600) or in {PASSWORD_ENV}
  pmbillreseller check --url {EXAMPLE_URL} --username reseller --password-file /root/up.pw
  {PASSWORD_ENV}=... pmbillreseller check --url {EXAMPLE_URL} --username reseller

  # the settings BILLmanager stores for processing module 3
  pmbillreseller check --module 3

exit status: 0 the upstream accepts the connection, 1 it does not (the output says why and
what to do: credentials, IP restriction, two-factor authentication, not a BILLmanager,
unreachable), 2 wrong arguments or no password.
"""


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str = "check"
) -> None:
    """Register `pmbillreseller check`."""
    parser = subparsers.add_parser(
        name,
        help="test the connection to the upstream BILLmanager (credentials, or a module's)",
        description=paragraph(
            "Test a connection to the upstream BILLmanager the way the module's settings form "
            "does (log in and read the balance), and say what is wrong and how to fix it. The "
            f"password is never an argument: it comes from a prompt, --password-file or "
            f"{PASSWORD_ENV}."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # `--password X` must not pass for `--password-file X`
    )
    add_credentials(parser, module_help="use the settings BILLmanager stores for module M")


def run(args: argparse.Namespace) -> int:
    """Carry out `pmbillreseller check`; return the exit status."""
    if args.url is None and args.module is None:
        return error("check", "give --url URL --username LOGIN, or --module M", 2)
    if args.module is not None and (args.username or args.password_file):
        return error("check", "--username and --password-file go with --url, not --module", 2)
    start_log("check", module=args.module)
    try:
        source = module_source(args.module) if args.module is not None else typed_source(args)
    except UsageError as exc:
        return error("check", str(exc), 2)
    except ModuleError as exc:
        logger.error("check failed: %s (%s)", exc.desc, exc.error_type)
        print(wrapped(exc.desc, "FAILED: "))
        return 1
    return _check(source)


def _document(source: Source) -> etree._Element:
    from pmenomssl.handlers.connection import FORM_FIELDS

    conn = source.connection
    return settings_form(zip(FORM_FIELDS, (conn.url, conn.username, conn.password, conn.sourceip)))


def _check(source: Source) -> int:
    from pmenomssl.handlers.sourceip import describe

    doc = _document(source)
    ctx = operator_context("check_connection", document=doc, module=source.module_id)
    url = source.connection.url
    if urls.credentials_in_url(url):  # check_connection refuses it; never shown meanwhile
        url = "a URL not shown (it holds a password)"
    with Progress(f"asking the upstream BILLmanager at {url}"):
        try:
            handler_command("check_connection")(ctx)
        except ModuleError as exc:
            failure: ModuleError | None = exc
        else:
            failure = None
        finally:
            if ctx.billing_started:
                ctx.billing.close()
    if failure is not None:
        logger.error("check of %s failed: %s (%s)", source.where, failure.desc, failure.error_type)
        print(wrapped(failure.desc, f"FAILED ({source.where}): "))
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
