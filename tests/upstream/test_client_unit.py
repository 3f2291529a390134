"""The upstream BILLmanager client (`pmenomssl/upstream/client.py`) in-process, against a fake
upstream behind an `httpx.MockTransport`: the URL it accepts (loopback-only plain http, never a
user:password in it), the form each function sends, what it makes of each reply, the texts of
its errors (exact: they reach the operator), its log line, and that a paid call is sent once.

Fast (no socket, no wait): these are the tests the mutation run of the module is scoped to,
with the cassette tests (tests/mutation/run.py).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from datetime import date
from decimal import Decimal
from typing import Any, Union
from urllib.parse import parse_qsl

import httpx
import pytest

from pmenomssl import log as pmlog
from pmenomssl.transport.calls import RetryPolicy
from pmenomssl.upstream import (
    Balance,
    CertificateFiles,
    UpstreamAuthFailed,
    UpstreamBadResponse,
    UpstreamBadUrl,
    UpstreamClient,
    UpstreamDeadlineExceeded,
    UpstreamError,
    UpstreamMissing,
    UpstreamNotBillmanager,
    UpstreamOutcomeUnknown,
    UpstreamService,
    UpstreamTwoFactor,
    UpstreamUnreachable,
    normalise_url,
)
from pmenomssl.upstream import client as client_module
from pmenomssl.upstream.errors import UpstreamTransportError

NO_WAIT = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0)
OK = b"<doc><ok/></doc>"
URL = "https://up.example.com:1500"
ENDPOINT = "https://up.example.com:1500/billmgr"

Answer = Union[bytes, httpx.Response, BaseException]


class Upstream:
    """A scripted upstream: answers in turn (the last repeats); every form it was sent."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers) or [OK]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        # a client that never stops (paging, retrying) fails here rather than running forever
        assert len(self.requests) <= 20, "the client sent 20 requests"
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, BaseException):
            if isinstance(answer, httpx.RequestError):
                answer._request = request
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, content=answer)

    @property
    def forms(self) -> list[dict[str, str]]:
        return [dict(parse_qsl(r.content.decode(), keep_blank_values=True)) for r in self.requests]

    @property
    def funcs(self) -> list[str]:
        return [form["func"] for form in self.forms]

    def params(self, index: int = 0) -> dict[str, str]:
        """The form of one request without the four fields every request has."""
        form = dict(self.forms[index])
        for common in ("authinfo", "out", "lang", "func"):
            form.pop(common)
        return form


def client(upstream: Upstream, **kwargs: Any) -> UpstreamClient:
    kwargs.setdefault("retry", NO_WAIT)
    return UpstreamClient(
        URL, "reseller", "up-secret-pw-5531", transport=httpx.MockTransport(upstream), **kwargs
    )


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "monotonic", fake.monotonic)
    monkeypatch.setattr(time, "sleep", fake.sleep)
    return fake


# --- the URL ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "detail"),
    [
        ("ftp://h.example.com/billmgr", "'ftp://h.example.com/billmgr' is not a full https:// URL"),
        ("https:///billmgr", "'https:///billmgr' is not a full https:// URL"),
        ("https://h.example.com/a b", "'https://h.example.com/a b' is not a full https:// URL"),
        ("https://h.example.com/a\tb", "'https://h.example.com/a\\tb' is not a full https:// URL"),
        ("h.example.com", "'h.example.com' is not a full https:// URL"),
        (
            "http://h.example.com/billmgr",
            "'http://h.example.com/billmgr' uses plain http to a host that is not loopback",
        ),
        (
            "HTTP://10.0.0.1:1500",
            "'HTTP://10.0.0.1:1500' uses plain http to a host that is not loopback",
        ),
        (
            "https://h.example.com:99999/billmgr",
            "'https://h.example.com:99999/billmgr' is not a valid URL (Port out of range 0-65535)",
        ),
        ("https://[::1/billmgr", "'https://[::1/billmgr' is not a valid URL (Invalid IPv6 URL)"),
    ],
)
def test_an_unusable_url_is_refused_with_its_reason(typed: str, detail: str) -> None:
    with pytest.raises(UpstreamBadUrl) as caught:
        normalise_url(typed)
    if detail.endswith("https:// URL"):
        detail += " with a host name"
    assert caught.value.detail == detail


