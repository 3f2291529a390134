"""Client of an upstream BILLmanager's client HTTP API: one typed method per function we use.

It stands on the shared provider transport (`transport.http`: TLS, timeouts capped by the
deadline, retries by call class, the log line); what is upstream's stays here: every call is a
form-encoded POST to the normalised URL with `authinfo=<user>:<password>`, `out=xml`, `lang=en`,
`func` (the password never sits in a URL), the reply's envelope and rows (`replies`), the error
table (`errors`, `_exchange_error`) and the function table (`functions`, the only place a call's
retry class is decided). Plain http only to a loopback address.

An `<error>` reply or a page that is not BILLmanager's is never retried: it would not change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import date
from urllib.parse import urlsplit

import httpx
from lxml import etree

from pmenomssl import log as pmlog
from pmenomssl import urls
from pmenomssl.errors import ModuleError
from pmenomssl.transport.calls import DEFAULT_RETRY, CallClass, RetryPolicy
from pmenomssl.transport.http import (
    ExchangeFailed,
    ProviderClient,
    ProviderErrors,
    Stage,
)
from pmenomssl.upstream import errors, functions, replies
from pmenomssl.upstream.models import Balance, CertificateFiles, OrderForm, Tariff, UpstreamService

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0
DEFAULT_PAGE_SIZE = 200

ERRORS = ProviderErrors(
    base=errors.UpstreamError,
    transport=errors.UpstreamTransportError,
    not_sent=errors.UpstreamUnreachable,
    deadline_exceeded=lambda func: errors.UpstreamDeadlineExceeded(func=func),
    outcome_unknown=lambda exc, func: errors.UpstreamOutcomeUnknown(exc, func=func),
)


def normalise_url(url: str) -> str:
    """The API endpoint for the URL an admin typed (UpstreamBadUrl if it cannot be used).

    Spaces, a trailing `/`, a query and a fragment (pasted from a browser) are dropped; `/billmgr`
    is appended unless the path already ends in it (`https://h:1500` -> `https://h:1500/billmgr`,
    `https://h/manager/billmgr` stays). Plain http only to a loopback host: the password would
    travel in clear."""
    text = url.strip()
    if urls.credentials_in_url(text):  # first: every message below quotes the URL
        raise errors.UpstreamBadUrl(urls.CREDENTIALS_IN_URL)
    try:
        parsed = urlsplit(text)
        host = parsed.hostname or ""
        parsed.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as exc:
        raise errors.UpstreamBadUrl(f"{text!r} is not a valid URL ({exc})") from None
    scheme = parsed.scheme.lower()
    if scheme not in ("http", "https") or not host or any(ch.isspace() for ch in text):
        raise errors.UpstreamBadUrl(f"{text!r} is not a full https:// URL with a host name")
    if scheme == "http" and not urls.is_loopback(host):
        raise errors.UpstreamBadUrl(f"{text!r} uses plain http to a host that is not loopback")
    path = parsed.path.rstrip("/")
    if not path.endswith("/billmgr"):
        path += "/billmgr"
    return f"{scheme}://{parsed.netloc}{path}"


class UpstreamClient(ProviderClient[errors.UpstreamTransportError]):
    """A connection to one upstream BILLmanager account (at Customer level)."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        deadline: float | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        """`deadline` is a `time.monotonic()` value after which no call or retry starts;
        `timeout` (seconds) bounds each HTTP exchange and is capped by the time left."""
        pmlog.register_secret(password)
        endpoint = normalise_url(url)  # a bad URL is refused before anything else
        self._authinfo = f"{username}:{password}"
        pmlog.register_secret(self._authinfo)
        self.timeout = timeout
        self.page_size = max(1, page_size)
        super().__init__(
            endpoint,
            errors=ERRORS,
            logger=logger,
            connect=self._connect_timeout(),
            read=timeout,
            deadline=deadline,
            retry=retry,
            transport=transport,
        )

    # --- functions ---------------------------------------------------------------------------

    def balance(self) -> Balance:
        """Our account's balance: BALANCE_FUNC, else BALANCE_FALLBACK_FUNC (both UNCONFIRMED)."""
        try:
            root: etree._Element | None = self._call(functions.BALANCE_FUNC, {})
        except errors.UpstreamError as exc:
            # Only "no such function"-like refusals fall back; auth, IP, 2FA and access errors
            # name the cause check_connection must report.
            if type(exc) not in (
                errors.UpstreamError,
                errors.UpstreamMissing,
                errors.UpstreamUnknownFunction,
            ):
                raise
            root = None
        for node in root.iter() if root is not None else ():
            amount = node.get("balance")
            if amount is not None:
                return Balance(
                    replies.amount(amount, functions.BALANCE_FUNC), node.get("currency", "")
                )
        func = functions.BALANCE_FALLBACK_FUNC
        root = self._call(func, {})
        found = root.find(".//balance")
        if found is None:
            raise errors.UpstreamBadResponse(
                f"neither {functions.BALANCE_FUNC} nor {func} shows the account balance",
                func=func,
            )
        currency = root.findtext(".//currency") or found.get("currency") or ""
        return Balance(replies.amount(found.text or "", func), currency.strip())

    def services(self, itemtype: str) -> list[UpstreamService]:
        """Every service of `itemtype` in our account, page by page (no saved filter is used:
        it would persist upstream)."""
        return [service for page in self._pages(itemtype) for service in page]

    def find_service(self, itemtype: str, service_id: str) -> UpstreamService | None:
        """The service with upstream id `service_id`, or None (filtered here, not upstream);
        paging stops at the page that has it."""
        for page in self._pages(itemtype):
            for service in page:
                if service.id == service_id:
                    return service
        return None

    def _pages(self, itemtype: str) -> Iterator[list[UpstreamService]]:
        func = functions.list_func(_checked_itemtype(itemtype))
        seen: set[str] = set()
        page = 1
        while True:
            params = {"p_cnt": str(self.page_size), "p_num": str(page)}
            root = self._call(func, params)
            rows = root.findall("elem")
            fresh = [
                row
                for row in (replies.service_row(e, itemtype, func) for e in rows)
                if row.id not in seen
            ]
            if rows and not fresh:
                # Stopping here could hide a service and lead to a second order: refuse.
                raise errors.UpstreamBadResponse(
                    f"page {page} repeated services already listed (p_num ignored?)", func=func
                )
            yield fresh
            seen.update(s.id for s in fresh)
            total_text = root.findtext("p_elems")
            total = replies.whole_number(total_text, func, "p_elems") if total_text else None
            if len(rows) != self.page_size or (total is not None and len(seen) >= total):
                # A short page is the last; a longer one means upstream sent everything at once.
                return
            page += 1

    def tariffs(self, itemtype: str) -> list[Tariff]:
        """The tariffs we may order (`doc/list/elem`: id, title, prices/price), without addons:
        those are fields of each tariff's order form (`order_form`)."""
        func = functions.pricelist_func(_checked_itemtype(itemtype))
        root = self._call(func, {})
        return [replies.tariff_row(elem, func) for elem in root.iterfind("list/elem")]

    def order_form(self, itemtype: str, pricelist: str) -> OrderForm:
        """The order form of one tariff (the order function without `sok`, a READ): preset
        fields, `slist` choices (data centres, countries, periods) and `addon_<id>` fields."""
        func = functions.order_func(_checked_itemtype(itemtype))
        root = self._call(func, {"pricelist": pricelist})
        return replies.order_form(root, pricelist, func)

    def order(self, itemtype: str, fields: Mapping[str, str]) -> str:
        """Order a service (PAID, never repeated); returns the upstream service id (`/doc/id`).

        `fields` are the order form's (`pricelist`, the period, `remoteid`, ...); this adds
        `clicked_button`, `skipbasket=on`, `sok=ok` and forces upstream auto-renewal off in the
        form each function documents (`functions.autoprolong_off`): the local BILLmanager renews
        with `prolong`, upstream auto-renewal would charge a second time."""
        checked = _checked_itemtype(itemtype)
        func = functions.order_func(checked)
        params = dict(fields)
        params.update(
            autoprolong=functions.autoprolong_off(checked),
            clicked_button=functions.ORDER_CLICKED_BUTTON,
            skipbasket="on",
            sok="ok",
        )
        root = self._call(func, params)
        service_id = (root.findtext(functions.ORDER_ID_PATH) or "").strip()
        if not service_id:
            # No error, so the order probably went through: the caller must reconcile.
            lost = errors.UpstreamBadResponse("the reply has no <id> of the new service", func=func)
            raise errors.UpstreamOutcomeUnknown(lost, func=func)
        return service_id

    def prolong(self, service_id: str, period_months: int) -> date | None:
        """Renew a service (PAID, never repeated); the new expiry (`/doc/doc/newexpiredate`) if
        upstream tells it. The outer `expiredate` of that answer is today's date: never read."""
        func = functions.PROLONG_FUNC
        params = {
            "elid": service_id,
            "period": str(period_months),
            "skipbasket": "on",
            "sok": "ok",
        }
        root = self._call(func, params)
        return replies.date_or_none(root.findtext(functions.PROLONG_EXPIRY_PATH), func)

    def change_pricelist(self, service_id: str, pricelist: str, period_months: int) -> None:
        """Move a service to another tariff (`service.changepricelist`, PAID: a dearer tariff
        charges the difference; never repeated). `skipbasket=on` pays at once, as on every
        other paid call."""
        params = {
            "elid": service_id,
            "pricelist": pricelist,
            "period": str(period_months),
            "skipbasket": "on",
            "sok": "ok",
        }
        self._call(functions.CHANGE_PRICELIST_FUNC, params)

    def service_fields(self, itemtype: str, service_id: str) -> dict[str, str]:
        """The service's edit form (`<itemtype>.edit` without sok): field name -> value."""
        func = f"{_checked_itemtype(itemtype)}.edit"
        root = self._call(func, {"elid": service_id})
        return {
            str(child.tag): (child.text or "").strip()
            for child in root
            if isinstance(child.tag, str) and len(child) == 0
        }

    def edit(self, itemtype: str, service_id: str, fields: Mapping[str, str]) -> None:
        """Change the service's fields, e.g. `addon_<id>` (PAID: raising an addon charges).
        `skipbasket=on` as in the seed documents (`vhost.edit&addon_34=1024&elid=945&
        skipbasket=on&sok=ok`): without it the charge lands unpaid in the upstream cart and
        the change is not made, while the call still answers ok."""
        params = dict(fields)
        params.update(elid=service_id, skipbasket="on", sok="ok")
        self._call(f"{_checked_itemtype(itemtype)}.edit", params)

    def delete(self, itemtype: str, service_id: str) -> None:
        self._action(itemtype, "delete", service_id)

    def suspend(self, itemtype: str, service_id: str) -> None:
        """UpstreamAccessDenied where upstream does not let a client suspend this type."""
        self._action(itemtype, "suspend", service_id)

    def resume(self, itemtype: str, service_id: str) -> None:
        self._action(itemtype, "resume", service_id)

    def set_remoteid(self, service_id: str, remoteid: str) -> None:
        """Link an upstream service to our item id (for a service ordered without it)."""
        params = {"elid": service_id, "value": remoteid, "sok": "ok"}
        self._call(functions.SET_REMOTEID_FUNC, params)

    def certificate_files(self, service_id: str) -> CertificateFiles:
        """The issued certificate and its CSR (CERTIFICATE_FILE_FUNC, UNCONFIRMED);
        UpstreamMissing until the certificate is issued, UpstreamUnknownFunction (an error for
        staff, not "wait") when upstream has no such function."""
        func = functions.CERTIFICATE_FILE_FUNC
        root = self._call(func, {"elid": service_id})
        crt = (root.findtext("crt") or "").strip()
        if not crt:
            raise errors.UpstreamMissing("the reply has no certificate yet", func=func)
        return CertificateFiles(crt=crt + "\n", csr=replies.pem_text(root.findtext("csr")))

    def call(self, func: str, **params: str) -> etree._Element:
        """Any function, raw: the reply's <doc>, retried as the function table says."""
        return self._call(func, params)

    # --- transport ---------------------------------------------------------------------------

    def _action(self, itemtype: str, action: str, service_id: str) -> None:
        self._call(f"{_checked_itemtype(itemtype)}.{action}", {"elid": service_id, "sok": "ok"})

    def _connect_timeout(self) -> float:
        return min(CONNECT_TIMEOUT, self.timeout)

    def _call(self, func: str, params: Mapping[str, str]) -> etree._Element:
        """Send `func`, retried as its call class allows; log one line; the reply's <doc>."""
        func_class = functions.call_class(func, params)

        def attempt() -> etree._Element:
            root = replies.document(self._post(func, params), func)
            if func_class is CallClass.READ and replies.is_bare_ok(root):
                # Reported for accounts with two-factor authentication: an `authinfo` data call
                # answers a bare <ok/>. Read as an empty list it would make `close` think the
                # service is gone and close it locally without deleting it upstream.
                raise errors.UpstreamTwoFactor(
                    "a data call answered <ok/> without data (two-factor authentication?)",
                    func=func,
                )
            return root

        label = f"upstream {func} ({func_class.value})"
        return self._transport.call(func, func_class, attempt, label=label, outcome=_outcome)

    def _post(self, func: str, params: Mapping[str, str]) -> bytes:
        """One HTTP exchange: BILLmanager's form; a redirect or another status than 200 or 5xx
        is not BILLmanager's API."""
        data = {"authinfo": self._authinfo, "out": "xml", "lang": "en", "func": func}
        data.update(params)
        try:
            response = self._transport.post(
                data, connect=self._connect_timeout(), read=self.timeout
            )
        except ExchangeFailed as failed:
            raise _exchange_error(failed, func) from None
        status = response.status_code
        if status >= 500:
            raise errors.UpstreamBadResponse(f"HTTP {status} {response.reason_phrase}", func=func)
        if 300 <= status < 400:
            where = response.headers.get("location", "")
            raise errors.UpstreamNotBillmanager(
                f"HTTP {status} redirect" + (f" to {pmlog.redact(where)[:200]}" if where else ""),
                func=func,
            )
        if status != 200:
            raise errors.UpstreamNotBillmanager(
                f"HTTP {status} {response.reason_phrase}", func=func
            )
        return response.content


