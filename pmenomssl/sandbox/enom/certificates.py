"""The sandbox's ENOM certificates: statuses, the certificate record, who may approve it, and
when a submitted one becomes issued.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from pmenomssl.sandbox import ca
from pmenomssl.sandbox.dates import add_months
from pmenomssl.sandbox.enom.catalogue import Product

# --- statuses (CertStatusID and its text) --------------------------------------------------

AWAITING_CONFIGURATION = 1
PROCESSING = 2
ISSUED = 4
REJECTED = 6
REFUNDED_NO_CERT = 7
REFUNDED_CERT_ISSUED = 8
APPROVAL_EMAIL_SENT = 9

STATUS_TEXT: dict[int, str] = {
    AWAITING_CONFIGURATION: "Awaiting Configuration",
    PROCESSING: "Processing",
    ISSUED: "Certificate Issued",
    REJECTED: "Rejected by Customer",
    REFUNDED_NO_CERT: "Refunded - No Cert Issued",
    REFUNDED_CERT_ISSUED: "Refunded - Cert Issued",
    APPROVAL_EMAIL_SENT: "Approval Email Sent",
    10: "Approved by Domain Owner",
}
PENDING = frozenset({PROCESSING, APPROVAL_EMAIL_SENT})
CONFIGURABLE = frozenset({AWAITING_CONFIGURATION, REJECTED})

# --- certificates ---------------------------------------------------------------------------

GENERIC_APPROVERS = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")
CONTACT_TYPES = ("Admin", "Tech", "Billing")
CONTACT_REQUIRED = (
    "FName",
    "LName",
    "Address1",
    "City",
    "PostalCode",
    "Country",
    "Phone",
    "EmailAddress",
)
CONTACT_FIELDS = (
    "OrgName",
    "JobTitle",
    "FName",
    "LName",
    "Address1",
    "Address2",
    "City",
    "StateProvince",
    "StateProvinceChoice",
    "PostalCode",
    "Country",
    "Phone",
    "PhoneExt",
    "Fax",
    "EmailAddress",
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def domain_of(name: str) -> str:
    """The domain a CSR common name stands for: lower case, without a leading `*.`."""
    name = name.strip().lower().rstrip(".")
    return name[2:] if name.startswith("*.") else name


def valid_domain(name: str) -> bool:
    labels = domain_of(name).split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


def approvers_for(domain: str) -> list[str]:
    """admin@ … webmaster@ the domain and each parent down to sld.tld (Type="Generic")."""
    labels = domain_of(domain).split(".")
    result: list[str] = []
    for i in range(len(labels) - 1):
        parent = ".".join(labels[i:])
        result.extend(f"{name}@{parent}" for name in GENERIC_APPROVERS)
    return result


@dataclass
class Certificate:
    cert_id: int
    order_id: int
    order_detail_id: int
    product: Product
    years: int
    price: Decimal
    order_date: datetime.datetime
    status_id: int = AWAITING_CONFIGURATION
    domain: str = ""
    config_date: datetime.datetime | None = None
    csr: ca.CsrInfo | None = None
    web_server_type: int | None = None
    contacts: dict[str, str] = field(default_factory=dict)  # "AdminFName" -> value
    ucc_domains: list[str] = field(default_factory=list)
    ucc_emails: list[str] = field(default_factory=list)
    csr_fields: dict[str, str] = field(default_factory=dict)  # CSROrganization … from submit
    approver_email: str = ""
    dv_method: str = ""  # "", "DNS", "File" (e-mail when empty)
    dv_token: str = ""
    submitted_at: datetime.datetime | None = None
    submitted_monotonic: float = 0.0
    polls: int = 0
    issued_at: datetime.datetime | None = None
    issued: ca.IssuedCert | None = None
    not_after: datetime.datetime | None = None
    ca_order_id: str = ""
    reference_id: str = ""
    reissue_status: str = ""
    seeded: bool = False

    @property
    def status(self) -> str:
        return STATUS_TEXT.get(self.status_id, "Unknown")

    @property
    def validity_months(self) -> int:
        return 12 * self.years

    @property
    def expiration(self) -> datetime.datetime:
        """notAfter once issued; before that ENOM shows order date + validity (doc example)."""
        if self.not_after is not None:
            return self.not_after
        if self.issued_at is not None:
            return add_months(self.issued_at, self.validity_months)
        return add_months(self.order_date, self.validity_months)

    def all_names(self) -> list[str]:
        names = [self.domain] if self.domain else []
        if self.csr is not None:
            names.extend(self.csr.sans)
        names.extend(self.ucc_domains)
        unique: list[str] = []
        for name in names:
            if name and name not in unique:
                unique.append(name)
        return unique


@dataclass(frozen=True)
class PurchaseRecord:
    """One PurchaseServices charge: what the sandbox debited, and when."""

    cert_id: int
    order_id: int
    product_code: str
    years: int
    price: Decimal
    at: datetime.datetime


@dataclass
class IssuePolicy:
    """When a submitted certificate becomes issued.

    `polls_before_issue`: CertGetCertDetail polls after submission that still show the pending
    status (0: the first poll sees it issued). `seconds_before_issue`: issued once that much time
    has passed since submission (checked on every read, CertGetCerts included). Either condition
    that is not None suffices. `immediately`: issued inside CertPurchaseCert itself.
    `reject_domains`: certificates for these domains end as 6 Rejected instead of issued.
    """

    polls_before_issue: int | None = 1
    seconds_before_issue: float | None = None
    immediately: bool = False
    reject_domains: set[str] = field(default_factory=set)
