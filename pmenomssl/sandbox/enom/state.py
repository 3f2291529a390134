"""The sandbox's ENOM account: catalogue, balance, certificates and the rules that move them.

Everything here is plain Python with one re-entrant lock (`SandboxState.lock`); the HTTP layer
holds it for the whole of a command, so commands are atomic and tests may inspect or seed the
state from their own thread (take the lock for multi-step changes).

ENOM behaviour that the reference marks UNCONFIRMED is isolated in the constants below (error
texts and numbers, DNS/File validation data, default sort order) so it can be changed in one place.
"""

from __future__ import annotations

import collections
import datetime
import re
import secrets
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pmenomssl.sandbox.enom import ca, names
from pmenomssl.sandbox.enom.clock import EnomClock

# --- statuses ------------------------------------------------------------------------------

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

# --- errors (ENOM-style: Err texts plus ResponseNumber/ResponseString pairs) -----------------

# Known from [SUP-TROUBLE]:
BAD_LOGIN = ("Bad User name or Password", "304155", "Validation error; invalid ; loginid")
IP_NOT_ALLOWED_TEXT = (
    "User not permitted from this IP address - {ip}. See Whitelisting your IP "
    "(https://help.enom.com/hc/en-us/articles/115000104711) for instructions."
)
IP_NOT_ALLOWED = ("713254", "Policy error; unauthorized; user(s)")
CSR_ERRORS = ("500 - Unable to parse CSR.", "Unable to retrieve CSR information")
CSR_RESPONSE = ("620397", "System error; failed to send; SSL Certificate")
PHONE_ERROR = "Parameter value range error - 7037 - Invalid telephone number format."
GEOTRUST_NON_ASCII = "Failure connecting to GeoTrust API"
# UNCONFIRMED in the reference: the insufficient-funds text and number. The number follows the
# documented scheme (5 payment, 24 insufficient reseller balance, 181 account balance).
INSUFFICIENT_FUNDS = (
    "Insufficient funds to complete this purchase",
    "524181",
    "Payment error; insufficient reseller balance; account balance",
)
# UNCONFIRMED: everything below is built from the documented ResponseNumber scheme only.
NOT_FOUND = ("316397", "Validation error; not found; SSL Certificate")
ORDER_NOT_FOUND = "Order does not exist or does not belong to customer"
POLICY = ("706397", "Policy error; policy violation; SSL Certificate")
INVALID = ("304397", "Validation error; invalid ; SSL Certificate")
MISSING = ("301397", "Validation error; missing; SSL Certificate")
INVALID_PRODUCT = ("304182", "Validation error; invalid ; product type")
INVALID_YEARS = ("303183", "Validation error; out of range; quantity")
NON_ASCII_RESPONSE = ("621397", "System error; failed to process; SSL Certificate")
CONTACT_CODES = {"Admin": "148", "Tech": "147", "Billing": "149"}
CONTACT_NAMES = {
    "Admin": "Administrative contact",
    "Tech": "Technical contact",
    "Billing": "Billing contact",
}


class EnomError(Exception):
    """A command failed the ENOM way: `errors` become Err1..N, `responses` the <response>s."""

    def __init__(self, errors: Sequence[str], responses: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)
        self.responses = list(responses)


def fail(text: str, response: tuple[str, str] | None = None) -> EnomError:
    return EnomError([text], [response] if response else [])


# --- catalogue -----------------------------------------------------------------------------

# [DOC:cert-configure-cert.md]: 5, 6, 15, 16 and 19 are not in the GeoTrust/RapidSSL table.
GEOTRUST_WEB_SERVER_TYPES = frozenset(range(1, 34)) - {5, 6, 15, 16, 19}
COMODO_WEB_SERVER_TYPES = frozenset(range(1000, 1033))
WEB_SERVER_TYPE_NAMES = {
    1: "Apache + MOD SSL",
    18: "Other",
    20: "Apache + OpenSSL",
    21: "Apache 2",
    22: "Apache + ApacheSSL",
    1000: "Other(old)",
    1002: "Apache/ModSSL",
    1014: "Microsoft IIS 5.x and later",
    1031: "WHM/cPanel",
}
# Brands whose CA refuses non-ASCII contact data [WHMCS-DOC], and the only ones that reissue
# through the API [DOC:certreissuecert.md], [SUP-REISSUE].
GEOTRUST_FAMILY = frozenset({"geotrust", "rapidssl", "symantec"})


