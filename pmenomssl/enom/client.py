"""ENOM reseller API client (interface.asp): one typed method per SSL command.

One `httpx.Client` per `EnomClient` (connection reuse); every call is a form-encoded POST with
`uid`, `pw`, `command`, `ResponseType=XML`, so credentials and CSRs never sit in a URL. TLS is
always verified; plain http is accepted only for a sandbox on the loopback interface.

Retry policy (the only place it is decided, with the command table in `commands`):
- READ commands are retried on any transport error or malformed answer, a few times with a
  short exponential backoff, never past the deadline;
- WRITE and PAID commands are retried only after EnomConnectError (the request never left);
  if the request may have reached ENOM and the answer is lost, EnomOutcomeUnknownError.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TypeVar

import httpx
import tenacity

from pmenomssl import __version__
from pmenomssl import log as pmlog
from pmenomssl.enom import results
from pmenomssl.enom.commands import Kind, kind
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
from pmenomssl.enom.params import contacts_params, ucc_params

logger = logging.getLogger(__name__)

LIVE_URL = "https://reseller.enom.com/interface.asp"
TEST_URL = "https://resellertest.enom.com/interface.asp"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

T = TypeVar("T")


@dataclass(frozen=True)
class Timeouts:
    """Seconds. `purchase_read` applies to WRITE and PAID commands (WHMCS uses 100 s)."""

    connect: float = 10.0
    read: float = 60.0
    purchase_read: float = 100.0


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: `attempts` in all, waits doubling from `wait_initial` up to `wait_max`."""

    attempts: int = 3
    wait_initial: float = 0.5
    wait_max: float = 4.0


class EnomClient:
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
        retry: RetryPolicy = RetryPolicy(),
    ) -> None:
        """`deadline` is a `time.monotonic()` value after which no call or retry starts."""
        pmlog.register_secret(pw)
        self.url = _checked_url(url)
        self._uid = uid
        self._pw = pw
        self.timeouts = timeouts
        self.deadline = deadline
        self.retry = retry
        self._http = httpx.Client(
            timeout=self._timeout(timeouts.read),
            verify=True,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": f"pmenomssl/{__version__}"},
        )

    # --- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> EnomClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- commands ----------------------------------------------------------------------------

    def get_balance(self) -> Balance:
        """GetBalance: the account balance and what is available for purchases (USD)."""
        return self._call("GetBalance", {}, results.balance)

    def get_certs(self) -> list[Product]:
        """GetCerts: the certificate products this account may buy, with wholesale prices."""
        return self._call("GetCerts", {}, results.products)

    def purchase_services(self, service: str, years: int = 1) -> Purchase:
        """PurchaseServices: buy a certificate (PAID). Persist the result at once."""
        params = {"Service": service, "NumYears": str(years)}
        return self._call("PurchaseServices", params, results.purchase)

    def configure_cert(
        self,
        cert_id: str,
        *,
        csr: str,
        web_server_type: int,
        contacts: Mapping[str, Contact],
        ucc: Sequence[UccDomain] = (),
        dv_auth_method: str | None = None,
    ) -> Configured:
        """CertConfigureCert: attach CSR, server type and Admin/Tech/Billing contacts."""
        params = {"CertID": cert_id, "WebServerType": str(web_server_type), "CSR": csr}
        params.update(contacts_params(contacts))
        params.update(ucc_params(ucc))
        if dv_auth_method:
            params["DVAuthMethod"] = dv_auth_method
        return self._call("CertConfigureCert", params, results.configured)

    def get_approver_emails(self, cert_id: str, domain: str) -> tuple[Approver, ...]:
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
        ucc: Sequence[UccDomain] = (),
    ) -> Submitted:
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

    def get_cert_detail(self, cert_id: str) -> CertDetail:
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
    ) -> CertPage:
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

        def parse(env: Envelope, command: str) -> CertPage:
            return results.cert_page(env, command, start=start, page_size=page_size)

        return self._call("CertGetCerts", params, parse)

    def iter_certs(
        self,
        *,
        page_size: int = 250,
        sort_by: str = "CertID",
        descending: bool = True,
        status_id: int | None = None,
        prod_type: int | None = None,
    ) -> Iterator[CertSummary]:
        """Every certificate of the account, fetching the next page only when needed."""
        start, seen = 1, set()
        while True:
            page = self.get_certs_page(
                start=start,
                page_size=page_size,
                sort_by=sort_by,
                descending=descending,
                status_id=status_id,
                prod_type=prod_type,
            )
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

    def parse_csr(self, cert_id: str, csr: str) -> ParsedCsr:
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

    def get_order_detail(self, order_id: str) -> OrderDetail:
        """GetOrderDetail: what an order cost, for reconciling a purchase."""
        return self._call("GetOrderDetail", {"OrderID": order_id}, results.order_detail)

    # --- transport ---------------------------------------------------------------------------

    def _timeout(self, read: float) -> httpx.Timeout:
        """The configured timeouts, none longer than the time left before the deadline."""
        connect = self.timeouts.connect
        left = self._time_left()
        if left is not None:
            connect, read = min(connect, left), min(read, left)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def _time_left(self) -> float | None:
        if self.deadline is None:
            return None
        return max(0.05, self.deadline - time.monotonic())

    def _call(
        self,
        command: str,
        params: Mapping[str, str],
        parse: Callable[[Envelope, str], T],
    ) -> T:
        """Send `command`, retrying as its kind allows, and log one line about it."""
        command_kind = kind(command)
        started = time.monotonic()
        state = _CallState()

        def attempt() -> T:
            state.attempts += 1
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise EnomDeadlineExceededError(command=command)
            try:
                envelope = check(self._post(command, params, command_kind), command)
                state.tracking_key = envelope.tracking_key
                return parse(envelope, command)
            except EnomConnectError:
                raise
            except EnomTransportError as exc:
                if command_kind is Kind.READ or isinstance(exc, EnomDeadlineExceededError):
                    raise
                raise EnomOutcomeUnknownError(exc, command=command) from exc

        retrying = tenacity.Retrying(
            stop=self._stop(),
            wait=tenacity.wait_exponential(
                multiplier=self.retry.wait_initial, max=self.retry.wait_max
            ),
            retry=tenacity.retry_if_exception(
                _retryable_read if command_kind is Kind.READ else _retryable_write
            ),
            reraise=True,
        )
        try:
            result = retrying(attempt)
        except EnomError as exc:
            key = exc.tracking_key or state.tracking_key
            outcome = f"failed {exc.error_type} {type(exc).__name__}"
            pmlog.timed(logger, f"ENOM {command}", started, state.outcome(outcome, key))
            raise
        pmlog.timed(logger, f"ENOM {command}", started, state.outcome("ok", state.tracking_key))
        return result

    def _stop(self) -> Callable[[tenacity.RetryCallState], bool]:
        attempts = max(1, self.retry.attempts)
        deadline = self.deadline

        def stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number >= attempts:
                return True
            upcoming = float(getattr(state, "upcoming_sleep", 0.0) or 0.0)
            return deadline is not None and time.monotonic() + upcoming >= deadline

        return stop

    def _post(self, command: str, params: Mapping[str, str], command_kind: Kind) -> bytes:
        """One HTTP exchange; httpx's errors mapped onto the client's in this one place."""
        data = {"uid": self._uid, "pw": self._pw, "command": command, "ResponseType": "XML"}
        data.update(params)
        read = self.timeouts.read if command_kind is Kind.READ else self.timeouts.purchase_read
        timeout = self._timeout(read)
        capped = timeout.read is not None and timeout.read < read
        try:
            response = self._http.post(self.url, data=data, timeout=timeout)
        except httpx.ConnectTimeout as exc:
            raise EnomConnectError(str(exc), command=command, reason="timeout") from None
        except httpx.PoolTimeout as exc:
            raise EnomConnectError(str(exc), command=command, reason="timeout") from None
        except (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol) as exc:
            reason = _connect_reason(exc)
            raise EnomConnectError(_describe(exc), command=command, reason=reason) from None
        except httpx.ReadTimeout:
            waited = f"{timeout.read:.3g} s, the time left before this operation's deadline"
            raise EnomReadTimeoutError(
                f"no answer within {waited if capped else f'{read:g} s'}", command=command
            ) from None
        except httpx.DecodingError as exc:
            raise EnomMalformedResponseError(str(exc), command=command) from None
        except httpx.HTTPError as exc:  # ReadError, WriteError, RemoteProtocolError, WriteTimeout
            raise EnomTransportError(
                f"the connection broke after the request was sent ({_describe(exc)})",
                command=command,
            ) from None
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