def _checked_itemtype(itemtype: str) -> str:
    if itemtype not in functions.ITEMTYPES:
        raise ValueError(f"unknown item type {itemtype!r}; one of {', '.join(functions.ITEMTYPES)}")
    return itemtype


def _outcome(error: ModuleError | None, attempts: int) -> str:
    """The log line's outcome: ok, or the error type and upstream's own error shape."""
    if error is None:
        return f"ok attempts={attempts}"
    shape = ""
    if isinstance(error, errors.UpstreamError):
        shape = "/".join(p for p in (error.upstream_type, error.upstream_object) if p)
    outcome = f"failed {error.error_type}" + (f" [{shape}]" if shape else "")
    return f"{outcome} attempts={attempts}"


def _exchange_error(failed: ExchangeFailed, func: str) -> errors.UpstreamTransportError:
    """Upstream's error for an exchange without a reply: unreachable only when the request never
    left, a bad response (perhaps carried out) otherwise."""
    if failed.stage is Stage.CONNECT_TIMEOUT:
        return errors.UpstreamUnreachable(f"connecting timed out ({failed.text})", func=func)
    if failed.stage is Stage.CONNECT:
        return errors.UpstreamUnreachable(failed.detail, func=func)
    if failed.stage is Stage.READ_TIMEOUT:
        return errors.UpstreamBadResponse(f"no answer within {failed.waited:.3g} s", func=func)
    return errors.UpstreamBadResponse(
        f"the connection broke after the request was sent ({failed.detail})", func=func
    )
