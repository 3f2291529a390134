"""How an upstream BILLmanager's reply is read: its <doc> envelope (upstream's <error>, a reply
cut off, a page that is not BILLmanager's) and the rows and values inside it.

Everything here is pure (bytes or elements in, values or Upstream*Error out), so it is tested
without HTTP.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from pmenomssl import log as pmlog
from pmenomssl.transport.safexml import PARSER
from pmenomssl.upstream.errors import UpstreamBadResponse, UpstreamNotBillmanager, api_error
from pmenomssl.upstream.models import (
    STATUS_UNKNOWN,
    Choice,
    OrderForm,
    Tariff,
    TariffAddon,
    UpstreamService,
)
from pmenomssl.upstream.numbers import parse_int, parse_money

# A list page of a few hundred services is well under 1 MiB; anything far bigger is not a reply.
MAX_REPLY_BYTES = 32 * 1024 * 1024
# A reply that starts like BILLmanager's document (an XML declaration or <doc>, however short);
# if it then fails to parse, it was cut off rather than being some other page.
_XML_STARTS = (b"<?xml", b"<doc")


def document(content: bytes, func: str) -> etree._Element:
    """The reply's <doc>; upstream's <error> raised as the class the error table says."""
    if not content.strip():
        raise UpstreamBadResponse("empty reply", func=func)
    if len(content) > MAX_REPLY_BYTES:
        raise UpstreamBadResponse(f"reply of {len(content)} bytes is too large", func=func)
    head = content[:2048].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        # HTML pages declare a doctype; BILLmanager's XML never does (and DTDs mean XXE).
        raise UpstreamNotBillmanager(f"the reply is a web page: {_excerpt(content)}", func=func)
    try:
        root = etree.fromstring(content, PARSER)
    except etree.XMLSyntaxError as exc:
        if _cut_off_xml(content):
            raise UpstreamBadResponse(f"the XML reply is cut off ({exc.msg})", func=func) from None
        raise UpstreamNotBillmanager(
            f"the reply is not XML: {_excerpt(content)}", func=func
        ) from None
    if root.tag != "doc":
        raise UpstreamNotBillmanager(f"the reply's root is <{root.tag}>, not <doc>", func=func)
    error = root.find("error")
    if error is not None:
        msg = error.findtext("msg") or error.text or ""
        raise api_error(
            func=func,
            upstream_type=error.get("type", ""),
            upstream_object=error.get("object", ""),
            upstream_msg=pmlog.redact(" ".join(msg.split()))[:500],
        )
    return root


def _cut_off_xml(content: bytes) -> bool:
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    looks_xml = any(start.startswith(s) or s.startswith(start) for s in _XML_STARTS)
    return looks_xml and b"<html" not in start.lower()


# UNCONFIRMED: the textual `item_status` values; the numbers are settled (1-5).
_STATUS_WORDS = {
    "ordered": 1,
    "active": 2,
    "stopped": 3,
    "suspended": 3,
    "deleted": 4,
    "processing": 5,
}


def _text(elem: etree._Element, *tags: str) -> str:
    """The first non-empty text among `tags` (the same thing is named differently per list)."""
    for tag in tags:
        value = (elem.findtext(tag) or "").strip()
        if value:
            return value
    return ""


def _status(text: str) -> int:
    """`status` / `item_status` as a number 1-5; STATUS_UNKNOWN when absent or unknown (the
    safe reading: a pending service, nothing is done on it)."""
    if text.isdigit():
        return int(text)
    return _STATUS_WORDS.get(text.lower(), STATUS_UNKNOWN)


def service_row(elem: etree._Element, itemtype: str, func: str) -> UpstreamService:
    """A list row by the columns it has: the certificate list (`id, CN, account, pricelist,
    project, processingmodule, createdate, expiredate, status_msg, item_status, cost`) has no
    `status`, `remoteid` or tariff id; other lists are read the same tolerant way."""
    service_id = (elem.findtext("id") or "").strip()
    if not service_id:
        raise UpstreamBadResponse("a service row has no <id>", func=func)
    period_text = (elem.findtext("period") or "").strip()
    return UpstreamService(
        id=service_id,
        itemtype=itemtype,
        name=_text(elem, "name", "CN", "domain"),
        status=_status(_text(elem, "status", "item_status")),
        expiredate=date_or_none(elem.findtext("expiredate"), func),
        period=whole_number(period_text, func, "period") if period_text.isdigit() else None,
        remoteid=_text(elem, "remoteid"),
        pricelist=_text(elem, "pricelist_id", "pricelist"),
        createdate=date_or_none(elem.findtext("createdate"), func),
    )


def tariff_row(elem: etree._Element, func: str) -> Tariff:
    """A catalogue row: `id`, `title`, `prices/price` (`period` months, `cost`, `currency`).
    Periods that are not a whole number of months (BILLmanager marks days and trials with
    negative or zero lengths) are left out: this module sells months only."""
    tariff_id = (elem.findtext("id") or "").strip()
    if not tariff_id:
        raise UpstreamBadResponse("a tariff row has no <id>", func=func)
    periods: dict[int, Decimal] = {}
    currency = ""
    for price in elem.iterfind("prices/price"):
        period_text = (price.findtext("period") or "").strip()
        if not period_text.isdigit() or int(period_text) < 1:
            continue
        periods[int(period_text)] = amount(price.findtext("cost") or "", func)
        currency = currency or (price.findtext("currency") or "").strip()
    return Tariff(
        id=tariff_id,
        title=(elem.findtext("title") or "").strip(),
        currency=currency,
        periods=periods,
    )


def order_form(root: etree._Element, pricelist: str, func: str) -> OrderForm:
    """Fields are leaf children of <doc>; choices are `<slist name><val key>text</val>`;
    `addon_<id>` fields are the addons (UNCONFIRMED: `cost`/`min`/`max` attributes on them,
    read when present)."""
    fields: dict[str, str] = {}
    addons: list[TariffAddon] = []
    for child in root:
        if not isinstance(child.tag, str) or len(child) or child.tag == "slist":
            continue
        value = (child.text or "").strip()
        fields[child.tag] = value
        if child.tag.startswith("addon_") and child.tag != "addon_":
            cost, low, high = child.get("cost"), child.get("min"), child.get("max")
            addons.append(
                TariffAddon(
                    id=child.tag[len("addon_") :],
                    name=child.get("name", "").strip(),
                    cost=amount(cost, func) if cost else None,
                    min=whole_number(low, func, "addon min") if low else None,
                    max=whole_number(high, func, "addon max") if high else None,
                    value=value,
                )
            )
    choices = {
        slist.get("name", ""): [
            Choice(key=val.get("key", "").strip(), text=(val.text or "").strip())
            for val in slist.iterfind("val")
        ]
        for slist in root.iterfind("slist")
    }
    return OrderForm(pricelist=pricelist, fields=fields, choices=choices, addons=addons)


def is_bare_ok(root: etree._Element) -> bool:
    """<doc><ok/></doc> (nothing else but whitespace): no data where data was asked for."""
    children = [c for c in root if isinstance(c.tag, str)]
    return len(children) == 1 and children[0].tag == "ok"


def amount(text: str, func: str) -> Decimal:
    try:
        return parse_money(text)
    except ValueError:
        raise UpstreamBadResponse(f"{text!r} is not an amount", func=func) from None


def whole_number(text: str, func: str, what: str) -> int:
    try:
        return parse_int(text)
    except ValueError:
        raise UpstreamBadResponse(f"{what} {text!r} is not a whole number", func=func) from None


def date_or_none(text: str | None, func: str) -> date | None:
    """ISO `2027-11-22` (a time after it is ignored) or `22.11.2027`; empty or a dash: None."""
    value = (text or "").strip()
    if not value or value in ("-", "0000-00-00"):
        return None
    for pattern, length in (("%Y-%m-%d", 10), ("%d.%m.%Y", 10)):
        try:
            return datetime.strptime(value[:length], pattern).date()
        except ValueError:
            continue
    raise UpstreamBadResponse(f"{value!r} is not a date", func=func)


def pem_text(text: str | None) -> str:
    value = (text or "").strip()
    return value + "\n" if value else ""


def _excerpt(content: bytes) -> str:
    text = " ".join(content[:300].decode("utf-8", "replace").split())
    return pmlog.redact(text)[:160]
