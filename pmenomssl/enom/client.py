"""ENOM reseller API client (interface.asp): one typed method per SSL command.

It stands on the shared provider transport (`transport.http`: TLS, timeouts capped by the
deadline, retries by call class, the log line); what is ENOM's stays here: every call is a
form-encoded POST with `uid`, `pw`, `command`, `ResponseType=XML` (credentials and CSRs never sit
in a URL), the envelope (`envelope`), the error table (`errors`, `_exchange_error`) and the
command table (`commands`, the only place a command's retry class is decided). Plain http is
accepted only for a sandbox on the loopback interface.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, TypeVar

import httpx

from pmenomssl import log as pmlog
from pmenomssl import urls
from pmenomssl.enom import models, results
from pmenomssl.enom.commands import call_class
from pmenomssl.enom.envelope import Envelope, check, excerpt
from pmenomssl.enom.errors import (
    EnomConnectError,
    EnomDeadlineExceededError,
    EnomError,
    EnomMalformedResponseError,
    EnomOutcomeUnknownError,
    EnomReadTimeoutError,
    EnomTransportError,
)
from pmenomssl.enom.params import contacts_params, ucc_params
from pmenomssl.errors import ModuleError
from pmenomssl.transport.calls import DEFAULT_RETRY, CallClass, RetryPolicy
from pmenomssl.transport.http import (
    ExchangeFailed,
    ProviderClient,
    ProviderErrors,
    Stage,
)

if TYPE_CHECKING:  # typing.Unpack is Python 3.11+; the package runs on 3.9
    from typing_extensions import Unpack

logger = logging.getLogger(__name__)

LIVE_URL = "https://reseller.enom.com/interface.asp"
TEST_URL = "https://resellertest.enom.com/interface.asp"

T = TypeVar("T")

ERRORS = ProviderErrors(
    base=EnomError,
    transport=EnomTransportError,
    not_sent=EnomConnectError,
    deadline_exceeded=lambda command: EnomDeadlineExceededError(command=command),
    outcome_unknown=lambda exc, command: EnomOutcomeUnknownError(exc, command=command),
)


@dataclass(frozen=True)
class Timeouts:
    """Seconds. `purchase_read` applies to WRITE and PAID commands (WHMCS uses 100 s)."""

    connect: float = 10.0
    read: float = 60.0
    purchase_read: float = 100.0


class CertListing(TypedDict, total=False):
    """The options of a CertGetCerts listing besides the page's start: `get_certs_page`'s
    keywords, with its defaults."""

    page_size: int
    sort_by: str
    descending: bool
    status_id: int | None
    prod_type: int | None


class EnomClient(ProviderClient[EnomTransportError]):
    """A connection to one ENOM account (live or test)."""

    def __init__(
        self,
        url: str,
        uid: str,
        pw: str,
        *,
        timeouts: Timeouts = Timeouts(),
        transport: httpx.BaseTransport | None = None,
        deadline: float | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        """`deadline` is a `time.monotonic()` value after which no call or retry starts."""
        pmlog.register_secret(pw)
        endpoint = _checked_url(url)  # a bad URL is refused before anything else
        self._uid = uid
        self._pw = pw
        self.timeouts = timeouts
        super().__init__(
            endpoint,
            errors=ERRORS,
            logger=logger,
            connect=timeouts.connect,
            read=timeouts.read,
            deadline=deadline,
            retry=retry,
            transport=transport,
        )

    # --- commands ----------------------------------------------------------------------------

    def get_balance(self) -> models.Balance:
        """GetBalance: the account balance and what is available for purchases (USD)."""
        return self._call("GetBalance", {}, results.balance)

    def get_certs(self) -> list[models.Product]:
        """GetCerts: the certificate products this account may buy, with wholesale prices."""
        return self._call("GetCerts", {}, results.products)

    def purchase_services(self, service: str, years: int = 1) -> models.Purchase:
        """PurchaseServices: buy a certificate (PAID). Persist the result at once."""
        params = {"Service": service, "NumYears": str(years)}
        return self._call("PurchaseServices", params, results.purchase)

    def configure_cert(
        self,
        cert_id: str,
        *,
        csr: str,
        web_server_type: int,
        contacts: Mapping[str, models.Contact],
        ucc: Sequence[models.UccDomain] = (),
        dv_auth_method: str | None = None,
    ) -> models.Configured:
        """CertConfigureCert: attach CSR, server type and Admin/Tech/Billing contacts."""
        params = {"CertID": cert_id, "WebServerType": str(web_server_type), "CSR": csr}
        params.update(contacts_params(contacts))
        params.update(ucc_params(ucc))
        if dv_auth_method:
            params["DVAuthMethod"] = dv_auth_method
        return self._call("CertConfigureCert", params, results.configured)

    def get_approver_emails(self, cert_id: str, domain: str) -> tuple[models.Approver, ...]:
        """CertGetApproverEmail: the addresses the CA accepts for `domain`."""
        params = {"CertID": cert_id, "Domain": domain}
        return self._call("CertGetApproverEmail", params, results.approver_list)

    def purchase_cert(
        self,
        cert_id: str,
        *,
        approver_email: str | None = None,
        dv_auth_method: str | None = None,
        csr_fields: Mapping[str, str] | None = None,
        ucc: Sequence[models.UccDomain] = (),
    ) -> models.Submitted:
        """CertPurchaseCert: submit the configured certificate to the CA (not charged).

        `csr_fields` are passed as given (`CSROrganization`, `CSRAddress1`, ...).
        """
        params = {"CertID": cert_id}
        if approver_email:
            params["ApproverEmail"] = approver_email
        if dv_auth_method:
            params["DVAuthMethod"] = dv_auth_method
        params.update(csr_fields or {})
        params.update(ucc_params(ucc))
        return self._call("CertPurchaseCert", params, results.submitted)

    def get_cert_detail(self, cert_id: str) -> models.CertDetail:
        """CertGetCertDetail: status, dates, the issued certificate and its CA chain."""
        return self._call("CertGetCertDetail", {"CertID": cert_id}, results.cert_detail)

    def get_certs_page(
        self,
        *,
        start: int = 1,
        page_size: int = 250,
        sort_by: str = "CertID",
        descending: bool = True,
        status_id: int | None = None,
        prod_type: int | None = None,
    ) -> models.CertPage:
        """CertGetCerts: one page (`start` is 1-based; ENOM allows at most 250 per page)."""
        params = {
            "StartPosition": str(start),
            "PagingPageSize": str(page_size),
            "SortBy": sort_by,
            "SortByDirection": "Desc" if descending else "Asc",
        }
        if status_id is not None:
            params["CertStatusID"] = str(status_id)
        if prod_type is not None:
            params["ProdType"] = str(prod_type)

        def parse(env: Envelope, command: str) -> models.CertPage:
            return results.cert_page(env, command, start=start, page_size=page_size)

        return self._call("CertGetCerts", params, parse)

    def iter_certs(self, **listing: Unpack[CertListing]) -> Iterator[models.CertSummary]:
        """Every certificate of the account, fetching the next page only when needed; `listing`
        as `get_certs_page` takes it."""
        start, seen = 1, set()
        while True:
            page = self.get_certs_page(start=start, **listing)
            fresh = [c for c in page.certs if c.cert_id not in seen]
            if page.certs and not fresh:  # a purchase between pages shifts by one, not a page
                raise EnomMalformedResponseError(
                    f"page {start} repeated certificates already listed", command="CertGetCerts"
                )
            for cert in fresh:
                seen.add(cert.cert_id)
                yield cert
            start += len(page.certs)
            if not page.certs or start > page.total:
                return

    def parse_csr(self, cert_id: str, csr: str) -> models.ParsedCsr:
        """CertParseCSR: validate the CSR and read its subject."""
        return self._call("CertParseCSR", {"CertID": cert_id, "CSR": csr}, results.parsed_csr)

    def reissue_cert(self, cert_id: str, csr: str) -> str:
        """CertReissueCert: reissue with a new CSR; returns ENOM's message (often empty)."""
        return self._call("CertReissueCert", {"CertID": cert_id, "CSR": csr}, results.message)

    def resend_approver_email(self, cert_id: str) -> str:
        """CertResendApproverEmail: returns the address the e-mail went to."""
        return self._call("CertResendApproverEmail", {"CertID": cert_id}, results.approver_email)

    def change_approver_email(self, cert_id: str, email: str) -> str:
        """CertChangeApproverEmail: `email` must be one of the approver list; returns it."""
        params = {"CertID": cert_id, "ApproverEmail": email}
        return self._call("CertChangeApproverEmail", params, results.approver_email)

    def resend_fulfillment_email(self, cert_id: str) -> None:
        """CertResendFulfillmentEmail: send the issued certificate e-mail again."""
        self._call("CertResendFulfillmentEmail", {"CertID": cert_id}, _nothing)

    def modify_order(self, cert_id: str) -> None:
        """CertModifyOrder: cancel the configuration (not a refund); it can be configured again."""
        self._call("CertModifyOrder", {"CertID": cert_id}, _nothing)

    def get_order_detail(self, order_id: str) -> models.OrderDetail:
        """GetOrderDetail: what an order cost, for reconciling a purchase."""
        return self._call("GetOrderDetail", {"OrderID": order_id}, results.order_detail)

    # --- transport ---------------------------------------------------------------------------

    def _call(
        self,
        command: str,
        params: Mapping[str, str],
        parse: Callable[[Envelope, str], T],
    ) -> T:
        """Send `command`, retried as its call class allows, with one log line about it."""
        command_class = call_class(command)
        state = _CallState()

        def attempt() -> T:
            envelope = check(self._post(command, params, command_class), command)
            state.tracking_key = envelope.tracking_key
            return parse(envelope, command)

        return self._transport.call(
            command, command_class, attempt, label=f"ENOM {command}", outcome=state.outcome
        )

    def _post(self, command: str, params: Mapping[str, str], command_class: CallClass) -> bytes:
        """One HTTP exchange: ENOM's form, and any answer but a 200 is not ENOM's."""
        data = {"uid": self._uid, "pw": self._pw, "command": command, "ResponseType": "XML"}
        data.update(params)
        timeouts = self.timeouts
        read = timeouts.read if command_class is CallClass.READ else timeouts.purchase_read
        try:
            response = self._transport.post(data, connect=timeouts.connect, read=read)
        except ExchangeFailed as failed:
            raise _exchange_error(failed, command) from None
        content = response.content
        if response.status_code != 200:
            raise EnomMalformedResponseError(
                f"HTTP {response.status_code} {response.reason_phrase}"
                + (f", {excerpt(content)}" if content.strip() else ", empty body"),
                command=command,
            )
        return content


