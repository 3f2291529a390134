"""ENOM's `<interface-response>` XML, in the shapes the reference (enom-api.md) documents.

Bodies are built as text (ENOM's answers are flat and small; CDATA and exact element case matter
more than a DOM). `envelope()` adds the common trailer and can produce the malformed variants the
fault injection needs (wrong root, `Done` missing, a huge padded body).
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from pmenomssl.sandbox.enom import ca
from pmenomssl.sandbox.enom.state import (
    CONTACT_FIELDS,
    CONTACT_TYPES,
    UCC_DOMAINS_ALLOWED,
    WEB_SERVER_TYPE_NAMES,
    Certificate,
    Product,
)

ROOT = "interface-response"
SERVER_NAME = "SANDBOX"


def el(name: str, value: object = "", *, cdata: bool = False, attrs: str = "") -> str:
    """One element; `<Name></Name>` when empty (ENOM mixes this with `<Name/>`)."""
    text = "" if value is None else str(value)
    body = _cdata(text) if cdata else escape(text)
    return f"<{name}{attrs}>{body}</{name}>"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def group(name: str, parts: Iterable[str], attrs: str = "") -> str:
    inner = "\n".join(parts)
    return f"<{name}{attrs}>\n{inner}\n</{name}>"


def us_date(when: datetime.datetime | None, with_time: bool = True) -> str:
    """ENOM's `M/D/YYYY h:mm:ss AM` (or `M/D/YYYY`); '' for None."""
    if when is None:
        return ""
    day = f"{when.month}/{when.day}/{when.year}"
    if not with_time:
        return day
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"{day} {hour}:{when.minute:02d}:{when.second:02d} {half}"


def amount(value: Decimal) -> str:
    """Balances: `3,709.20`, `-1,832.23`."""
    return f"{value:,.2f}"


def price(value: Decimal) -> str:
    """Prices: `$9.95`."""
    return f"${value:,.2f}"


def flag(value: bool) -> str:
    return "True" if value else "False"


def envelope(
    command: str,
    body: str = "",
    errors: Sequence[str] = (),
    responses: Sequence[tuple[str, str]] = (),
    *,
    root: str = ROOT,
    done: bool = True,
    pad: int = 0,
    now: datetime.datetime | None = None,
    time_difference: str = "+0.00",
    lower_case: bool = False,
) -> bytes:
    """The whole answer. `root`/`done`/`pad` exist for the wrong_root/done_missing/huge faults.

    `now` is ENOM's own clock (clock.py), shown as RequestDateTime, with `time_difference`.
    `lower_case` writes every tag in lower case, as documented answers do (an older recorded
    CertGetCerts: `<certid>`, `<errcount>`, `<done>`; PE_GetProductPrice; Clientexec reads
    PurchaseServices' `certid`/`orderid` in lower case: enom-api.md, settled-facts.md).
    """
    when = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    parts = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root}>"]
    if body:
        parts.append(body)
    parts += [
        el("Command", command.upper()),
        el("APIType", "API.NET"),
        el("Language", "eng"),
        el("ErrCount", len(errors)),
    ]
    if errors:
        parts.append(group("errors", (el(f"Err{i}", e) for i, e in enumerate(errors, 1))))
    parts.append(el("ResponseCount", len(responses)))
    if responses:
        parts.append(
            group(
                "responses",
                (
                    group("response", [el("ResponseNumber", n), el("ResponseString", s)])
                    for n, s in responses
                ),
            )
        )
    parts += [
        el("MinPeriod", 1),
        el("MaxPeriod", 10),
        el("Server", SERVER_NAME),
        el("Site", "eNom"),
        "<IsLockable/>",
        "<IsRealTimeTLD/>",
        el("TimeDifference", time_difference),
        el("ExecTime", "0.010"),
    ]
    if done:
        parts.append(el("Done", "true"))
    parts += [
        el("TrackingKey", uuid.uuid4()),
        el("RequestDateTime", us_date(when)),
    ]
    if pad:
        parts.append(f"<debug><![CDATA[{'x' * pad}]]></debug>")
    else:
        parts.append("<debug/>")
    parts.append(f"</{root}>")
    text = "\n".join(parts) + "\n"
    return (lower_case_tags(text) if lower_case else text).encode("utf-8")


