"""The sandbox's ENOM account as a whole: `SandboxState`, with the operator's actions, the
certificate listing and the reports tests read.

Everything is plain Python behind one re-entrant lock (`SandboxState.lock`, see
`pmenomssl.sandbox.account`). The pieces, each in its own module: the account (credentials,
balance, purchase: `account.py`), the catalogue (`catalogue.py`), certificates and their statuses
(`certificates.py`), a certificate's way through the CA (`lifecycle.py`), ENOM's clock
(`clock.py`) and its errors (`errors.py`).
"""

from __future__ import annotations

import collections
import datetime
import time

from pmenomssl.sandbox.enom.certificates import (
    AWAITING_CONFIGURATION,
    ISSUED,
    REFUNDED_CERT_ISSUED,
    REFUNDED_NO_CERT,
    REJECTED,
    Certificate,
)
from pmenomssl.sandbox.enom.lifecycle import CertificateLifecycle


class SandboxState(CertificateLifecycle):
    """The whole ENOM account of the sandbox. Thread-safe through `lock` (re-entrant)."""

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