def _nothing(env: Envelope, command: str) -> None:
    return None


@dataclass
class _CallState:
    """What one call's log line reports besides the transport's part: ENOM's TrackingKey."""

    tracking_key: str = ""

    def outcome(self, error: ModuleError | None, attempts: int) -> str:
        if error is None:
            text, tracking_key = "ok", self.tracking_key
        else:
            text = f"failed {error.error_type} {type(error).__name__}"
            own_key = error.tracking_key if isinstance(error, EnomError) else ""
            tracking_key = own_key or self.tracking_key
        parts = [text, f"attempts={attempts}"]
        if tracking_key:
            parts.append(f"TrackingKey={tracking_key}")
        return " ".join(parts)


def _exchange_error(failed: ExchangeFailed, command: str) -> EnomTransportError:
    """ENOM's error for an exchange without an answer: connect errors are the only ones that
    prove the request never reached ENOM."""
    if failed.stage is Stage.CONNECT_TIMEOUT:
        return EnomConnectError(failed.text, command=command, reason="timeout")
    if failed.stage is Stage.CONNECT:
        return EnomConnectError(failed.detail, command=command, reason=failed.connect_reason)
    if failed.stage is Stage.READ_TIMEOUT:
        capped = f"{failed.waited:.3g} s, the time left before this operation's deadline"
        waited = capped if failed.capped else f"{failed.read:g} s"
        return EnomReadTimeoutError(f"no answer within {waited}", command=command)
    if failed.stage is Stage.DECODING:
        return EnomMalformedResponseError(failed.text, command=command)
    return EnomTransportError(
        f"the connection broke after the request was sent ({failed.detail})", command=command
    )


def _checked_url(url: str) -> str:
    """No user:password in it; https only; http only for a sandbox on the loopback interface."""
    if isinstance(url, str) and urls.credentials_in_url(url):  # first: the refusals quote it
        raise EnomError(urls.CREDENTIALS_IN_URL)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise EnomError(f"the ENOM API URL {url!r} is not valid ({exc})") from None
    host = parsed.host.lower()
    if parsed.scheme == "https" and host:
        return url
    if parsed.scheme == "http" and urls.is_loopback(host):
        return url
    raise EnomError(
        f"the ENOM API URL {url!r} must be https://{'' if host else ' with a host name'} "
        f"(e.g. {LIVE_URL} or {TEST_URL}); plain http is accepted only for a sandbox on 127.0.0.1"
    )
