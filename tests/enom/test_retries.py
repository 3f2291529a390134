"""Retry policy: reads are repeated, paid/state-changing commands only when never sent."""

from __future__ import annotations

import time

import httpx
import pytest

from pmenomssl.enom import (
    TEST_URL,
    EnomClient,
    EnomConnectError,
    EnomDeadlineExceededError,
    EnomMalformedResponseError,
    EnomOutcomeUnknownError,
    EnomReadTimeoutError,
    EnomTransportError,
    Timeouts,
)
from pmenomssl.enom.commands import COMMANDS
from pmenomssl.transport.calls import CallClass, RetryPolicy
from tests.enom.conftest import FAST_RETRY, Loopback, loopback_client, reset_after_request, respond

BALANCE = b"""<?xml version="1.0"?><interface-response><Balance>10.00</Balance>
<AvailableBalance>9.00</AvailableBalance><ErrCount>0</ErrCount><Done>true</Done>
<TrackingKey>k-1</TrackingKey></interface-response>"""
PURCHASED = b"""<interface-response><CertID>726340</CertID><OrderID>267562071</OrderID>
<ErrCount>0</ErrCount><Done>true</Done></interface-response>"""
SHORT = Timeouts(connect=1.0, read=0.3, purchase_read=0.3)


def test_read_is_retried_after_a_read_timeout(loopback: Loopback) -> None:
    loopback.script = [respond(BALANCE, delay=0.8), respond(BALANCE)]
    with loopback_client(loopback, timeouts=SHORT) as client:
        assert client.get_balance().available == 9
    assert loopback.commands() == ["GetBalance", "GetBalance"]


def test_purchase_is_not_repeated_after_a_read_timeout(loopback: Loopback) -> None:
    loopback.script = [respond(PURCHASED, delay=0.8), respond(PURCHASED)]
    with (
        loopback_client(loopback, timeouts=SHORT) as client,
        pytest.raises(EnomOutcomeUnknownError) as caught,
    ):
        client.purchase_services("certificate-rapidssl-rapidssl")
    assert loopback.commands() == ["PurchaseServices"]
    assert isinstance(caught.value.cause, EnomReadTimeoutError)
    assert "NOT repeated" in caught.value.desc


def test_submit_is_not_repeated_after_the_connection_dropped(loopback: Loopback) -> None:
    loopback.script = [reset_after_request(), respond(b"")]
    with loopback_client(loopback) as client, pytest.raises(EnomOutcomeUnknownError) as caught:
        client.purchase_cert("48455", approver_email="admin@example.com")
    assert loopback.commands() == ["CertPurchaseCert"]
    assert type(caught.value.cause) is EnomTransportError
    assert "CertGetCertDetail" in caught.value.desc


def test_read_is_retried_after_the_connection_dropped(loopback: Loopback) -> None:
    loopback.script = [reset_after_request(), respond(BALANCE)]
    with loopback_client(loopback) as client:
        assert client.get_balance().balance == 10
    assert loopback.commands() == ["GetBalance", "GetBalance"]


def test_reads_give_up_after_the_bounded_attempts(loopback: Loopback) -> None:
    loopback.script = [respond(b"<html>busy</html>", status=503)]
    with loopback_client(loopback) as client, pytest.raises(EnomMalformedResponseError):
        client.get_balance()
    assert len(loopback.requests) == FAST_RETRY.attempts


def test_a_policy_of_one_attempt_sends_one_request(loopback: Loopback) -> None:
    # attempts=1 means no retry even for a read (tests/mutation: `max(1, …)` -> `max(2, …)`).
    loopback.script = [reset_after_request(), respond(BALANCE)]
    with (
        loopback_client(loopback, retry=RetryPolicy(attempts=1)) as client,
        pytest.raises(EnomTransportError),
    ):
        client.get_balance()
    assert loopback.commands() == ["GetBalance"]


def _connect_error_then(body: bytes, calls: list[str]) -> httpx.MockTransport:
    """The network is what is faked here: the first connection attempt fails."""

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.content.decode())
        if len(calls) == 1:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return httpx.Response(200, content=body)

    return httpx.MockTransport(handler)


