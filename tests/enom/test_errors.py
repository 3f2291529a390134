"""Every error class: the answers that produce it, what it keeps, and that it says what to do."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from pmenomssl.enom import (
    TEST_URL,
    EnomApiError,
    EnomAuthError,
    EnomClient,
    EnomConnectError,
    EnomDeadlineExceededError,
    EnomError,
    EnomInsufficientFundsError,
    EnomInvalidCsrError,
    EnomIpNotAllowedError,
    EnomMalformedResponseError,
    EnomNotFoundError,
    EnomOutcomeUnknownError,
    EnomPaymentDeclinedError,
    EnomPaymentError,
    EnomPaymentNotTakenError,
    EnomReadTimeoutError,
    EnomTransportError,
)
from pmenomssl.enom.errors import error_class, ip_from_messages
from pmenomssl.errors import ModuleError
from pmenomssl.transport.calls import RetryPolicy
from tests.enom import vcr_setup

replay_only = pytest.mark.skipif(vcr_setup.LIVE, reason="error shapes cannot be re-recorded")


@replay_only
def test_bad_credentials(replay: Any) -> None:
    with (
        replay("error_bad_credentials") as (client, cassette),
        pytest.raises(EnomAuthError) as caught,
    ):
        client.get_balance()
    error = caught.value
    assert cassette.play_count == 1  # an API error is an answer: never retried
    assert error.error_type == "invalid_login_or_passwd"
    assert error.command == "GetBalance"
    assert error.messages == ("Bad User name or Password", "Validation error; invalid ; loginid")
    assert error.response_numbers == ("304155",)
    assert "Bad User name or Password" in error.desc
    assert "separate" in error.desc and "resellertest.enom.com" in error.desc
    assert vcr_setup.REPLAY_PW not in error.desc


@replay_only
def test_ip_not_allowed_keeps_the_ip_and_says_where_to_allow_it(replay: Any) -> None:
    with (
        replay("error_ip_not_allowed") as (client, _),
        pytest.raises(EnomIpNotAllowedError) as caught,
    ):
        client.get_balance()
    error = caught.value
    assert error.error_type == "enom_ip_not_allowed"
    assert error.ip == "203.0.113.7"
    assert error.response_numbers == ("713254",)
    assert error.tracking_key == "0d8f2b8e-6c1e-4f3a-9a57-3b1c2e7d9f40"
    assert "Add the IP address 203.0.113.7" in error.desc
    assert "allow-list" in error.desc and "reseller-testaccount" in error.desc
    assert "0d8f2b8e-6c1e-4f3a-9a57-3b1c2e7d9f40" in error.desc


@replay_only
def test_insufficient_funds(replay: Any) -> None:
    with (
        replay("error_insufficient_funds") as (client, cassette),
        pytest.raises(EnomInsufficientFundsError) as caught,
    ):
        client.purchase_services("certificate-rapidssl-rapidssl")
    assert cassette.play_count == 1
    assert caught.value.error_type == "enom_insufficient_funds"
    assert caught.value.response_numbers == ("524181",)
    assert "Add funds" in caught.value.desc and "Nothing was charged" in caught.value.desc


@replay_only
@pytest.mark.parametrize(
    ("cassette", "expected", "number", "advice"),
    [
        ("error_payment_declined", EnomPaymentDeclinedError, "514181", "does not fix"),
        ("error_payment_not_taken", EnomPaymentNotTakenError, "519181", "order list"),
    ],
)
def test_payment_errors_by_code_are_not_insufficient_funds(
    replay: Any, cassette: str, expected: type[EnomError], number: str, advice: str
) -> None:
    """ENOM's 5xxxxx codes: only 24 means "add funds" (issue 12 §6)."""
    with (
        replay(cassette) as (client, played),
        pytest.raises(EnomError) as caught,
    ):
        client.purchase_services("certificate-rapidssl-rapidssl")
    assert played.play_count == 1
    assert type(caught.value) is expected
    assert caught.value.response_numbers == (number,)
    assert "Add funds" not in caught.value.desc and advice in caught.value.desc


@replay_only
def test_lower_case_purchase_answer(replay: Any) -> None:
    with replay("PurchaseServices_lower") as (client, played):
        bought = client.purchase_services("certificate-rapidssl-rapidssl")
    assert played.play_count == 1
    assert (bought.cert_id, bought.order_id) == ("726340", "267562071")


