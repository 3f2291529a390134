"""The upstream's client API functions: request parameters in, a `<doc>` reply out.

`execute(state, params)` authenticates the `authinfo`, dispatches on `func` and returns the
reply document as bytes; every refusal is rendered with `pmenomssl.upstream.errors.error_xml`,
the same helper the client's cassettes use. The caller holds `state.lock`.

Functions served (itemtype = certificate, soft, vhost, vds, dedic; `<order>` is
`v2.<itemtype>.order` for vhost/vds/dedic and `<itemtype>.order` for certificate and soft, as
`pmenomssl.upstream.functions` names them):

    whoami, dashboard.info        the account: name, level, balance, currency
    <itemtype>                    the services, paged: p_cnt, p_num -> p_elems. Certificates by
                                  their documented columns (id, CN, account, pricelist (the
                                  tariff's name), project, processingmodule, createdate,
                                  expiredate, status_msg, item_status, cost): no status, no
                                  remoteid, no tariff id. Other types (UNCONFIRMED columns):
                                  id, name, pricelist (name), status, expiredate, period,
                                  remoteid, createdate.
    <order>.pricelist             doc/list/elem: id, title, prices/price (period, cost,
                                  currency) -- the shape every price-list reader expects
    <order>.param                 without sok: the tariff's order form (fields, slist choices:
                                  datacenter, the period, field_country; addon_<id> fields);
                                  with sok=ok: a PAID order -> <id> (skipbasket=on required)
    service.prolong               PAID: elid, period -> <expiredate> today and
                                  <doc><newexpiredate> (the WHMCS module's /doc/doc/newexpiredate)
    service.changepricelist       PAID: elid, pricelist, period -> <ok/>
    <itemtype>.edit               without sok: the service's fields; with sok: write (a paid
                                  addon increase without skipbasket=on waits in the cart)
    <itemtype>.delete|suspend|resume   write -> <ok/>
    item.setremoteid              elid, value -> <ok/>
    certificate.file              elid -> <crt>, <csr>; type="missing" until issued
                                  (UNCONFIRMED function)

With `two_factor_ok` set, every call answers a bare `<doc><ok/></doc>` (reported for accounts
with two-factor authentication).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from pmenomssl.sandbox.upstream.catalogue import COUNTRIES, DATACENTERS, ITEMTYPES, format_money
from pmenomssl.sandbox.upstream.errors import ERROR_TYPE_VALUE, ApiError
from pmenomssl.sandbox.upstream.services import STATUS_NAMES, SandboxService
from pmenomssl.sandbox.upstream.state import UpstreamState
from pmenomssl.upstream.errors import ERROR_TYPE_MISSING, error_xml

# The function names, the UNCONFIRMED ones among them, are the client's: one place, so the
# sandbox serves exactly what the client calls.
from pmenomssl.upstream.functions import (
    BALANCE_FALLBACK_FUNC,
    BALANCE_FUNC,
    CERTIFICATE_FILE_FUNC,
    CHANGE_PRICELIST_FUNC,
    PROLONG_FUNC,
    SET_REMOTEID_FUNC,
    order_func,
    order_period_field,
    pricelist_func,
    requires_datacenter,
)

_TAG = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"

Params = Mapping[str, str]


def render(doc: ET.Element) -> bytes:
    return XML_DECLARATION + ET.tostring(doc, encoding="unicode").encode("utf-8")


def render_error(error: ApiError) -> bytes:
    return error_xml(error.error_type, error.error_object, error.msg).encode("utf-8")


def _doc(children: Mapping[str, str] | None = None, **first: str) -> ET.Element:
    """`<doc>` with one element per item: `first` in order, then `children` not in `first`."""
    merged = dict(first)
    for tag, text in (children or {}).items():
        merged.setdefault(tag, text)
    doc = ET.Element("doc")
    for tag, text in merged.items():
        if _TAG.fullmatch(tag):  # an odd order parameter name must not break the XML
            ET.SubElement(doc, tag).text = text
    return doc


def _ok() -> ET.Element:
    doc = ET.Element("doc")
    ET.SubElement(doc, "ok")
    return doc


def execute(state: UpstreamState, params: Params) -> bytes:
    """Carry out one request; the reply body (HTTP 200, XML) whatever happens."""
    try:
        state.authenticate(params.get("authinfo", ""))
        if state.settings.two_factor_ok:
            return render(_ok())
        return render(dispatch(state, params.get("func", ""), params))
    except ApiError as error:
        return render_error(error)


def dispatch(state: UpstreamState, func: str, params: Params) -> ET.Element:
    handler = _simple_functions().get(func)
    if handler is not None:
        return handler(state, params)
    if func in ITEMTYPES:
        return _list(state, func, params)
    for itemtype in ITEMTYPES:
        if func == pricelist_func(itemtype):
            return _pricelist(state, itemtype)
        if func == order_func(itemtype):
            return _order(state, func, itemtype, params)
    itemtype, _, action = func.partition(".")
    if itemtype in ITEMTYPES:
        if action == "edit":
            return _edit(state, itemtype, params)
        if action == "delete":
            _require_sok(params, func)
            state.delete(itemtype, params.get("elid", ""))
            return _ok()
        if action in ("suspend", "resume"):
            _require_sok(params, func)
            state.suspend(itemtype, params.get("elid", ""), stop=action == "suspend")
            return _ok()
    raise ApiError(ERROR_TYPE_MISSING, "func", f"Unknown function {func!r}")


def _simple_functions() -> dict[str, Callable[[UpstreamState, Params], ET.Element]]:
    return {
        BALANCE_FUNC: _whoami,
        BALANCE_FALLBACK_FUNC: _dashboard,
        PROLONG_FUNC: _prolong,
        CHANGE_PRICELIST_FUNC: _change_pricelist,
        SET_REMOTEID_FUNC: _setremoteid,
        CERTIFICATE_FILE_FUNC: _certificate_file,
    }


def _require_sok(params: Params, func: str) -> None:
    # A write without sok=ok would only show a form upstream; refuse it loudly instead.
    if params.get("sok") != "ok":
        raise ApiError(ERROR_TYPE_VALUE, "sok", f"{func} changes nothing without sok=ok")


# --- account ---------------------------------------------------------------------------------


def _whoami(state: UpstreamState, params: Params) -> ET.Element:
    doc = ET.Element("doc")
    user = ET.SubElement(doc, "user", name=state.username, level=state.settings.level)
    if state.settings.whoami_balance:
        user.set("balance", format_money(state.balance))
        user.set("currency", state.currency)
    return doc


def _dashboard(state: UpstreamState, params: Params) -> ET.Element:
    return _doc(user=state.username, balance=format_money(state.balance), currency=state.currency)


# --- lists and catalogue ---------------------------------------------------------------------


def _positive(params: Params, name: str) -> int | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ApiError(ERROR_TYPE_VALUE, name, f"{name} must be a whole number >= 1")
    return int(text)


def _list(state: UpstreamState, itemtype: str, params: Params) -> ET.Element:
    """Every service of the type, oldest first; without p_cnt the whole list in one reply."""
    services = [s for s in state.services.values() if s.itemtype == itemtype]
    page_size = _positive(params, "p_cnt")
    page = _positive(params, "p_num") or 1
    shown = services if page_size is None else services[(page - 1) * page_size :][:page_size]
    doc = ET.Element("doc")
    for service in shown:
        state.seen_in_list(service)
        _service_row(doc, service, state.tariffs[service.pricelist].title)
    ET.SubElement(doc, "p_elems").text = str(len(services))
    ET.SubElement(doc, "p_num").text = str(page)
    ET.SubElement(doc, "p_cnt").text = str(page_size or len(services))
    return doc


def _service_row(doc: ET.Element, service: SandboxService, tariff_name: str) -> None:
    """One list row; the tariff column shows the tariff's name, as BILLmanager's lists do."""
    elem = ET.SubElement(doc, "elem")
    expiredate = service.expiredate.isoformat() if service.expiredate else ""
    created = service.createdate.isoformat()
    columns: dict[str, str]
    if service.itemtype == "certificate":
        # The documented certificate list columns, nothing more.
        columns = {
            "id": service.id,
            "CN": service.fields.get("domain", ""),
            "account": "sandbox",
            "pricelist": tariff_name,
            "project": "1",
            "processingmodule": "",
            "createdate": created,
            "expiredate": expiredate,
            "status_msg": "",
            "item_status": str(service.status),
            "cost": "",
        }
    else:
        columns = {
            "id": service.id,
            "name": service.name,
            "pricelist": tariff_name,
            "status": str(service.status),
            "expiredate": expiredate,
            "period": str(service.period),
            "remoteid": service.remoteid,
            "createdate": created,
        }
    for tag, text in columns.items():
        ET.SubElement(elem, tag).text = text


def _pricelist(state: UpstreamState, itemtype: str) -> ET.Element:
    doc = ET.Element("doc")
    rows = ET.SubElement(doc, "list", name="pricelist")
    for tariff in state.tariffs_of(itemtype):
        elem = ET.SubElement(rows, "elem")
        ET.SubElement(elem, "id").text = tariff.id
        ET.SubElement(elem, "title").text = tariff.title
        prices = ET.SubElement(elem, "prices")
        for months, cost in sorted(tariff.periods.items()):
            price = ET.SubElement(prices, "price")
            ET.SubElement(price, "period").text = str(months)
            ET.SubElement(price, "cost").text = format_money(cost)
            ET.SubElement(price, "currency").text = state.currency
    return doc


# --- ordering ----------------------------------------------------------------------------------


def _order(state: UpstreamState, func: str, itemtype: str, params: Params) -> ET.Element:
    if params.get("sok") == "ok":
        return _doc(id=state.order(func, itemtype, params).id)
    return _order_form(state, itemtype, params)


def _order_form(state: UpstreamState, itemtype: str, params: Params) -> ET.Element:
    """Without sok: the form for the chosen tariff: preset fields, `slist` choices (the period,
    data centres, OS templates, countries) and one `addon_<id>` field per addon, preset to its
    minimum. Addon prices are not part of the form (the sandbox's choice: no source shows them)."""
    tariff = state.tariff(itemtype, params.get("pricelist", ""))
    period_field = order_period_field(itemtype)
    doc = _doc(pricelist=tariff.id)
    ET.SubElement(doc, period_field).text = str(min(tariff.periods))
    periods = ET.SubElement(doc, "slist", name=period_field)
    for months in sorted(tariff.periods):
        ET.SubElement(periods, "val", key=str(months)).text = f"{months} month(s)"
    if requires_datacenter(itemtype):
        ET.SubElement(doc, "datacenter").text = DATACENTERS[0][0]
        datacenters = ET.SubElement(doc, "slist", name="datacenter")
        for key, name in DATACENTERS:
            ET.SubElement(datacenters, "val", key=key).text = name
    if itemtype == "certificate":
        countries = ET.SubElement(doc, "slist", name="field_country")
        for key, name in COUNTRIES:
            ET.SubElement(countries, "val", key=key).text = name
    if tariff.ostempls:
        templates = ET.SubElement(doc, "slist", name="ostempl")
        for name in tariff.ostempls:
            ET.SubElement(templates, "val", key=name).text = name
    for addon in tariff.addons:
        ET.SubElement(doc, f"addon_{addon.id}").text = str(addon.min)
    return doc


# --- service calls -----------------------------------------------------------------------------


def _prolong(state: UpstreamState, params: Params) -> ET.Element:
    _require_sok(params, PROLONG_FUNC)
    service = state.prolong(params.get("elid", ""), params.get("period", ""))
    assert service.expiredate is not None  # prolong refuses services without one
    # The outer expiredate is today's date; the new expiry is in the nested document
    # (ISPsystem's WHMCS module reads /doc/doc/newexpiredate).
    doc = _doc(expiredate=state.today().isoformat())
    nested = ET.SubElement(doc, "doc")
    ET.SubElement(nested, "newexpiredate").text = service.expiredate.isoformat()
    return doc


def _change_pricelist(state: UpstreamState, params: Params) -> ET.Element:
    _require_sok(params, CHANGE_PRICELIST_FUNC)
    state.change_pricelist(params)
    return _ok()


def _edit(state: UpstreamState, itemtype: str, params: Params) -> ET.Element:
    elid = params.get("elid", "")
    if params.get("sok") == "ok":
        state.edit(itemtype, elid, params)
        return _ok()
    service = state.service(itemtype, elid)
    return _doc(
        service.fields,
        elid=service.id,
        pricelist=service.pricelist,
        period=str(service.period),
        status=str(service.status),
        expiredate=service.expiredate.isoformat() if service.expiredate else "",
    )


def _setremoteid(state: UpstreamState, params: Params) -> ET.Element:
    _require_sok(params, SET_REMOTEID_FUNC)
    state.set_remoteid(params.get("elid", ""), params.get("value", ""))
    return _ok()


def _certificate_file(state: UpstreamState, params: Params) -> ET.Element:
    service = state.service("certificate", params.get("elid", ""))
    if not service.crt:
        raise ApiError(
            ERROR_TYPE_MISSING,
            "crt",
            f"Certificate {service.id} is {STATUS_NAMES[service.status]}: not issued yet",
        )
    return _doc(crt=service.crt, csr=service.csr)
