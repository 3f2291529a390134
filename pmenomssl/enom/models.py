"""Typed results of the ENOM client: frozen dataclasses, no behaviour.

Money is `Decimal` in USD (ENOM has no currency element), dates are naive `datetime` as ENOM
sends them (US format, no time zone), ids are the decimal strings ENOM sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

CURRENCY = "USD"


@dataclass(frozen=True)
class Balance:
    """GetBalance: `available` is what a purchase may spend."""

    balance: Decimal
    available: Decimal


@dataclass(frozen=True)
class Product:
    """One GetCerts entry. `code` is lower-case as ENOM returns it."""

    code: str
    prod_type: int | None
    description: str
    years: tuple[int, ...]
    reseller_price: Decimal | None
    retail_price: Decimal | None
    enabled: bool


@dataclass(frozen=True)
class Purchase:
    """PurchaseServices: the new certificate and the order that paid for it."""

    cert_id: str
    order_id: str


@dataclass(frozen=True)
class Approver:
    """A domain-control approver address; `type` is Domain, Generic or Manual."""

    email: str
    type: str


@dataclass(frozen=True)
class DcvInfo:
    """File/DNS domain-control validation data; all empty for e-mail validation."""

    method: str = ""
    file_name: str = ""
    file_contents: str = ""
    dns_entry: str = ""
    dns_type: str = ""
    dns_address: str = ""


@dataclass(frozen=True)
class Configured:
    """CertConfigureCert: the approver addresses the CA allows (empty Manual entries dropped)."""

    cert_id: str
    prod_type: int | None
    approvers: tuple[Approver, ...]
    dv: DcvInfo = field(default_factory=DcvInfo)


@dataclass(frozen=True)
class Contact:
    """An Admin/Tech/Billing contact. `state` is sent as State or Province by the country."""

    first_name: str
    last_name: str
    org_name: str
    job_title: str
    address1: str
    address2: str
    city: str
    state: str
    postal_code: str
    country: str
    phone: str
    email: str
    fax: str = ""
    phone_ext: str = ""


@dataclass(frozen=True)
class UccDomain:
    """One extra domain of a multi-domain (UCC) certificate and its approver address."""

    domain: str
    approver_email: str


@dataclass(frozen=True)
class Submitted:
    """CertPurchaseCert: the order went to the CA."""

    cert_id: str
    approver_email: str
    ca_order_id: str
    dv: DcvInfo = field(default_factory=DcvInfo)


@dataclass(frozen=True)
class CertDetail:
    """CertGetCertDetail. PEM fields have every line stripped and end with a newline (or are "")."""

    cert_id: str
    order_id: str
    domain: str
    status_id: int | None
    status: str
    status_detail: str
    prod_type: int | None
    prod_desc: str
    order_date: datetime | None
    config_date: datetime | None
    expiration_date: datetime | None
    validity_months: int | None
    approver_email: str
    ssl_certificate: str
    ca_certs: str
    csr: str
    reissue_status: str
    reference_id: str
    dv: DcvInfo = field(default_factory=DcvInfo)
    domain_list: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertSummary:
    """One `<Cert>` of CertGetCerts."""

    cert_id: str
    order_id: str
    domain: str
    prod_type: int | None
    prod_desc: str
    status_id: int | None
    status: str
    order_date: datetime | None
    config_date: datetime | None
    expiration_date: datetime | None
    is_expired: bool
    validity_months: int | None


@dataclass(frozen=True)
class CertPage:
    """One page of CertGetCerts; `start` is 1-based, `total` counts all matching certificates."""

    certs: tuple[CertSummary, ...]
    start: int
    page_size: int
    total: int
    # The answer's RequestDateTime as ENOM wrote it (ENOM's own clock, no time zone): kept with
    # a purchase intent for people reading it, never compared with this server's clock.
    enom_time: str = ""


@dataclass(frozen=True)
class ParsedCsr:
    """CertParseCSR: what ENOM read from the CSR."""

    domain: str
    organization: str
    organization_unit: str
    locality: str
    state: str
    country: str
    email: str
    has_bad_extensions: bool


@dataclass(frozen=True)
class OrderDetail:
    """GetOrderDetail: what an order actually cost (USD), for reconciliation."""

    order_id: str
    bill_amount: Decimal | None
    bill_date: datetime | None
    status: str
    result: str
