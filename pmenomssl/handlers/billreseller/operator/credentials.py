"""What the `pmbillreseller` subcommands share: where the upstream credentials come from.

Credentials are either typed in (`--url --username`; the password from `--password-file`,
`PMBILLRESELLER_PASSWORD` or a prompt, never from the command line) or read from the settings
BILLmanager stores for a processing module (`--module M`).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmenomssl import config
from pmenomssl.cli.common import UsageError, add_module_option
from pmenomssl.cli.password import add_password_options, read_password

if TYPE_CHECKING:
    from pmenomssl.handlers.connection import Connection

PASSWORD_ENV = "PMBILLRESELLER_PASSWORD"  # noqa: S105 (the variable's name)
EXAMPLE_URL = "https://my.example.com/billmgr"


def add_credentials(parser: argparse.ArgumentParser, *, module_help: str) -> None:
    """--url/--username/--password-file, or --module M (exclusive with --url)."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--url",
        help=f"the upstream BILLmanager's API URL as typed in the module settings "
        f"(e.g. {EXAMPLE_URL})",
    )
    add_module_option(source, module_help)
    parser.add_argument("--username", help="the upstream account's login (with --url)")
    add_password_options(parser, env=PASSWORD_ENV, what="the password")


@dataclass(frozen=True)
class Source:
    """Where a connection's settings came from, for the output."""

    connection: Connection
    where: str
    module_id: int | None = None


def typed_source(args: argparse.Namespace) -> Source:
    """The connection typed in (`--url --username` and a password)."""
    from pmenomssl.handlers import connection
    from pmenomssl.handlers.billreseller import settings

    if not args.username:
        raise UsageError("--url needs --username (the upstream account's login)")
    values = {
        connection.PARAM_URL: args.url,
        connection.PARAM_USERNAME: args.username,
        connection.PARAM_PASSWORD: read_password(
            args.password_file, env=PASSWORD_ENV, prompt="Upstream BILLmanager password: "
        ),
    }
    return Source(
        settings.from_params(values, where="the credentials given"), "the credentials given"
    )


def module_params(module_id: int) -> tuple[dict[str, str], str]:
    """The stored settings of processing module `module_id` (decrypted) and a description; the
    module must be one of this executable's (ModuleError otherwise)."""
    from pmenomssl.billing import BillingGateway, NotFoundError

    with BillingGateway(config.mgr_root()) as billing:
        module = billing.module(module_id)
        params = billing.module_params(module_id)
    if module.module != config.module_name():
        raise NotFoundError(
            f"Processing module {module.id} {module.name!r} belongs to the module "
            f"{module.module!r}, not {config.module_name()!r}: give the id of a "
            f"{config.module_name()} processing module (Integration > Processing modules), "
            "or use that module's own executable.",
            error_type="module_not_found",
            obj="processingmodule",
            value=str(module_id),
        )
    return params, f"processing module {module.id} {module.name!r} ({module.module})"


def module_source(module_id: int) -> Source:
    from pmenomssl.handlers.billreseller import settings

    params, where = module_params(module_id)
    return Source(settings.from_params(params, where=where), where, module_id)


def first_module_id() -> int:
    """The first active processing module of this name (ModuleError when there is none)."""
    from pmenomssl.billing import BillingGateway, NotFoundError

    with BillingGateway(config.mgr_root()) as billing:
        modules = billing.modules_named(config.module_name())
    if not modules:
        raise NotFoundError(
            f"BILLmanager has no active processing module named {config.module_name()!r}: "
            "create one (Integration > Processing modules), or give --module M or --url.",
            error_type="module_not_found",
            obj="processingmodule",
        )
    return modules[0].id
