"""`pmenomssl check`: the connection test of the module's settings form, by hand.

Either with credentials typed in (`--url --username`, the password from a prompt, a file or
`PMENOMSSL_PASSWORD`, never from the command line), or with `--module M` reading the settings
BILLmanager stores for processing module M. It runs the handler's own check_connection, so the
verdict and its cause-and-fix text are the ones the panel shows.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config, log
from pmenomssl.cli.check import check_examples, refused_connection, shown_url
from pmenomssl.cli.common import (
    UsageError,
    add_module_option,
    logged_failure,
    new_parser,
    operator_context,
    settings_form,
    start_log,
    var_writable,
    wrapped,
)
from pmenomssl.cli.password import add_password_options, read_password, refuse_login_with_module
from pmenomssl.errors import ModuleError

if TYPE_CHECKING:
    from lxml import etree

    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room

logger = logging.getLogger(__name__)

PASSWORD_ENV = "PMENOMSSL_PASSWORD"  # noqa: S105 (the variable's name)
TEST_URL = "https://resellertest.enom.com/interface.asp"

TYPED_IN = f"pmenomssl check --url {TEST_URL} --username myreseller"
EXAMPLES = check_examples(
    "pmenomssl",
    TYPED_IN,
    typed_in_note="ENOM's test environment; the password is asked for (not echoed)",
    env=PASSWORD_ENV,
    from_file="/root/enom.pw",
    exit_status=(
        "0 ENOM accepts the connection, 1 it does not (the output says why and what to\n"
        "do), 2 wrong arguments or no password."
    ),
)


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmenomssl check`."""
    parser = new_parser(
        subparsers,
        name,
        help="test the connection to ENOM (credentials typed in, or a module's settings)",
        description=(
            "Test a connection to ENOM's reseller API the way the module's settings form does "
            "(GetBalance), and say what is wrong and how to fix it. The password is never an "
            f"argument: it comes from a prompt, --password-file or {PASSWORD_ENV}."
        ),
        examples=EXAMPLES,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--url",
        help=f"ENOM API URL (live: https://reseller.enom.com/interface.asp, test: {TEST_URL})",
    )
    add_module_option(source, "use the settings BILLmanager stores for processing module M")
    parser.add_argument("--username", help="ENOM login ID (with --url)")
    add_password_options(parser, env=PASSWORD_ENV, what="the password or API token")


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl check`; return the exit status."""
    refuse_login_with_module(args)
    if args.url is not None and not args.username:
        raise UsageError("--url needs --username (the ENOM login ID)")
    start_log("check", module=args.module)
    try:
        if args.module is not None:
            values, where = _module_settings(args.module)
        else:
            password = read_password(
                args.password_file, env=PASSWORD_ENV, prompt="ENOM password or API token: "
            )
            values = {"url": args.url, "username": args.username, "password": password}
            where = "the credentials given"
    except ModuleError as exc:
        return logged_failure("check", exc)
    log.register_secret(values.get("password"))
    form = settings_form(values.items())
    url = shown_url((values.get("url") or "").strip() or "the live URL")
    return _check(form, url, values.get("username", ""), where, values.get("sourceip", ""))


def _module_settings(module_id: int) -> tuple[dict[str, str], str]:
    from pmenomssl.billing import BillingGateway
    from pmenomssl.handlers.connection import FORM_FIELDS

    with BillingGateway(config.mgr_root()) as billing:
        module = billing.module(module_id)
        params = billing.module_params(module_id)
    values = {name: params.get(name, "") for name in FORM_FIELDS}
    return values, f"processing module {module.id} {module.name!r} ({module.module})"


def _check(form: etree._Element, url: str, username: str, where: str, sourceip: str = "") -> int:
    from pmenomssl.handlers.enomssl import account, products
    from pmenomssl.handlers.sourceip import describe

    root = config.mgr_root()
    keep_cache = var_writable(root)
    with tempfile.TemporaryDirectory(prefix="pmenomssl-check-") as scratch:
        # Outside a BILLmanager host the product list goes to a scratch root, not /usr/local.
        ctx_root = root if keep_cache else Path(scratch)
        ctx = operator_context("check_connection", document=form, root=ctx_root)
        asking = f"asking ENOM at {url}"
        failure = refused_connection(account.check_connection, ctx, asking=asking, where=where)
        if failure is not None:
            return 1
        cache = products.load_cache(products.cache_path(ctx_root, ctx.module_name))
    logger.info("check of %s: ENOM accepts the connection", where)
    print(
        wrapped(
            f"OK: ENOM accepts the login {username!r} at {url} {describe(sourceip.strip())} "
            f"({where})."
        )
    )
    if cache is not None and keep_cache:
        where_cached = products.cache_path(root, ctx.module_name)
        print(f"    Product list refreshed: {len(cache.products)} products in {where_cached}.")
    return 0