def test_a_url_with_a_user_and_password_is_refused_without_repeating_it() -> None:
    with pytest.raises(UpstreamBadUrl) as caught:
        normalise_url("https://admin:pw-in-url-8812@h.example.com/billmgr")
    assert caught.value.detail == (
        "The URL contains a user name or password (user:password@host): enter the URL without "
        "them, and the login and password in the module's username and password fields. The URL "
        "is not repeated here because it holds a password."
    )
    assert "pw-in-url-8812" not in caught.value.desc
    assert pmlog.redact("pw-in-url-8812") == "***"


def test_a_url_with_a_user_and_a_bad_port_names_the_credentials_not_the_port() -> None:
    with pytest.raises(UpstreamBadUrl) as caught:
        normalise_url("https://admin:pw-in-url-7713@h.example.com:99999/billmgr")
    assert "user:password@host" in caught.value.detail
    assert "pw-in-url-7713" not in caught.value.desc


@pytest.mark.parametrize(
    ("typed", "endpoint"),
    [
        ("HTTPS://H.example.com:1500/", "https://H.example.com:1500/billmgr"),
        ("http://LOCALHOST:8080", "http://LOCALHOST:8080/billmgr"),
        ("http://127.0.0.2/manager//", "http://127.0.0.2/manager/billmgr"),
        ("https://h.example.com/xbillmgr", "https://h.example.com/xbillmgr/billmgr"),
        ("https://h.example.com/boX/", "https://h.example.com/boX/billmgr"),
        ("https://h.example.com/billmgr/billmgr", "https://h.example.com/billmgr/billmgr"),
        ("https://h.example.com/billmgr/?a=1#b", "https://h.example.com/billmgr"),
        ("\thttps://h.example.com\n", "https://h.example.com/billmgr"),
    ],
)
def test_the_endpoint_of_a_usable_url(typed: str, endpoint: str) -> None:
    assert normalise_url(typed) == endpoint


def test_a_bad_url_is_refused_before_anything_is_sent() -> None:
    upstream = Upstream()
    with pytest.raises(UpstreamBadUrl):
        UpstreamClient(
            "http://up.example.com", "u", "pw-4471", transport=httpx.MockTransport(upstream)
        )
    assert upstream.requests == []


# --- what every request is ------------------------------------------------------------------


def test_every_call_is_a_form_post_with_authinfo_to_the_endpoint() -> None:
    upstream = Upstream(b'<doc><user balance="1.00" currency="RUB"/></doc>')
    with client(upstream, timeout=25.0) as c:
        c.balance()
    (request,) = upstream.requests
    assert request.method == "POST" and str(request.url) == ENDPOINT
    assert upstream.forms == [
        {"authinfo": "reseller:up-secret-pw-5531", "out": "xml", "lang": "en", "func": "whoami"}
    ]
    assert request.extensions["timeout"] == {
        "connect": 10.0,
        "read": 25.0,
        "write": 25.0,
        "pool": 10.0,
    }


def test_the_default_timeouts() -> None:
    upstream = Upstream(OK)
    with client(upstream) as c:
        c.delete("vds", "1")
    assert upstream.requests[0].extensions["timeout"] == {
        "connect": 10.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 10.0,
    }


def test_a_short_timeout_bounds_connecting_too() -> None:
    upstream = Upstream(OK)
    with client(upstream, timeout=4.0) as c:
        c.delete("vds", "1")
    assert upstream.requests[0].extensions["timeout"] == {
        "connect": 4.0,
        "read": 4.0,
        "write": 4.0,
        "pool": 4.0,
    }


def test_the_timeouts_are_capped_by_the_deadline(clock: Clock) -> None:
    upstream = Upstream(OK)
    with client(upstream, deadline=clock.now + 3.0) as c:
        c.delete("vds", "1")
    assert upstream.requests[0].extensions["timeout"] == {
        "connect": 3.0,
        "read": 3.0,
        "write": 3.0,
        "pool": 3.0,
    }


