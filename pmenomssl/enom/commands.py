"""The one table of ENOM commands the client sends and what a repeat of each would cost.

READ   repeating is harmless: retried on any transport error or malformed answer.
WRITE  changes state at ENOM or the CA (configure, submit, reissue, cancel, e-mails).
PAID   debits the reseller balance.
WRITE and PAID commands are retried only when the request provably never reached ENOM
(a connect error); if the answer is lost after sending, the client raises
EnomOutcomeUnknownError and the caller reconciles.
"""

from __future__ import annotations

import enum


class Kind(enum.Enum):
    READ = "read"
    WRITE = "write"
    PAID = "paid"


COMMANDS: dict[str, Kind] = {
    "GetBalance": Kind.READ,
    "GetCerts": Kind.READ,
    "CertGetApproverEmail": Kind.READ,
    "CertGetCertDetail": Kind.READ,
    "CertGetCerts": Kind.READ,
    "CertParseCSR": Kind.READ,
    "GetOrderDetail": Kind.READ,
    "PurchaseServices": Kind.PAID,
    "CertConfigureCert": Kind.WRITE,
    "CertPurchaseCert": Kind.WRITE,
    "CertReissueCert": Kind.WRITE,
    "CertModifyOrder": Kind.WRITE,
    "CertChangeApproverEmail": Kind.WRITE,
    "CertResendApproverEmail": Kind.WRITE,
    "CertResendFulfillmentEmail": Kind.WRITE,
}


def kind(command: str) -> Kind:
    """How `command` may be retried; unknown commands are treated as PAID (the safe side)."""
    return COMMANDS.get(command, Kind.PAID)


def is_read(command: str) -> bool:
    return kind(command) is Kind.READ
