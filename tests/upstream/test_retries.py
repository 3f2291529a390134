"""Retry policy over real loopback HTTP: reads are repeated; writes and paid calls only when the
request certainly never left, else UpstreamOutcomeUnknown after exactly one send."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from pmenomssl import log as pmlog
from pmenomssl.transport.calls import CallClass, RetryPolicy
from pmenomssl.upstream import (
    UpstreamBadResponse,
    UpstreamClient,
    UpstreamDeadlineExceeded,
    UpstreamOutcomeUnknown,
    UpstreamUnreachable,
)
from pmenomssl.upstream.functions import FUNCTIONS, call_class
from tests.upstream.conftest import (
    FAST_RETRY,
    Loopback,
    drop_after_request,
    hang,
    loopback_client,
    respond,
)

WHOAMI = b'<doc><user name="u" level="customer" balance="10,00" currency="RUB"/></doc>'
ORDERED = b"<doc><id>777</id></doc>"
OK = b"<doc><ok/></doc>"
ORDER = {"pricelist": "21", "order_period": "1", "remoteid": "42"}


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def test_a_paid_order_whose_connection_drops_is_sent_exactly_once(loopback: Loopback) -> None:
    loopback.script = [drop_after_request(), respond(ORDERED)]
    with loopback_client(loopback) as client, pytest.raises(UpstreamOutcomeUnknown) as caught:
        client.order("vds", ORDER)
    assert loopback.funcs() == ["v2.vds.order.param"]
    assert loopback.requests[0]["sok"] == "ok" and loopback.requests[0]["remoteid"] == "42"
    assert caught.value.error_type == "upstream_outcome_unknown"
    assert isinstance(caught.value.cause, UpstreamBadResponse)
    assert "NOT repeated" in caught.value.desc


def test_a_prolong_that_times_out_is_sent_exactly_once(
    loopback: Loopback, release: threading.Event
) -> None:
    loopback.script = [hang(release), respond(b"<doc><expiredate>2030-01-01</expiredate></doc>")]
    with loopback_client(loopback, timeout=0.3) as client, pytest.raises(UpstreamOutcomeUnknown):
        client.prolong("101", 12)
    assert loopback.funcs() == ["service.prolong"]


@pytest.mark.parametrize(
    ("call", "func"),
    [
        (lambda c: c.edit("vds", "101", {"addon_211": "8"}), "vds.edit"),
        (lambda c: c.delete("vds", "101"), "vds.delete"),
        (lambda c: c.suspend("vds", "101"), "vds.suspend"),
        (lambda c: c.set_remoteid("101", "42"), "item.setremoteid"),
    ],
)
def test_writes_whose_connection_drops_are_not_repeated(
    loopback: Loopback, call: object, func: str
) -> None:
    loopback.script = [drop_after_request(), respond(OK)]
    with loopback_client(loopback) as client, pytest.raises(UpstreamOutcomeUnknown):
        call(client)  # type: ignore[operator]
    assert loopback.funcs() == [func]


def test_a_read_whose_connection_drops_is_retried(loopback: Loopback) -> None:
    loopback.script = [drop_after_request(), respond(WHOAMI)]
    with loopback_client(loopback) as client:
        assert client.balance().amount == 10
    assert loopback.funcs() == ["whoami", "whoami"]


def test_the_edit_form_read_is_retried_but_the_edit_is_not(loopback: Loopback) -> None:
    loopback.script = [drop_after_request(), respond(b"<doc><elid>101</elid></doc>")]
    with loopback_client(loopback) as client:
        assert client.service_fields("vds", "101") == {"elid": "101"}
    assert loopback.funcs() == ["vds.edit", "vds.edit"]
    assert all("sok" not in r for r in loopback.requests)


def test_a_read_that_times_out_is_retried(loopback: Loopback, release: threading.Event) -> None:
    loopback.script = [hang(release), respond(WHOAMI)]
    with loopback_client(loopback, timeout=0.3) as client:
        assert client.balance().currency == "RUB"
    assert loopback.funcs() == ["whoami", "whoami"]


def test_reads_give_up_after_the_bounded_attempts(loopback: Loopback) -> None:
    loopback.script = [respond(b"<html>busy</html>", status=503)]
    with loopback_client(loopback) as client, pytest.raises(UpstreamBadResponse):
        client.balance()
    assert len(loopback.requests) == FAST_RETRY.attempts


def _connect_error_then(body: bytes, sent: list[bytes]) -> httpx.MockTransport:
    """The network is what is faked here: the first connection attempt is refused."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        if len(sent) == 1:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return httpx.Response(200, content=body)

    return httpx.MockTransport(handler)


def test_a_paid_order_is_retried_after_a_connect_error() -> None:
    sent: list[bytes] = []
    transport = _connect_error_then(ORDERED, sent)
    with UpstreamClient(
        "https://up.example.com", "u", "pw-x1", transport=transport, retry=FAST_RETRY
    ) as client:
        assert client.order("vds", ORDER) == "777"
    assert len(sent) == 2


