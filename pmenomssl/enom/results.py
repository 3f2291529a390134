"""ENOM's successful answers -> the typed results of `models` (one function per command)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from pmenomssl.enom import models
from pmenomssl.enom.envelope import (
    Envelope,
    boolean,
    child,
    children,
    date,
    descendant,
    integer,
    money,
    numeric_id,
    pem,
    text,
    text_of,
)
from pmenomssl.enom.errors import EnomMalformedResponseError


def _missing(what: str, command: str, env: Envelope) -> EnomMalformedResponseError:
    return EnomMalformedResponseError(
        f"the answer had no {what}", command=command, tracking_key=env.tracking_key
    )


def balance(env: Envelope, command: str = "GetBalance") -> models.Balance:
    amount = money(text(env.body, "Balance"), "Balance", command)
    available = money(text(env.body, "AvailableBalance"), "AvailableBalance", command)
    if amount is None or available is None:
        raise _missing("Balance/AvailableBalance", command, env)
    return models.Balance(balance=amount, available=available)


def products(env: Envelope, command: str = "GetCerts") -> list[models.Product]:
    """Every element under `<Certs>` with a `<ProdCode>` is a product (`<Cert1>` or `<Cert>`)."""
    certs = child(env.body, "Certs")
    if certs is None:
        raise _missing("<Certs> list", command, env)
    found: list[models.Product] = []
    for item in certs:
        code = text(item, "ProdCode")
        if not code:
            continue
        years = tuple(
            y for y in (integer(text_of(e), "Years", command) for e in children(item, "Years")) if y
        )
        found.append(
            models.Product(
                code=code,
                prod_type=integer(text(item, "ProdType"), "ProdType", command),
                description=text(item, "ProdDesc"),
                years=years,
                reseller_price=money(text(item, "ResellerPrice"), "ResellerPrice", command),
                retail_price=money(text(item, "RetailPrice"), "RetailPrice", command),
                enabled=boolean(text(item, "Enabled") or "True", "Enabled", command),
            )
        )
    return found


def purchase(env: Envelope, command: str = "PurchaseServices") -> models.Purchase:
    # CertID/OrderID sit at the root (UNCONFIRMED); look below it too in case of a wrapper.
    cert = child(env.root, "CertID")
    if cert is None:
        cert = descendant(env.root, "CertID")
    order = child(env.root, "OrderID")
    if order is None:
        order = descendant(env.root, "OrderID")
    return models.Purchase(
        cert_id=numeric_id(text_of(cert), "CertID", command),
        order_id=numeric_id(text_of(order), "OrderID", command),
    )


def approvers(element: etree._Element) -> tuple[models.Approver, ...]:
    """Every `<Approver Type=...><ApproverEmail>` with an address (empty Manual entries dropped)."""
    found: list[models.Approver] = []
    for item in children(element, "Approver"):
        email = text(item, "ApproverEmail") or (text_of(item) if len(item) == 0 else "")
        if email:
            kind = next((v for k, v in item.attrib.items() if str(k).lower() == "type"), "")
            found.append(models.Approver(email=email, type=str(kind)))
    return tuple(found)


def dcv(element: etree._Element) -> models.DcvInfo:
    return models.DcvInfo(
        method=text(element, "DVAuthMethod"),
        file_name=text(element, "FileAuthName"),
        file_contents=text(element, "FileAuthContents"),
        dns_entry=text(element, "DNSAuthEntry"),
        dns_type=text(element, "DNSAuthType"),
        dns_address=text(element, "DNSAuthAddress"),
    )


def configured(env: Envelope, command: str = "CertConfigureCert") -> models.Configured:
    return models.Configured(
        cert_id=numeric_id(text(env.body, "CertID"), "CertID", command),
        prod_type=integer(text(env.body, "ProdType"), "ProdType", command),
        approvers=approvers(env.body),
        dv=dcv(env.body),
    )


def approver_list(
    env: Envelope, command: str = "CertGetApproverEmail"
) -> tuple[models.Approver, ...]:
    return approvers(env.body)


def submitted(env: Envelope, command: str = "CertPurchaseCert") -> models.Submitted:
    return models.Submitted(
        cert_id=numeric_id(text(env.body, "CertID"), "CertID", command),
        approver_email=text(env.body, "ApproverEmail"),
        ca_order_id=text(env.body, "GeoTrustOrderID"),
        dv=dcv(env.body),
    )


def _domain_list(element: etree._Element | None) -> tuple[str, ...]:
    """UCC `<DomainList>`: child elements or a comma/space separated text (shape UNCONFIRMED)."""
    if element is None:
        return ()
    if len(element):
        values = [text_of(e) for e in element.iterdescendants() if len(e) == 0]
    else:
        values = text_of(element).replace(",", " ").split()
    return tuple(v for v in values if v)


def _cert_fields(element: etree._Element, command: str) -> dict[str, Any]:
    """What CertGetCertDetail's answer and each `<Cert>` of CertGetCerts both say of a
    certificate, under the same element names: the fields CertDetail and CertSummary share."""
    return {
        "cert_id": numeric_id(text(element, "CertID"), "CertID", command),
        "order_id": text(element, "OrderID"),
        "domain": text(element, "DomainName"),
        "status_id": integer(text(element, "CertStatusID"), "CertStatusID", command),
        "status": text(element, "CertStatus"),
        "prod_type": integer(text(element, "ProdType"), "ProdType", command),
        "prod_desc": text(element, "ProdDesc"),
        "order_date": date(text(element, "OrderDate"), "OrderDate", command),
        "config_date": date(text(element, "ConfigDate"), "ConfigDate", command),
        "expiration_date": date(text(element, "ExpirationDate"), "ExpirationDate", command),
        "validity_months": integer(text(element, "ValidityPeriod"), "ValidityPeriod", command),
    }


def cert_detail(env: Envelope, command: str = "CertGetCertDetail") -> models.CertDetail:
    body = env.body
    return models.CertDetail(
        **_cert_fields(body, command),
        status_detail=text(body, "CertStatusDetail"),
        approver_email=text(body, "ApproverEmail"),
        ssl_certificate=pem(text(body, "SSLCertificate")),
        ca_certs=pem(text(body, "CACerts")),
        csr=pem(text(body, "CSR")),
        reissue_status=text(body, "ReissueStatus"),
        reference_id=text(body, "ReferenceID"),
        dv=dcv(body),
        domain_list=_domain_list(child(body, "DomainList")),
    )


def _cert_summary(item: etree._Element, command: str) -> models.CertSummary:
    return models.CertSummary(
        **_cert_fields(item, command),
        is_expired=boolean(text(item, "IsExpired"), "IsExpired", command),
    )


def cert_page(
    env: Envelope, command: str = "CertGetCerts", *, start: int = 1, page_size: int = 0
) -> models.CertPage:
    """One CertGetCerts page; paging values ENOM leaves out default to what was asked."""
    certs = child(env.body, "Certs")
    items = [e for e in certs if child(e, "CertID") is not None] if certs is not None else []
    summaries = tuple(_cert_summary(item, command) for item in items)
    total = integer(text(certs, "TotalRecords"), "TotalRecords", command)
    if total is None:
        total = integer(text(env.root, "TotalCertCount"), "TotalCertCount", command)
    return models.CertPage(
        certs=summaries,
        start=integer(text(certs, "StartPosition"), "StartPosition", command) or start,
        page_size=integer(text(certs, "PagingPageSize"), "PagingPageSize", command) or page_size,
        total=total if total is not None else len(summaries),
        enom_time=text(env.root, "RequestDateTime"),
    )


def parsed_csr(env: Envelope, command: str = "CertParseCSR") -> models.ParsedCsr:
    body = env.body
    return models.ParsedCsr(
        domain=text(body, "DomainName"),
        organization=text(body, "Organization"),
        organization_unit=text(body, "OrganizationUnit"),
        locality=text(body, "Locality"),
        state=text(body, "State"),
        country=text(body, "Country"),
        email=text(body, "Email"),
        has_bad_extensions=boolean(text(body, "HasBadExtensions"), "HasBadExtensions", command),
    )


def message(env: Envelope, command: str = "") -> str:
    """`<Message>` of CertReissueCert (root or wrapper)."""
    return text(env.body, "Message") or text(env.root, "Message")


def approver_email(env: Envelope, command: str = "") -> str:
    """`<ApproverEmail>` of CertResendApproverEmail / CertChangeApproverEmail."""
    return text(env.body, "ApproverEmail")


def order_detail(env: Envelope, command: str = "GetOrderDetail") -> models.OrderDetail:
    """GetOrderDetail; its nesting is not documented by example, so fields are searched deep."""

    def deep(name: str) -> str:
        found = child(env.body, name)
        return text_of(found if found is not None else descendant(env.body, name))

    order_id = deep("OrderID")
    return models.OrderDetail(
        order_id=numeric_id(order_id, "OrderID", command),
        bill_amount=money(deep("OrderBillAmount"), "OrderBillAmount", command),
        bill_date=date(deep("BillDate"), "BillDate", command),
        status=deep("OrderStatus") or deep("Status"),
        result=deep("Result"),
    )
