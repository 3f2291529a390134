"""The bodies of ENOM's answers, one function per command, in the shapes the reference
(enom-api.md) documents; `render.envelope()` wraps them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from pmenomssl.sandbox import ca
from pmenomssl.sandbox.enom.catalogue import UCC_DOMAINS_ALLOWED, WEB_SERVER_TYPE_NAMES, Product
from pmenomssl.sandbox.enom.certificates import CONTACT_FIELDS, CONTACT_TYPES, Certificate
from pmenomssl.sandbox.enom.render import amount, el, flag, group, price, us_date


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
