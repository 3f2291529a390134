"""ENOM's certificate states and the BILLmanager service_status each one means, in one place."""

from __future__ import annotations

# ENOM CertStatusID values (enom-api.md 3.9).
AWAITING_CONFIGURATION = 1
PROCESSING = 2
ISSUED = 4
REJECTED = 6
REFUNDED = frozenset({7, 8})
APPROVAL_EMAIL_SENT = 9
APPROVED_BY_OWNER = 10
CONFIGURABLE = frozenset({AWAITING_CONFIGURATION, REJECTED})
CANCELLABLE = frozenset({PROCESSING, APPROVAL_EMAIL_SENT})  # CertModifyOrder is allowed
PENDING = frozenset({PROCESSING, APPROVAL_EMAIL_SENT, APPROVED_BY_OWNER})

# BILLmanager certificate service_status values (billmanager-protocol.md 2.4).
STATUS_REQUESTED = 3
STATUS_ENROLLED = 4
STATUS_ISSUED = 5
STATUS_FAILED = 6


def service_status_for(status_id: int | None) -> int:
    """The service_status BILLmanager should show for a certificate in this ENOM state.

    Unknown states count as pending (enrolled): the CA is still working, as far as we know.
    6 "Rejected by Customer" is requested, not failed: the certificate is paid and can be
    configured again (WHMCS lets it be configured again, Clientexec offers the purchase step
    again: settled-facts.md), so `open` run again configures and submits it.
    """
    if status_id in REFUNDED:
        return STATUS_FAILED
    if status_id == ISSUED:
        return STATUS_ISSUED
    if status_id in CONFIGURABLE:
        return STATUS_REQUESTED
    return STATUS_ENROLLED