@replay_only
def test_invalid_csr_gathers_every_error_text(replay: Any) -> None:
    bad = "-----BEGIN CERTIFICATE REQUEST-----\nnot a csr\n-----END CERTIFICATE REQUEST-----\n"
    with replay("error_invalid_csr") as (client, _), pytest.raises(EnomInvalidCsrError) as caught:
        client.parse_csr("726347", bad)
    error = caught.value
    assert error.error_type == "enom_invalid_csr"
    assert error.messages[:2] == (
        "500 - Unable to parse CSR.",
        "Unable to retrieve CSR information",
    )
    assert error.response_numbers == ("620397",)
    assert "Generate a new CSR" in error.desc


@replay_only
def test_html_500_page_is_malformed_and_a_read_is_retried(replay: Any) -> None:
    with (
        replay("error_html_500", repeats=True) as (client, cassette),
        pytest.raises(EnomMalformedResponseError) as caught,
    ):
        client.get_balance()
    assert cassette.play_count == 3  # RetryPolicy(attempts=3)
    assert caught.value.error_type == "enom_bad_response"
    assert "HTTP 500" in caught.value.desc and "Internal server error" in caught.value.desc
    assert "check the API URL" in caught.value.desc


@replay_only
def test_truncated_body_is_malformed(replay: Any) -> None:
    with (
        replay("error_truncated", repeats=True) as (client, cassette),
        pytest.raises(EnomMalformedResponseError) as caught,
    ):
        client.get_cert_detail("726347")
    assert cassette.play_count == 3
    assert "cut off" in caught.value.desc


@replay_only
def test_done_missing_on_a_purchase_is_outcome_unknown_and_not_repeated(replay: Any) -> None:
    with (
        replay("error_done_missing", repeats=True) as (client, cassette),
        pytest.raises(EnomOutcomeUnknownError) as caught,
    ):
        client.purchase_services("certificate-rapidssl-rapidssl")
    assert cassette.play_count == 1
    error = caught.value
    assert error.error_type == "enom_outcome_unknown"
    assert isinstance(error.cause, EnomMalformedResponseError)
    assert "NOT repeated" in error.desc and "before ordering again" in error.desc


# --- classification rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "numbers", "expected"),
    [
        (["Bad User name or Password"], [], EnomAuthError),
        ([], ["304155"], EnomAuthError),
        (["User not permitted from this IP address - 198.51.100.4"], [], EnomIpNotAllowedError),
        (["whatever"], ["713254"], EnomIpNotAllowedError),
        (["Insufficient funds"], [], EnomInsufficientFundsError),
        (["Your balance is too low"], [], EnomInsufficientFundsError),
        (["x"], ["324181"], EnomInsufficientFundsError),  # error bits 24
        # payment errors by ENOM's code (system 5; error digits 24, 14, 19), issue 12 §6
        (["x"], ["524181"], EnomInsufficientFundsError),
        (["x"], ["514181"], EnomPaymentDeclinedError),
        (["x"], ["519181"], EnomPaymentNotTakenError),
        (["x"], ["521183"], EnomPaymentError),  # another payment error: not "add funds"
        (["Insufficient funds"], ["514181"], EnomPaymentDeclinedError),  # the code decides
        (["Invalid balance type"], ["304181"], EnomApiError),  # "balance" alone is not funds
        (["Insufficient funds"], ["304181"], EnomApiError),  # a number says it is not payment
        (["500 - Unable to parse CSR."], [], EnomInvalidCsrError),
        (["x"], ["620397"], EnomInvalidCsrError),
        (["Order does not exist or does not belong to customer"], [], EnomNotFoundError),
        (["x"], ["316397"], EnomNotFoundError),  # error bits 16: not found
        (["Domain name not active"], ["316154"], EnomNotFoundError),
        (["Invalid telephone number format."], ["304145"], EnomApiError),
        (["Failure connecting to GeoTrust API"], [], EnomApiError),
    ],
)
def test_error_class(messages: list[str], numbers: list[str], expected: type[EnomError]) -> None:
    assert error_class(messages, numbers) is expected