_CDATA_SPLIT = re.compile(r"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][\w.-]*)")


def lower_case_tags(text: str) -> str:
    """Every element name in lower case; CDATA sections untouched."""
    pieces = _CDATA_SPLIT.split(text)
    return "".join(
        piece if piece.startswith("<![CDATA[") else _TAG.sub(_lower_tag, piece) for piece in pieces
    )


def _lower_tag(match: re.Match[str]) -> str:
    return f"<{match.group(1)}{match.group(2).lower()}"


# --- command bodies --------------------------------------------------------------------------


def balance(balance_value: Decimal, available: Decimal) -> str:
    """GetBalance: fields at the root, no wrapper [DOC:GetBalance.md], [BENSIE]."""
    return "\n".join(
        [
            el("Reseller", 1),
            el("Balance", amount(balance_value)),
            el("AvailableBalance", amount(available)),
            el("DomainCount", 0),
        ]
    )


def products(items: Sequence[Product]) -> str:
    """GetCerts: `<GetCerts><Certs><Cert1>…` (nesting UNCONFIRMED in the reference)."""
    entries = []
    for i, p in enumerate(items, 1):
        fields = [
            el("ProdCode", p.code),
            el("ProdType", p.prod_type),
            el("ProdDesc", p.desc),
            el("QtyDesc", "Year(s)"),
            el("RetailPrice", price(p.retail_price)),
            el("ResellerPrice", price(p.reseller_price)),
            el("Enabled", flag(p.enabled)),
        ]
        fields += [el("Years", y) for y in p.years]
        entries.append(group(f"Cert{i}", fields))
    return group(
        "GetCerts",
        [el("Reseller", "True"), group("Certs", entries), el("CertCount", len(items))],
    )


def purchase(cert: Certificate) -> str:
    """PurchaseServices: CertID/OrderID at the root (tag case UNCONFIRMED)."""
    return "\n".join([el("CertID", cert.cert_id), el("OrderID", cert.order_id)])


def csr_fields(info: ca.CsrInfo) -> list[str]:
    return [
        el("Success", "True"),
        el("Organization", info.organization),
        el("DomainName", info.common_name),
        el("Email", info.email),
        el("HasBadExtensions", "False"),
        el("Locality", info.locality),
        el("OrganizationUnit", info.organization_unit),
        el("State", info.state),
        el("Country", info.country),
    ]


def approver_list(emails: Sequence[str]) -> list[str]:
    items = [group("Approver", [el("ApproverEmail", e)], attrs=' Type="Generic"') for e in emails]
    items.append('<Approver Type="Manual"></Approver>')
    return items


def configure(cert: Certificate, approvers: Sequence[str]) -> str:
    assert cert.csr is not None
    parts = [
        el("CertID", cert.cert_id),
        el("ProdType", cert.product.prod_type),
        group("CSRData", csr_fields(cert.csr)),
        el("ApproverEmail", ""),
        el("Success", "True"),
        *approver_list(approvers),
    ]
    return group("CertConfigureCert", parts)


def get_approvers(approvers: Sequence[str]) -> str:
    """The wrapper really is `CertGetApproverEMail` (capital M) [DOC], [NETENOM], [CE]."""
    return group("CertGetApproverEMail", [el("Success", "True"), *approver_list(approvers)])