def test_the_password_and_the_authinfo_are_secrets_of_the_log() -> None:
    # fresh names: the secrets registry is the process's, and outlives a test
    user, password = f"user-{secrets.token_hex(6)}", f"pw-{secrets.token_hex(6)}"
    UpstreamClient("https://up.example.com", user, "p1").close()  # too short alone
    assert pmlog.redact(f"authinfo={user}:p1 sent") == "authinfo=*** sent"
    UpstreamClient("https://up.example.com", f"{user}-2", password).close()
    assert pmlog.redact(f"[{password}]") == "[***]"


def test_no_call_starts_after_the_deadline(clock: Clock) -> None:
    upstream = Upstream(OK)
    with client(upstream, deadline=clock.now) as c, pytest.raises(UpstreamDeadlineExceeded) as e:
        c.delete("vds", "1")
    assert upstream.requests == []
    assert e.value.func == "vds.delete"


def test_the_retry_policy_given_is_the_one_used() -> None:
    upstream = Upstream(httpx.Response(503))
    retry = RetryPolicy(attempts=2, wait_initial=0.0)
    with client(upstream, retry=retry) as c, pytest.raises(UpstreamBadResponse):
        c.balance()
    assert upstream.funcs == ["whoami", "whoami"]


def test_one_log_line_per_call(caplog: pytest.LogCaptureFixture) -> None:
    upstream = Upstream(httpx.Response(502), b"<doc><user balance='5'/></doc>")
    with caplog.at_level(logging.INFO, logger="pmenomssl.upstream.client"), client(upstream) as c:
        c.balance()
    lines = [r.getMessage() for r in caplog.records if r.name == "pmenomssl.upstream.client"]
    assert len(lines) == 1
    assert re.fullmatch(r"upstream whoami \(read\) \d+ms ok attempts=2", lines[0]), lines


def test_the_log_line_of_a_paid_call_that_failed(caplog: pytest.LogCaptureFixture) -> None:
    answer = b'<doc><error type="value" object="domain"><msg>bad</msg></error></doc>'
    upstream = Upstream(answer)
    with (
        caplog.at_level(logging.INFO, logger="pmenomssl.upstream.client"),
        client(upstream) as c,
        pytest.raises(UpstreamError),
    ):
        c.order("vds", {"pricelist": "21"})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "pmenomssl.upstream.client"]
    pattern = (
        r"upstream v2\.vds\.order\.param \(paid\) \d+ms"
        r" failed upstream_error \[value/domain\] attempts=1"
    )
    assert re.fullmatch(pattern, line), line


# --- the log line's outcome -------------------------------------------------------------------


def test_the_outcome_texts() -> None:
    outcome = client_module._outcome
    assert outcome(None, 1) == "ok attempts=1"
    shaped = UpstreamError("x", upstream_type="value", upstream_object="domain")
    assert outcome(shaped, 1) == "failed upstream_error [value/domain] attempts=1"
    typed = UpstreamAuthFailed("x", upstream_type="auth")
    assert outcome(typed, 2) == "failed upstream_auth [auth] attempts=2"
    only_object = UpstreamError("x", upstream_object="elid")
    assert outcome(only_object, 1) == "failed upstream_error [elid] attempts=1"
    assert outcome(UpstreamBadResponse("x"), 3) == "failed upstream_bad_response attempts=3"
    from pmenomssl.errors import ModuleError

    assert outcome(ModuleError("x", error_type="other"), 1) == "failed other attempts=1"


# --- HTTP answers that are not BILLmanager's API -----------------------------------------------


@pytest.mark.parametrize(
    ("response", "cls", "detail"),
    [
        (httpx.Response(500), UpstreamBadResponse, "HTTP 500 Internal Server Error"),
        (httpx.Response(503), UpstreamBadResponse, "HTTP 503 Service Unavailable"),
        (httpx.Response(499), UpstreamNotBillmanager, "HTTP 499 "),
        (httpx.Response(404), UpstreamNotBillmanager, "HTTP 404 Not Found"),
        (httpx.Response(400), UpstreamNotBillmanager, "HTTP 400 Bad Request"),
        (httpx.Response(204), UpstreamNotBillmanager, "HTTP 204 No Content"),
        (httpx.Response(300), UpstreamNotBillmanager, "HTTP 300 redirect"),
        (httpx.Response(399), UpstreamNotBillmanager, "HTTP 399 redirect"),
        (
            httpx.Response(302, headers={"Location": "https://up.example.com/login"}),
            UpstreamNotBillmanager,
            "HTTP 302 redirect to https://up.example.com/login",
        ),
    ],
)
def test_an_answer_that_is_not_the_apis(response: httpx.Response, cls: type, detail: str) -> None:
    upstream = Upstream(response)
    with client(upstream, retry=RetryPolicy(attempts=1)) as c, pytest.raises(UpstreamError) as e:
        c.balance()
    assert type(e.value) is cls
    assert e.value.detail == detail
    assert e.value.func == "whoami"


