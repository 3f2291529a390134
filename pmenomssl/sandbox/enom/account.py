"""The sandbox's ENOM account: credentials, IP allow-list, balance, the catalogue, the
certificates bought, the purchase ledger and ENOM's clock (see `state.py` for the whole).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from pmenomssl.sandbox.account import SandboxAccount, credentials_match
from pmenomssl.sandbox.enom.catalogue import Product, default_catalogue
from pmenomssl.sandbox.enom.certificates import Certificate, IssuePolicy, PurchaseRecord
from pmenomssl.sandbox.enom.clock import EnomClock
from pmenomssl.sandbox.enom.errors import (
    BAD_LOGIN,
    INSUFFICIENT_FUNDS,
    INVALID,
    INVALID_PRODUCT,
    INVALID_YEARS,
    NOT_FOUND,
    EnomError,
    fail,
    ip_not_allowed,
)


class EnomAccount(SandboxAccount):
    """Who the account is, what it holds and how it buys (PurchaseServices)."""

    def __init__(
        self,
        uid: str,
        pw: str,
        balance: Decimal = Decimal("5000.00"),
        available_balance: Decimal | None = None,
        catalogue: Iterable[Product] | None = None,
    ) -> None:
        super().__init__()
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

    # --- authentication ---------------------------------------------------------------------

    def authenticate(self, uid: str, pw: str, client_ip: str) -> None:
        # Credentials first, then the IP allow-list.
        if not credentials_match(uid, pw, self.uid, self.pw):
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
