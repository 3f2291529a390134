"""Client of an upstream BILLmanager's client HTTP API: one typed method per function we use.

One `httpx.Client` per `UpstreamClient` (connection reuse); every call is a form-encoded POST to
the normalised URL with `authinfo=<user>:<password>`, `out=xml`, `lang=en`, `func`, so the
password never sits in a URL. TLS is always verified; plain http only to a loopback address.

Retry policy (decided here only, with the function table in `functions`):
- READ calls are retried on connect errors, timeouts, dropped connections, 5xx and truncated
  XML, a few times with a short exponential backoff, never past the deadline;
- WRITE and PAID calls are retried only after a connect error (the request never left); if the
  request may have reached upstream and the answer is lost: UpstreamOutcomeUnknown.
An `<error>` reply or a page that is not BILLmanager's is never retried: it would not change.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from urllib.parse import urlsplit

import httpx
import tenacity
from lxml import etree

from pmenomssl import __version__
from pmenomssl import log as pmlog
from pmenomssl.upstream import functions
from pmenomssl.upstream.errors import (
    UpstreamBadResponse,
    UpstreamBadUrl,
    UpstreamDeadlineExceeded,
    UpstreamError,
    UpstreamMissing,
    UpstreamNotBillmanager,
    UpstreamOutcomeUnknown,
    UpstreamTransportError,
    UpstreamTwoFactor,
    UpstreamUnknownFunction,
    UpstreamUnreachable,
    api_error,
)
from pmenomssl.upstream.functions import Kind
from pmenomssl.upstream.models import (
    STATUS_UNKNOWN,
    Balance,
    CertificateFiles,
    Choice,
    OrderForm,
    Tariff,
    TariffAddon,
    UpstreamService,
)
from pmenomssl.upstream.numbers import parse_int, parse_money
from pmenomssl.urls import CREDENTIALS_IN_URL, credentials_in_url

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10.0
DEFAULT_PAGE_SIZE = 200
# A list page of a few hundred services is well under 1 MiB; anything far bigger is not a reply.
MAX_REPLY_BYTES = 32 * 1024 * 1024
LOOPBACK_NAMES = frozenset({"localhost"})

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)
# A reply that starts like BILLmanager's document (an XML declaration or <doc>, however short);
# if it then fails to parse, it was cut off rather than being some other page.
_XML_STARTS = (b"<?xml", b"<doc")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: `attempts` in all, waits doubling from `wait_initial` up to `wait_max`."""

    attempts: int = 3
    wait_initial: float = 0.5
    wait_max: float = 4.0


