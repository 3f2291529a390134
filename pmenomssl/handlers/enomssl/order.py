"""`open`: buy, configure and submit a certificate, resumable at every step, never buying twice.

Steps, each skipped on a re-run when already done:

1. Validate everything that can be checked locally (CSR against the order, contacts, approver
   or DCV method), then the price against AvailableBalance. A failure here costs nothing.
2. Save a purchase intent, then PurchaseServices, then save CertID and OrderID at once
   (purchase.py). A re-run that finds the intent without a CertID (crash, lost answer) looks
   for the purchase in ENOM first (reconcile.py) and adopts it; it buys only when ENOM shows
   nothing was bought.
3. CertConfigureCert (CSR, contacts, server type); the approver must be in ENOM's list.
4. CertPurchaseCert (e-mail, DNS or file validation; DNS/file data saved as item params).
5. service.setstatus 4, service.postopen.

On a re-run with a CertID, CertGetCertDetail says which of 3-5 remain. The same machinery buys
renewals (`RENEWAL` slot, see renewal.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import approvers as approver_lists
from pmenomssl.handlers.enomssl import contacts as contact_data
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.errors import (
    ApproverError,
    CertificateRefundedError,
)
from pmenomssl.handlers.enomssl.productspec import SECTIGO, ProductSpec
from pmenomssl.handlers.enomssl.purchase import acquire
from pmenomssl.handlers.enomssl.reconcile import OPEN
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.handlers.enomssl.statuses import (
    AWAITING_CONFIGURATION,
    CONFIGURABLE,
    ISSUED,
    REFUNDED,
    STATUS_ENROLLED,
    STATUS_REQUESTED,
)

if TYPE_CHECKING:
    from pmenomssl.enom import CertDetail, Contact, DcvInfo
    from pmenomssl.ssl import CsrInfo

logger = logging.getLogger(__name__)

# approver_method values -> ENOM DVAuthMethod (None: e-mail). BILLmanager's names are
# auth_email / auth_dnstxt (ISP's GlobalSign module); the file method's name is UNCONFIRMED.
DCV_METHODS: dict[str, str | None] = {
    "": None,
    "auth_email": None,
    "email": None,
    "auth_dnstxt": "DNS",
    "auth_dns": "DNS",
    "dns": "DNS",
    "dnstxt": "DNS",
    "auth_file": "File",
    "auth_http": "File",
    "file": "File",
    "http": "File",
}


@dataclass(frozen=True)
class Order:
    """Everything a purchase needs, validated before any money is spent."""

    spec: ProductSpec
    csr: CsrInfo
    domains: tuple[str, ...]  # the main domain first
    contacts: Mapping[str, Contact]
    dcv_method: str | None  # None: e-mail validation; "DNS" or "File"
    approver: str  # the main domain's approver e-mail ("" for DNS/file validation)
    ucc: tuple[tuple[str, str], ...]  # UCC only: (name, its approver e-mail), the main name first


# --- step 1: validation --------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text.strip()) if part]


def prepare(svc: Service, csr_text: str | None = None) -> Order:
    """Validate the order locally; raises invalid_csr / invalid_contact / invalid_approver."""
    from pmenomssl.ssl import CsrError, CsrPolicy, parse_csr, validate_csr

    spec = svc.product()
    if csr_text is None:
        row = svc.certificate()
        csr_text = row.csr if row is not None else ""
    if not csr_text.strip():
        raise CsrError(
            f"Service {svc.id} has no certificate signing request (CSR): the client must "
            "generate or paste one in the order (certificate data), then the order is retried."
        )
    first = parse_csr(csr_text)
    # The ordered domain is the CSR's common name (BILLmanager keeps no separate param for it,
    # billmanager-protocol.md 2.4); a `domain` param, when a form sets one, takes precedence.
    main = (svc.param(P.DOMAIN) or first.common_name or first.names[0]).strip().lower()
    altnames = [a.lower() for a in _split(svc.param(P.ALTNAME)) if a.lower() != main]
    if altnames:
        domains = [main, *altnames]
    elif spec.multidomain:
        domains = [main, *[n for n in first.names if n != main]]
    else:
        domains = [main]
    if len(domains) > spec.san_limit:
        raise CsrError(
            f"{len(domains)} names were ordered ({', '.join(domains)}), but {spec.title} covers "
            f"at most {spec.san_limit}, the common name included (products.py says why). Order "
            "fewer names, or a certificate type that covers them; nothing was bought."
        )
    info = validate_csr(
        csr_text,
        CsrPolicy(
            domains=tuple(domains),
            wildcard_allowed=spec.wildcard,
            max_names=spec.san_limit,
            ascii_only_subject=spec.rules.ascii_only,
            www_included=spec.www,
        ),
    )
    people = contact_data.build(
        svc.params,
        csr_subject=info.subject,
        ascii_only=spec.rules.ascii_only,
        orginfo=spec.orginfo,
        country_lookup=svc.billing.country_iso2,
    )
    method, approver, ucc = _validation(svc.params, spec, domains)
    return Order(
        spec=spec,
        csr=info,
        domains=tuple(domains),
        contacts=people,
        dcv_method=method,
        approver=approver,
        ucc=ucc,
    )


def _validation(
    params: Mapping[str, str], spec: ProductSpec, domains: Sequence[str]
) -> tuple[str | None, str, tuple[tuple[str, str], ...]]:
    raw = (params.get(P.APPROVER_METHOD) or "").strip().lower()
    if raw not in DCV_METHODS:
        raise ApproverError(
            f"The validation method {raw!r} (approver_method) is unknown: use auth_email, "
            "auth_dnstxt or auth_file.",
            obj=P.APPROVER_METHOD,
            value=raw,
        )
    method = DCV_METHODS[raw]
    if method is not None and method not in spec.dcv_methods():
        offered = ", ".join(["e-mail", *spec.dcv_methods()])
        raise ApproverError(
            f"{spec.title} cannot be validated by {method} through ENOM (it offers: {offered}). "
            "Choose e-mail validation and an approver address, then retry; nothing was bought.",
            obj=P.APPROVER_METHOD,
            value=raw,
        )
    emails = [e.lower() for e in _split(params.get(P.APPROVER_EMAIL) or "")]
    if method is None:
        if not emails:
            raise ApproverError(
                f"No approver e-mail (approver_email) was chosen for {domains[0]}: choose one of "
                f"the offered addresses, e.g. admin@{domains[0].removeprefix('*.')}, and retry; "
                "nothing was bought.",
                obj=P.APPROVER_EMAIL,
            )
        bad = [e for e in emails if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e)]
        if bad:
            raise ApproverError(
                f"The approver e-mail {bad[0]!r} is not an e-mail address: choose one of the "
                "offered addresses and retry; nothing was bought.",
                obj=P.APPROVER_EMAIL,
                value=bad[0][:80],
            )
    main_approver = emails[0] if (method is None and emails) else ""
    if main_approver:
        _check_constructed(main_approver, domains[0])
    ucc: list[tuple[str, str]] = []
    if spec.multidomain:
        # UCCDomainList carries every name, the CSR's common name first (WHMCS's eNom module:
        # "Include the CSR Domain"; productspec.UCC_NAMES counts it as one of the names covered).
        local = main_approver.split("@", 1)[0] if main_approver else "admin"
        for index, domain in enumerate(domains):
            if index < len(emails):
                ucc.append((domain, emails[index]))
            else:  # the same mailbox name at that domain: a constructed approver address
                bare = approver_lists.normalise(domain) or domain
                ucc.append((domain, f"{local}@{bare}"))
    return method, main_approver, tuple(ucc)


def _check_constructed(email: str, domain: str) -> None:
    """A constructed address (admin@, hostmaster@, ...) must be at the domain or a parent.

    Other addresses may be WHOIS contacts anywhere; ENOM's own list checks those after the
    purchase (CertConfigureCert returns it), since ENOM lists approvers only for a CertID.
    """
    local, _, at = email.partition("@")
    name = approver_lists.normalise(domain)
    if local not in approver_lists.LOCAL_PARTS or name is None:
        return
    levels = approver_lists.domain_levels(name)
    if at not in levels:
        raise ApproverError(
            f"The approver address {email} is not at {domain} or one of its parent domains: "
            f"choose one of {', '.join(approver_lists.approvers([name])[:5])} (or another "
            "offered address) and retry; nothing was bought.",
            obj=P.APPROVER_EMAIL,
            value=email[:80],
        )


# --- steps 3 and 4: configure and submit ---------------------------------------------------


def _csr_fields(order: Order) -> dict[str, str]:
    """CSR* fields Sectigo wants on CertPurchaseCert (enom-api.md 3.7), from CSR and params."""
    subject = order.csr.subject
    admin = order.contacts["Admin"]
    fields = {
        "CSROrganization": subject.get("O", "") or admin.org_name,
        "CSROrganizationUnit": subject.get("OU", ""),
        "CSRAddress1": admin.address1,
        "CSRLocality": subject.get("L", "") or admin.city,
        "CSRStateProvince": subject.get("ST", "") or admin.state,
        "CSRPostalCode": admin.postal_code,
        "CSRCountry": subject.get("C", "") or admin.country,
    }
    return {k: v for k, v in fields.items() if v}


def configure_and_submit(svc: Service, order: Order, cert_id: str) -> None:
    from pmenomssl.enom import UccDomain

    client = svc.client
    ucc = [UccDomain(domain=d, approver_email=e) for d, e in order.ucc]
    configured = client.configure_cert(
        cert_id,
        csr=order.csr.pem,
        web_server_type=order.spec.rules.web_server_type,
        contacts=order.contacts,
        ucc=ucc,
    )
    if order.dcv_method is None:
        allowed = [a.email.lower() for a in configured.approvers if a.email]
        if allowed and order.approver not in allowed:
            raise ApproverError(
                f"ENOM does not accept {order.approver} as approver for {order.domains[0]}; "
                f"it accepts: {', '.join(allowed)}. Change approver_email to one of them; the "
                f"certificate (CertID {cert_id}) is already paid and waits for it.",
                obj=P.APPROVER_EMAIL,
                value=order.approver,
            )
    submitted = client.purchase_cert(
        cert_id,
        approver_email=order.approver or None,
        dv_auth_method=order.dcv_method,
        csr_fields=_csr_fields(order) if order.spec.brand == SECTIGO else None,
        ucc=ucc,
    )
    logger.info(
        "submitted CertID %s to the CA (%s)",
        cert_id,
        order.dcv_method or f"approver {submitted.approver_email or order.approver}",
    )
    save_dcv(svc, order.dcv_method, submitted.dv)


def save_dcv(svc: Service, method: str | None, dv: DcvInfo) -> None:
    """Keep ENOM's DNS record or file for the client (nothing for e-mail validation)."""
    if method == "DNS" and (dv.dns_entry or dv.dns_address):
        svc.save(P.DCV_DNS_ENTRY, dv.dns_entry)
        if dv.dns_type:
            svc.save(P.DCV_DNS_TYPE, dv.dns_type)
        svc.save(P.DCV_DNS_ADDRESS, dv.dns_address)
    elif method == "File" and (dv.file_name or dv.file_contents):
        svc.save(P.DCV_FILE_URL, dv.file_name)
        svc.save(P.DCV_FILE_CONTENTS, dv.file_contents)