def test_a_redirects_location_is_redacted_and_cut() -> None:
    where = "https://up.example.com/login?authinfo=reseller:up-secret-pw-5531&x=" + "y" * 300
    upstream = Upstream(httpx.Response(301, headers={"Location": where}))
    with client(upstream) as c, pytest.raises(UpstreamNotBillmanager) as e:
        c.delete("vds", "1")
    shown = "https://up.example.com/login?authinfo=***&x=" + "y" * 300
    assert e.value.detail == "HTTP 301 redirect to " + shown[:200]
    assert upstream.funcs == ["vds.delete"]


# --- exchanges without an answer: the texts, and what is sent again ---------------------------


@pytest.mark.parametrize(
    ("error", "cls", "detail"),
    [
        (
            httpx.ConnectTimeout("timed out"),
            UpstreamUnreachable,
            "connecting timed out (timed out)",
        ),
        (
            httpx.ConnectError("[Errno 111] Connection refused"),
            UpstreamUnreachable,
            "[Errno 111] Connection refused",
        ),
        (
            httpx.ReadError("[Errno 104] Connection reset by peer"),
            UpstreamBadResponse,
            "the connection broke after the request was sent ([Errno 104] Connection reset by "
            "peer)",
        ),
        (
            httpx.DecodingError("bad gzip"),
            UpstreamBadResponse,
            "the connection broke after the request was sent (bad gzip)",
        ),
        (httpx.ReadTimeout("timed out"), UpstreamBadResponse, "no answer within 12.5 s"),
    ],
)
def test_the_texts_of_an_exchange_without_an_answer(
    error: httpx.RequestError, cls: type, detail: str
) -> None:
    upstream = Upstream(error)
    with (
        client(upstream, timeout=12.5, retry=RetryPolicy(attempts=1)) as c,
        pytest.raises(UpstreamTransportError) as e,
    ):
        c.balance()
    assert type(e.value) is cls
    assert e.value.detail == detail and e.value.func == "whoami"


def test_a_read_timeout_cut_by_the_deadline_names_the_time_left(clock: Clock) -> None:
    upstream = Upstream(httpx.ReadTimeout("timed out"))
    with (
        client(upstream, timeout=30.0, deadline=clock.now + 1.23456) as c,
        pytest.raises(UpstreamBadResponse) as e,
    ):
        c.balance()
    assert e.value.detail == "no answer within 1.23 s"


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadError("reset"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("server disconnected"),
        httpx.WriteError("broken pipe"),
    ],
)
def test_a_paid_order_that_may_have_left_is_sent_once(error: httpx.RequestError) -> None:
    upstream = Upstream(error, b"<doc><id>9</id></doc>")
    with client(upstream) as c, pytest.raises(UpstreamOutcomeUnknown) as e:
        c.order("vds", {"pricelist": "21", "remoteid": "42"})
    assert upstream.funcs == ["v2.vds.order.param"]
    assert isinstance(e.value.cause, UpstreamBadResponse)


def test_a_paid_order_that_never_left_is_sent_again() -> None:
    upstream = Upstream(httpx.ConnectError("refused"), b"<doc><id>9</id></doc>")
    with client(upstream) as c:
        assert c.order("vds", {"pricelist": "21"}) == "9"
    assert upstream.funcs == ["v2.vds.order.param"] * 2


def test_a_500_to_a_prolong_is_outcome_unknown_and_not_repeated() -> None:
    upstream = Upstream(httpx.Response(500), b"<doc/>")
    with client(upstream) as c, pytest.raises(UpstreamOutcomeUnknown):
        c.prolong("101", 12)
    assert upstream.funcs == ["service.prolong"]


# --- balance ---------------------------------------------------------------------------------