def normalise_url(url: str) -> str:
    """The API endpoint for the URL an admin typed (UpstreamBadUrl if it cannot be used).

    Spaces, a trailing `/`, a query and a fragment (pasted from a browser) are dropped; `/billmgr`
    is appended unless the path already ends in it (`https://h:1500` -> `https://h:1500/billmgr`,
    `https://h/manager/billmgr` stays). Plain http only to a loopback host: the password would
    travel in clear."""
    text = url.strip()
    if credentials_in_url(text):  # first: every message below quotes the URL
        raise UpstreamBadUrl(CREDENTIALS_IN_URL)
    try:
        parsed = urlsplit(text)
        host = parsed.hostname or ""
        parsed.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as exc:
        raise UpstreamBadUrl(f"{text!r} is not a valid URL ({exc})") from None
    scheme = parsed.scheme.lower()
    if scheme not in ("http", "https") or not host or any(ch.isspace() for ch in text):
        raise UpstreamBadUrl(f"{text!r} is not a full https:// URL with a host name")
    if scheme == "http" and not is_loopback(host):
        raise UpstreamBadUrl(f"{text!r} uses plain http to a host that is not loopback")
    path = parsed.path.rstrip("/")
    if not path.endswith("/billmgr"):
        path += "/billmgr"
    return f"{scheme}://{parsed.netloc}{path}"


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class UpstreamClient:
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
        retry: RetryPolicy = RetryPolicy(),
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        """`deadline` is a `time.monotonic()` value after which no call or retry starts;
        `timeout` (seconds) bounds each HTTP exchange and is capped by the time left."""
        pmlog.register_secret(password)
        self.url = normalise_url(url)
        self._authinfo = f"{username}:{password}"
        pmlog.register_secret(self._authinfo)
        self.deadline = deadline
        self.timeout = timeout
        self.retry = retry
        self.page_size = max(1, page_size)
        self._http = httpx.Client(
            timeout=self._timeout(),
            verify=True,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": f"pmenomssl/{__version__}"},
        )

    # --- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> UpstreamClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- functions ---------------------------------------------------------------------------

    def balance(self) -> Balance:
        """Our account's balance: BALANCE_FUNC, else BALANCE_FALLBACK_FUNC (both UNCONFIRMED)."""
        try:
            root: etree._Element | None = self._call(functions.BALANCE_FUNC, {})
        except UpstreamError as exc:
            # Only "no such function"-like refusals fall back; auth, IP, 2FA and access errors
            # name the cause check_connection must report.
            if type(exc) not in (UpstreamError, UpstreamMissing, UpstreamUnknownFunction):
                raise
            root = None
        for node in root.iter() if root is not None else ():
            amount = node.get("balance")
            if amount is not None:
                return Balance(_amount(amount, functions.BALANCE_FUNC), node.get("currency", ""))
        func = functions.BALANCE_FALLBACK_FUNC
        root = self._call(func, {})
        found = root.find(".//balance")
        if found is None:
            raise UpstreamBadResponse(
                f"neither {functions.BALANCE_FUNC} nor {func} shows the account balance",
                func=func,
            )
        currency = root.findtext(".//currency") or found.get("currency") or ""
        return Balance(_amount(found.text or "", func), currency.strip())

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
                row for row in (_service(e, itemtype, func) for e in rows) if row.id not in seen
            ]
            if rows and not fresh:
                # Stopping here could hide a service and lead to a second order: refuse.
                raise UpstreamBadResponse(
                    f"page {page} repeated services already listed (p_num ignored?)", func=func
                )
            yield fresh
            seen.update(s.id for s in fresh)
            total_text = root.findtext("p_elems")
            total = _whole(total_text, func, "p_elems") if total_text else None
            if len(rows) != self.page_size or (total is not None and len(seen) >= total):
                # A short page is the last; a longer one means upstream sent everything at once.
                return
            page += 1

    def tariffs(self, itemtype: str) -> list[Tariff]:
        """The tariffs we may order (`doc/list/elem`: id, title, prices/price), without addons:
        those are fields of each tariff's order form (`order_form`)."""
        func = functions.pricelist_func(_checked_itemtype(itemtype))
        root = self._call(func, {})
        return [_tariff(elem, func) for elem in root.iterfind("list/elem")]

    def order_form(self, itemtype: str, pricelist: str) -> OrderForm:
        """The order form of one tariff (the order function without `sok`, a READ): preset
        fields, `slist` choices (data centres, countries, periods) and `addon_<id>` fields."""
        func = functions.order_func(_checked_itemtype(itemtype))
        root = self._call(func, {"pricelist": pricelist})
        return _order_form(root, pricelist, func)

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
            lost = UpstreamBadResponse("the reply has no <id> of the new service", func=func)
            raise UpstreamOutcomeUnknown(lost, func=func)
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
        return _date(root.findtext(functions.PROLONG_EXPIRY_PATH), func)

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
            raise UpstreamMissing("the reply has no certificate yet", func=func)
        return CertificateFiles(crt=crt + "\n", csr=_pem_text(root.findtext("csr")))

    def call(self, func: str, **params: str) -> etree._Element:
        """Any function, raw: the reply's <doc>, retried as the function table says."""
        return self._call(func, params)

    # --- transport ---------------------------------------------------------------------------

    def _action(self, itemtype: str, action: str, service_id: str) -> None:
        self._call(f"{_checked_itemtype(itemtype)}.{action}", {"elid": service_id, "sok": "ok"})

    def _timeout(self) -> httpx.Timeout:
        """The configured timeout, never longer than the time left before the deadline."""
        read = self.timeout
        connect = min(CONNECT_TIMEOUT, read)
        if self.deadline is not None:
            left = max(0.05, self.deadline - time.monotonic())
            connect, read = min(connect, left), min(read, left)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def _call(self, func: str, params: Mapping[str, str]) -> etree._Element:
        """Send `func`, retrying as its kind allows; log one line; the reply's <doc>."""
        call_kind = functions.kind(func, params)
        started = time.monotonic()
        attempts = 0

        def attempt() -> etree._Element:
            nonlocal attempts
            attempts += 1
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise UpstreamDeadlineExceeded(func=func)
            try:
                root = _document(self._post(func, params), func)
            except UpstreamUnreachable:
                raise  # not sent: safe to repeat whatever the kind
            except UpstreamTransportError as exc:
                if call_kind is Kind.READ:
                    raise
                raise UpstreamOutcomeUnknown(exc, func=func) from exc
            if call_kind is Kind.READ and _bare_ok(root):
                # Reported for accounts with two-factor authentication: an `authinfo` data call
                # answers a bare <ok/>. Read as an empty list it would make `close` think the
                # service is gone and close it locally without deleting it upstream.
                raise UpstreamTwoFactor(
                    "a data call answered <ok/> without data (two-factor authentication?)",
                    func=func,
                )
            return root

        retrying = tenacity.Retrying(
            stop=self._stop(),
            wait=tenacity.wait_exponential(
                multiplier=self.retry.wait_initial, max=self.retry.wait_max
            ),
            retry=tenacity.retry_if_exception(
                _retryable_read if call_kind is Kind.READ else _retryable_write
            ),
            reraise=True,
        )
        what = f"upstream {func} ({call_kind.value})"
        try:
            root: etree._Element = retrying(attempt)
        except UpstreamError as exc:
            shape = "/".join(p for p in (exc.upstream_type, exc.upstream_object) if p)
            outcome = f"failed {exc.error_type}" + (f" [{shape}]" if shape else "")
            pmlog.timed(logger, what, started, f"{outcome} attempts={attempts}")
            raise
        pmlog.timed(logger, what, started, f"ok attempts={attempts}")
        return root

    def _stop(self) -> Callable[[tenacity.RetryCallState], bool]:
        attempts = max(1, self.retry.attempts)
        deadline = self.deadline

        def stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number >= attempts:
                return True
            upcoming = float(getattr(state, "upcoming_sleep", 0.0) or 0.0)
            return deadline is not None and time.monotonic() + upcoming >= deadline

        return stop

    def _post(self, func: str, params: Mapping[str, str]) -> bytes:
        """One HTTP exchange; httpx's errors mapped onto the client's in this one place."""
        data = {"authinfo": self._authinfo, "out": "xml", "lang": "en", "func": func}
        data.update(params)
        timeout = self._timeout()
        try:
            response = self._http.post(self.url, data=data, timeout=timeout)
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise UpstreamUnreachable(f"connecting timed out ({exc})", func=func) from None
        except (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol) as exc:
            raise UpstreamUnreachable(_describe(exc), func=func) from None
        except httpx.ReadTimeout:
            raise UpstreamBadResponse(f"no answer within {timeout.read:.3g} s", func=func) from None
        except httpx.HTTPError as exc:  # ReadError, WriteError, RemoteProtocolError, ...
            raise UpstreamBadResponse(
                f"the connection broke after the request was sent ({_describe(exc)})", func=func
            ) from None
        status = response.status_code
        if status >= 500:
            raise UpstreamBadResponse(f"HTTP {status} {response.reason_phrase}", func=func)
        if 300 <= status < 400:
            where = response.headers.get("location", "")
            raise UpstreamNotBillmanager(
                f"HTTP {status} redirect" + (f" to {pmlog.redact(where)[:200]}" if where else ""),
                func=func,
            )
        if status != 200:
            raise UpstreamNotBillmanager(f"HTTP {status} {response.reason_phrase}", func=func)
        return response.content


