"""The one table of ENOM commands the client sends and what a repeat of each would cost.

READ   repeating is harmless: retried on any transport error or malformed answer.
WRITE  changes state at ENOM or the CA (configure, submit, reissue, cancel, e-mails).
PAID   debits the reseller balance.
WRITE and PAID commands are retried only when the request provably never reached ENOM
(a connect error); if the answer is lost after sending, the client raises
EnomOutcomeUnknownError and the caller reconciles (the shared rule: `transport.calls`).
"""

from __future__ import annotations

from pmenomssl.transport.calls import CallClass

COMMANDS: dict[str, CallClass] = {
    "GetBalance": CallClass.READ,
    "GetCerts": CallClass.READ,
    "CertGetApproverEmail": CallClass.READ,
    "CertGetCertDetail": CallClass.READ,
    "CertGetCerts": CallClass.READ,
    "CertParseCSR": CallClass.READ,
    "GetOrderDetail": CallClass.READ,
    "PurchaseServices": CallClass.PAID,
    "CertConfigureCert": CallClass.WRITE,
    "CertPurchaseCert": CallClass.WRITE,
    "CertReissueCert": CallClass.WRITE,
    "CertModifyOrder": CallClass.WRITE,
    "CertChangeApproverEmail": CallClass.WRITE,
    "CertResendApproverEmail": CallClass.WRITE,
    "CertResendFulfillmentEmail": CallClass.WRITE,
}


def call_class(command: str) -> CallClass:
    """How `command` may be retried; unknown commands are treated as PAID (the safe side)."""
    return COMMANDS.get(command, CallClass.PAID)