def test_the_balance_from_whoami() -> None:
    upstream = Upstream(b'<doc><user name="u"/><user balance="12 345,67" currency="EUR"/></doc>')
    with client(upstream) as c:
        assert c.balance() == Balance(Decimal("12345.67"), "EUR")
    assert upstream.funcs == ["whoami"]


def test_a_balance_without_currency() -> None:
    with client(Upstream(b'<doc><user balance="7"/></doc>')) as c:
        assert c.balance() == Balance(Decimal("7"), "")


def test_a_bad_amount_from_whoami() -> None:
    upstream = Upstream(b'<doc><user balance="lots"/></doc>')
    with client(upstream) as c, pytest.raises(UpstreamBadResponse) as e:
        c.balance()
    assert e.value.detail == "'lots' is not an amount" and e.value.func == "whoami"


DASHBOARD = b"<doc><balance currency='USD'> 300,00 </balance><currency> RUB </currency></doc>"


@pytest.mark.parametrize(
    "whoami",
    [
        b"<doc><user name='u'/></doc>",
        b'<doc><error type="missing" object="func"><msg>no</msg></error></doc>',
        b'<doc><error type="missing" object="elid"><msg>no</msg></error></doc>',
        b'<doc><error type="value" object="x"><msg>no</msg></error></doc>',
    ],
)
def test_the_balance_falls_back_to_the_dashboard(whoami: bytes) -> None:
    upstream = Upstream(whoami, DASHBOARD)
    with client(upstream) as c:
        assert c.balance() == Balance(Decimal("300.00"), "RUB")
    assert upstream.funcs == ["whoami", "dashboard.info"]


@pytest.mark.parametrize(
    ("dashboard", "balance"),
    [
        (b"<doc><balance currency='USD'>1</balance></doc>", Balance(Decimal("1"), "USD")),
        (b"<doc><balance>1</balance><currency/></doc>", Balance(Decimal("1"), "")),
        (b"<doc><a><balance>2</balance></a><b><currency>EUR</currency></b></doc>", None),
    ],
)
def test_the_dashboards_currency(dashboard: bytes, balance: Balance | None) -> None:
    upstream = Upstream(b"<doc/>", dashboard)
    with client(upstream) as c:
        assert c.balance() == (balance or Balance(Decimal("2"), "EUR"))


def test_a_dashboard_without_a_balance() -> None:
    upstream = Upstream(b"<doc/>", b"<doc><currency>RUB</currency></doc>")
    with client(upstream) as c, pytest.raises(UpstreamBadResponse) as e:
        c.balance()
    assert e.value.detail == "neither whoami nor dashboard.info shows the account balance"
    assert e.value.func == "dashboard.info"


def test_a_dashboard_balance_that_is_empty_is_not_an_amount() -> None:
    upstream = Upstream(b"<doc/>", b"<doc><balance/></doc>")
    with client(upstream) as c, pytest.raises(UpstreamBadResponse) as e:
        c.balance()
    assert e.value.detail == "'' is not an amount" and e.value.func == "dashboard.info"


@pytest.mark.parametrize(
    ("answer", "cls"),
    [
        (b'<doc><error type="auth" object="badpassword"><msg>no</msg></error></doc>', "auth"),
        (b'<doc><error type="auth" object="totp"><msg>no</msg></error></doc>', "two"),
        (b'<doc><error type="access" object=""><msg>no</msg></error></doc>', "access"),
        (httpx.Response(503), "bad"),
    ],
)
def test_errors_that_name_a_cause_do_not_fall_back(answer: Answer, cls: str) -> None:
    upstream = Upstream(answer, DASHBOARD)
    with client(upstream, retry=RetryPolicy(attempts=1)) as c, pytest.raises(UpstreamError) as e:
        c.balance()
    assert upstream.funcs == ["whoami"] and e.value.func == "whoami"
    assert (
        type(e.value).__name__
        == {
            "auth": "UpstreamAuthFailed",
            "two": "UpstreamTwoFactor",
            "access": "UpstreamAccessDenied",
            "bad": "UpstreamBadResponse",
        }[cls]
    )


# --- lists, page by page ----------------------------------------------------------------------


def _page(*ids: int, total: int | None = None) -> bytes:
    rows = "".join(f"<elem><id>{i}</id><name>s{i}</name><status>2</status></elem>" for i in ids)
    count = f"<p_elems>{total}</p_elems>" if total is not None else ""
    return f"<doc>{rows}{count}</doc>".encode()


