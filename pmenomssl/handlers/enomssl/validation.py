"""`send_dv_email --emails A[,B…]` and `send_dv_dns --domain D`: change how the client proves
control of the domain after the order, never buying again.

Source: ISPsystem's GlobalSign module declares both features; its `send_dv_email` changes the
approver address (the CA mails the new one) and saves `approver_email`; its `send_dv_dns` asks
the CA to validate by DNS for the domain. With ENOM (enom-api.md 3.7, 3.11, 3.12):

- the order is not submitted yet (Awaiting Configuration, Rejected): the params are changed and
  the order is configured and submitted with the new method (CertConfigureCert and
  CertPurchaseCert, which submit a certificate already paid for: no charge);
- e-mail validation under way: the same address -> CertResendApproverEmail; another ->
  CertChangeApproverEmail (ENOM mails the new address);
- DNS validation already under way -> nothing to ask ENOM: the DNS record is saved again for
  the client from CertGetCertDetail;
- a switch of method while the CA works on the order -> CertModifyOrder (cancels the
  configuration, not a refund; only while Processing / Approval Email Sent), then configure and
  submit with the new method;
- issued, refunded or cancelled: refused, nothing is sent.

PurchaseServices (the only paid call) is never made here.
"""

from __future__ import annotations

import logging
import re

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.errors import ApproverError
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.handlers.enomssl.statuses import (
    CANCELLABLE,
    CONFIGURABLE,
    PENDING,
    STATUS_ENROLLED,
    STATUS_REQUESTED,
)
from pmenomssl.handlers.errors import NotOrderedError

logger = logging.getLogger(__name__)

# approver_method values this module writes: BILLmanager's names (ISP's GlobalSign module).
METHOD_EMAIL = "auth_email"
METHOD_DNS = "auth_dnstxt"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _cert_id(svc: Service, command: str) -> str:
    cert_id = svc.param(P.CERT_ID)
    if not cert_id:
        raise NotOrderedError(
            f"Service {svc.id} has no ENOM certificate yet, so {command} has nothing to change: "
            "the order (open) must complete first; its validation method and approver address "
            "are taken from the order.",
            obj="item",
            value=str(svc.id),
        )
    return cert_id


def _not_changeable(svc: Service, cert_id: str, status: str) -> ApproverError:
    return ApproverError(
        f"The validation of ENOM certificate {cert_id} (service {svc.id}) cannot be changed in "
        f"its state {status!r}: only an order waiting for validation can. Nothing was sent to "
        "ENOM.",
        obj=P.APPROVER_METHOD,
        value=status,
    )


def _resubmit(svc: Service, cert_id: str, *, cancel_first: bool) -> None:
    """Configure and submit the paid certificate again with the item's (changed) params."""
    from pmenomssl.handlers.enomssl.order import configure_and_submit, prepare

    order = prepare(svc)  # every check the order had: CSR, contacts, method, approver
    if cancel_first:
        svc.client.modify_order(cert_id)  # cancels the configuration only (not a refund)
        logger.info("CertID %s: configuration cancelled to change its validation", cert_id)
    try:
        configure_and_submit(svc, order, cert_id)
    except ModuleError:
        # Paid and configurable: running the same command again submits it (no purchase).
        logger.error("CertID %s is not submitted; run the validation change again", cert_id)
        svc.set_status(STATUS_REQUESTED)
        raise
    svc.set_status(STATUS_ENROLLED)


def send_dv_email(svc: Service) -> None:
    """Change or resend the approver address to the command's `--emails`."""
    emails_arg = svc.ctx.args.emails
    emails = [e.strip().lower() for e in (emails_arg or "").split(",") if e.strip()]
    if not emails or not all(_EMAIL.fullmatch(e) for e in emails):
        raise ApproverError(
            f"send_dv_email needs --emails with the approver address(es), got "
            f"{(emails_arg or '')[:80]!r}: choose one of the addresses offered for the domain.",
            obj=P.APPROVER_EMAIL,
            value=(emails_arg or "")[:80],
        )
    cert_id = _cert_id(svc, "send_dv_email")
    detail = svc.client.get_cert_detail(cert_id)
    on_email = not detail.dv.method or detail.dv.method.lower() == "email"
    if detail.status_id in CONFIGURABLE:
        svc.save(P.APPROVER_METHOD, METHOD_EMAIL)
        svc.save(P.APPROVER_EMAIL, ",".join(emails))
        _resubmit(svc, cert_id, cancel_first=False)
        return
    if detail.status_id in PENDING and on_email:
        current = detail.approver_email.strip().lower()
        if emails[0] == current:
            svc.client.resend_approver_email(cert_id)
            logger.info("CertID %s: approval e-mail sent again to %s", cert_id, current)
        else:
            svc.client.change_approver_email(cert_id, emails[0])
            logger.info("CertID %s: approver changed from %s to %s", cert_id, current, emails[0])
        svc.save(P.APPROVER_METHOD, METHOD_EMAIL)
        svc.save(P.APPROVER_EMAIL, ",".join(emails))
        return
    if detail.status_id in CANCELLABLE:  # DNS or file validation under way -> e-mail
        svc.save(P.APPROVER_METHOD, METHOD_EMAIL)
        svc.save(P.APPROVER_EMAIL, ",".join(emails))
        _resubmit(svc, cert_id, cancel_first=True)
        return
    raise _not_changeable(svc, cert_id, detail.status)


def send_dv_dns(svc: Service) -> None:
    """Switch to DNS validation of the command's `--domain`."""
    from pmenomssl.handlers.enomssl.order import save_dcv

    domain_arg = svc.ctx.args.domain
    spec = svc.product()
    if "DNS" not in spec.dcv_methods():
        raise ApproverError(
            f"{spec.title} cannot be validated by DNS through ENOM: keep e-mail validation "
            "(send_dv_email changes or resends the approver address). Nothing was sent to ENOM.",
            obj=P.APPROVER_METHOD,
            value=METHOD_DNS,
        )
    cert_id = _cert_id(svc, "send_dv_dns")
    detail = svc.client.get_cert_detail(cert_id)
    domain = (domain_arg or "").strip().lower().rstrip(".")
    names = {detail.domain.strip().lower(), *(d.lower() for d in detail.domain_list)}
    names.discard("")
    if domain and names and domain not in names:
        raise ApproverError(
            f"send_dv_dns names {domain!r}, which ENOM certificate {cert_id} does not cover "
            f"({', '.join(sorted(names))}). Nothing was sent to ENOM.",
            obj="domain",
            value=domain[:80],
        )
    on_dns = detail.dv.method.lower() == "dns"
    if detail.status_id in CONFIGURABLE:
        svc.save(P.APPROVER_METHOD, METHOD_DNS)
        _resubmit(svc, cert_id, cancel_first=False)
        return
    if detail.status_id in PENDING and on_dns:
        # ENOM checks the record itself; the client needs the record, kept in the params.
        save_dcv(svc, "DNS", detail.dv)
        svc.save(P.APPROVER_METHOD, METHOD_DNS)
        logger.info("CertID %s is validated by DNS already: the DNS record is saved", cert_id)
        return
    if detail.status_id in CANCELLABLE:  # e-mail (or file) validation under way -> DNS
        svc.save(P.APPROVER_METHOD, METHOD_DNS)
        _resubmit(svc, cert_id, cancel_first=True)
        return
    raise _not_changeable(svc, cert_id, detail.status)