@dataclass(frozen=True)
class Product:
    prod_type: int
    code: str  # lower case, as GetCerts returns it
    desc: str
    brand: str  # rapidssl | geotrust | symantec | comodo
    validation: str = "DV"  # DV | OV | EV
    wildcard: bool = False
    ucc: bool = False
    dv_methods: frozenset[str] = frozenset()  # besides e-mail: "dns", "file"
    years: tuple[int, ...] = (1, 2)
    reseller_price: Decimal = Decimal("10.00")
    retail_price: Decimal = Decimal("20.00")
    enabled: bool = True

    @property
    def web_server_types(self) -> frozenset[int]:
        return COMODO_WEB_SERVER_TYPES if self.brand == "comodo" else GEOTRUST_WEB_SERVER_TYPES


_DNS_FILE = frozenset({"dns", "file"})  # [DOC:cert-purchase-cert.md]: RapidSSL, QuickSSL (Premium)


# fmt: off
# ProdType, code (lower case, as GetCerts returns it), description, brand, validation,
# wildcard, UCC, DNS/File validation allowed, reseller price, retail price.
_CATALOGUE: tuple[tuple[int, str, str, str, str, bool, bool, bool, str, str], ...] = (
    (23, "certificate-rapidssl-rapidssl", "SSL Certificate - RapidSSL",
     "rapidssl", "DV", False, False, True, "9.95", "19.95"),
    (285, "certificate-rapidssl-rapidssl-wildcard", "SSL Certificate - RapidSSL Wildcard",
     "rapidssl", "DV", True, False, False, "99.00", "149.00"),
    (26, "certificate-geotrust-quickssl", "SSL Certificate - GeoTrust QuickSSL",
     "geotrust", "DV", False, False, True, "69.00", "125.00"),
    (20, "certificate-geotrust-quickssl-premium", "SSL Certificate - GeoTrust QuickSSL Premium",
     "geotrust", "DV", False, False, True, "89.00", "149.00"),
    (21, "certificate-geotrust-truebizid", "SSL Certificate - GeoTrust True BusinessID",
     "geotrust", "OV", False, False, False, "129.00", "199.00"),
    (27, "certificate-geotrust-truebizid-wildcard",
     "SSL Certificate - GeoTrust True BusinessID Wildcard",
     "geotrust", "OV", True, False, False, "399.00", "599.00"),
    (24, "certificate-geotrust-truebizid-ev", "SSL Certificate - GeoTrust True BusinessID with EV",
     "geotrust", "EV", False, False, False, "199.00", "299.00"),
    (180, "certificate-verisign-secure-site", "SSL Certificate - Symantec Secure Site",
     "symantec", "OV", False, False, False, "299.00", "399.00"),
    (211, "certificate-comodo-essential", "SSL Certificate - Comodo Essential",
     "comodo", "DV", False, False, False, "19.95", "39.95"),
    (214, "certificate-comodo-essential-wildcard", "SSL Certificate - Comodo Essential Wildcard",
     "comodo", "DV", True, False, False, "149.00", "199.00"),
    (213, "certificate-comodo-premium-wildcard", "SSL Certificate - Comodo Premium Wildcard",
     "comodo", "OV", True, False, False, "249.00", "349.00"),
    (221, "certificate-comodo-ev", "SSL Certificate - Comodo EV",
     "comodo", "EV", False, False, False, "149.00", "249.00"),
    (270, "certificate-comodo-ucc-dv", "SSL Certificate - Comodo UCC DV",
     "comodo", "DV", False, True, False, "59.00", "99.00"),
    (274, "certificate-comodo-ucc-ov", "SSL Certificate - Comodo UCC OV",
     "comodo", "OV", False, True, False, "99.00", "149.00"),
)
# fmt: on


