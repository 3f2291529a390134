"""ENOM reseller API client (interface.asp): one typed method per SSL command. (skeleton)"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

import httpx

from pmenomssl.enom.models import (
    Approver,
    Balance,
    CertDetail,
    CertPage,
    CertSummary,
    Configured,
    Contact,
    OrderDetail,
    ParsedCsr,
    Product,
    Purchase,
    Submitted,
    UccDomain,
)

LIVE_URL = "https://reseller.enom.com/interface.asp"
TEST_URL = "https://resellertest.enom.com/interface.asp"


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 60.0
    purchase_read: float = 100.0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    wait_initial: float = 0.5
    wait_max: float = 4.0


class EnomClient:
    def __init__(self, url: str, uid: str, pw: str, *, timeouts: Timeouts = Timeouts(),
                 transport: httpx.BaseTransport | None = None,
                 deadline: float | None = None, retry: RetryPolicy = RetryPolicy()) -> None:
        raise NotImplementedError

    def close(self) -> None: raise NotImplementedError
    def __enter__(self) -> EnomClient: return self
    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None: self.close()
    def get_balance(self) -> Balance: raise NotImplementedError
    def get_certs(self) -> list[Product]: raise NotImplementedError
    def purchase_services(self, service: str, years: int = 1) -> Purchase: raise NotImplementedError
    def configure_cert(self, cert_id: str, *, csr: str, web_server_type: int,
                       contacts: Mapping[str, Contact], ucc: Sequence[UccDomain] = (),
                       dv_auth_method: str | None = None) -> Configured: raise NotImplementedError
    def get_approver_emails(self, cert_id: str, domain: str) -> tuple[Approver, ...]: raise NotImplementedError
    def purchase_cert(self, cert_id: str, *, approver_email: str | None = None,
                      dv_auth_method: str | None = None,
                      csr_fields: Mapping[str, str] | None = None,
                      ucc: Sequence[UccDomain] = ()) -> Submitted: raise NotImplementedError
    def get_cert_detail(self, cert_id: str) -> CertDetail: raise NotImplementedError
    def get_certs_page(self, *, start: int = 1, page_size: int = 250, sort_by: str = "CertID",
                       descending: bool = True, status_id: int | None = None,
                       prod_type: int | None = None) -> CertPage: raise NotImplementedError
    def iter_certs(self, *, page_size: int = 250, **filters: object) -> Iterator[CertSummary]: raise NotImplementedError
    def parse_csr(self, cert_id: str, csr: str) -> ParsedCsr: raise NotImplementedError
    def reissue_cert(self, cert_id: str, csr: str) -> str: raise NotImplementedError
    def resend_approver_email(self, cert_id: str) -> str: raise NotImplementedError
    def change_approver_email(self, cert_id: str, email: str) -> str: raise NotImplementedError
    def resend_fulfillment_email(self, cert_id: str) -> None: raise NotImplementedError
    def modify_order(self, cert_id: str) -> None: raise NotImplementedError
    def get_order_detail(self, order_id: str) -> OrderDetail: raise NotImplementedError
