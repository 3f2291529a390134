"""Module-level commands: check_connection and getbalance.

check_connection: one balance read with the form's credentials; a failure names its cause
(credentials, IP restriction, two-factor auth, not a BILLmanager, unreachable: the client's
error types) and the URL and login it concerns.
getbalance: the balance -> processing.savebalance and `<doc><balance/><currency/></doc>`; with
`--module M` for that module, else for every active module of this name (one call each).
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.accounting import balance_document, connection_error
from pmenomssl.handlers.billreseller.settings import (
    from_document,
    from_params,
    make_client,
)
from pmenomssl.handlers.sourceip import describe

if TYPE_CHECKING:
    from pmenomssl.handlers.base import Context

logger = logging.getLogger(__name__)


def check_connection(ctx: Context) -> etree._Element:
    from pmenomssl.upstream import UpstreamError

    connection = from_document(ctx.document)
    try:
        with make_client(connection, deadline=ctx.deadline) as client:
            balance = client.balance()
    except UpstreamError as exc:
        raise connection_error(
            exc, connection.url, connection.username, connection.sourceip
        ) from None
    logger.info(
        "connection to %s as %s %s works; balance %s %s",
        connection.url,
        connection.username,
        describe(connection.sourceip),
        balance.amount,
        balance.currency,
    )
    return etree.Element("doc")


def getbalance(ctx: Context) -> etree._Element:
    billing = ctx.billing
    if ctx.args.module is not None:
        module_ids = [billing.module(ctx.args.module).id]
    else:
        module_ids = [m.id for m in billing.modules_named(ctx.module_name)]
        if not module_ids:
            logger.info("no active processing module named %s: nothing to do", ctx.module_name)
    results: list[tuple[int, Decimal, str]] = []
    errors: list[ModuleError] = []
    for module_id in module_ids:
        ctx.module_id = module_id
        try:
            connection = from_params(
                billing.module_params(module_id), where=f"processing module {module_id}"
            )
            with make_client(connection, deadline=ctx.deadline) as client:
                balance = client.balance()
            if not balance.currency:
                logger.warning("the upstream did not name its currency for module %s", module_id)
            billing.save_balance(module_id, balance.amount, balance.currency, datetime.now())
            results.append((module_id, balance.amount, balance.currency))
        except ModuleError as exc:
            if len(module_ids) == 1:
                raise
            logger.error("balance of processing module %s: %s", module_id, exc.desc)
            errors.append(exc)
    if errors and not results:
        raise errors[0]
    return balance_document(results)
