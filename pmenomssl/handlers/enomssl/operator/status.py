"""`pmenomssl status --item I`: what BILLmanager and ENOM each say about a certificate service,
and the next action in one sentence (see pmenomssl.operator.status)."""

from __future__ import annotations

import argparse
from datetime import timezone
from typing import TYPE_CHECKING

from pmenomssl.cli.common import (
    add_item_option,
    failed,
    new_parser,
    operator_context,
    print_next,
    start_log,
)
from pmenomssl.cli.common import status_line as _line
from pmenomssl.errors import ModuleError
from pmenomssl.operator.progress import Progress

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room
    from pmenomssl.operator.status import ServiceView

EXAMPLES = """\
examples:
  # service 42: BILLmanager's view, ENOM's view (CertGetCertDetail), and what happens next
  pmenomssl status --item 42

  # only what BILLmanager holds, without asking ENOM
  pmenomssl status --item 42 --no-enom

exit status: 0 shown, 1 the service could not be read or ENOM could not be asked.
"""


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmenomssl status`."""
    parser = new_parser(
        subparsers,
        name,
        help="what BILLmanager and ENOM say about a certificate service, and what comes next",
        description=(
            "Show a certificate service as BILLmanager holds it (item status, service_status, "
            "the module's params, the stored certificate) and as ENOM reports it "
            "(CertGetCertDetail), then the next action in one sentence."
        ),
        examples=EXAMPLES,
    )
    add_item_option(parser)
    parser.add_argument(
        "--no-enom", action="store_true", help="do not ask ENOM, show BILLmanager's side only"
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl status`; return the exit status."""
    from pmenomssl.operator.status import gather, next_action

    start_log("status", item=args.item)
    ctx = operator_context("status", item=args.item)
    try:
        with Progress(f"reading service {args.item}"):
            view = gather(ctx, ask_enom=not args.no_enom)
    except ModuleError as exc:
        return failed(exc.desc)
    finally:
        if ctx.billing_started:
            ctx.billing.close()
    _print(view, ask_enom=not args.no_enom)
    print_next(next_action(view))
    return 1 if view.enom_problem or view.renewal_problem else 0


def _print(view: ServiceView, *, ask_enom: bool) -> None:
    from pmenomssl.operator.status import ITEM_STATUS, SERVICE_STATUS, SHOWN_PARAMS

    item = view.item
    product = view.product
    what = (
        f"{product.title}, ENOM product {product.code}"
        if product is not None
        else "unknown product"
    )
    print(f"Service {item.id}: tariff {item.pricelist_intname!r} ({what})")
    print()
    print("BILLmanager says:")
    _line("item status", f"{item.status} ({ITEM_STATUS.get(item.status, 'unknown')})")
    service_status = view.param("service_status")
    _line(
        "service_status",
        f"{service_status} ({SERVICE_STATUS.get(service_status, 'unknown')})"
        if service_status
        else "(not set yet)",
    )
    _line("processing module", str(item.processingmodule or "(none)"))
    _line("expiredate", str(item.expiredate or "(none)"))
    for name in SHOWN_PARAMS[1:]:
        value = view.param(name)
        if value:
            _line(name, value)
    cert = view.cert
    if cert.unreadable:
        _line("certificate", f"unreadable: {cert.unreadable}")
    elif cert.not_after is not None:
        expires = cert.not_after.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        _line(
            "certificate", f"CN={cert.subject_cn}, names {', '.join(cert.names)}, expires {expires}"
        )
    else:
        _line("certificate", "none saved yet" + ("" if cert.has_csr else "; no CSR either"))
    if view.product_problem:
        _line("problem", view.product_problem)
    if not ask_enom:
        return
    print()
    print("ENOM says:")
    if not view.param("enom_cert_id"):
        _line("certificate", "none bought for this service")
    for label, detail, problem in (
        ("CertID " + view.param("enom_cert_id"), view.enom, view.enom_problem),
        (
            "renewal CertID " + view.param("enom_renewal_cert_id"),
            view.renewal,
            view.renewal_problem,
        ),
    ):
        if problem:
            _line(label, f"could not ask: {problem}")
        elif detail is not None:
            text = f"{detail.status_id} {detail.status}"
            if detail.status_detail:
                text += f" ({detail.status_detail})"
            _line(label, text)
            if detail.approver_email:
                _line("  approver", detail.approver_email)
            if detail.expiration_date is not None:
                _line("  expiration", f"{detail.expiration_date:%Y-%m-%d}")
            if detail.order_id:
                _line("  order ID", detail.order_id)