def test_services_are_read_page_by_page_until_a_short_page() -> None:
    upstream = Upstream(_page(1, 2), _page(3, 4), _page(5))
    with client(upstream, page_size=2) as c:
        services = c.services("vds")
    assert [s.id for s in services] == ["1", "2", "3", "4", "5"]
    assert services[4] == UpstreamService(
        id="5",
        itemtype="vds",
        name="s5",
        status=2,
        expiredate=None,
        period=None,
        remoteid="",
        pricelist="",
    )
    assert upstream.funcs == ["vds"] * 3
    assert [upstream.params(n) for n in range(3)] == [
        {"p_cnt": "2", "p_num": "1"},
        {"p_cnt": "2", "p_num": "2"},
        {"p_cnt": "2", "p_num": "3"},
    ]


def test_a_full_page_that_reaches_p_elems_is_the_last() -> None:
    upstream = Upstream(_page(1, 2, total=4), _page(3, 4, total=4), _page(5))
    with client(upstream, page_size=2) as c:
        assert [s.id for s in c.services("soft")] == ["1", "2", "3", "4"]
    assert len(upstream.requests) == 2


def test_a_full_page_short_of_p_elems_is_followed() -> None:
    upstream = Upstream(_page(1, 2, total=5), _page(3, 4, total=5), _page(5, total=5))
    with client(upstream, page_size=2) as c:
        assert [s.id for s in c.services("soft")] == ["1", "2", "3", "4", "5"]


def test_a_longer_page_than_asked_is_everything() -> None:
    upstream = Upstream(_page(1, 2, 3))
    with client(upstream, page_size=2) as c:
        assert [s.id for s in c.services("vds")] == ["1", "2", "3"]
    assert len(upstream.requests) == 1


def test_an_empty_list() -> None:
    upstream = Upstream(b"<doc/>")
    with client(upstream) as c:
        assert c.services("dedic") == []
    assert upstream.params() == {"p_cnt": "200", "p_num": "1"}


def test_a_page_size_below_one_is_one() -> None:
    upstream = Upstream(b"<doc/>")
    with client(upstream, page_size=0) as c:
        c.services("vds")
    assert upstream.params() == {"p_cnt": "1", "p_num": "1"}


def test_a_repeated_page_is_refused_rather_than_hiding_a_service() -> None:
    upstream = Upstream(_page(1, 2), _page(1, 2))
    with client(upstream, page_size=2) as c, pytest.raises(UpstreamBadResponse) as e:
        c.services("vds")
    assert e.value.detail == "page 2 repeated services already listed (p_num ignored?)"
    assert e.value.func == "vds"


def test_rows_seen_on_an_earlier_page_are_listed_once() -> None:
    upstream = Upstream(_page(1, 2), _page(2, 3), _page())
    with client(upstream, page_size=2) as c:
        assert [s.id for s in c.services("vds")] == ["1", "2", "3"]


def test_a_bad_row_names_the_list_function() -> None:
    upstream = Upstream(b"<doc><elem><name>no id</name></elem></doc>")
    with client(upstream) as c, pytest.raises(UpstreamBadResponse) as e:
        c.services("soft")
    assert e.value.detail == "a service row has no <id>" and e.value.func == "soft"


def test_a_bad_p_elems() -> None:
    upstream = Upstream(b"<doc><elem><id>1</id></elem><p_elems>many</p_elems></doc>")
    with client(upstream, page_size=1) as c, pytest.raises(UpstreamBadResponse) as e:
        c.services("vds")
    assert e.value.detail == "p_elems 'many' is not a whole number" and e.value.func == "vds"


def test_find_service_stops_at_the_page_that_has_it() -> None:
    upstream = Upstream(_page(1, 2), _page(3, 4), _page(5))
    with client(upstream, page_size=2) as c:
        found = c.find_service("vds", "3")
    assert found is not None and found.name == "s3"
    assert len(upstream.requests) == 2


def test_find_service_of_an_unknown_id() -> None:
    upstream = Upstream(_page(1, 2), _page(3))
    with client(upstream, page_size=2) as c:
        assert c.find_service("vds", "9") is None
    assert len(upstream.requests) == 2


