"""What BILLmanager and ENOM each say about one certificate service, and what happens next.

`gather(item_id)` reads the item through the handler's `Service` (the same reads a command
makes) and asks ENOM with CertGetCertDetail for the current certificate and a renewal under
way; `next_action(view)` turns that into one sentence for staff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.statuses import (
    AWAITING_CONFIGURATION,
    ISSUED,
    REFUNDED,
    REJECTED,
)

if TYPE_CHECKING:
    from pmenomssl.billing import CertificateRow, Item
    from pmenomssl.enom import CertDetail
    from pmenomssl.handlers.base import Context
    from pmenomssl.handlers.enomssl.productspec import ProductSpec
    from pmenomssl.handlers.enomssl.service import Service

logger = logging.getLogger(__name__)

# BILLmanager item.status (billmanager-protocol.md 3: 2 active and 3 suspended are sure, the
# others UNCONFIRMED) and certificate service_status (2.4).
ITEM_STATUS = {1: "ordered", 2: "active", 3: "suspended", 4: "closed", 5: "processing"}
SERVICE_STATUS = {"3": "requested", "4": "enrolled", "5": "issued", "6": "failed"}
ITEM_CLOSED = 4

# ENOM CertStatusID (enom-api.md 3.9).
PENDING = frozenset({2, 9, 10})

# The params `status` lists (the module's own, then BILLmanager's order choices).
SHOWN_PARAMS = (
    P.SERVICE_STATUS,
    P.CERT_ID,
    P.ORDER_ID,
    P.PURCHASE_INTENT,
    P.OPENED,
    P.OPENED_SERIAL,
    P.APPROVER_METHOD,
    P.APPROVER_EMAIL,
    P.DCV_DNS_TYPE,
    P.DCV_DNS_ENTRY,
    P.DCV_DNS_ADDRESS,
    P.DCV_FILE_URL,
    P.DCV_FILE_CONTENTS,
    P.RENEWAL_DUE,
    P.RENEWAL_INTENT,
    P.RENEWAL_CERT_ID,
    P.RENEWAL_ORDER_ID,
    P.PREVIOUS_CERT_IDS,
    P.REFUND_NOTE,
)


@dataclass
class CertView:
    """The stored certificate: what BILLmanager's certificate table holds."""

    has_csr: bool = False
    subject_cn: str = ""
    names: tuple[str, ...] = ()
    not_after: datetime | None = None
    unreadable: str = ""


@dataclass
class ServiceView:
    item: Item
    params: dict[str, str]
    product: ProductSpec | None
    product_problem: str = ""
    cert: CertView = field(default_factory=CertView)
    enom: CertDetail | None = None
    enom_problem: str = ""
    renewal: CertDetail | None = None
    renewal_problem: str = ""

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()


def gather(ctx: Context, *, ask_enom: bool = True) -> ServiceView:
    """Read the item `ctx.item_id` and (unless told not to) ask ENOM about its certificates."""
    from pmenomssl.handlers.enomssl.service import Service

    svc = Service(ctx)
    try:
        product: ProductSpec | None = None
        product_problem = ""
        try:
            product = svc.product()
        except ModuleError as exc:
            product_problem = exc.desc
        view = ServiceView(
            item=svc.item, params=dict(svc.params), product=product, product_problem=product_problem
        )
        view.cert = _stored_certificate(svc.certificate())
        if ask_enom:
            cert_id = view.param(P.CERT_ID)
            renewal_id = view.param(P.RENEWAL_CERT_ID)
            if cert_id:
                view.enom, view.enom_problem = _detail(svc, cert_id)
            if renewal_id:
                view.renewal, view.renewal_problem = _detail(svc, renewal_id)
        return view
    finally:
        svc.close()


def _detail(svc: Service, cert_id: str) -> tuple[CertDetail | None, str]:
    try:
        return svc.client.get_cert_detail(cert_id), ""
    except ModuleError as exc:
        logger.warning("status: CertGetCertDetail %s failed: %s", cert_id, exc.desc)
        return None, exc.desc


def _stored_certificate(row: CertificateRow | None) -> CertView:
    view = CertView()
    if row is None:
        return view
    view.has_csr = bool(row.csr.strip())
    if row.crt.strip():
        from pmenomssl.ssl import parse_certificate

        try:
            info = parse_certificate(row.crt)
        except ModuleError as exc:
            view.unreadable = exc.desc
        else:
            view.subject_cn = info.subject_cn
            view.names = info.sans
            view.not_after = info.not_after
    return view


def _dcv_hint(view: ServiceView, detail: CertDetail) -> str:
    dns_entry = view.param(P.DCV_DNS_ENTRY) or detail.dv.dns_entry
    file_url = view.param(P.DCV_FILE_URL) or detail.dv.file_name
    if dns_entry:
        kind = view.param(P.DCV_DNS_TYPE) or detail.dv.dns_type or "TXT"
        address = view.param(P.DCV_DNS_ADDRESS) or detail.dv.dns_address
        where = f" at {address}" if address else ""
        return f"the client must publish the DNS {kind} record {dns_entry!r}{where}"
    if file_url:
        return (
            f"the client must serve the validation file at {file_url} "
            f"(contents in {P.DCV_FILE_CONTENTS})"
        )
    approver = detail.approver_email or view.param(P.APPROVER_EMAIL).split(",")[0]
    if approver:
        return (
            f"{approver} must approve the CA's e-mail (ask ENOM to resend it, or change the "
            "approver, if it never arrived)"
        )
    return "the domain's owner must complete the CA's validation"