def dv_fields(cert: Certificate) -> list[str]:
    """File/DNS validation data. The DNS meaning is UNCONFIRMED; the detail example is used."""
    domain = cert.domain[2:] if cert.domain.startswith("*.") else cert.domain
    stamp = (cert.submitted_at or cert.order_date).strftime("%Y%m%d%H%M%S")
    file_name = file_contents = dns_entry = dns_address = ""
    if cert.dv_method == "File":
        file_name = f"http://{domain}/.well-known/pki-validation/fileauth.txt"
        file_contents = f"{stamp}{cert.dv_token}"
    elif cert.dv_method == "DNS":
        dns_entry = f"s{cert.dv_token}"
        dns_address = f"s{stamp}.{domain}"
    return [
        el("DVAuthMethod", cert.dv_method),
        el("FileAuthName", file_name),
        el("FileAuthContents", file_contents),
        el("DNSAuthEntry", dns_entry),
        el("DNSAuthAddress", dns_address),
    ]


def submit(cert: Certificate) -> str:
    fields = dv_fields(cert)
    parts = [
        el("Success", "True"),
        el("GeoTrustOrderID", cert.ca_order_id),
        el("ApproverEmail", cert.approver_email),
        *fields,
        el("CertID", cert.cert_id),
    ]
    return group("CertPurchaseCert", parts)


def _contact_value(cert: Certificate, kind: str, name: str) -> str:
    c = cert.contacts
    if name == "StateProvince":
        return c.get(kind + "State") or c.get(kind + "Province") or ""
    if name == "StateProvinceChoice":
        given = c.get(kind + "StateProvinceChoice", "")
        if given:
            return given
        if c.get(kind + "State"):
            return "S"
        return "P" if c.get(kind + "Province") else ""
    return c.get(kind + name, "")


def detail(cert: Certificate, ca_pem: str) -> str:
    """CertGetCertDetail [DOC:cert-get-certdetail.md]."""
    issued = cert.issued
    web_type = cert.web_server_type
    parts = [
        el("CertID", cert.cert_id),
        el("DomainName", cert.domain, cdata=True),
        el("ValidityPeriod", cert.validity_months),
        el("OrderDate", us_date(cert.order_date)),
        el("ConfigDate", us_date(cert.config_date)),
        el("RenewalIndicator", "False"),
        el("WebServerTypeID", "" if web_type is None else web_type),
        el("WebServerTypeName", WEB_SERVER_TYPE_NAMES.get(web_type or 0, "")),
        el("OrderID", cert.order_id),
        el("OrderDetailID", cert.order_detail_id),
        el("ExpirationDate", us_date(cert.expiration)),
        el("ServerCount", 1),
        "<AuthStatusID />",
        el("AuthStatusName", ""),
        el("ApproverEmail", cert.approver_email),
        *dv_fields(cert),
        el("Message", ""),
        el("CertStatusID", cert.status_id),
        el("CertStatus", cert.status),
        el("CertStatusDetail", ""),
        el("ReissueStatus", cert.reissue_status),
        el("ComodoReissueStatus", ""),
        el("ProdType", cert.product.prod_type),
        el("ProdDesc", cert.product.desc),
        el("UseWebHosting", 0),
        el("SSLCertificate", issued.pem if issued else "", cdata=True),
        el("CSR", cert.csr.pem if cert.csr else "", cdata=True),
        el("CACerts", ca_pem if issued else "", cdata=True),
        el("ReferenceID", cert.reference_id),
        el("DomainCountAllowed", UCC_DOMAINS_ALLOWED if cert.product.ucc else ""),
    ]
    if cert.ucc_domains:
        parts.append(group("DomainList", [el("Domain", d, cdata=True) for d in cert.ucc_domains]))
    for kind in CONTACT_TYPES:
        parts += [
            el(kind + name, _contact_value(cert, kind, name), cdata=True) for name in CONTACT_FIELDS
        ]
    types = sorted(cert.product.web_server_types)
    parts.append(
        group(
            "WebServerTypes",
            (
                group(
                    "WebServerType",
                    [
                        el("WebServerTypeID", t),
                        el("WebServerTypeName", WEB_SERVER_TYPE_NAMES.get(t, f"Type {t}")),
                        el("WebServerTypeCode", f"type{t}"),
                    ],
                )
                for t in types
            ),
        )
    )
    return group("CertGetCertDetail", parts)