def test_a_bare_ok_to_a_list_is_two_factor() -> None:
    upstream = Upstream(OK)
    with client(upstream) as c, pytest.raises(UpstreamTwoFactor) as e:
        c.services("vds")
    assert e.value.detail == "a data call answered <ok/> without data (two-factor authentication?)"
    assert e.value.func == "vds"
    assert upstream.funcs == ["vds"]


def test_a_bare_ok_to_a_write_is_its_success() -> None:
    upstream = Upstream(OK)
    with client(upstream) as c:
        c.suspend("vds", "7")


# --- the other functions: the form each sends ---------------------------------------------------


def test_tariffs_of_a_type() -> None:
    upstream = Upstream(
        b"<doc><list><elem><id>21</id><title>T</title></elem></list><elem><id>x</id></elem></doc>"
    )
    with client(upstream) as c:
        assert [t.id for t in c.tariffs("certificate")] == ["21"]
    assert upstream.funcs == ["certificate.order.pricelist"] and upstream.params() == {}


def test_a_bad_tariff_row_names_the_catalogue_function() -> None:
    upstream = Upstream(b"<doc><list><elem><title>no id</title></elem></list></doc>")
    with client(upstream) as c, pytest.raises(UpstreamBadResponse) as e:
        c.tariffs("vds")
    assert e.value.detail == "a tariff row has no <id>"
    assert e.value.func == "v2.vds.order.pricelist"


def test_a_bad_order_form_names_the_order_function() -> None:
    upstream = Upstream(b"<doc><addon_7 cost='much'>1</addon_7></doc>")
    with client(upstream) as c, pytest.raises(UpstreamBadResponse) as e:
        c.order_form("soft", "31")
    assert e.value.detail == "'much' is not an amount"
    assert e.value.func == "soft.order.param"


def test_the_order_form_of_a_tariff() -> None:
    upstream = Upstream(b"<doc><period>12</period><addon_5>1</addon_5></doc>")
    with client(upstream) as c:
        form = c.order_form("vhost", "31")
    assert form.pricelist == "31" and form.fields == {"period": "12", "addon_5": "1"}
    assert upstream.funcs == ["v2.vhost.order.param"]
    assert upstream.params() == {"pricelist": "31"}


@pytest.mark.parametrize(
    ("itemtype", "func", "autoprolong"),
    [("vds", "v2.vds.order.param", "off"), ("certificate", "certificate.order.param", "null")],
)
def test_an_order_pays_at_once_with_upstream_renewal_off(
    itemtype: str, func: str, autoprolong: str
) -> None:
    upstream = Upstream(b"<doc><id> 106 </id></doc>")
    with client(upstream) as c:
        assert c.order(itemtype, {"pricelist": "21", "autoprolong": "on", "sok": ""}) == "106"
    assert upstream.funcs == [func]
    assert upstream.params() == {
        "pricelist": "21",
        "autoprolong": autoprolong,
        "clicked_button": "finish",
        "skipbasket": "on",
        "sok": "ok",
    }


@pytest.mark.parametrize(
    "answer", [b"<doc/>", b"<doc><id> </id></doc>", b"<doc><x><id>5</id></x></doc>"]
)
def test_an_order_answered_without_an_id_is_outcome_unknown(answer: bytes) -> None:
    upstream = Upstream(answer, b"<doc><id>7</id></doc>")
    with client(upstream) as c, pytest.raises(UpstreamOutcomeUnknown) as e:
        c.order("vds", {"pricelist": "21"})
    assert upstream.funcs == ["v2.vds.order.param"]
    assert e.value.func == "v2.vds.order.param"
    assert isinstance(e.value.cause, UpstreamBadResponse)
    assert e.value.cause.detail == "the reply has no <id> of the new service"
    assert e.value.cause.func == "v2.vds.order.param"


def test_prolong() -> None:
    upstream = Upstream(
        b"<doc><expiredate>2026-12-04</expiredate><doc><newexpiredate>2028-11-22</newexpiredate>"
        b"</doc></doc>"
    )
    with client(upstream) as c:
        assert c.prolong("101", 12) == date(2028, 11, 22)
    assert upstream.funcs == ["service.prolong"]
    assert upstream.params() == {"elid": "101", "period": "12", "skipbasket": "on", "sok": "ok"}