def refunded_error(svc: Service, detail: CertDetail) -> CertificateRefundedError:
    return CertificateRefundedError(
        f"ENOM certificate {detail.cert_id} of service {svc.id} was refunded "
        f"({detail.status}); it cannot be issued. Order a new certificate if one is needed.",
        obj="enom",
        value=detail.cert_id,
    )


# --- the command ---------------------------------------------------------------------------


def open_service(svc: Service) -> None:
    order = prepare(svc)
    cert_id, unconfigured = acquire(svc, order, OPEN)
    detail: CertDetail | None = None
    if not unconfigured:
        detail = svc.client.get_cert_detail(cert_id)
        if detail.order_id and not svc.param(P.ORDER_ID):
            svc.save(P.ORDER_ID, detail.order_id)
    status = AWAITING_CONFIGURATION if detail is None else detail.status_id
    if status in CONFIGURABLE:
        try:
            configure_and_submit(svc, order, cert_id)
        except ModuleError:
            _mark_not_submitted(svc)
            raise
    elif status in REFUNDED:
        assert detail is not None
        raise refunded_error(svc, detail)
    elif detail is not None and (status == ISSUED or detail.ssl_certificate):
        from pmenomssl.handlers.enomssl.sync import apply_detail

        logger.info("CertID %s is already issued: saving it", cert_id)
        apply_detail(svc, detail)
        svc.post("open")
        return
    elif detail is not None:
        save_dcv(svc, order.dcv_method, detail.dv)
    svc.set_status(STATUS_ENROLLED)
    svc.post("open")


def _mark_not_submitted(svc: Service) -> None:
    """Status 3 (requested, not yet submitted) once money is spent but submission failed."""
    try:
        svc.set_status(STATUS_REQUESTED)
    except ModuleError as exc:  # the original error matters more
        logger.error("could not set status %s: %s", STATUS_REQUESTED, exc)
