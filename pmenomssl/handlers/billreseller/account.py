"""Module-level commands: check_connection and getbalance.

check_connection: one balance read with the form's credentials; a failure names its cause
(credentials, IP restriction, two-factor auth, not a BILLmanager, unreachable: the client's
error types) and the URL and login it concerns.
getbalance: the balance -> processing.savebalance and `<doc><balance/><currency/></doc>`; with
`--module M` for that module, else for every active module of this name (one call each).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lxml import etree

from pmenomssl.handlers import accounting
from pmenomssl.handlers.billreseller.settings import (
    from_document,
    from_params,
    make_client,
)
from pmenomssl.handlers.sourceip import describe

if TYPE_CHECKING:
    from pmenomssl.handlers.accounting import SaveBalance
    from pmenomssl.handlers.base import Context

logger = logging.getLogger(__name__)


def check_connection(ctx: Context) -> etree._Element:
    from pmenomssl.upstream import UpstreamError

    connection = from_document(ctx.document)
    try:
        with make_client(connection, deadline=ctx.deadline) as client:
            balance = client.balance()
    except UpstreamError as exc:
        raise accounting.connection_error(exc, connection) from None
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
    def read_balance(module_id: int, save: SaveBalance) -> None:
        connection = from_params(
            ctx.billing.module_params(module_id), where=f"processing module {module_id}"
        )
        with make_client(connection, deadline=ctx.deadline) as client:
            balance = client.balance()
        if not balance.currency:
            logger.warning("the upstream did not name its currency for module %s", module_id)
        save(balance.amount, balance.currency)

    return accounting.getbalance(ctx, read_balance)