def _retryable_read(exc: BaseException) -> bool:
    return isinstance(exc, EnomTransportError) and not isinstance(
        exc, (EnomDeadlineExceededError, EnomOutcomeUnknownError)
    )


def _retryable_write(exc: BaseException) -> bool:
    return isinstance(exc, EnomConnectError)


@dataclass
class _CallState:
    """What one call's log line reports."""

    attempts: int = 0
    tracking_key: str = ""

    def outcome(self, text: str, tracking_key: str) -> str:
        parts = [text, f"attempts={self.attempts}"]
        if tracking_key:
            parts.append(f"TrackingKey={tracking_key}")
        return " ".join(parts)


def _describe(exc: BaseException) -> str:
    """The innermost cause's text: httpx wraps the socket/SSL error that names the problem."""
    parts = [str(exc)]
    cause = exc.__cause__ or exc.__context__
    while cause is not None and len(parts) < 5:
        if str(cause) and str(cause) not in parts:
            parts.append(str(cause))
        cause = cause.__cause__ or cause.__context__
    return pmlog.redact("; ".join(p for p in parts if p))[:300]


def _connect_reason(exc: BaseException) -> str:
    """dns, refused, tls or other: which step of connecting failed."""
    text = _describe(exc).lower()
    if any(s in text for s in ("ssl", "certificate", "tls", "handshake")):
        return "tls"
    if any(
        s in text
        for s in ("name or service", "nodename", "getaddrinfo", "name resolution", "no address")
    ):
        return "dns"
    if "refused" in text:
        return "refused"
    if "timed out" in text:
        return "timeout"
    return "other"


def _checked_url(url: str) -> str:
    """https only; http only for a sandbox on the loopback interface."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise EnomError(f"the ENOM API URL {url!r} is not valid ({exc})") from None
    host = parsed.host.lower()
    if parsed.scheme == "https" and host:
        return url
    if parsed.scheme == "http" and host in LOOPBACK_HOSTS:
        return url
    raise EnomError(
        f"the ENOM API URL {url!r} must be https://{'' if host else ' with a host name'} "
        f"(e.g. {LIVE_URL} or {TEST_URL}); plain http is accepted only for a sandbox on 127.0.0.1"
    )
