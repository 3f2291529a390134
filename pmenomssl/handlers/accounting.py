"""What every handler's module-level commands share: the connection check's error and
getbalance's walk over the modules, down to the document it prints (billmanager-protocol.md 2.3).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from pmenomssl.errors import ModuleError

if TYPE_CHECKING:
    from pmenomssl.handlers.base import Context
    from pmenomssl.handlers.connection import Connection

logger = logging.getLogger(__name__)

#: Saves one module's balance (amount, currency); given to a handler's balance reader.
SaveBalance = Callable[[Decimal, str], None]


def connection_error(exc: ModuleError, connection: Connection) -> ModuleError:
    """The client's error, with the URL, login and source address it was about (its desc
    names the fix)."""
    from pmenomssl.handlers.sourceip import describe

    desc = (
        f"Connection check of {connection.url} as {connection.username!r} "
        f"{describe(connection.sourceip)} failed: {exc.desc}"
    )
    return ModuleError(desc, error_type=exc.error_type, obj=exc.obj, value=exc.value)


def getbalance(ctx: Context, read_balance: Callable[[int, SaveBalance], None]) -> etree._Element:
    """getbalance: with `--module M` that module, else every active module of this name.

    `read_balance(module_id, save)` asks the provider and calls `save(amount, currency)`, which
    saves it (processing.savebalance) for the document. One module's failure is the command's
    error when it is the only one (or every one failed); otherwise it is logged and the others
    still count.
    """
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

        def save(amount: Decimal, currency: str, module_id: int = module_id) -> None:
            billing.save_balance(module_id, amount, currency, datetime.now())
            results.append((module_id, amount, currency))

        try:
            read_balance(module_id, save)
        except ModuleError as exc:
            if len(module_ids) == 1:
                raise
            logger.error("balance of processing module %s: %s", module_id, exc.desc)
            errors.append(exc)
    if errors and not results:
        raise errors[0]
    return balance_document(results)


def balance_document(values: Sequence[tuple[int, Decimal, str]]) -> etree._Element:
    """`<doc><balance/><currency/></doc>` of the first module; with several, one `<module>`
    element per (module id, balance, currency)."""
    doc = etree.Element("doc")
    if values:
        etree.SubElement(doc, "balance").text = str(values[0][1])
        etree.SubElement(doc, "currency").text = values[0][2]
    if len(values) > 1:
        for module_id, amount, currency in values:
            etree.SubElement(
                doc, "module", id=str(module_id), balance=str(amount), currency=currency
            )
    return doc