def test_read_is_retried_after_a_connect_error() -> None:
    calls: list[str] = []
    transport = _connect_error_then(BALANCE, calls)
    with EnomClient(TEST_URL, "u", "pw-x", transport=transport, retry=FAST_RETRY) as client:
        assert client.get_balance().balance == 10
    assert len(calls) == 2


def test_purchase_is_retried_after_a_connect_error_only() -> None:
    calls: list[str] = []
    transport = _connect_error_then(PURCHASED, calls)
    with EnomClient(TEST_URL, "u", "pw-x", transport=transport, retry=FAST_RETRY) as client:
        assert client.purchase_services("certificate-rapidssl-rapidssl").cert_id == "726340"
    assert len(calls) == 2


def test_connect_errors_on_a_write_give_up_as_connect_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    transport = httpx.MockTransport(handler)
    with (
        EnomClient(TEST_URL, "u", "pw-x", transport=transport, retry=FAST_RETRY) as client,
        pytest.raises(EnomConnectError) as caught,
    ):
        client.modify_order("48455")
    assert caught.value.reason == "timeout"
    assert "Nothing was sent" in caught.value.desc


def test_no_call_starts_after_the_deadline(loopback: Loopback) -> None:
    loopback.script = [respond(BALANCE)]
    with (
        loopback_client(loopback, deadline=time.monotonic() - 1) as client,
        pytest.raises(EnomDeadlineExceededError),
    ):
        client.get_balance()
    assert loopback.requests == []


def test_no_retry_starts_after_the_deadline(loopback: Loopback) -> None:
    loopback.script = [respond(b"<html/>", status=500)]
    retry = RetryPolicy(attempts=10, wait_initial=1.0, wait_max=1.0)
    started = time.monotonic()
    with (
        loopback_client(loopback, retry=retry, deadline=started + 1.5) as client,
        pytest.raises(EnomMalformedResponseError),
    ):
        client.get_balance()
    # Without the deadline, 10 attempts 1 s apart would take 9 s; with it, the attempts at 0 s
    # and 1 s (a loaded machine may not reach the second before 1.5 s: then one).
    assert 1 <= len(loopback.requests) <= 2
    assert time.monotonic() - started < 6, "retries went on past the deadline"


def test_write_commands_use_the_purchase_read_timeout(loopback: Loopback) -> None:
    loopback.script = [respond(PURCHASED, delay=0.5)]
    timeouts = Timeouts(connect=1.0, read=0.2, purchase_read=2.0)
    with loopback_client(loopback, timeouts=timeouts) as client:
        assert client.purchase_services("certificate-rapidssl-rapidssl").order_id == "267562071"


def test_the_command_table_lists_every_command_the_client_sends() -> None:
    import inspect

    from pmenomssl.enom import client as client_module

    source = inspect.getsource(client_module.EnomClient)
    sent = {name for name in COMMANDS if f'"{name}"' in source}
    assert sent == set(COMMANDS)
    assert {n for n, k in COMMANDS.items() if k is CallClass.PAID} == {"PurchaseServices"}
    assert {n for n, k in COMMANDS.items() if k is CallClass.READ} == {
        "GetBalance",
        "GetCerts",
        "CertGetApproverEmail",
        "CertGetCertDetail",
        "CertGetCerts",
        "CertParseCSR",
        "GetOrderDetail",
    }


def test_requests_are_form_posts_with_credentials_in_the_body(loopback: Loopback) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=BALANCE)

    with EnomClient(TEST_URL, "me", "s3cret+&=", transport=httpx.MockTransport(handler)) as c:
        c.get_balance()
    (request,) = seen
    assert request.method == "POST"
    assert request.url == TEST_URL and not request.url.query
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"uid=me&pw=s3cret%2B%26%3D&command=GetBalance&ResponseType=XML"


def test_the_password_is_registered_as_a_log_secret() -> None:
    from pmenomssl import log as pmlog

    EnomClient(TEST_URL, "me", "a-unique-password-4711").close()
    assert "a-unique-password-4711" not in pmlog.redact("sent a-unique-password-4711 to ENOM")
