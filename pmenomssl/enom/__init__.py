"""ENOM reseller API client: `EnomClient`, its typed results and its errors.

Imported only by the commands that talk to ENOM (it pulls in httpx, lxml and tenacity).
"""

from __future__ import annotations

from pmenomssl.enom.client import LIVE_URL, TEST_URL, EnomClient, RetryPolicy, Timeouts
from pmenomssl.enom.errors import (
    EnomApiError,
    EnomAuthError,
    EnomConnectError,
    EnomDeadlineExceededError,
    EnomError,
    EnomInsufficientFundsError,
    EnomInvalidCsrError,
    EnomIpNotAllowedError,
    EnomMalformedResponseError,
    EnomNotFoundError,
    EnomOutcomeUnknownError,
    EnomReadTimeoutError,
    EnomTransportError,
)
from pmenomssl.enom.models import (
    CURRENCY,
    Approver,
    Balance,
    CertDetail,
    CertPage,
    CertSummary,
    Configured,
    Contact,
    DcvInfo,
    OrderDetail,
    ParsedCsr,
    Product,
    Purchase,
    Submitted,
    UccDomain,
)

__all__ = [
    "CURRENCY",
    "LIVE_URL",
    "TEST_URL",
    "Approver",
    "Balance",
    "CertDetail",
    "CertPage",
    "CertSummary",
    "Configured",
    "Contact",
    "DcvInfo",
    "EnomApiError",
    "EnomAuthError",
    "EnomClient",
    "EnomConnectError",
    "EnomDeadlineExceededError",
    "EnomError",
    "EnomInsufficientFundsError",
    "EnomInvalidCsrError",
    "EnomIpNotAllowedError",
    "EnomMalformedResponseError",
    "EnomNotFoundError",
    "EnomOutcomeUnknownError",
    "EnomReadTimeoutError",
    "EnomTransportError",
    "OrderDetail",
    "ParsedCsr",
    "Product",
    "Purchase",
    "RetryPolicy",
    "Submitted",
    "Timeouts",
    "UccDomain",
]