def _document(content: bytes, func: str) -> etree._Element:
    """The reply's <doc>; upstream's <error> raised as the class the error table says."""
    if not content.strip():
        raise UpstreamBadResponse("empty reply", func=func)
    if len(content) > MAX_REPLY_BYTES:
        raise UpstreamBadResponse(f"reply of {len(content)} bytes is too large", func=func)
    head = content[:2048].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        # HTML pages declare a doctype; BILLmanager's XML never does (and DTDs mean XXE).
        raise UpstreamNotBillmanager(f"the reply is a web page: {_excerpt(content)}", func=func)
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        if _cut_off_xml(content):
            raise UpstreamBadResponse(f"the XML reply is cut off ({exc.msg})", func=func) from None
        raise UpstreamNotBillmanager(
            f"the reply is not XML: {_excerpt(content)}", func=func
        ) from None
    if root.tag != "doc":
        raise UpstreamNotBillmanager(f"the reply's root is <{root.tag}>, not <doc>", func=func)
    error = root.find("error")
    if error is not None:
        msg = error.findtext("msg") or error.text or ""
        raise api_error(
            func=func,
            upstream_type=error.get("type", ""),
            upstream_object=error.get("object", ""),
            upstream_msg=pmlog.redact(" ".join(msg.split()))[:500],
        )
    return root


