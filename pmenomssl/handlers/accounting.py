"""What every handler's module-level commands share: the connection check's error and the
document getbalance prints (billmanager-protocol.md 2.3)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from lxml import etree

from pmenomssl.errors import ModuleError


def connection_error(exc: ModuleError, url: str, username: str, sourceip: str = "") -> ModuleError:
    """The client's error, with the URL, login and source address it was about (its desc
    names the fix)."""
    from pmenomssl.handlers.sourceip import describe

    desc = f"Connection check of {url} as {username!r} {describe(sourceip)} failed: {exc.desc}"
    return ModuleError(desc, error_type=exc.error_type, obj=exc.obj, value=exc.value)


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
