"""ENOM commands: request parameters in, an `Outcome` (body or errors) out.

Parameter names are case-insensitive, as ENOM's are. `execute()` authenticates, runs the command
against `SandboxState` under its lock and never raises for a client mistake: every failure is an
ENOM-style error in the Outcome.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pmenomssl.sandbox import ca
from pmenomssl.sandbox.enom import answers
from pmenomssl.sandbox.enom.certificates import CONTACT_FIELDS, CONTACT_TYPES
from pmenomssl.sandbox.enom.errors import (
    BAD_LOGIN,
    INVALID,
    MISSING,
    EnomError,
    fail,
    ip_not_allowed,
)
from pmenomssl.sandbox.enom.state import SandboxState

MAX_PAGE_SIZE = 250
DEFAULT_PAGE_SIZE = 25


@dataclass
class Outcome:
    command: str  # as ENOM echoes it (upper-cased by render.envelope)
    body: str = ""
    errors: list[str] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)


class Params:
    """Case-insensitive request parameters (first value wins)."""

    def __init__(self, pairs: Mapping[str, str]) -> None:
        self._values = {k.lower(): v for k, v in pairs.items()}

    def get(self, name: str, default: str = "") -> str:
        return self._values.get(name.lower(), default)

    def require(self, name: str) -> str:
        value = self.get(name).strip()
        if not value:
            raise fail(f"{name} is required", MISSING)
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name).strip()
        if not value:
            return default
        try:
            return int(value)
        except ValueError:
            raise fail(f"{name} must be a number", INVALID) from None

    def numbered(self, prefix: str) -> list[str]:
        """`UCCDomainList1..N`: as many as `DomainListNumber` says, or until one is missing."""
        count = self.integer("DomainListNumber")
        result: list[str] = []
        i = 1
        while (count is None or i <= count) and self.get(f"{prefix}{i}").strip():
            result.append(self.get(f"{prefix}{i}").strip())
            i += 1
        return result


Handler = Callable[[SandboxState, Params], str]


def _get_balance(state: SandboxState, p: Params) -> str:
    return answers.balance(state.balance, state.available_balance)


def _get_certs(state: SandboxState, p: Params) -> str:
    return answers.products([x for x in state.products.values() if x.enabled])


def _purchase_services(state: SandboxState, p: Params) -> str:
    years = p.integer("NumYears", 1)
    cert = state.purchase(p.require("Service"), years or 1)
    return answers.purchase(cert)


def _contacts(p: Params) -> dict[str, str]:
    names = {*CONTACT_FIELDS, "State", "Province"}
    contacts = {}
    for kind in CONTACT_TYPES:
        for name in names:
            value = p.get(kind + name)
            if value:
                contacts[kind + name] = value
    return contacts


def _configure(state: SandboxState, p: Params) -> str:
    cert = state.configure(
        p.require("CertID"),
        p.get("CSR"),
        p.get("WebServerType"),
        _contacts(p),
        p.numbered("UCCDomainList"),
        p.numbered("UCCEmailList"),
    )
    return answers.configure(cert, state.approvers(cert))


def _get_approver_email(state: SandboxState, p: Params) -> str:
    cert = state.cert(p.require("CertID"))
    return answers.get_approvers(state.approvers(cert, p.get("Domain")))


_CSR_FIELDS = (
    "CSROrganization",
    "CSROrganizationUnit",
    "CSRAddress1",
    "CSRAddress2",
    "CSRLocality",
    "CSRStateProvince",
    "CSRPostalCode",
    "CSRCountry",
    "DUNSNumber",
)


def _purchase_cert(state: SandboxState, p: Params) -> str:
    cert = state.submit(
        p.require("CertID"),
        p.get("ApproverEmail"),
        p.get("DVAuthMethod"),
        {name: p.get(name) for name in _CSR_FIELDS if p.get(name)},
        p.numbered("UCCEmailList"),
    )
    return answers.submit(cert)


def _get_cert_detail(state: SandboxState, p: Params) -> str:
    cert = state.cert(p.require("CertID"))
    state.advance(cert, poll=True)
    state.ensure_x509(cert)
    return answers.detail(cert, ca.get_ca().pem)


def _date(p: Params, name: str) -> datetime.date | None:
    value = p.get(name).strip()
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%m/%d/%Y").date()
    except ValueError:
        raise fail(f"{name} must be MM/DD/YYYY", INVALID) from None


def _get_cert_list(state: SandboxState, p: Params) -> str:
    start = max(p.integer("StartPosition", 1) or 1, 1)
    size = p.integer("PagingPageSize", DEFAULT_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    size = min(max(size, 1), MAX_PAGE_SIZE)  # UNCONFIRMED: clamp, not an error, above 250
    prod_type = p.integer("ProdType")
    status_id = p.integer("CertStatusID")
    direction = p.get("SortByDirection").strip().lower() or "desc"
    sort_by = p.get("SortBy").strip()
    selected = state.list_certs(
        prod_type=prod_type or None,
        status_id=status_id or None,  # 0 means all
        domain_contains=p.get("DomainNameContains"),
        expiration_start=_date(p, "ExpirationDateStart"),
        expiration_end=_date(p, "ExpirationDateEnd"),
        sort_by=sort_by,
        descending=direction != "asc",
    )
    page = selected[start - 1 : start - 1 + size]
    return answers.cert_list(
        page,
        total_matching=len(selected),
        total_account=len(state.certs),
        start=start,
        page_size=size,
        prod_type=str(prod_type) if prod_type else "all",
        status=str(status_id) if status_id else "all",
        sort_by=sort_by,
        direction="asc" if direction == "asc" else "desc",
        now=state.now(),
    )


def _parse_csr(state: SandboxState, p: Params) -> str:
    state.cert(p.require("CertID"))
    return answers.parse_csr(state.parse_csr(p.get("CSR")))


def _reissue(state: SandboxState, p: Params) -> str:
    state.reissue(p.require("CertID"), p.get("CSR"))
    return answers.reissue()


def _resend_approver(state: SandboxState, p: Params) -> str:
    cert = state.resend_approver(p.require("CertID"))
    return answers.approver_email_result("CertResendApproverEmail", cert.approver_email)


def _change_approver(state: SandboxState, p: Params) -> str:
    cert = state.change_approver(p.require("CertID"), p.get("ApproverEmail"))
    return answers.approver_email_result("CertChangeApproverEmail", cert.approver_email)


def _resend_fulfillment(state: SandboxState, p: Params) -> str:
    state.resend_fulfillment(p.require("CertID"))
    return answers.resend_fulfillment()


def _modify_order(state: SandboxState, p: Params) -> str:
    return answers.modify_order(state.modify_order(p.require("CertID")))


def _get_order_detail(state: SandboxState, p: Params) -> str:
    order_id = p.require("OrderID")
    cert_id = state.orders.get(int(order_id)) if order_id.isdigit() else None
    cert = state.certs.get(cert_id) if cert_id is not None else None
    return answers.order_detail(cert, order_id)


COMMANDS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler)
    for name, handler in [
        ("GetBalance", _get_balance),
        ("GetCerts", _get_certs),
        ("PurchaseServices", _purchase_services),
        ("CertConfigureCert", _configure),
        ("CertGetApproverEmail", _get_approver_email),
        ("CertPurchaseCert", _purchase_cert),
        ("CertGetCertDetail", _get_cert_detail),
        ("CertGetCerts", _get_cert_list),
        ("CertParseCSR", _parse_csr),
        ("CertReissueCert", _reissue),
        ("CertResendApproverEmail", _resend_approver),
        ("CertChangeApproverEmail", _change_approver),
        ("CertResendFulfillmentEmail", _resend_fulfillment),
        ("CertModifyOrder", _modify_order),
        ("GetOrderDetail", _get_order_detail),
    ]
}


def canonical(command: str) -> str:
    """The command's documented spelling, or what the caller sent if it is unknown."""
    found = COMMANDS.get(command.strip().lower())
    return found[0] if found else command.strip()


def execute(state: SandboxState, params: Mapping[str, str], client_ip: str) -> Outcome:
    p = Params(params)
    name = canonical(p.get("command"))
    outcome = Outcome(command=name)
    try:
        with state.lock:
            state.authenticate(p.get("uid"), p.get("pw"), client_ip)
            entry = COMMANDS.get(name.lower())
            if entry is None:
                # UNCONFIRMED: ENOM's exact text for an unknown command.
                raise EnomError([f"Invalid command: {name[:60] or '(none)'}"])
            outcome.body = entry[1](state, p)
    except EnomError as error:
        outcome.errors = error.errors
        outcome.responses = error.responses
    return outcome


def auth_failure(command: str, kind: str, client_ip: str) -> Outcome:
    """The answers of the bad_credentials / ip_not_allowed faults."""
    if kind == "ip_not_allowed":
        error = ip_not_allowed(client_ip)
        return Outcome(canonical(command), errors=error.errors, responses=error.responses)
    return Outcome(canonical(command), errors=[BAD_LOGIN[0]], responses=[BAD_LOGIN[1:]])