def _cut_off_xml(content: bytes) -> bool:
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    looks_xml = any(start.startswith(s) or s.startswith(start) for s in _XML_STARTS)
    return looks_xml and b"<html" not in start.lower()


def _checked_itemtype(itemtype: str) -> str:
    if itemtype not in functions.ITEMTYPES:
        raise ValueError(f"unknown item type {itemtype!r}; one of {', '.join(functions.ITEMTYPES)}")
    return itemtype


# UNCONFIRMED: the textual `item_status` values; the numbers are settled (1-5).
_STATUS_WORDS = {
    "ordered": 1,
    "active": 2,
    "stopped": 3,
    "suspended": 3,
    "deleted": 4,
    "processing": 5,
}


def _text(elem: etree._Element, *tags: str) -> str:
    """The first non-empty text among `tags` (the same thing is named differently per list)."""
    for tag in tags:
        value = (elem.findtext(tag) or "").strip()
        if value:
            return value
    return ""


def _status(text: str) -> int:
    """`status` / `item_status` as a number 1-5; STATUS_UNKNOWN when absent or unknown (the
    safe reading: a pending service, nothing is done on it)."""
    if text.isdigit():
        return int(text)
    return _STATUS_WORDS.get(text.lower(), STATUS_UNKNOWN)


def _service(elem: etree._Element, itemtype: str, func: str) -> UpstreamService:
    """A list row by the columns it has: the certificate list (`id, CN, account, pricelist,
    project, processingmodule, createdate, expiredate, status_msg, item_status, cost`) has no
    `status`, `remoteid` or tariff id; other lists are read the same tolerant way."""
    service_id = (elem.findtext("id") or "").strip()
    if not service_id:
        raise UpstreamBadResponse("a service row has no <id>", func=func)
    period_text = (elem.findtext("period") or "").strip()
    return UpstreamService(
        id=service_id,
        itemtype=itemtype,
        name=_text(elem, "name", "CN", "domain"),
        status=_status(_text(elem, "status", "item_status")),
        expiredate=_date(elem.findtext("expiredate"), func),
        period=_whole(period_text, func, "period") if period_text.isdigit() else None,
        remoteid=_text(elem, "remoteid"),
        pricelist=_text(elem, "pricelist_id", "pricelist"),
        createdate=_date(elem.findtext("createdate"), func),
    )


def _tariff(elem: etree._Element, func: str) -> Tariff:
    """A catalogue row: `id`, `title`, `prices/price` (`period` months, `cost`, `currency`).
    Periods that are not a whole number of months (BILLmanager marks days and trials with
    negative or zero lengths) are left out: this module sells months only."""
    tariff_id = (elem.findtext("id") or "").strip()
    if not tariff_id:
        raise UpstreamBadResponse("a tariff row has no <id>", func=func)
    periods: dict[int, Decimal] = {}
    currency = ""
    for price in elem.iterfind("prices/price"):
        period_text = (price.findtext("period") or "").strip()
        if not period_text.isdigit() or int(period_text) < 1:
            continue
        periods[int(period_text)] = _amount(price.findtext("cost") or "", func)
        currency = currency or (price.findtext("currency") or "").strip()
    return Tariff(
        id=tariff_id,
        title=(elem.findtext("title") or "").strip(),
        currency=currency,
        periods=periods,
    )


