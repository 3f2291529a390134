"""A bought certificate's way through the CA in the sandbox: configuration (CSR, contacts, UCC
names), submission, issue (real X.509), reissue, approver changes and modification.
"""

from __future__ import annotations

import datetime
import re
import secrets
import time
from collections.abc import Collection

from pmenomssl.sandbox import ca
from pmenomssl.sandbox.enom import names
from pmenomssl.sandbox.enom.account import EnomAccount
from pmenomssl.sandbox.enom.catalogue import GEOTRUST_FAMILY, UCC_DOMAINS_ALLOWED, Product
from pmenomssl.sandbox.enom.certificates import (
    APPROVAL_EMAIL_SENT,
    AWAITING_CONFIGURATION,
    CONFIGURABLE,
    CONTACT_REQUIRED,
    CONTACT_TYPES,
    ISSUED,
    PENDING,
    PROCESSING,
    REFUNDED_CERT_ISSUED,
    REJECTED,
    Certificate,
    approvers_for,
    domain_of,
    valid_domain,
)
from pmenomssl.sandbox.enom.errors import (
    CONTACT_CODES,
    CONTACT_NAMES,
    CSR_ERRORS,
    CSR_RESPONSE,
    GEOTRUST_NON_ASCII,
    INVALID,
    MISSING,
    NON_ASCII_RESPONSE,
    PHONE_ERROR,
    POLICY,
    EnomError,
    fail,
)

_PHONE = re.compile(r"^\+\d{1,3}\.\d{4,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CertificateLifecycle(EnomAccount):
    """The commands that move a certificate after PurchaseServices."""

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
            self._require_status(
                cert,
                CONFIGURABLE,
                " and cannot be configured; cancel the configuration with CertModifyOrder first",
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
            self._require_status(cert, CONFIGURABLE, " and cannot be submitted again")
            if cert.csr is None:
                raise fail(
                    f"Certificate {cert.cert_id} must be configured with CertConfigureCert "
                    "before it is submitted",
                    POLICY,
                )
            product = cert.product
            method = dv_method.strip().lower()
            if method in ("", "email"):
                cert.approver_email = self._approver_of(cert, approver_email)
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
            self._require_status(cert, {ISSUED}, "; only issued certificates can be reissued")
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
            cert.approver_email = self._approver_of(cert, email)
            return cert

    def resend_approver(self, cert_id: str) -> Certificate:
        with self.lock:
            cert = self.cert(cert_id)
            self._require_email_pending(cert, "resend the approval e-mail")
            return cert

    @staticmethod
    def _require_status(cert: Certificate, allowed: Collection[int], refusal: str) -> None:
        """Refuse (POLICY) a command on a certificate whose status is not `allowed`; the text
        says which status it is in, then `refusal`."""
        if cert.status_id not in allowed:
            raise fail(f"Certificate {cert.cert_id} is in status '{cert.status}'{refusal}", POLICY)

    @staticmethod
    def _approver_of(cert: Certificate, email: str) -> str:
        """`email` as the certificate's approver address (lower case), if it is one."""
        wanted = email.strip().lower()
        if not wanted:
            raise fail("ApproverEmail is required", MISSING)
        if wanted not in approvers_for(cert.domain):
            raise fail(
                f"ApproverEmail {wanted[:80]!r} is not an approver address for "
                f"{domain_of(cert.domain)}",
                INVALID,
            )
        return wanted

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
            self._require_status(
                cert, {ISSUED}, "; only issued certificates have a fulfillment e-mail"
            )
            return cert

    def modify_order(self, cert_id: str) -> Certificate:
        """CertModifyOrder: cancel the configuration of a pending order; back to status 1."""
        with self.lock:
            cert = self.cert(cert_id)
            self._require_status(
                cert,
                PENDING,
                "; only orders in 'Processing' or 'Approval Email Sent' can be modified",
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