def cert_summary(cert: Certificate, now: datetime.datetime) -> str:
    expiration = cert.expiration
    return group(
        "Cert",
        [
            el("IsExpired", flag(cert.issued_at is not None and expiration < now)),
            el("CertID", cert.cert_id),
            el("OrderDate", us_date(cert.order_date, with_time=False)),
            el("ConfigDate", us_date(cert.config_date, with_time=False)),
            el("DomainName", cert.domain, cdata=True),
            el("ValidityPeriod", cert.validity_months),
            el("RenewalIndicator", "False"),
            el("ProdType", cert.product.prod_type),
            el("ProdDesc", cert.product.desc),
            el("ExpirationDate", us_date(expiration, with_time=False)),
            el("ServerCount", 1),
            el("CertStatus", cert.status),
            el("CertStatusID", cert.status_id),
            el("OrderID", cert.order_id),
            el("DomainCountAllowed", ""),
            el("ReissueStatus", cert.reissue_status),
        ],
    )


def cert_list(
    page: Sequence[Certificate],
    *,
    total_matching: int,
    total_account: int,
    start: int,
    page_size: int,
    prod_type: str,
    status: str,
    sort_by: str,
    direction: str,
    now: datetime.datetime,
) -> str:
    """CertGetCerts: paging fields inside `<Certs>`, `TotalCertCount` at the root (recorded)."""
    certs = [cert_summary(c, now) for c in page]
    certs += [
        el("ProductType", prod_type),
        el("StatusID", status),
        el("StartPosition", start),
        el("PagingPageSize", page_size),
        el("Count", len(page)),
        el("Sortby", sort_by),
        el("SortByDirection", direction),
        el("TotalRecords", total_matching),
    ]
    return (
        group("CertGetCerts", [group("Certs", certs)]) + "\n" + el("TotalCertCount", total_account)
    )


def parse_csr(info: ca.CsrInfo) -> str:
    return group("CertParseCSR", csr_fields(info))


def reissue() -> str:
    """CertReissueCert: `Success`/`Message` at the root [DOC:certreissuecert.md]."""
    return "\n".join([el("Success", "True"), "<Message />"])


def approver_email_result(wrapper: str, email: str) -> str:
    return group(wrapper, [el("ApproverEmail", email, cdata=True), el("Success", "true")])


def resend_fulfillment() -> str:
    """CertResendFulfillmentEmail: `Success` at the root [DOC:certresendfulfillmentemail.md]."""
    return el("Success", "True")


def modify_order(cert: Certificate) -> str:
    return group("CertModifyOrder", [el("CertID", cert.cert_id)])


def order_detail(cert: Certificate | None, order_id: str) -> str:
    """GetOrderDetail [DOC:getorderdetail.md]; an unknown order is Result False, ErrCount 0."""
    if cert is None:
        return group("Order", [el("OrderID", order_id), el("Result", "False")])
    return group(
        "Order",
        [
            el("OrderID", cert.order_id),
            el("Result", "true"),
            el("BillDate", us_date(cert.order_date)),
            "<CCRefNum/>",
            el("OrderBillAmount", price(cert.price)),
            "<AdjustToAccount/>",
            el("Certs", "true"),
            el("OrderStatus", 6),
            el("StatusDesc", "Successful"),
            el("OrderDate", us_date(cert.order_date)),
            group(
                "OrderDetail",
                [
                    el("ProductType", cert.product.desc),
                    el("Description", cert.domain or cert.product.code),
                    el("Status", "Successful"),
                    el("Quantity", cert.years),
                    el("DetailStatusID", 9),
                    el("AmountPaid", f"{cert.price:.2f}"),
                    el("OrderStatus", "Closed"),
                    el("CertID", cert.cert_id),
                ],
            ),
        ],
    )