def _renewal_window(view: ServiceView) -> str:
    if view.cert.not_after is None or view.product is None:
        return ""
    expires = view.cert.not_after.astimezone(timezone.utc).date()
    opens = expires - timedelta(days=view.product.rules.renewal_window_days)
    return (
        f"; it expires {expires}, and ENOM sells its renewal from {opens} "
        f"({view.product.rules.renewal_window_days} days before), when the client pays for prolong"
    )


def next_action(view: ServiceView, today: date | None = None) -> str:
    """One sentence: what happens next with this service, and who has to act."""
    day = today or datetime.now(timezone.utc).date()
    item_id = view.item.id
    if view.item.status == ITEM_CLOSED:
        if view.param(P.REFUND_NOTE):
            return (
                "Nothing for the module: the service is closed; money back needs an ENOM "
                f"support request ({P.REFUND_NOTE} has the Order ID)."
            )
        return "Nothing: the service is closed."
    if view.product is None:
        return f"Fix the tariff first: {view.product_problem}"
    if not view.param(P.CERT_ID):
        if view.param(P.PURCHASE_INTENT):
            return (
                "A purchase may have been charged without its CertID being saved: run open "
                "again (BILLmanager retries it); it finds the purchase at ENOM and adopts it "
                "instead of buying twice."
            )
        return (
            "Nothing has been bought yet: BILLmanager runs open when the order is paid; if it "
            f"failed, `pmenomssl logs --item {item_id}` shows why, then re-run the operation."
        )
    if view.enom is None and view.enom_problem:
        return (
            "Fix the connection to ENOM first (see above), then run "
            f"`pmenomssl status --item {item_id}` again."
        )
    if view.param(P.RENEWAL_CERT_ID):
        detail = view.renewal
        if detail is None:
            return "A renewal is under way; ENOM could not be asked about it (see above)."
        if detail.status_id in REFUNDED:
            return (
                "ENOM refunded the renewal: the next sync_item drops it; run prolong again if "
                "still wanted."
            )
        if detail.status_id in (AWAITING_CONFIGURATION, REJECTED):
            return (
                f"The renewal (CertID {detail.cert_id}) is not submitted yet: the next "
                "sync_item configures and submits it."
            )
        if detail.status_id == ISSUED:
            return (
                f"The renewal (CertID {detail.cert_id}) is issued: the next sync_item saves it "
                "and makes it the service's certificate."
            )
        return (
            f"Renewal CertID {detail.cert_id} waits for validation: {_dcv_hint(view, detail)}; "
            "sync_item replaces the certificate once it is issued."
        )
    if view.param(P.RENEWAL_INTENT):
        return (
            "A renewal purchase may have been charged without its CertID being saved: the next "
            "sync_item finds it at ENOM and adopts it instead of buying twice."
        )
    due = view.param(P.RENEWAL_DUE)
    if due:
        try:
            due_day = date.fromisoformat(due)
        except ValueError:
            due_day = None
        if due_day is not None and due_day > day:
            return (
                f"Renewal scheduled: ENOM's renewal window opens {due_day}, and the first "
                "sync_item from that day buys, configures and submits it."
            )
        return "A renewal is due: the next sync_item buys, configures and submits it."
    detail = view.enom
    if detail is None:
        return "ENOM could not be asked (see above)."
    status = view.param(P.SERVICE_STATUS)
    if detail.status_id == AWAITING_CONFIGURATION:
        return (
            "ENOM is waiting for the order's configuration: run open again (BILLmanager "
            "retries it); it continues with CertConfigureCert and CertPurchaseCert."
        )
    if detail.status_id == REJECTED:
        reason = f" ({detail.status_detail})" if detail.status_detail else ""
        return (
            f"The CA rejected the order{reason}: fix the cause (CSR, approver, contacts), then "
            "run open again; ENOM lets a rejected order be configured anew."
        )
    if detail.status_id in REFUNDED:
        return (
            "ENOM refunded this certificate, so the order cannot continue: close the service, "
            "or let the client order again."
        )
    if detail.status_id == ISSUED:
        if status != "5" or view.cert.not_after is None:
            return (
                "ENOM has issued the certificate: the next sync_item (BILLmanager runs it "
                "periodically) saves it in BILLmanager."
            )
        return "Nothing to do: the certificate is issued and saved" + _renewal_window(view) + "."
    if detail.status_id in PENDING:
        return (
            f"Waiting for domain validation: {_dcv_hint(view, detail)}; sync_item saves the "
            "certificate once it is issued."
        )
    return (
        f"ENOM reports the status {detail.status!r} ({detail.status_id}), which the module "
        "treats as pending: check the order in ENOM's reseller panel."
    )