def default_catalogue() -> list[Product]:
    """The reference §3.1 products with sandbox prices."""
    return [
        Product(
            prod_type=prod_type,
            code=code,
            desc=desc,
            brand=brand,
            validation=validation,
            wildcard=wildcard,
            ucc=ucc,
            dv_methods=_DNS_FILE if dns_file else frozenset(),
            reseller_price=Decimal(reseller),
            retail_price=Decimal(retail),
        )
        for (
            prod_type,
            code,
            desc,
            brand,
            validation,
            wildcard,
            ucc,
            dns_file,
            reseller,
            retail,
        ) in _CATALOGUE
    ]


# Names a UCC certificate covers, the CSR's domain included: "SAN certificates cover three
# domains (subdomains) with the option to add more for an added fee" (support article
# 201000065341). The list must name the CSR's domain too (WHMCS's eNom module: "Include the CSR
# Domain"); that ENOM refuses a list without it is modelled, UNCONFIRMED.
UCC_DOMAINS_ALLOWED = 3

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
_PHONE = re.compile(r"^\+\d{1,3}\.\d{4,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
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
            return ca.add_months(self.issued_at, self.validity_months)
        return ca.add_months(self.order_date, self.validity_months)

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


class SandboxState:
    """The whole ENOM account of the sandbox. Thread-safe through `lock` (re-entrant)."""

    def __init__(
        self,
        uid: str,
        pw: str,
        balance: Decimal = Decimal("5000.00"),
        available_balance: Decimal | None = None,
        catalogue: Iterable[Product] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.uid = uid
        self.pw = pw
        self.balance = balance
        self.available_balance = balance if available_balance is None else available_balance
        # None: every IP may call; otherwise only these (the IP ENOM quotes is the caller's).
        self.ip_allowlist: set[str] | None = None
        self.products: dict[str, Product] = {
            p.code: p for p in (catalogue if catalogue is not None else default_catalogue())
        }
        self.certs: dict[int, Certificate] = {}
        self.orders: dict[int, int] = {}  # order id -> cert id
        self.purchases: list[PurchaseRecord] = []
        self.calls: collections.Counter[str] = collections.Counter()
        self.policy = IssuePolicy()
        self.clock = EnomClock()
        self.lower_case_tags = False  # every answer's tags in lower case (render.py)
        self._next_cert_id = 100001
        self._next_order_id = 160000001
        self._next_ca_order_id = 14228001

    # --- clock (tests may replace it) -------------------------------------------------------

    def now(self) -> datetime.datetime:
        """ENOM's own time (clock.py): its dates carry no time zone, and it runs behind UTC."""
        return self.clock.now()

    def _x509_issue(
        self, cert: Certificate, public_key: object, issued_at: datetime.datetime
    ) -> ca.IssuedCert:
        """Sign on real UTC; `issued_at` and the stored notAfter stay on ENOM's clock."""
        issued = ca.issue(
            public_key,  # type: ignore[arg-type]  # RSA/EC checked on parse
            cert.domain,
            cert.all_names(),
            cert.validity_months,
            issued_at=self.clock.to_utc(issued_at),
        )
        cert.issued = issued
        return issued

    # --- authentication ---------------------------------------------------------------------

    def authenticate(self, uid: str, pw: str, client_ip: str) -> None:
        # Constant-time comparison; credentials first, then the IP allow-list.
        ok_uid = secrets.compare_digest(uid.encode(), self.uid.encode())
        ok_pw = secrets.compare_digest(pw.encode(), self.pw.encode())
        if not (ok_uid and ok_pw):
            raise EnomError([BAD_LOGIN[0]], [BAD_LOGIN[1:]])
        if self.ip_allowlist is not None and client_ip not in self.ip_allowlist:
            raise ip_not_allowed(client_ip)

    # --- lookups ----------------------------------------------------------------------------

    def cert(self, cert_id: str | int) -> Certificate:
        try:
            key = int(str(cert_id).strip())
        except ValueError:
            raise fail(f"Invalid CertID {str(cert_id)[:20]!r}", INVALID) from None
        found = self.certs.get(key)
        if found is None:
            raise fail(f"Certificate ID {key} not found in this account", NOT_FOUND)
        return found

    def product(self, code: str) -> Product:
        product = self.products.get(code.strip().lower())
        if product is None or not product.enabled:
            raise fail(f"Invalid product type {code[:80]!r}", INVALID_PRODUCT)
        return product

    # --- purchase -----------------------------------------------------------------------------

    def purchase(self, code: str, years: int = 1) -> Certificate:
        """PurchaseServices: debit the balance, create a certificate awaiting configuration."""
        with self.lock:
            product = self.product(code)
            if years not in product.years:
                raise fail(f"NumYears {years} is not offered for {product.code}", INVALID_YEARS)
            price = product.reseller_price * years
            if self.available_balance < price:
                raise EnomError([INSUFFICIENT_FUNDS[0]], [INSUFFICIENT_FUNDS[1:]])
            self.balance -= price
            self.available_balance -= price
            cert = self._new_cert(product, years, price)
            self.purchases.append(
                PurchaseRecord(
                    cert.cert_id, cert.order_id, product.code, years, price, cert.order_date
                )
            )
            return cert

    def _new_cert(self, product: Product, years: int, price: Decimal) -> Certificate:
        cert = Certificate(
            cert_id=self._next_cert_id,
            order_id=self._next_order_id,
            order_detail_id=self._next_order_id + 25000000,
            product=product,
            years=years,
            price=price,
            order_date=self.now(),
        )
        self._next_cert_id += 1
        self._next_order_id += 1
        self.certs[cert.cert_id] = cert
        self.orders[cert.order_id] = cert.cert_id
        return cert

    # --- configuration ------------------------------------------------------------------------

    def parse_csr(self, text: str) -> ca.CsrInfo:
        if not text.strip():
            raise fail("CSR is required", MISSING)
        try:
            return ca.parse_csr(text)
        except ca.CsrError:
            raise EnomError(list(CSR_ERRORS), [CSR_RESPONSE]) from None

    def configure(
        self,
        cert_id: str,
        csr_text: str,
        web_server_type: str,
        contacts: dict[str, str],
        ucc_domains: list[str],
        ucc_emails: list[str],
    ) -> Certificate:
        """CertConfigureCert: check the CSR and contacts, remember them; status stays 1."""
        with self.lock:
            cert = self.cert(cert_id)
            if cert.status_id not in CONFIGURABLE:
                raise fail(
                    f"Certificate {cert.cert_id} is in status '{cert.status}' and cannot be "
                    "configured; cancel the configuration with CertModifyOrder first",
                    POLICY,
                )
            product = cert.product
            try:
                server_type = int(web_server_type)
            except ValueError:
                raise fail("WebServerType is required and must be a number", INVALID) from None
            if server_type not in product.web_server_types:
                raise fail(f"WebServerType {server_type} is not valid for {product.desc}", INVALID)
            info = self.parse_csr(csr_text)
            self._check_cn(product, info.common_name)
            self._check_contacts(contacts)
            if ucc_domains and not product.ucc:
                raise fail("UCCDomainList is only valid for UCC certificates", INVALID)
            if len(ucc_domains) > UCC_DOMAINS_ALLOWED:
                raise fail(
                    f"At most {UCC_DOMAINS_ALLOWED} UCC domains are allowed (the CSR's domain "
                    "included); more need additional-domain purchases",
                    INVALID,
                )
            if ucc_domains and info.common_name.lower() not in [
                d.strip().lower() for d in ucc_domains
            ]:
                raise fail(
                    f"UCCDomainList must include the CSR's domain {info.common_name[:80]!r}",
                    INVALID,
                )
            for domain in ucc_domains:
                refused = names.refusal(domain)
                if refused is not None:
                    raise fail(
                        f"The CA does not issue certificates for {domain[:80]!r}: {refused}",
                        POLICY,
                    )
                if not valid_domain(domain):
                    raise fail(f"UCC domain {domain[:80]!r} is not a valid domain name", INVALID)
            cert.csr = info
            cert.domain = info.common_name
            cert.web_server_type = server_type
            cert.contacts = dict(contacts)
            cert.ucc_domains = [d.strip().lower() for d in ucc_domains]
            cert.ucc_emails = list(ucc_emails)
            cert.config_date = self.now()
            cert.status_id = AWAITING_CONFIGURATION
            return cert

    @staticmethod
    def _check_cn(product: Product, cn: str) -> None:
        refused = names.refusal(cn)
        if refused is not None:  # after the charge, as ENOM does (names.py)
            raise fail(f"The CA does not issue certificates for {cn[:80]!r}: {refused}", POLICY)
        if not valid_domain(cn):
            raise fail(f"The CSR common name {cn[:80]!r} is not a domain name", INVALID)
        if product.wildcard and not cn.startswith("*."):
            raise fail(
                f"{product.desc} needs a CSR whose common name is a wildcard (*.example.com)",
                INVALID,
            )
        if not product.wildcard and cn.startswith("*."):
            raise fail(f"{product.desc} does not accept a wildcard common name", INVALID)

    @staticmethod
    def _check_contacts(contacts: dict[str, str]) -> None:
        for kind in CONTACT_TYPES:
            code = ("3", CONTACT_CODES[kind], CONTACT_NAMES[kind])
            for name in CONTACT_REQUIRED:
                if not contacts.get(kind + name, "").strip():
                    raise fail(
                        f"{kind}{name} is required",
                        (f"301{code[1]}", f"Validation error; missing; {code[2]}"),
                    )
            if not _PHONE.match(contacts[kind + "Phone"].strip()):
                raise fail(PHONE_ERROR, (f"304{code[1]}", f"Validation error; invalid ; {code[2]}"))
            if not _EMAIL.match(contacts[kind + "EmailAddress"].strip()):
                raise fail(
                    f"{kind}EmailAddress is not a valid e-mail address",
                    (f"304{code[1]}", f"Validation error; invalid ; {code[2]}"),
                )
            if len(contacts[kind + "Country"].strip()) != 2:
                raise fail(
                    f"{kind}Country must be a two-letter country code",
                    (f"304{code[1]}", f"Validation error; invalid ; {code[2]}"),
                )

    def approvers(self, cert: Certificate, domain: str = "") -> list[str]:
        name = domain.strip() or cert.domain
        if not name:
            raise fail("Domain is required (the certificate is not configured yet)", MISSING)
        if not valid_domain(name):
            raise fail(f"Domain {name[:80]!r} is not a valid domain name", INVALID)
        return approvers_for(name)

    # --- submission and issuance ------------------------------------------------------------

    def submit(
        self,
        cert_id: str,
        approver_email: str,
        dv_method: str,
        csr_fields: dict[str, str],
        ucc_emails: list[str],
    ) -> Certificate:
        """CertPurchaseCert: send the configured order to the CA (no charge)."""
        with self.lock:
            cert = self.cert(cert_id)
            if cert.status_id not in CONFIGURABLE:
                raise fail(
                    f"Certificate {cert.cert_id} is in status '{cert.status}' and cannot be "
                    "submitted again",
                    POLICY,
                )
            if cert.csr is None:
                raise fail(
                    f"Certificate {cert.cert_id} must be configured with CertConfigureCert "
                    "before it is submitted",
                    POLICY,
                )
            product = cert.product
            method = dv_method.strip().lower()
            if method in ("", "email"):
                email = approver_email.strip().lower()
                if not email:
                    raise fail("ApproverEmail is required", MISSING)
                if email not in approvers_for(cert.domain):
                    raise fail(
                        f"ApproverEmail {email[:80]!r} is not an approver address for "
                        f"{domain_of(cert.domain)}",
                        INVALID,
                    )
                cert.approver_email = email
                cert.dv_method = ""
            elif method in product.dv_methods:
                cert.approver_email = ""
                cert.dv_method = "DNS" if method == "dns" else "File"
                cert.dv_token = secrets.token_hex(16)
            else:
                raise fail(
                    f"DVAuthMethod {dv_method[:20]!r} is not available for {product.desc}", INVALID
                )
            if ucc_emails:
                cert.ucc_emails = list(ucc_emails)
            for domain, email in zip(cert.ucc_domains, cert.ucc_emails):
                if email.strip().lower() not in approvers_for(domain):
                    raise fail(
                        f"UCC approver {email[:80]!r} is not an approver address for {domain}",
                        INVALID,
                    )
            if product.brand in GEOTRUST_FAMILY and not all(
                value.isascii() for value in cert.contacts.values()
            ):
                raise EnomError([GEOTRUST_NON_ASCII], [NON_ASCII_RESPONSE])
            cert.csr_fields = dict(csr_fields)
            cert.status_id = APPROVAL_EMAIL_SENT if product.brand == "comodo" else PROCESSING
            if product.brand != "comodo":
                cert.ca_order_id = str(self._next_ca_order_id)
                self._next_ca_order_id += 1
            cert.reference_id = f"SBX{cert.cert_id}"
            cert.submitted_at = self.now()
            cert.submitted_monotonic = time.monotonic()
            cert.polls = 0
            if self.policy.immediately:
                self._complete(cert)
            return cert

    def advance(self, cert: Certificate, poll: bool) -> None:
        """Apply the issue policy to a pending certificate (on a detail poll or any read)."""
        if cert.status_id not in PENDING or cert.submitted_at is None:
            return
        policy = self.policy
        due = (
            policy.seconds_before_issue is not None
            and time.monotonic() - cert.submitted_monotonic >= policy.seconds_before_issue
        )
        if poll and not due and policy.polls_before_issue is not None:
            due = cert.polls >= policy.polls_before_issue
            cert.polls += 1
        if due:
            self._complete(cert)

    def _complete(self, cert: Certificate) -> None:
        if domain_of(cert.domain) in self.policy.reject_domains:
            cert.status_id = REJECTED
            return
        self.issue_now(cert)

    def issue_now(self, cert: Certificate) -> None:
        """Issue a real X.509 certificate for the CSR's key (status 4)."""
        with self.lock:
            if cert.csr is None:
                raise ValueError(f"certificate {cert.cert_id} has no CSR")
            issued_at = self.now()
            issued = self._x509_issue(cert, cert.csr.csr.public_key(), issued_at)
            cert.issued_at = issued_at
            cert.not_after = self.clock.to_local(issued.not_after)
            cert.status_id = ISSUED

    def ensure_x509(self, cert: Certificate) -> None:
        """Seeded issued certificates get their X.509 only when someone asks for the detail."""
        if cert.issued is not None or cert.issued_at is None:
            return
        if cert.status_id not in (ISSUED, REFUNDED_CERT_ISSUED):
            return
        key = ca.throwaway_key()
        issued = self._x509_issue(cert, key.public_key(), cert.issued_at)
        cert.not_after = self.clock.to_local(issued.not_after)

    def reissue(self, cert_id: str, csr_text: str) -> Certificate:
        """CertReissueCert: GeoTrust family only, issued certs only, same domain, new key."""
        with self.lock:
            cert = self.cert(cert_id)
            if cert.product.brand not in GEOTRUST_FAMILY:
                raise fail(
                    "Reissue of this certificate is not available through the API; open a "
                    "support ticket with eNom with the new CSR and the Reference ID",
                    POLICY,
                )
            if cert.status_id != ISSUED:
                raise fail(
                    f"Certificate {cert.cert_id} is in status '{cert.status}'; only issued "
                    "certificates can be reissued",
                    POLICY,
                )
            info = self.parse_csr(csr_text)
            if domain_of(info.common_name) != domain_of(cert.domain) or (
                info.common_name.startswith("*.") != cert.domain.startswith("*.")
            ):
                raise fail(
                    f"The new CSR is for {info.common_name}, the certificate for {cert.domain}; "
                    "a domain change needs a new purchase",
                    POLICY,
                )
            self.ensure_x509(cert)
            cert.csr = info
            keep_until = cert.not_after
            issued = self._x509_issue(cert, info.csr.public_key(), self.now())
            cert.not_after = keep_until or self.clock.to_local(issued.not_after)
            cert.reissue_status = "Reissued"  # UNCONFIRMED: ENOM's ReissueStatus values
            return cert

    def change_approver(self, cert_id: str, email: str) -> Certificate:
        with self.lock:
            cert = self.cert(cert_id)
            self._require_email_pending(cert, "change the approver address")
            wanted = email.strip().lower()
            if not wanted:
                raise fail("ApproverEmail is required", MISSING)
            if wanted not in approvers_for(cert.domain):
                raise fail(
                    f"ApproverEmail {wanted[:80]!r} is not an approver address for "
                    f"{domain_of(cert.domain)}",
                    INVALID,
                )
            cert.approver_email = wanted
            return cert

    def resend_approver(self, cert_id: str) -> Certificate:
        with self.lock:
            cert = self.cert(cert_id)
            self._require_email_pending(cert, "resend the approval e-mail")
            return cert

    @staticmethod
    def _require_email_pending(cert: Certificate, what: str) -> None:
        if cert.status_id not in PENDING or cert.dv_method:
            raise fail(
                f"Cannot {what}: certificate {cert.cert_id} is in status '{cert.status}'"
                + (f" with {cert.dv_method} validation" if cert.dv_method else ""),
                POLICY,
            )

    def resend_fulfillment(self, cert_id: str) -> Certificate:
        with self.lock:
            cert = self.cert(cert_id)
            if cert.status_id != ISSUED:
                raise fail(
                    f"Certificate {cert.cert_id} is in status '{cert.status}'; only issued "
                    "certificates have a fulfillment e-mail",
                    POLICY,
                )
            return cert

    def modify_order(self, cert_id: str) -> Certificate:
        """CertModifyOrder: cancel the configuration of a pending order; back to status 1."""
        with self.lock:
            cert = self.cert(cert_id)
            if cert.status_id not in PENDING:
                raise fail(
                    f"Certificate {cert.cert_id} is in status '{cert.status}'; only orders in "
                    "'Processing' or 'Approval Email Sent' can be modified",
                    POLICY,
                )
            cert.status_id = AWAITING_CONFIGURATION
            cert.csr = None
            cert.config_date = None
            cert.approver_email = ""
            cert.dv_method = ""
            cert.dv_token = ""
            cert.submitted_at = None
            cert.polls = 0
            return cert

    # --- operator-side actions (admin endpoint, tests) --------------------------------------

    def reject(self, cert_id: int) -> Certificate:
        with self.lock:
            cert = self.cert(cert_id)
            cert.status_id = REJECTED
            return cert

    def refund(self, cert_id: int) -> Certificate:
        """What ENOM support does on request: status 7/8 and the price back on the balance."""
        with self.lock:
            cert = self.cert(cert_id)
            if cert.status_id in (REFUNDED_NO_CERT, REFUNDED_CERT_ISSUED):
                return cert
            cert.status_id = REFUNDED_CERT_ISSUED if cert.issued_at else REFUNDED_NO_CERT
            self.balance += cert.price
            self.available_balance += cert.price
            return cert

    def set_status(self, cert_id: int, status_id: int) -> Certificate:
        """Force a status (for bulk-sync tests: 'this certificate changed at ENOM')."""
        with self.lock:
            cert = self.cert(cert_id)
            if status_id == ISSUED and cert.issued_at is None:
                if cert.csr is not None:
                    self.issue_now(cert)
                    return cert
                cert.issued_at = self.now()
            cert.status_id = status_id
            return cert

    def seed_certificates(
        self,
        n: int,
        *,
        product: str = "certificate-rapidssl-rapidssl",
        status_id: int = ISSUED,
        domain_template: str = "seed{i}.example.com",
        years: int = 1,
    ) -> list[int]:
        """Create `n` certificates cheaply (no X.509 until a detail asks for it, no charge).

        They are not purchases: the ledger and balance stay untouched.
        """
        with self.lock:
            prod = self.product(product)
            now = self.now()
            ids: list[int] = []
            for i in range(n):
                cert = self._new_cert(prod, years, prod.reseller_price * years)
                cert.domain = domain_template.format(i=i, cert_id=cert.cert_id)
                cert.seeded = True
                cert.status_id = status_id
                cert.config_date = now
                if status_id != AWAITING_CONFIGURATION:
                    cert.submitted_at = now
                    cert.submitted_monotonic = time.monotonic()
                if status_id in (ISSUED, REFUNDED_CERT_ISSUED):
                    cert.issued_at = now
                ids.append(cert.cert_id)
            return ids

    # --- listing ------------------------------------------------------------------------------

    def list_certs(
        self,
        *,
        prod_type: int | None = None,
        status_id: int | None = None,
        domain_contains: str = "",
        expiration_start: datetime.date | None = None,
        expiration_end: datetime.date | None = None,
        sort_by: str = "",
        descending: bool = True,
    ) -> list[Certificate]:
        """CertGetCerts' selection and order (the caller slices the page)."""
        with self.lock:
            if self.policy.seconds_before_issue is not None:
                for cert in self.certs.values():
                    self.advance(cert, poll=False)
            needle = domain_contains.strip().lower()
            selected = [
                c
                for c in self.certs.values()
                if (prod_type is None or c.product.prod_type == prod_type)
                and (status_id is None or c.status_id == status_id)
                and (not needle or needle in c.domain)
                and (expiration_start is None or c.expiration.date() >= expiration_start)
                and (expiration_end is None or c.expiration.date() <= expiration_end)
            ]
        key = sort_by.strip().lower()
        if key == "domain":
            selected.sort(key=lambda c: (c.domain, c.cert_id), reverse=descending)
        elif key == "certstatus":
            selected.sort(key=lambda c: (c.status, c.cert_id), reverse=descending)
        elif key == "expiration":
            selected.sort(key=lambda c: (c.expiration, c.cert_id), reverse=descending)
        else:  # CertID and the default (the recorded response shows an empty SortBy, desc)
            selected.sort(key=lambda c: c.cert_id, reverse=descending)
        return selected

    # --- reports for tests ------------------------------------------------------------------

    def purchases_by_domain(self) -> collections.Counter[str]:
        """Charges per certificate domain ('' = bought but never configured: an orphan)."""
        with self.lock:
            return collections.Counter(
                self.certs[p.cert_id].domain if p.cert_id in self.certs else ""
                for p in self.purchases
            )

    def snapshot(self) -> dict[str, object]:
        """A JSON-able summary (no credentials) for GET /_sandbox/state."""
        with self.lock:
            by_status = collections.Counter(c.status_id for c in self.certs.values())
            return {
                "uid": self.uid,
                "balance": str(self.balance),
                "available_balance": str(self.available_balance),
                "ip_allowlist": sorted(self.ip_allowlist)
                if self.ip_allowlist is not None
                else None,
                "policy": {
                    "polls_before_issue": self.policy.polls_before_issue,
                    "seconds_before_issue": self.policy.seconds_before_issue,
                    "immediately": self.policy.immediately,
                    "reject_domains": sorted(self.policy.reject_domains),
                },
                "clock": {
                    "utc_offset_hours": self.clock.hours(),
                    "now": self.now().isoformat(),
                },
                "lower_case_tags": self.lower_case_tags,
                "calls": dict(self.calls),
                "purchases": [
                    {
                        "cert_id": p.cert_id,
                        "order_id": p.order_id,
                        "product": p.product_code,
                        "years": p.years,
                        "price": str(p.price),
                        "at": p.at.isoformat(),
                    }
                    for p in self.purchases
                ],
                "purchases_by_domain": dict(self.purchases_by_domain()),
                "certificates": len(self.certs),
                "certificates_by_status": {str(k): v for k, v in sorted(by_status.items())},
                "recent_certificates": [
                    {
                        "cert_id": c.cert_id,
                        "order_id": c.order_id,
                        "domain": c.domain,
                        "product": c.product.code,
                        "status_id": c.status_id,
                        "status": c.status,
                    }
                    for c in sorted(self.certs.values(), key=lambda c: -c.cert_id)[:20]
                ],
            }


def ip_not_allowed(client_ip: str) -> EnomError:
    return EnomError([IP_NOT_ALLOWED_TEXT.format(ip=client_ip)], [IP_NOT_ALLOWED])