def test_connect_errors_give_up_as_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    with (
        UpstreamClient(
            "https://up.example.com",
            "u",
            "pw-x2",
            transport=httpx.MockTransport(handler),
            retry=FAST_RETRY,
        ) as client,
        pytest.raises(UpstreamUnreachable) as caught,
    ):
        client.delete("vds", "1")
    assert type(caught.value) is UpstreamUnreachable
    assert "Name or service not known" in caught.value.desc
    assert "Nothing was done upstream" in caught.value.desc


def test_a_refused_port_on_loopback_is_unreachable() -> None:
    with (
        UpstreamClient(
            "http://127.0.0.1:9/billmgr", "u", "pw-x3", retry=FAST_RETRY, timeout=1
        ) as client,
        pytest.raises(UpstreamUnreachable),
    ):
        client.balance()


def test_no_call_starts_after_the_deadline(loopback: Loopback) -> None:
    loopback.script = [respond(WHOAMI)]
    with (
        loopback_client(loopback, deadline=time.monotonic() - 1) as client,
        pytest.raises(UpstreamDeadlineExceeded) as caught,
    ):
        client.balance()
    assert loopback.requests == []
    assert caught.value.error_type == "upstream_unreachable"


def test_the_timeout_is_capped_by_the_deadline(
    loopback: Loopback, release: threading.Event
) -> None:
    loopback.script = [hang(release)]
    started = time.monotonic()
    with (
        loopback_client(
            loopback, timeout=30, deadline=started + 1.0, retry=RetryPolicy(attempts=1)
        ) as client,
        pytest.raises(UpstreamBadResponse) as caught,
    ):
        client.balance()
    # the 30 s timeout was cut to what was left of the deadline (a second, or a little less)
    assert time.monotonic() - started < 15, "the call waited for its own 30 s timeout"
    assert re.search(r"no answer within (1\.0|0\.\d)", caught.value.desc), caught.value.desc


def test_requests_are_form_posts_with_authinfo_in_the_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=WHOAMI)

    transport = httpx.MockTransport(handler)
    with UpstreamClient("https://up.example.com:1500", "me", "s3cret+&=", transport=transport) as c:
        c.balance()
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == "https://up.example.com:1500/billmgr" and not request.url.query
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"authinfo=me%3As3cret%2B%26%3D&out=xml&lang=en&func=whoami"


def test_one_log_line_per_call_without_the_password(
    loopback: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    loopback.script = [drop_after_request(), respond(WHOAMI)]
    with (
        caplog.at_level(logging.INFO, logger="pmenomssl.upstream"),
        loopback_client(loopback) as client,
    ):
        client.balance()
    lines = [r.getMessage() for r in caplog.records if r.name == "pmenomssl.upstream.client"]
    assert len(lines) == 1
    assert lines[0].startswith("upstream whoami (read) ")
    assert lines[0].endswith("ms ok attempts=2")
    assert all("loop-secret-pw" not in line for line in lines)


def test_the_password_is_registered_as_a_log_secret() -> None:
    UpstreamClient("https://up.example.com", "me", "a-unique-password-4712").close()
    assert "a-unique-password-4712" not in pmlog.redact("authinfo=me:a-unique-password-4712")


def test_the_function_table() -> None:
    assert call_class("whoami", {}) is CallClass.READ
    assert call_class("vds", {"p_num": "2"}) is CallClass.READ
    assert call_class("vds.edit", {"elid": "1"}) is CallClass.READ
    # Raising an addon charges: the edit with sok is paid (never retried after it may have left).
    assert call_class("vds.edit", {"elid": "1", "sok": "ok"}) is CallClass.PAID
    assert call_class("service.changepricelist", {"sok": "ok"}) is CallClass.PAID
    assert call_class("v2.vds.order.param", {}) is CallClass.READ
    assert call_class("v2.vds.order.param", {"sok": "ok"}) is CallClass.PAID
    assert call_class("certificate.order.param", {"sok": "ok"}) is CallClass.PAID
    assert call_class("service.prolong", {}) is CallClass.PAID
    assert call_class("no.such.func", {}) is CallClass.PAID  # unknown: the safe side
    paid = {f for f, kinds in FUNCTIONS.items() if CallClass.PAID in kinds}
    assert paid == {
        "service.prolong",
        "service.changepricelist",
        "certificate.order.param",
        "soft.order.param",
        *(f"v2.{t}.order.param" for t in ("vhost", "vds", "dedic")),
        *(f"{t}.edit" for t in ("certificate", "soft", "vhost", "vds", "dedic")),
    }


def test_every_function_the_client_sends_is_in_the_table() -> None:
    import inspect

    from pmenomssl.upstream import client as client_module
    from pmenomssl.upstream import functions

    source = inspect.getsource(client_module.UpstreamClient)
    named = {
        getattr(functions, n)
        for n in dir(functions)
        if n.endswith("_FUNC") and f"functions.{n}" in source
    }
    assert named and named <= set(FUNCTIONS)
    for action in ("edit", "delete", "suspend", "resume"):
        assert all(f"{t}.{action}" in FUNCTIONS for t in functions.ITEMTYPES)