def _order_form(root: etree._Element, pricelist: str, func: str) -> OrderForm:
    """Fields are leaf children of <doc>; choices are `<slist name><val key>text</val>`;
    `addon_<id>` fields are the addons (UNCONFIRMED: `cost`/`min`/`max` attributes on them,
    read when present)."""
    fields: dict[str, str] = {}
    addons: list[TariffAddon] = []
    for child in root:
        if not isinstance(child.tag, str) or len(child) or child.tag == "slist":
            continue
        value = (child.text or "").strip()
        fields[child.tag] = value
        if child.tag.startswith("addon_") and child.tag != "addon_":
            cost, low, high = child.get("cost"), child.get("min"), child.get("max")
            addons.append(
                TariffAddon(
                    id=child.tag[len("addon_") :],
                    name=child.get("name", "").strip(),
                    cost=_amount(cost, func) if cost else None,
                    min=_whole(low, func, "addon min") if low else None,
                    max=_whole(high, func, "addon max") if high else None,
                    value=value,
                )
            )
    choices = {
        slist.get("name", ""): [
            Choice(key=val.get("key", "").strip(), text=(val.text or "").strip())
            for val in slist.iterfind("val")
        ]
        for slist in root.iterfind("slist")
    }
    return OrderForm(pricelist=pricelist, fields=fields, choices=choices, addons=addons)


def _bare_ok(root: etree._Element) -> bool:
    """<doc><ok/></doc> (nothing else but whitespace): no data where data was asked for."""
    children = [c for c in root if isinstance(c.tag, str)]
    return len(children) == 1 and children[0].tag == "ok"


def _amount(text: str, func: str) -> Decimal:
    try:
        return parse_money(text)
    except ValueError:
        raise UpstreamBadResponse(f"{text!r} is not an amount", func=func) from None


def _whole(text: str, func: str, what: str) -> int:
    try:
        return parse_int(text)
    except ValueError:
        raise UpstreamBadResponse(f"{what} {text!r} is not a whole number", func=func) from None


def _date(text: str | None, func: str) -> date | None:
    """ISO `2027-11-22` (a time after it is ignored) or `22.11.2027`; empty or a dash: None."""
    value = (text or "").strip()
    if not value or value in ("-", "0000-00-00"):
        return None
    for pattern, length in (("%Y-%m-%d", 10), ("%d.%m.%Y", 10)):
        try:
            return datetime.strptime(value[:length], pattern).date()
        except ValueError:
            continue
    raise UpstreamBadResponse(f"{value!r} is not a date", func=func)


def _pem_text(text: str | None) -> str:
    value = (text or "").strip()
    return value + "\n" if value else ""


def _retryable_read(exc: BaseException) -> bool:
    return isinstance(exc, UpstreamTransportError) and not isinstance(
        exc, (UpstreamDeadlineExceeded, UpstreamOutcomeUnknown)
    )


def _retryable_write(exc: BaseException) -> bool:
    return isinstance(exc, UpstreamUnreachable) and not isinstance(exc, UpstreamDeadlineExceeded)


def _excerpt(content: bytes) -> str:
    text = " ".join(content[:300].decode("utf-8", "replace").split())
    return pmlog.redact(text)[:160]


def _describe(exc: BaseException) -> str:
    """The innermost cause's text: httpx wraps the socket/SSL error that names the problem."""
    parts = [str(exc)]
    cause = exc.__cause__ or exc.__context__
    while cause is not None and len(parts) < 5:
        if str(cause) and str(cause) not in parts:
            parts.append(str(cause))
        cause = cause.__cause__ or cause.__context__
    return pmlog.redact("; ".join(p for p in parts if p))[:300]