def test_prolong_answered_with_a_bad_date() -> None:
    upstream = Upstream(b"<doc><doc><newexpiredate>soon</newexpiredate></doc></doc>")
    with client(upstream) as c, pytest.raises(UpstreamBadResponse) as e:
        c.prolong("101", 1)
    assert e.value.detail == "'soon' is not a date" and e.value.func == "service.prolong"


def test_prolong_without_the_new_expiry() -> None:
    with client(Upstream(b"<doc><expiredate>2026-12-04</expiredate></doc>")) as c:
        assert c.prolong("101", 1) is None


def test_change_pricelist() -> None:
    upstream = Upstream(OK)
    with client(upstream) as c:
        c.change_pricelist("101", "22", 3)
    assert upstream.funcs == ["service.changepricelist"]
    assert upstream.params() == {
        "elid": "101",
        "pricelist": "22",
        "period": "3",
        "skipbasket": "on",
        "sok": "ok",
    }


def test_service_fields_are_the_leaves_of_the_edit_form() -> None:
    upstream = Upstream(
        b"<doc><elid>101</elid><!-- a comment --><name> n </name><empty/>"
        b"<slist name='os'><val key='1'>Debian</val></slist><ok/></doc>"
    )
    with client(upstream) as c:
        assert c.service_fields("vds", "101") == {"elid": "101", "name": "n", "empty": "", "ok": ""}
    assert upstream.funcs == ["vds.edit"] and upstream.params() == {"elid": "101"}


def test_edit_pays_at_once_and_names_the_service() -> None:
    upstream = Upstream(OK)
    with client(upstream) as c:
        c.edit("vds", "101", {"addon_211": "8", "elid": "999", "skipbasket": "off"})
    assert upstream.funcs == ["vds.edit"]
    assert upstream.params() == {"addon_211": "8", "elid": "101", "skipbasket": "on", "sok": "ok"}


@pytest.mark.parametrize("action", ["delete", "suspend", "resume"])
def test_the_service_actions(action: str) -> None:
    upstream = Upstream(OK)
    with client(upstream) as c:
        assert getattr(c, action)("soft", "55") is None
    assert upstream.funcs == [f"soft.{action}"]
    assert upstream.params() == {"elid": "55", "sok": "ok"}


def test_set_remoteid() -> None:
    upstream = Upstream(OK)
    with client(upstream) as c:
        c.set_remoteid("102", "47")
    assert upstream.funcs == ["item.setremoteid"]
    assert upstream.params() == {"elid": "102", "value": "47", "sok": "ok"}


def test_certificate_files() -> None:
    upstream = Upstream(b"<doc><crt>\n-----BEGIN CERTIFICATE-----\nA\n</crt><csr> R </csr></doc>")
    with client(upstream) as c:
        files = c.certificate_files("501")
    assert files == CertificateFiles(crt="-----BEGIN CERTIFICATE-----\nA\n", csr="R\n")
    assert upstream.funcs == ["certificate.file"] and upstream.params() == {"elid": "501"}


@pytest.mark.parametrize("answer", [b"<doc><crt> </crt></doc>", b"<doc><csr>R</csr></doc>"])
def test_certificate_files_before_the_certificate(answer: bytes) -> None:
    with client(Upstream(answer)) as c, pytest.raises(UpstreamMissing) as e:
        c.certificate_files("501")
    assert e.value.detail == "the reply has no certificate yet"
    assert e.value.func == "certificate.file"


def test_call_any_function_raw() -> None:
    upstream = Upstream(b"<doc><x>1</x></doc>")
    with client(upstream) as c:
        root = c.call("pricelist.export", elid="3")
    assert root.findtext("x") == "1"
    assert upstream.funcs == ["pricelist.export"] and upstream.params() == {"elid": "3"}


@pytest.mark.parametrize("itemtype", ["domain", "VDS", "vds ", ""])
def test_an_unknown_item_type_is_refused_before_any_call(itemtype: str) -> None:
    upstream = Upstream()
    with client(upstream) as c, pytest.raises(ValueError) as e:
        c.delete(itemtype, "1")
    assert str(e.value) == (
        f"unknown item type {itemtype!r}; one of certificate, soft, vhost, vds, dedic"
    )
    assert upstream.requests == []