def test_ip_from_messages_v4_and_v6() -> None:
    assert ip_from_messages(["User not permitted from this IP address - 203.0.113.9. See"]) == (
        "203.0.113.9"
    )
    assert ip_from_messages(["not permitted from this IP address - 2001:db8::7"]) == "2001:db8::7"
    assert ip_from_messages(["not permitted from this IP address - unknown"]) == ""


ALL_ERRORS: list[EnomError] = [
    EnomApiError(command="X", messages=["m"]),
    EnomAuthError(command="X"),
    EnomIpNotAllowedError(
        command="X", messages=["User not permitted from this IP address - 203.0.113.1"]
    ),
    EnomInsufficientFundsError(command="X"),
    EnomPaymentDeclinedError(command="X"),
    EnomPaymentNotTakenError(command="X"),
    EnomPaymentError(command="X"),
    EnomInvalidCsrError(command="X"),
    EnomNotFoundError(command="X"),
    EnomTransportError("broken", command="X"),
    EnomConnectError("refused", command="X", reason="refused"),
    EnomReadTimeoutError(command="X"),
    EnomDeadlineExceededError(command="X"),
    EnomMalformedResponseError("html", command="X"),
    EnomOutcomeUnknownError(
        EnomReadTimeoutError(command="PurchaseServices"), command="PurchaseServices"
    ),
]


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda e: type(e).__name__)
def test_every_error_is_a_module_error_that_says_what_to_do(error: EnomError) -> None:
    assert isinstance(error, ModuleError)
    assert error.error_type and error.error_type == type(error).error_type
    assert error.desc.startswith("ENOM X: ") or error.desc.startswith("ENOM PurchaseServices: ")
    action = error.desc.split(". ", 1)[1].lower()
    assert any(
        verb in action
        for verb in ("check", "add ", "correct", "generate", "repeated", "nothing was sent")
    ), error.desc
    assert str(error) == error.desc


def test_error_types_are_the_documented_small_set() -> None:
    assert {type(e).error_type for e in ALL_ERRORS} == {
        "enom_api_error",
        "invalid_login_or_passwd",
        "enom_ip_not_allowed",
        "enom_insufficient_funds",
        "enom_payment_declined",
        "enom_payment_not_taken",
        "enom_payment_error",
        "enom_invalid_csr",
        "enom_not_found",
        "enom_unreachable",
        "enom_bad_response",
        "enom_outcome_unknown",
    }


# --- transport errors over real sockets ----------------------------------------------------

ONCE = RetryPolicy(attempts=1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused() -> None:
    with (
        EnomClient(f"http://127.0.0.1:{_free_port()}/interface.asp", "u", "p", retry=ONCE) as c,
        pytest.raises(EnomConnectError) as caught,
    ):
        c.get_balance()
    assert caught.value.reason == "refused"
    assert "request was not sent" in caught.value.desc and "refused" in caught.value.desc


def test_dns_failure() -> None:
    with (
        EnomClient("https://enom.invalid/interface.asp", "u", "p", retry=ONCE) as c,
        pytest.raises(EnomConnectError) as caught,
    ):
        c.get_balance()
    assert caught.value.reason == "dns"
    assert "DNS" in caught.value.desc


@pytest.fixture
def plain_tcp_port() -> Iterator[int]:
    """A loopback server that answers TLS with plain HTTP, so the handshake fails."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    server.close()


def test_tls_handshake_failure(plain_tcp_port: int) -> None:
    with (
        EnomClient(f"https://127.0.0.1:{plain_tcp_port}/interface.asp", "u", "p", retry=ONCE) as c,
        pytest.raises(EnomConnectError) as caught,
    ):
        c.get_balance()
    assert caught.value.reason == "tls"
    assert "TLS handshake failed" in caught.value.desc


@pytest.mark.parametrize(
    "url",
    ["http://reseller.enom.com/interface.asp", "ftp://x/y", "interface.asp", "http://10.0.0.1/x"],
)
def test_insecure_or_bad_url_is_refused(url: str) -> None:
    with pytest.raises(EnomError) as caught:
        EnomClient(url, "u", "p")
    assert "must be https://" in caught.value.desc or "not valid" in caught.value.desc


def test_https_and_loopback_http_are_accepted() -> None:
    for url in (TEST_URL, "http://127.0.0.1:8080/interface.asp"):
        client = EnomClient(url, "u", "p")
        try:
            assert client.url == url  # kept as given: the calls go where the module says
        finally:
            client.close()
