"""Module-level commands: check_connection, getbalance, usercreate (and the product cache).

getbalance: GetBalance -> processing.savebalance (AvailableBalance, USD) and
`<doc><balance>…</balance><currency>USD</currency></doc>`; without --module for every active
module of this name. One ENOM call per module; the product cache is refreshed only when stale.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lxml import etree

from pmenomssl.handlers import accounting
from pmenomssl.handlers.enomssl import products
from pmenomssl.handlers.enomssl.settings import from_document, from_params, make_client
from pmenomssl.handlers.sourceip import describe

if TYPE_CHECKING:
    from pmenomssl.enom import EnomClient
    from pmenomssl.handlers.accounting import SaveBalance
    from pmenomssl.handlers.base import Context

logger = logging.getLogger(__name__)

CURRENCY = "USD"  # ENOM has no currency element; amounts are US dollars (enom-api.md 4)
# Where a provider without an ENOM reseller account gets one (usercreate's <outerlink>).
RESELLER_SIGNUP_URL = "https://www.enom.com/reseller/"


def refresh_products(ctx: Context, client: EnomClient) -> products.ProductCache:
    offered = products.offered_from_enom(client.get_certs())
    cache = products.save_cache(products.cache_path(ctx.root, ctx.module_name), offered)
    logger.info("product list refreshed: %s products offered by ENOM", len(offered))
    return cache


def check_connection(ctx: Context) -> etree._Element:
    """GetBalance with the form's credentials; each failure says its cause and its fix."""
    from pmenomssl.enom import EnomError

    connection = from_document(ctx.document)
    try:
        with make_client(connection, deadline=ctx.deadline) as client:
            balance = client.get_balance()
            logger.info(
                "connection to %s as %s %s works; available balance %s %s",
                connection.url,
                connection.username,
                describe(connection.sourceip),
                balance.available,
                CURRENCY,
            )
            try:
                refresh_products(ctx, client)
            except EnomError as exc:  # the connection works; the list can wait
                logger.warning("could not refresh the product list: %s", exc.desc)
    except EnomError as exc:
        raise accounting.connection_error(exc, connection) from None
    return etree.Element("doc")


def getbalance(ctx: Context) -> etree._Element:
    cache_fresh = False

    def read_balance(module_id: int, save: SaveBalance) -> None:
        nonlocal cache_fresh
        connection = from_params(
            ctx.billing.module_params(module_id), where=f"processing module {module_id}"
        )
        with make_client(connection, deadline=ctx.deadline) as client:
            save(client.get_balance().available, CURRENCY)
            if not cache_fresh:
                cache_fresh = _refresh_if_stale(ctx, client)

    return accounting.getbalance(ctx, read_balance)


def _refresh_if_stale(ctx: Context, client: EnomClient) -> bool:
    """Refresh a cache older than CACHE_MAX_AGE_SECONDS; a missing one is left to open and
    check_connection, so getbalance stays one ENOM call on a fresh host."""
    from pmenomssl.enom import EnomError

    cache = products.load_cache(products.cache_path(ctx.root, ctx.module_name))
    if cache is None or cache.age_seconds() < products.CACHE_MAX_AGE_SECONDS:
        return True
    try:
        refresh_products(ctx, client)
    except EnomError as exc:
        logger.warning("could not refresh the product list: %s", exc.desc)
    return True


def usercreate(ctx: Context) -> etree._Element:
    """The "add new client" form, returned with a link to ENOM's reseller sign-up."""
    doc = ctx.document if ctx.document is not None else etree.Element("doc")
    for old in doc.findall("outerlink"):
        doc.remove(old)
    etree.SubElement(doc, "outerlink").text = RESELLER_SIGNUP_URL
    return doc
