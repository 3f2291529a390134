"""The upstream's client API functions: request parameters in, a `<doc>` reply out.

`execute(state, params)` authenticates the `authinfo`, dispatches on `func` and returns the
reply document as bytes; every refusal is rendered with `pmenomssl.upstream.errors.error_xml`,
the same helper the client's cassettes use. The caller holds `state.lock`.

Functions served (itemtype = certificate, soft, vhost, vds, dedic):

    whoami, dashboard.info                   the account: name, level, balance, currency
    <itemtype>                               the services, paged: p_cnt, p_num -> p_elems
    v2.<itemtype>.order.pricelist            the tariffs with periods and addons
    v2.<itemtype>.order.param                (not certificate) without sok: the order form;
                                             with sok=ok: a PAID order -> <id>
    certificate.order.param                  the same for certificates (a valid csr required)
    service.prolong                          PAID: elid, period -> <expiredate>
    <itemtype>.edit                          without sok: the service's fields; with sok: write
    <itemtype>.delete|suspend|resume         write -> <ok/>
    item.setremoteid                         elid, value -> <ok/>
    certificate.file                         elid -> <crt>, <csr>; type="missing" until issued
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from pmenomssl.sandbox.upstream.state import (
    ERROR_TYPE_VALUE,
    ITEMTYPES,
    STATUS_NAMES,
    ApiError,
    SandboxService,
    UpstreamState,
    format_money,
)
from pmenomssl.upstream.errors import ERROR_TYPE_MISSING, error_xml

# The function names, the UNCONFIRMED ones among them, are the client's: one place, so the
# sandbox serves exactly what the client calls.
from pmenomssl.upstream.functions import (
    BALANCE_FALLBACK_FUNC,
    BALANCE_FUNC,
    CERTIFICATE_FILE_FUNC,
    CERTIFICATE_ORDER_FUNC,
    PROLONG_FUNC,
    SET_REMOTEID_FUNC,
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
        return render(dispatch(state, params.get("func", ""), params))
    except ApiError as error:
        return render_error(error)


def dispatch(state: UpstreamState, func: str, params: Params) -> ET.Element:
    handler = _simple_functions().get(func)
    if handler is not None:
        return handler(state, params)
    if func in ITEMTYPES:
        return _list(state, func, params)
    if func == CERTIFICATE_ORDER_FUNC:
        return _order(state, func, "certificate", params)
    if func.startswith("v2.") and func.count(".") == 3:
        _, itemtype, order, action = func.split(".")
        if itemtype in ITEMTYPES and order == "order":
            if action == "pricelist":
                return _pricelist(state, itemtype)
            if action == "param" and itemtype != "certificate":  # certificates: no "v2."
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
        _service_row(doc, service)
    ET.SubElement(doc, "p_elems").text = str(len(services))
    ET.SubElement(doc, "p_num").text = str(page)
    ET.SubElement(doc, "p_cnt").text = str(page_size or len(services))
    return doc


def _service_row(doc: ET.Element, service: SandboxService) -> None:
    elem = ET.SubElement(doc, "elem")
    columns = {
        "id": service.id,
        "name": service.name,
        "pricelist_id": service.pricelist,
        "status": str(service.status),
        "expiredate": service.expiredate.isoformat() if service.expiredate else "",
        "period": str(service.period),
        "remoteid": service.remoteid,
        "autoprolong": service.fields.get("autoprolong", ""),
    }
    for tag, text in columns.items():
        ET.SubElement(elem, tag).text = text


def _pricelist(state: UpstreamState, itemtype: str) -> ET.Element:
    doc = ET.Element("doc")
    for tariff in state.tariffs_of(itemtype):
        elem = ET.SubElement(doc, "elem")
        ET.SubElement(elem, "pricelist").text = tariff.id
        ET.SubElement(elem, "title").text = tariff.title
        ET.SubElement(elem, "currency").text = state.currency
        for months, cost in sorted(tariff.periods.items()):
            ET.SubElement(elem, "period", length=str(months), cost=format_money(cost))
        for addon in tariff.addons:
            ET.SubElement(
                elem,
                "addon",
                id=addon.id,
                name=addon.name,
                cost=format_money(addon.cost),
                min=str(addon.min),
                max=str(addon.max),
            )
    return doc


# --- ordering ----------------------------------------------------------------------------------


def _order(state: UpstreamState, func: str, itemtype: str, params: Params) -> ET.Element:
    if params.get("sok") == "ok":
        return _doc(id=state.order(func, itemtype, params).id)
    return _order_form(state, itemtype, params)


def _order_form(state: UpstreamState, itemtype: str, params: Params) -> ET.Element:
    """Without sok: the form for the chosen tariff (its periods, addons and OS templates)."""
    tariff = state.tariff(itemtype, params.get("pricelist", ""))
    doc = _doc(pricelist=tariff.id)
    periods = ET.SubElement(doc, "slist", name="order_period")
    for months, cost in sorted(tariff.periods.items()):
        ET.SubElement(
            periods, "val", key=str(months), cost=format_money(cost)
        ).text = f"{months} month(s)"
    if tariff.ostempls:
        templates = ET.SubElement(doc, "slist", name="ostempl")
        for name in tariff.ostempls:
            ET.SubElement(templates, "val", key=name).text = name
    for addon in tariff.addons:
        ET.SubElement(
            doc,
            f"addon_{addon.id}",
            name=addon.name,
            cost=format_money(addon.cost),
            min=str(addon.min),
            max=str(addon.max),
        ).text = str(addon.min)
    return doc


# --- service calls -----------------------------------------------------------------------------


def _prolong(state: UpstreamState, params: Params) -> ET.Element:
    _require_sok(params, PROLONG_FUNC)
    service = state.prolong(params.get("elid", ""), params.get("period", ""))
    assert service.expiredate is not None  # prolong refuses services without one
    return _doc(expiredate=service.expiredate.isoformat())


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
